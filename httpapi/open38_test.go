package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
)

// TestOpen38OSSAppendACLRacingCreate is TestRev36OSSAppendACLRacingOverwrite
// on a key missing when the append is decided: a bucket writer's first
// append (position 0) with x-oss-object-acl: public-read needs only the
// bucket write, since it creates the object. While its body is on its
// way the bucket owner creates a private, empty appendable object there
// (position 0 equals its length). Before, the append ran without an
// ACLPin and made the owner's object public-read (200, and anyone read
// it); now a missing key pins "nothing there" (as canReadPinned pins a
// missing copy source), and the append, finding an object it did not
// decide on, is refused (409 OperationAborted), changing nothing.
func TestOpen38OSSAppendACLRacingCreate(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.do(t, raw{method: "PUT", path: "/open38ap", header: hdr("X-Amz-Grant-Write", "id="+canonicalID(otherAK))}).errOrNil())
	res := rev36HeldOSSAppend(t, f, "/open38ap/log?append&position=0", "appended", func() {
		_, err := f.eng.AppendObject(ctx, "open38ap", "log", 0, strings.NewReader(""), 0,
			engine.PutOptions{Owner: canonicalID(testAK), Dialect: engine.DialectOSS, ACL: engine.ACL{Canned: "private"}})
		require.NoError(t, err)
	})
	assert.Equal(t, http.StatusConflict, res.status, "the ACL decided on no object, found the owner's: %s", res.body)
	assert.Contains(t, res.body, "<Code>OperationAborted</Code>")
	info, err := f.eng.HeadObject(ctx, "open38ap", "log")
	require.NoError(t, err)
	assert.Equal(t, "private", info.ACL.Canned, "the owner's object keeps its ACL")
	assert.Equal(t, int64(0), info.Size, "nothing appended")
	anon := f.do(t, raw{method: "GET", path: "/open38ap/log", sign: "anon"})
	assert.Equal(t, http.StatusForbidden, anon.StatusCode, "%s", anon.body)

	// Without a race the writer's first append creates its object with the ACL.
	res = rev36HeldOSSAppend(t, f, "/open38ap/new?append&position=0", "appended", func() {})
	assert.Equal(t, http.StatusOK, res.status, "%s", res.body)
	info, err = f.eng.HeadObject(ctx, "open38ap", "new")
	require.NoError(t, err)
	assert.Equal(t, "public-read", info.ACL.Canned)
}
