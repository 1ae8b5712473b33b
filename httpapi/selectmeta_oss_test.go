package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"io"
	"net/http"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The CSV and JSON objects of the Aliyun SDKs' own select-meta tests.
const (
	metaCSVObject = "name,school,company,age\n" +
		"Lora Francis,School,Staples Inc,27\n" +
		"#Lora Francis,School,Staples Inc,27\n" +
		"Eleanor Little,School,\"Conectiv, Inc\",43\n" +
		"Rosie Hughes,School,Western Gas Resources Inc,44\n" +
		"Lawrence Ross,School,MetLife Inc.,24\n"
	metaJSONObject = `{"name":"Lora Francis","age":27}` + "\n" +
		`{"name":"Eleanor Little","age":43}` + "\n" +
		`{"name":"Rosie Hughes","age":44}` + "\n" +
		`{"name":"Lawrence Ross","age":24}` + "\n"
)

// TestOSSSelectMetaV1 drives CreateSelectObjectMeta and ranged
// SelectObject through aliyun-oss-go-sdk.
func TestOSSSelectMetaV1(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("selmeta"))
	b, err := c.Bucket("selmeta")
	require.NoError(t, err)
	require.NoError(t, b.PutObject("p.csv", strings.NewReader(metaCSVObject)))
	require.NoError(t, b.PutObject("p.jsonl", strings.NewReader(metaJSONObject)))

	selectCSV := func(rng, split string) (string, error) {
		req := oss1.SelectRequest{Expression: "select * from ossobject"}
		in := &req.InputSerializationSelect.CsvBodyInput
		in.FileHeaderInfo, in.CommentCharacter, in.Range, in.SplitRange = "Ignore", "#", rng, split
		keep := true
		req.OutputSerializationSelect.KeepAllColumns = &keep
		body, err := b.SelectObject("p.csv", req)
		if err != nil {
			return "", err
		}
		defer body.Close()
		out, err := io.ReadAll(body)
		return string(out), err
	}

	// Before the meta exists a range cannot be served.
	_, err = selectCSV("1-3", "")
	wantOSS(t, err, http.StatusBadRequest, "SelectCsvMetaUnavailable", "")

	meta, err := b.CreateSelectCsvObjectMeta("p.csv", oss1.CsvMetaRequest{})
	require.NoError(t, err)
	assert.Equal(t, int32(http.StatusOK), meta.Status)
	assert.Equal(t, int64(6), meta.RowsCount) // the header and the comment line count
	assert.Equal(t, int32(4), meta.ColumnsCount)
	assert.Equal(t, int32(1), meta.SplitsCount)
	assert.Equal(t, int64(len(metaCSVObject)), meta.TotalScanned)

	out, err := selectCSV("1-3", "")
	require.NoError(t, err)
	assert.Equal(t, "Lora Francis,School,Staples Inc,27\nEleanor Little,School,\"Conectiv, Inc\",43\n", out)
	out, err = selectCSV("", "0-0")
	require.NoError(t, err)
	assert.Equal(t, metaCSVObject[strings.IndexByte(metaCSVObject, '\n')+1:strings.Index(metaCSVObject, "#")]+
		metaCSVObject[strings.Index(metaCSVObject, "Eleanor"):], out)
	_, err = selectCSV("6-10", "")
	wantOSS(t, err, http.StatusBadRequest, "InvalidRange", "")
	_, err = selectCSV("", "1-1")
	wantOSS(t, err, http.StatusBadRequest, "InvalidRange", "")

	// A new body makes the meta stale: ranges are refused again.
	require.NoError(t, b.PutObject("p.csv", strings.NewReader(metaCSVObject+"Nora Cannon,School,Reader's Digest,30\n")))
	_, err = selectCSV("1-3", "")
	wantOSS(t, err, http.StatusBadRequest, "SelectCsvMetaUnavailable", "")

	jm, err := b.CreateSelectJsonObjectMeta("p.jsonl", oss1.JsonMetaRequest{
		InputSerialization: oss1.InputSerialization{JSON: oss1.JSON{JSONType: "LINES"}}})
	require.NoError(t, err)
	assert.Equal(t, int64(4), jm.RowsCount)
	assert.Equal(t, int32(1), jm.SplitsCount)

	req := oss1.SelectRequest{Expression: "select s.name from ossobject s where s.age > 40"}
	req.InputSerializationSelect.JsonBodyInput.JSONType = "LINES"
	req.InputSerializationSelect.JsonBodyInput.Range = "2-3"
	body, err := b.SelectObject("p.jsonl", req)
	require.NoError(t, err)
	res, err := io.ReadAll(body)
	require.NoError(t, err)
	body.Close()
	assert.Equal(t, `{"name":"Rosie Hughes"}`+"\n", string(res))

	// An object that is not valid CSV has no meta.
	require.NoError(t, b.PutObject("bad.csv", strings.NewReader("name,age\n\",,,44\nx,1\n")))
	_, err = b.CreateSelectCsvObjectMeta("bad.csv", oss1.CsvMetaRequest{})
	require.Error(t, err)
	e, isOSS := ossError(err)
	require.True(t, isOSS, "%v", err)
	assert.Equal(t, http.StatusBadRequest, e.status)
}

// TestOSSSelectMetaV2 drives CreateSelectObjectMeta through
// alibabacloud-oss-go-sdk-v2: a stored meta is returned as is unless
// OverwriteIfExists, and the meta needs write permission.
func TestOSSSelectMetaV2(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	ctx := context.Background()
	_, err := c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: oss2.Ptr("selmeta2")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("selmeta2"), Key: oss2.Ptr("p.csv"),
		Body: strings.NewReader(metaCSVObject)})
	require.NoError(t, err)
	create := func(overwrite bool) *oss2.CreateSelectObjectMetaResult {
		res, err := c.CreateSelectObjectMeta(ctx, &oss2.CreateSelectObjectMetaRequest{
			Bucket: oss2.Ptr("selmeta2"), Key: oss2.Ptr("p.csv"),
			MetaRequest: &oss2.CsvMetaRequest{
				InputSerialization: &oss2.InputSerialization{CSV: &oss2.InputSerializationCSV{RecordDelimiter: oss2.Ptr("\n")}},
				OverwriteIfExists:  oss2.Ptr(overwrite),
			},
		})
		require.NoError(t, err)
		return res
	}
	first := create(false)
	assert.Equal(t, http.StatusOK, first.MetaStatus)
	assert.Equal(t, int64(6), first.RowsCount)
	assert.Equal(t, int32(4), first.ColumnsCount)
	assert.Equal(t, int32(1), first.SplitsCount)
	again := create(false)
	assert.Equal(t, first.RowsCount, again.RowsCount)
	assert.Equal(t, first.SplitsCount, again.SplitsCount)
	assert.Equal(t, int64(6), create(true).RowsCount)

	sel, err := c.SelectObject(ctx, &oss2.SelectObjectRequest{Bucket: oss2.Ptr("selmeta2"), Key: oss2.Ptr("p.csv"),
		SelectRequest: &oss2.SelectRequest{
			Expression: oss2.Ptr("select _1 from ossobject"),
			InputSerializationSelect: oss2.InputSerializationSelect{CsvBodyInput: &oss2.CSVSelectInput{
				FileHeaderInfo: oss2.Ptr("Use"), CommentCharacter: oss2.Ptr("#"), Range: oss2.Ptr("4-5")}},
		}})
	require.NoError(t, err)
	out, err := io.ReadAll(sel.Body)
	require.NoError(t, err)
	sel.Body.Close()
	assert.Equal(t, "Rosie Hughes\nLawrence Ross\n", string(out))

	// Anonymous callers may read a public-read object but not analyse it.
	_, err = c.PutObjectAcl(ctx, &oss2.PutObjectAclRequest{Bucket: oss2.Ptr("selmeta2"), Key: oss2.Ptr("p.csv"), Acl: oss2.ObjectACLPublicRead})
	require.NoError(t, err)
	// (An anonymous request names OSS by its host.)
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/p.csv?x-oss-process=csv%2Fmeta", strings.NewReader("<CsvMetaRequest/>"))
	require.NoError(t, err)
	req.Host = "selmeta2.oss-cn-hangzhou.aliyuncs.com"
	resp, err := f.httpClient().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	// A GET of the object itself is allowed.
	req, err = http.NewRequest(http.MethodGet, f.srv.URL+"/p.csv", nil)
	require.NoError(t, err)
	req.Host = "selmeta2.oss-cn-hangzhou.aliyuncs.com"
	resp, err = f.httpClient().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

// TestOSSSelectContinuousFrames: a long scan that finds nothing sends
// Continuous frames (type 8388612) before its End frame, and the SDK
// reads through them.
func TestOSSSelectContinuousFrames(t *testing.T) {
	if testing.Short() {
		t.Skip("scans 40 MiB")
	}
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("selcont"))
	b, err := c.Bucket("selcont")
	require.NoError(t, err)
	require.NoError(t, b.PutObject("big.csv", strings.NewReader(strings.Repeat("1,2\n", 10<<20))))

	body := `<SelectRequest><Expression>` + base64.StdEncoding.EncodeToString([]byte("select _1 from ossobject where _2 = '3'")) +
		`</Expression><InputSerialization><CSV/></InputSerialization><OutputSerialization><CSV/></OutputSerialization></SelectRequest>`
	resp, err := b.DoPostSelectObject("big.csv", map[string]interface{}{"x-oss-process": "csv/select"}, bytes.NewBufferString(body))
	require.NoError(t, err)
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	var types []uint32
	for len(raw) >= 16 {
		typ := binary.BigEndian.Uint32(raw) & 0xffffff
		n := binary.BigEndian.Uint32(raw[4:])
		types = append(types, typ)
		raw = raw[16+n:]
	}
	require.Empty(t, raw)
	require.GreaterOrEqual(t, len(types), 2)
	assert.Equal(t, uint32(8388612), types[0])
	assert.Equal(t, uint32(8388613), types[len(types)-1])

	req := oss1.SelectRequest{Expression: "select _1 from ossobject where _2 = '3'"}
	rd, err := b.SelectObject("big.csv", req)
	require.NoError(t, err)
	out, err := io.ReadAll(rd)
	require.NoError(t, err)
	rd.Close()
	assert.Empty(t, out)
}

// TestOSSSelectJSONNumbersAsString: ParseJsonNumberAsString keeps
// numbers exact; CAST still compares them (the SDKs' own test).
func TestOSSSelectJSONNumbersAsString(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("selnum"))
	b, err := c.Bucket("selnum")
	require.NoError(t, err)
	data := `{"name":"Eleanor Little","age":43,"id":123456789012345678901}` + "\n" + `{"name":"Lawrence Ross","age":24,"id":2}` + "\n"
	require.NoError(t, b.PutObject("n.jsonl", strings.NewReader(data)))
	yes := true
	req := oss1.SelectRequest{Expression: "select * from ossobject as s where cast(s.age as int) > 40"}
	req.InputSerializationSelect.JsonBodyInput.JSONType = "LINES"
	req.InputSerializationSelect.JsonBodyInput.ParseJSONNumberAsString = &yes
	body, err := b.SelectObject("n.jsonl", req)
	require.NoError(t, err)
	out, err := io.ReadAll(body)
	require.NoError(t, err)
	body.Close()
	assert.Equal(t, `{"name":"Eleanor Little","age":43,"id":123456789012345678901}`+"\n", string(out))
}

// TestOSSSelectByteLimits: OSS's limits on a CSV row (256 KB) and a JSON
// node (512 KB), with OSS's codes.
func TestOSSSelectByteLimits(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("sellim"))
	b, err := c.Bucket("sellim")
	require.NoError(t, err)
	require.NoError(t, b.PutObject("long.csv", strings.NewReader("a,"+strings.Repeat("x", 300<<10)+"\n")))
	require.NoError(t, b.PutObject("ok.csv", strings.NewReader("a,"+strings.Repeat("x", 200<<10)+"\n")))
	require.NoError(t, b.PutObject("big.jsonl", strings.NewReader(`{"a":"`+strings.Repeat("x", 600<<10)+`"}`+"\n")))
	run := func(key string, json bool) error {
		req := oss1.SelectRequest{Expression: "select count(*) from ossobject"}
		if json {
			req.InputSerializationSelect.JsonBodyInput.JSONType = "LINES"
		}
		body, err := b.SelectObject(key, req)
		if err != nil {
			return err
		}
		defer body.Close()
		_, err = io.ReadAll(body)
		return err
	}
	require.NoError(t, run("ok.csv", false))
	e, isOSS := ossError(run("long.csv", false))
	require.True(t, isOSS)
	assert.Equal(t, "InvalidCsvLine", e.code)
	e, isOSS = ossError(run("big.jsonl", true))
	require.True(t, isOSS)
	assert.Equal(t, "JsonNodeExceedsMaxSize", e.code)
}
