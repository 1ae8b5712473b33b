package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
)

// TestSec36SinaMetaNeedsObjectRead: Sina's PUT ?meta replaces what a
// reader of the object sees, as S3's CopyObject of an object onto itself
// does, which needs s3:GetObject on it besides the bucket's write. The
// route takes a bucket write; the caller must now also be able to read
// the object, decided as its GetObject would be. The bucket owner keeps
// writing the metadata of its own objects, of objects granting it READ
// (bucket-owner-read, -full-control) and of objects written through Sina
// (its own under Sina's rule); a WRITE grantee of its own objects and of
// objects granting it READ. Both are refused, in Sina's AccessDenied
// shape, another account's private S3-written object, which is left as it
// was. Before, both were 200 and the metadata changed.
func TestSec36SinaMetaNeedsObjectRead(t *testing.T) {
	f := pol35Fixture(t, "sec36m") // testAK owns it, otherAK writes k, ro, fc (S3); testAK wrote mine
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/sec36m/s", body: []byte("through sina"), sign: "sina"})).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/sec36m/shared", header: hdr("X-Amz-Grant-Read", "id="+canonicalID(otherAK)), body: []byte("the owner's, readable")}).errOrNil())
	ctx := context.Background()
	meta := func(q raw, want int) {
		t.Helper()
		q.method, q.path, q.sign = "PUT", q.path+"?meta", "sina"
		q.header = hdr("X-Amz-Meta-Who", "changed", "Content-Type", "text/changed")
		key := strings.TrimPrefix(strings.TrimSuffix(q.path, "?meta"), "/sec36m/")
		before, err := f.eng.HeadObject(ctx, "sec36m", key)
		require.NoError(t, err)
		r := f.do(t, q)
		assert.Equal(t, want, r.StatusCode, "%s %s: %s", q.ak, q.path, r.body)
		after, err := f.eng.HeadObject(ctx, "sec36m", key)
		require.NoError(t, err)
		if want == http.StatusOK {
			assert.Equal(t, "changed", after.User["who"], "%s %s", q.ak, q.path)
			assert.Equal(t, "text/changed", after.ContentType)
			return
		}
		assert.Contains(t, string(r.body), "AccessDenied", "%s %s", q.ak, q.path)
		assert.Equal(t, before.Metadata, after.Metadata, "%s %s: a refused write changes nothing", q.ak, q.path)
		assert.True(t, before.LastModified.Equal(after.LastModified), "%s %s", q.ak, q.path)
	}
	// The bucket owner (testAK).
	meta(raw{path: "/sec36m/k"}, http.StatusForbidden) // the writer's private S3 object
	meta(raw{path: "/sec36m/mine"}, http.StatusOK)
	meta(raw{path: "/sec36m/ro"}, http.StatusOK) // bucket-owner-read
	meta(raw{path: "/sec36m/fc"}, http.StatusOK) // bucket-owner-full-control
	meta(raw{path: "/sec36m/s"}, http.StatusOK)  // written through Sina: the bucket owner's
	// The bucket's WRITE grantee (otherAK).
	meta(sec34Other(raw{path: "/sec36m/mine"}), http.StatusForbidden) // the bucket owner's private object
	meta(sec34Other(raw{path: "/sec36m/shared"}), http.StatusOK)      // granting it READ
	meta(sec34Other(raw{path: "/sec36m/k"}), http.StatusOK)           // its own
	// A third user with no grant at all is refused by the route, as before.
	meta(raw{path: "/sec36m/pub", ak: pol35AK, sk: pol35SK}, http.StatusForbidden)
}

// TestSec36SinaMetaReadDecidedOnPinnedObject: the read PUT ?meta needs is
// decided on the object the update is pinned to. The key flips between
// the bucket owner's object and another account's private S3 object; the
// bucket owner's metadata writes land on its own object only.
func TestSec36SinaMetaReadDecidedOnPinnedObject(t *testing.T) {
	f := pol35Fixture(t, "sec36p")
	ctx := context.Background()
	put := func(ak string) {
		_, err := f.eng.PutObject(ctx, "sec36p", "k", strings.NewReader(ak), int64(len(ak)),
			engine.PutOptions{Owner: canonicalID(ak), Dialect: engine.DialectS3, ACL: engine.ACL{Canned: "private"}})
		require.NoError(t, err)
	}
	put(testAK)
	var leaked atomic.Int64
	keepFlipping(t, func() {
		put(otherAK)
		if info, err := f.eng.HeadObject(ctx, "sec36p", "k"); err == nil && info.Owner == canonicalID(otherAK) && info.User["who"] == "owner" {
			leaked.Add(1)
		}
		put(testAK)
	})
	n := 2000
	if testing.Short() {
		n = 600
	}
	served := 0
	for range n {
		if f.do(t, raw{method: "PUT", path: "/sec36p/k?meta", sign: "sina", header: hdr("X-Amz-Meta-Who", "owner")}).StatusCode == http.StatusOK {
			served++
		}
	}
	t.Logf("%d meta updates served, %d landed on the writer's object", served, leaked.Load())
	assert.Positive(t, served)
	assert.Zero(t, leaked.Load(), "the bucket owner's metadata on the writer's private object")
}
