package httpapi_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

// TestOSSUserDefinedLogFields: Put/Get/DeleteUserDefinedLogFieldsConfig
// through alibabacloud-oss-go-sdk-v2 with OSS's checks, and each request
// to the bucket then carries the named headers and parameters in its
// record's user_defined_log_fields (base64 JSON), credentials redacted,
// cut at 1,024 bytes.
func TestOSSUserDefinedLogFields(t *testing.T) {
	var mu sync.Mutex
	fields := map[string]string{} // request ID -> user_defined_log_fields
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithObserver(func(r httpapi.Record) {
		mu.Lock()
		defer mu.Unlock()
		fields[r.RequestID] = r.UserDefinedLogFields
	})}})
	c := f.ossV2(testAK, testSK)
	const bk = "log-fields"
	v2Bucket(t, c, bk)
	b := oss2.Ptr(bk)
	put := func(bucket *string, headers, params []string) error {
		cfg := &oss2.UserDefinedLogFieldsConfiguration{}
		if headers != nil {
			cfg.HeaderSet = &oss2.LoggingHeaderSet{Headers: headers}
		}
		if params != nil {
			cfg.ParamSet = &oss2.LoggingParamSet{Parameters: params}
		}
		_, err := c.PutUserDefinedLogFieldsConfig(bg, &oss2.PutUserDefinedLogFieldsConfigRequest{Bucket: bucket, UserDefinedLogFieldsConfiguration: cfg})
		return err
	}
	_, err := c.GetUserDefinedLogFieldsConfig(bg, &oss2.GetUserDefinedLogFieldsConfigRequest{Bucket: b})
	wantOSS(t, err, 404, "NoSuchUserDefinedLogFieldsConfig", "")

	wantOSS(t, put(b, nil, nil), 400, "InvalidArgument", "0046-00000003")
	wantOSS(t, put(b, []string{}, []string{}), 400, "InvalidArgument", "0046-00000003")
	wantOSS(t, put(b, []string{"a", "b", "c", "d"}, []string{"e", "f", "g"}), 400, "InvalidArgument", "0046-00000004")
	wantOSS(t, put(b, []string{"x_y"}, nil), 400, "InvalidArgument", "")
	wantOSS(t, put(b, []string{"x:y"}, nil), 400, "InvalidArgument", "")
	wantOSS(t, put(b, []string{"caf\u00e9"}, nil), 400, "InvalidArgument", "")
	wantOSS(t, put(oss2.Ptr("no-such-bucket"), []string{"a"}, nil), 404, "NoSuchBucket", "0015-00000101")
	_, err = c.GetUserDefinedLogFieldsConfig(bg, &oss2.GetUserDefinedLogFieldsConfigRequest{Bucket: b})
	wantOSS(t, err, 404, "NoSuchUserDefinedLogFieldsConfig", "") // nothing stored by the refusals

	ok(t, put(b, []string{"X-Trace", "Authorization", "x-oss-meta-big"}, []string{"user_id", "empty"}))
	got, err := c.GetUserDefinedLogFieldsConfig(bg, &oss2.GetUserDefinedLogFieldsConfigRequest{Bucket: b})
	ok(t, err)
	require.Equal(t, []string{"X-Trace", "Authorization", "x-oss-meta-big"}, got.UserDefinedLogFieldsConfiguration.HeaderSet.Headers)
	require.Equal(t, []string{"user_id", "empty"}, got.UserDefinedLogFieldsConfiguration.ParamSet.Parameters)

	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: b, Key: oss2.Ptr("k"), Body: strings.NewReader("body")})
	ok(t, err)
	// record waits for the request's record: the observer hears of a
	// request once its answer is out.
	record := func(requestID string) (enc string) {
		t.Helper()
		require.Eventually(t, func() bool {
			mu.Lock()
			defer mu.Unlock()
			var seen bool
			enc, seen = fields[requestID]
			return seen
		}, 5*time.Second, time.Millisecond, "no record of request %s", requestID)
		return enc
	}
	decode := func(requestID string) (v struct {
		Truncated bool              `json:"truncated"`
		Headers   map[string]string `json:"headers"`
		Querys    map[string]string `json:"querys"`
	}) {
		t.Helper()
		enc := record(requestID)
		require.NotEmpty(t, enc)
		raw, err := base64.StdEncoding.DecodeString(enc)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, &v))
		return v
	}
	res, err := c.GetObject(bg, &oss2.GetObjectRequest{Bucket: b, Key: oss2.Ptr("k"), RequestCommon: oss2.RequestCommon{
		Headers:    map[string]string{"x-trace": "abc-123"},
		Parameters: map[string]string{"user_id": "42", "other": "no", "empty": ""},
	}})
	ok(t, err)
	res.Body.Close()
	v := decode(res.Headers.Get("X-Oss-Request-Id"))
	require.False(t, v.Truncated)
	require.Equal(t, "abc-123", v.Headers["X-Trace"])
	require.Equal(t, map[string]string{"user_id": "42", "empty": ""}, v.Querys)
	auth, logged := v.Headers["Authorization"]
	require.True(t, logged)
	require.True(t, strings.HasPrefix(auth, "OSS4-HMAC-SHA256 "), auth)
	require.True(t, strings.HasSuffix(auth, "Signature=REDACTED"), "the signature is never logged: %s", auth)

	// Names and values past 1,024 bytes are cut.
	res2, err := c.GetObjectMeta(bg, &oss2.GetObjectMetaRequest{Bucket: b, Key: oss2.Ptr("k"), RequestCommon: oss2.RequestCommon{
		Headers:    map[string]string{"x-trace": strings.Repeat("t", 2000)},
		Parameters: map[string]string{"user_id": "7"},
	}})
	ok(t, err)
	v = decode(res2.Headers.Get("X-Oss-Request-Id"))
	require.True(t, v.Truncated)
	n := 0
	for k, x := range v.Headers {
		n += len(k) + len(x)
	}
	require.Equal(t, 1024, n, "the cut value fills the budget")
	require.Empty(t, v.Querys, "nothing after the cut")

	res3, err := c.DeleteUserDefinedLogFieldsConfig(bg, &oss2.DeleteUserDefinedLogFieldsConfigRequest{Bucket: b})
	ok(t, err)
	require.Equal(t, 204, res3.StatusCode)
	_, err = c.GetUserDefinedLogFieldsConfig(bg, &oss2.GetUserDefinedLogFieldsConfigRequest{Bucket: b})
	wantOSS(t, err, 404, "NoSuchUserDefinedLogFieldsConfig", "")
	res4, err := c.GetObjectMeta(bg, &oss2.GetObjectMetaRequest{Bucket: b, Key: oss2.Ptr("k"), RequestCommon: oss2.RequestCommon{
		Headers: map[string]string{"x-trace": "gone"},
	}})
	ok(t, err)
	require.Empty(t, record(res4.Headers.Get("X-Oss-Request-Id")))
	_, err = c.DeleteUserDefinedLogFieldsConfig(bg, &oss2.DeleteUserDefinedLogFieldsConfigRequest{Bucket: oss2.Ptr("no-such-bucket")})
	wantOSS(t, err, 404, "NoSuchBucket", "")
}
