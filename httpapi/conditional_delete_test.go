package httpapi_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/osslite/osslite/engine"
	"github.com/stretchr/testify/require"
)

// TestConditionalDelete: DELETE with If-Match deletes only a matching
// object (412 PreconditionFailed otherwise) and answers 404 NoSuchKey for
// a missing one, as S3's conditional deletes do.
func TestConditionalDelete(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	require.NoError(t, f.eng.CreateBucket(ctx, "cdel", engine.BucketOptions{}))
	info, err := f.eng.PutObject(ctx, "cdel", "k", bytes.NewReader([]byte("v")), 1, engine.PutOptions{})
	require.NoError(t, err)

	r := f.do(t, raw{method: "DELETE", path: "/cdel/k", header: hdr("If-Match", `"00000000000000000000000000000000"`)})
	require.Equal(t, 412, r.StatusCode, "%s", r.body)
	require.Equal(t, "PreconditionFailed", r.errCode())
	require.Contains(t, string(r.body), "<Condition>If-Match</Condition>")
	_, err = f.eng.HeadObject(ctx, "cdel", "k")
	require.NoError(t, err)

	r = f.do(t, raw{method: "DELETE", path: "/cdel/k", header: hdr("If-Match", `"`+info.ETag+`"`)})
	require.Equal(t, 204, r.StatusCode, "%s", r.body)
	_, err = f.eng.HeadObject(ctx, "cdel", "k")
	require.ErrorIs(t, err, engine.ErrNoSuchKey)

	r = f.do(t, raw{method: "DELETE", path: "/cdel/k", header: hdr("If-Match", "*")})
	require.Equal(t, 404, r.StatusCode, "%s", r.body)
	require.Equal(t, "NoSuchKey", r.errCode())
	r = f.do(t, raw{method: "DELETE", path: "/cdel/k"})
	require.Equal(t, 204, r.StatusCode, "%s", r.body)
}
