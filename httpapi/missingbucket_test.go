package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
	"github.com/stretchr/testify/require"
)

// TestMissingBucketAnsweredBeforeBody: a request on a bucket that does
// not exist is answered NoSuchBucket at once, before its body is read, so
// a slow anonymous request cannot act on a bucket its owner creates in
// the meantime (observed: an anonymous PUT ?acl held open for 5 s made the
// owner's new bucket public; an anonymous POST ?delete deleted the
// owner's object).
func TestMissingBucketAnsweredBeforeBody(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	for _, tc := range []struct{ method, path string }{
		{"PUT", "/later?acl"},
		{"POST", "/later?delete"},
		{"PUT", "/later/key"},
		{"PUT", "/later?tagging"},
	} {
		pr, pw := io.Pipe()
		req, err := http.NewRequest(tc.method, f.srv.URL+tc.path, pr)
		require.NoError(t, err)
		req.ContentLength = 1 << 20
		done := make(chan *http.Response, 1)
		go func() {
			resp, err := f.httpClient().Do(req)
			if err == nil {
				done <- resp
			}
			close(done)
		}()
		var resp *http.Response
		select {
		case resp = <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s %s: no answer while the body is held open", tc.method, tc.path)
		}
		pw.CloseWithError(io.ErrClosedPipe)
		require.NotNil(t, resp, "%s %s", tc.method, tc.path)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, 404, resp.StatusCode, "%s %s: %s", tc.method, tc.path, body)
		require.Contains(t, string(body), "NoSuchBucket")
	}
	_, err := f.eng.Bucket(context.Background(), "later")
	require.ErrorIs(t, err, engine.ErrNoSuchBucket)
}

// TestMissingBucketPrecedence: with an unknown access key and a missing
// bucket, OSS answers NoSuchBucket first and S3 InvalidAccessKeyId.
func TestMissingBucketPrecedence(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "GET", path: "/nowhere/key", sign: "oss-v1", ak: "UNKNOWNKEY", sk: "x"})
	require.Equal(t, 404, r.StatusCode, string(r.body))
	require.Equal(t, "NoSuchBucket", r.errCode())
	r = f.do(t, raw{method: "GET", path: "/nowhere/key", ak: "UNKNOWNKEY", sk: "x"})
	require.Equal(t, 403, r.StatusCode, string(r.body))
	require.Equal(t, "InvalidAccessKeyId", r.errCode())
}

// TestBucketRecreatedDuringRequest: a request authorized against a bucket
// that is deleted and created again (private, by someone else) while its
// body is still arriving does not write into the new bucket: 409
// OperationAborted, nothing stored.
func TestBucketRecreatedDuringRequest(t *testing.T) {
	ctx := context.Background()
	eng, err := engine.Open("", nil)
	require.NoError(t, err)
	t.Cleanup(func() { eng.Close() })
	must(t, eng.CreateBucket(ctx, "shared", engine.BucketOptions{Owner: "someone", ACL: engine.ACL{Canned: "public-read-write"}}))
	h := httpapi.New(eng, httpapi.WithCredentials(testCreds))
	reading := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = &signalReader{ReadCloser: r.Body, first: func() { once.Do(func() { close(reading) }) }}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	pr, pw := io.Pipe()
	req, err := http.NewRequest("PUT", srv.URL+"/shared/planted", pr)
	require.NoError(t, err)
	req.ContentLength = 8
	done := make(chan *http.Response, 1)
	go func() {
		resp, err := srv.Client().Do(req)
		if err == nil {
			done <- resp
		}
		close(done)
	}()
	_, err = pw.Write([]byte("half"))
	require.NoError(t, err)
	<-reading // authorized: the handler reads the body
	require.NoError(t, eng.DeleteBucket(ctx, "shared", engine.DeleteBucketOptions{}))
	must(t, eng.CreateBucket(ctx, "shared", engine.BucketOptions{Owner: "owner-2"}))
	_, err = pw.Write([]byte("done"))
	require.NoError(t, err)
	pw.Close()
	resp := <-done
	require.NotNil(t, resp)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusConflict, resp.StatusCode, string(body))
	require.Contains(t, string(body), "OperationAborted")
	_, err = eng.HeadObject(ctx, "shared", "planted")
	require.ErrorIs(t, err, engine.ErrNoSuchKey)
}

// signalReader calls first on its first Read.
type signalReader struct {
	io.ReadCloser
	first func()
}

func (s *signalReader) Read(p []byte) (int, error) {
	s.first()
	return s.ReadCloser.Read(p)
}
