package httpapi_test

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/ossauth"
	"github.com/osslite/osslite/pkg/sigv4"
)

// S3 and OSS write "ETag:" and their user metadata in lower case, and
// clients that read raw header lines compare the names case-sensitively
// (amazon-s3-php-class's __responseHeaderCallback matches 'ETag' and
// /^x-amz-meta-.*$/): GET, HEAD and PUT answers spell them so, as the
// bytes on the connection show (a Go client would canonicalize what it
// reads). Read in the same process (httptest.ResponseRecorder, a
// middleware), the same answers carry Go's canonical names, so that
// Header().Get("ETag") and Get("X-Amz-Meta-Foo") find them.
func TestETagSpelledAsTheServicesDo(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	for _, tc := range []struct{ dialect, sign, meta string }{
		{"s3", "v4", "x-amz-meta-foo"},
		{"oss", "oss-v4", "x-oss-meta-foo"},
	} {
		bucket := "spell-" + tc.dialect
		r := f.do(t, raw{method: "PUT", path: "/" + bucket, sign: tc.sign})
		require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
		for _, method := range []string{"PUT", "GET", "HEAD"} {
			req := httptest.NewRequest(method, "/"+bucket+"/k", strings.NewReader("body"))
			if method != "PUT" {
				req.Body = http.NoBody
			} else {
				req.Header.Set(tc.meta, "bar")
			}
			req.Host = strings.TrimPrefix(f.srv.URL, "http://")
			now := f.clock.Now()
			if tc.dialect == "s3" {
				_, err := sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", now, sigv4.UnsignedPayload)
				require.NoError(t, err)
			} else {
				ossauth.SignRequestV4(req, ossauth.Resource{Bucket: bucket, Key: "k"}, ossauth.Credentials{AccessKeyID: testAK, AccessKeySecret: testSK}, now, ossauth.V4Options{Region: "cn-hangzhou"})
			}
			h := wireHeader(t, f.srv.Listener.Addr().String(), req)
			require.NotEmpty(t, h["ETag"], "%s %s: %v", tc.dialect, method, h)
			require.Empty(t, h["Etag"], "%s %s", tc.dialect, method)
			if method != "PUT" {
				require.Equal(t, []string{"bar"}, h[tc.meta], "%s %s: %v", tc.dialect, method, h)
			}
			if method == "PUT" {
				continue
			}
			rec := httptest.NewRecorder()
			f.srv.Config.Handler.ServeHTTP(rec, req)
			require.Equal(t, http.StatusOK, rec.Code, "%s %s: %s", tc.dialect, method, rec.Body)
			require.NotEmpty(t, rec.Header().Get("ETag"), "%s %s in process: %v", tc.dialect, method, rec.Header())
			require.Equal(t, "bar", rec.Header().Get(tc.meta), "%s %s in process: %v", tc.dialect, method, rec.Header())
		}
	}
}

// wireHeader sends req over a new connection to addr and returns the
// answer's header lines with their names exactly as written.
func wireHeader(t *testing.T, addr string, req *http.Request) map[string][]string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	req.Close = true
	require.NoError(t, req.Write(conn))
	br := bufio.NewReader(conn)
	status, err := br.ReadString('\n')
	require.NoError(t, err)
	require.Contains(t, status, " 200 ", "%s %s", req.Method, status)
	h := map[string][]string{}
	for {
		line, err := br.ReadString('\n')
		require.NoError(t, err)
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			return h
		}
		name, value, ok := strings.Cut(line, ":")
		require.True(t, ok, "header line %q", line)
		h[name] = append(h[name], strings.TrimSpace(value))
	}
}
