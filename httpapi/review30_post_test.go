package httpapi_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReview30PostKeyTooLongWithoutFilename: a form whose file part has
// no filename parameter keeps its key as written (78abce3), and that key
// is still held to the dialect's longest key before anything is read:
// KeyTooLongError naming Size and MaxSizeAllowed, nothing stored. The
// check had moved inside the ${filename} expansion, leaving only the
// engine's own limit (the same 1024 bytes for S3), whose error names
// neither.
func TestReview30PostKeyTooLongWithoutFilename(t *testing.T) {
	f, c := newPostFixture(t)
	now := f.clock.Now()
	key := strings.Repeat("k", 1025)
	conds := append(v4Conds(now), map[string]string{"bucket": "forms"}, []any{"starts-with", "$key", ""})
	fields := append([]field{{"key", key}}, v4Form(now, policyDoc(t, now.Add(time.Hour), conds...))...)
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, x := range fields {
		require.NoError(t, mw.WriteField(x.name, x.value))
	}
	require.NoError(t, mw.WriteField("file", "file sent as a field"))
	require.NoError(t, mw.Close())
	r := f.do(t, raw{method: http.MethodPost, path: "/forms", body: b.Bytes(), sign: "anon", header: hdr("Content-Type", mw.FormDataContentType())})
	require.Equal(t, 400, r.StatusCode, string(r.body))
	assert.Equal(t, "KeyTooLongError", r.errCode())
	assert.Equal(t, "1025", errFields(t, r.body)["Size"], "named as every KeyTooLongError is")
	assert.Equal(t, "1024", errFields(t, r.body)["MaxSizeAllowed"])
	out, err := c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String("forms")})
	require.NoError(t, err)
	assert.Empty(t, out.Contents)
}
