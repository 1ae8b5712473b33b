package httpapi_test

// The thirty-second session's review (docs/sdk-suites.md, "Review of the
// thirty-second session's changes"): each test fails without its fix.

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReview32RenameTokenParamsDistinct: a RenameObject retry with the
// same x-amz-client-token is replayed only when its parameters are the
// same; parameters that differ are IdempotencyParameterMismatch even
// where their text would run together (the source "a\nb" renamed to "c",
// then "a" to "b\nc"). Before, the remembered parameters were the values
// joined by line breaks, so the second request was answered 200 without
// renaming anything; they are now a digest of length-prefixed values,
// which also bounds what a remembered token holds to 32 bytes.
func TestReview32RenameTokenParamsDistinct(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	createExpressBucket(t, f.client())
	b := expressBucket
	mntPut(t, f, b, "a%0Ab", "first", nil)
	mntPut(t, f, b, "a", "second", nil)
	tok := http.Header{"X-Amz-Client-Token": {"review32-token"}}

	r := mntRename(t, f, b, "a%0Ab", "c", tok)
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = mntRename(t, f, b, "a", "b%0Ac", tok)
	require.Equal(t, http.StatusBadRequest, r.StatusCode, "other parameters, same token: %s", r.body)
	require.Equal(t, "IdempotencyParameterMismatch", r.errCode())
	require.Equal(t, http.StatusOK, f.do(t, raw{method: "HEAD", path: "/" + b + "/a"}).StatusCode, "nothing renamed")

	r = mntRename(t, f, b, "a%0Ab", "c", tok)
	require.Equal(t, http.StatusOK, r.StatusCode, "the same parameters are still replayed: %s", r.body)
}
