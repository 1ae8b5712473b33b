package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestOpen39PostContentSHA256FieldNotChecked: a POST form's
// x-amz-content-sha256 field is no field S3's POST Object page lists,
// and S3 stores a file that does not match it (aws/aws-sdk-js#2649: a
// presigned POST whose policy required the field accepted any file; the
// SDK team found no page naming it). Osslite does the same: the policy
// may require the field (it is judged like any other), the file is
// stored, and the field is neither checked nor kept with the object.
func TestOpen39PostContentSHA256FieldNotChecked(t *testing.T) {
	f, c := newPostFixture(t)
	now := f.clock.Now()
	wrong := "0000000000000000000000000000000000000000000000000000000000000000"
	policy := policyDoc(t, now.Add(time.Hour), append(v4Conds(now), map[string]string{"key": "sha"},
		map[string]string{"x-amz-content-sha256": wrong})...)
	resp := f.post(t, "/forms", "", multipartForm{fields: append([]field{{"key", "sha"}, {"x-amz-content-sha256", wrong}},
		v4Form(now, policy)...), content: "hello"})
	require.Equal(t, http.StatusNoContent, resp.StatusCode, string(resp.body))
	body, out := getBody(t, c, "forms", "sha")
	require.Equal(t, "hello", body)
	require.Empty(t, out.Metadata)
	// The policy's condition on the field is still judged.
	resp = f.post(t, "/forms", "", multipartForm{fields: append([]field{{"key", "sha"}, {"x-amz-content-sha256", wrong[1:] + "1"}},
		v4Form(now, policy)...), content: "other"})
	require.Equal(t, http.StatusForbidden, resp.StatusCode, string(resp.body))
}
