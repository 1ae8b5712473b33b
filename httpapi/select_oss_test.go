package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOSSSelectObject drives SelectObject through aliyun-oss-go-sdk's
// bucket.SelectObject (framed responses, payload CRCs, raw output).
func TestOSSSelectObject(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("sel"))
	b, err := c.Bucket("sel")
	require.NoError(t, err)
	csvData := "name,city,amount\nalice,paris,700\nbob,rome,300\ncarol,oslo,900\n"
	require.NoError(t, b.PutObject("people.csv", strings.NewReader(csvData)))
	require.NoError(t, b.PutObject("people.jsonl", strings.NewReader(`{"name":"alice","n":1}`+"\n"+`{"name":"bob","n":5}`+"\n")))

	run := func(key string, req oss1.SelectRequest) (string, *oss1.SelectObjectResponse, error) {
		body, err := b.SelectObject(key, req)
		if err != nil {
			return "", nil, err
		}
		defer body.Close()
		out, err := io.ReadAll(body)
		resp, _ := body.(*oss1.SelectObjectResponse)
		return string(out), resp, err
	}
	yes := true

	t.Run("CSV", func(t *testing.T) {
		req := oss1.SelectRequest{Expression: "select name, city from ossobject where cast(amount as int) > 500"}
		req.InputSerializationSelect.CsvBodyInput.FileHeaderInfo = "Use"
		req.OutputSerializationSelect.EnablePayloadCrc = &yes
		out, resp, err := run("people.csv", req)
		require.NoError(t, err)
		assert.Equal(t, "alice,paris\ncarol,oslo\n", out)
		assert.Equal(t, http.StatusPartialContent, resp.StatusCode)
		assert.Equal(t, "false", resp.Headers.Get("x-oss-select-output-raw"))
		assert.Equal(t, int32(http.StatusPartialContent), resp.Frame.EndFrame.HTTPStatusCode)
		assert.Equal(t, int64(len(csvData)), resp.Frame.EndFrame.TotalScanned)
	})
	t.Run("JSONLines", func(t *testing.T) {
		req := oss1.SelectRequest{Expression: "select s.name from ossobject s where s.n > 2"}
		req.InputSerializationSelect.JsonBodyInput.JSONType = "LINES"
		out, _, err := run("people.jsonl", req)
		require.NoError(t, err)
		assert.Equal(t, `{"name":"bob"}`+"\n", out)
	})
	t.Run("Raw", func(t *testing.T) {
		req := oss1.SelectRequest{Expression: "select count(*) from ossobject"}
		req.OutputSerializationSelect.OutputRawData = &yes
		out, resp, err := run("people.csv", req)
		require.NoError(t, err)
		assert.Equal(t, "4\n", out)
		assert.Equal(t, "true", resp.Headers.Get("x-oss-select-output-raw"))
	})
	t.Run("BadSQL", func(t *testing.T) {
		_, _, err := run("people.csv", oss1.SelectRequest{Expression: "select from where"})
		e, isOSS := ossError(err)
		require.True(t, isOSS, "%v", err)
		assert.Equal(t, http.StatusBadRequest, e.status)
		assert.Equal(t, "SqlSyntaxError", e.code)
	})
	t.Run("ErrorInEndFrame", func(t *testing.T) {
		// The cast fails after a first output chunk was sent; OSS skips
		// such records up to MaxSkippedRecordsAllowed (0), then fails:
		// the end frame carries the error.
		require.NoError(t, b.PutObject("cast.csv", strings.NewReader(strings.Repeat("1\n", 40<<10)+"x\n")))
		out, resp, err := run("cast.csv", oss1.SelectRequest{Expression: "select cast(_1 as int) from ossobject"})
		require.NoError(t, err)
		assert.NotEmpty(t, out)
		assert.Equal(t, int32(http.StatusBadRequest), resp.Frame.EndFrame.HTTPStatusCode)
		assert.True(t, strings.HasPrefix(resp.Frame.EndFrame.ErrorMsg, "InvalidCsvLine."), resp.Frame.EndFrame.ErrorMsg)
	})
	t.Run("MaxSkipped", func(t *testing.T) {
		req := oss1.SelectRequest{Expression: "select cast(_1 as int) from ossobject"}
		req.SelectOptions.MaxSkippedRecordsAllowed = "1"
		out, resp, err := run("cast.csv", req)
		require.NoError(t, err)
		assert.Equal(t, strings.Repeat("1\n", 40<<10), out)
		assert.Equal(t, int32(http.StatusPartialContent), resp.Frame.EndFrame.HTTPStatusCode)
	})
}
