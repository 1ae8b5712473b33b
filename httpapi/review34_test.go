package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/ossauth"
	"github.com/osslite/osslite/pkg/sigv4"
)

// review34Bob is a second user of the fake, granted reads by ACL.
var review34Bob = httpapi.User{AccessKey: "REVIEW34BOB", SecretKey: "review34-bob-secret"}

// review34SlowSelect sends body to path as bob in three pieces through a
// pipe, and calls between (the owner's write) once the handler has
// consumed the first piece: authorization has decided on the object as it
// was then. It returns the answer's status, error code and body.
func review34SlowSelect(t *testing.T, srv *fake.Server, path string, body []byte, oss bool, between func()) (int, string, string) {
	t.Helper()
	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, pr)
	require.NoError(t, err)
	req.ContentLength = int64(len(body))
	now := srv.Clock().Now()
	if oss {
		ossauth.SignRequestV1(req, ossauth.Resource{Bucket: "rev34sel", Key: "data.csv"},
			ossauth.Credentials{AccessKeyID: review34Bob.AccessKey, AccessKeySecret: review34Bob.SecretKey}, now)
	} else {
		_, err = sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: review34Bob.AccessKey, SecretAccessKey: review34Bob.SecretKey},
			srv.Region, "s3", now, sigv4.UnsignedPayload)
		require.NoError(t, err)
	}
	type answer struct {
		resp *http.Response
		body []byte
		err  error
	}
	done := make(chan answer, 1)
	go func() {
		resp, err := srv.HTTPClient().Do(req)
		if err != nil {
			done <- answer{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- answer{resp: resp, body: b, err: err}
	}()
	// The transport copies the body to the handler through a pipe of its
	// own: the second piece is taken only once the handler has read the
	// first, which it reads after authorization.
	_, err = pw.Write(body[:1])
	require.NoError(t, err)
	_, err = pw.Write(body[1:2])
	require.NoError(t, err)
	between()
	_, err = pw.Write(body[2:])
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	a := <-done
	require.NoError(t, a.err)
	code := ""
	if a.resp.StatusCode >= 300 {
		code = a.resp.Header.Get("X-Oss-Ec")
		if c := (rawResponse{body: a.body}).errCode(); c != "" {
			code = c
		}
	}
	return a.resp.StatusCode, code, string(a.body)
}

// TestReview34SelectRechecksOverwrittenObject: a select is decided on
// the object authorization read; the handler then opens the key again,
// after reading the request body. When the owner overwrites a readable
// object with a private one in between, S3 Select and OSS SelectObject
// served the private object's records to a requester its ACL does not
// grant (GET and HEAD decide again on the object they open, 1db56cc's
// recheckObject; the select handlers did not). Now they refuse it,
// AccessDenied, as a GET does.
func TestReview34SelectRechecksOverwrittenObject(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithUsers(review34Bob))
	eng := srv.Engine()
	require.NoError(t, eng.CreateBucket(ctx, "rev34sel", engine.BucketOptions{Owner: srv.Owner()}))
	put := func(body, canned string) {
		_, err := eng.PutObject(ctx, "rev34sel", "data.csv", bytes.NewReader([]byte(body)), int64(len(body)),
			engine.PutOptions{ACL: engine.ACL{Canned: canned}, Owner: srv.Owner()})
		require.NoError(t, err)
	}
	s3Body := []byte(`<SelectObjectContentRequest><Expression>SELECT * FROM S3Object</Expression>` +
		`<ExpressionType>SQL</ExpressionType><InputSerialization><CSV/></InputSerialization>` +
		`<OutputSerialization><CSV/></OutputSerialization></SelectObjectContentRequest>`)
	ossBody := []byte(`<SelectRequest><Expression>` + base64.StdEncoding.EncodeToString([]byte("select * from ossobject")) +
		`</Expression><InputSerialization><CSV/></InputSerialization><OutputSerialization><OutputRawData>true</OutputRawData></OutputSerialization></SelectRequest>`)
	for _, tc := range []struct {
		name, path string
		body       []byte
		oss        bool
		served     int
	}{
		{"S3 SelectObjectContent", "/rev34sel/data.csv?select&select-type=2", s3Body, false, http.StatusOK},
		{"OSS SelectObject", "/rev34sel/data.csv?x-oss-process=csv%2Fselect", ossBody, true, http.StatusPartialContent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Unchanged in between, the grant serves the select.
			put("PUBLIC\n", "authenticated-read")
			status, code, body := review34SlowSelect(t, srv, tc.path, tc.body, tc.oss, func() {})
			require.Equal(t, tc.served, status, "%s %s", code, body)
			require.Contains(t, body, "PUBLIC")

			status, code, body = review34SlowSelect(t, srv, tc.path, tc.body, tc.oss, func() { put("SECRET\n", "private") })
			assert.NotContains(t, body, "SECRET", "the private object's records were served")
			assert.Equal(t, http.StatusForbidden, status, "%s %s", code, body)
			assert.Equal(t, "AccessDenied", code)
		})
	}
}
