package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
)

// TestRev36OSSGranteeTaggingRacingOverwrite: an OSS-signed tag write by
// a bucket writer is decided by mayRetag on the object's ACL (its
// WRITE_ACP grant), not by the route's decision, which reads no object
// in OSS. The bucket owner's object grants the writer WRITE_ACP; while
// the writer tags it, the owner keeps overwriting the key with a private
// object of its own (tagged t=owner) and the granting one again. The
// writer's tags must never land on a private object, which grants it
// nothing: before, the update was unpinned (onDecidedObject had no
// object to pin) and could replace the private object's tags between
// mayRetag's decision and the update; now it is pinned to the object
// mayRetag decided, and an object found changed is decided again.
// Timing-dependent (the body is read before mayRetag decides: no hold).
func TestRev36OSSGranteeTaggingRacingOverwrite(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.do(t, raw{method: "PUT", path: "/rev36t", header: hdr("X-Amz-Grant-Write", "id="+canonicalID(otherAK))}).errOrNil())
	owner, writer := canonicalID(testAK), canonicalID(otherAK)
	granting := engine.ACL{Grants: []engine.Grant{{GranteeType: "CanonicalUser", ID: owner, Permission: "FULL_CONTROL"},
		{GranteeType: "CanonicalUser", ID: writer, Permission: "WRITE_ACP"}}}
	put := func(acl engine.ACL, tags []engine.Tag) {
		_, err := f.eng.PutObject(ctx, "rev36t", "race", strings.NewReader("x"), 1,
			engine.PutOptions{Owner: owner, Dialect: engine.DialectS3, ACL: acl, Tags: tags})
		require.NoError(t, err)
	}
	put(granting, nil)
	doc := []byte(`<Tagging><TagSet><Tag><Key>t</Key><Value>writer</Value></Tag></TagSet></Tagging>`)
	// Unraced, the grant lets the writer tag the object; a private one
	// is refused in OSS's error form.
	r := f.do(t, sec34Other(raw{method: "PUT", path: "/rev36t/race?tagging", sign: "oss-v1", body: doc}))
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)

	var stop atomic.Bool
	var leaked atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			put(engine.ACL{Canned: "private"}, []engine.Tag{{Key: "t", Value: "owner"}})
			if info, err := f.eng.HeadObject(ctx, "rev36t", "race"); err == nil && info.ACL.Canned == "private" &&
				len(info.Tags) == 1 && info.Tags[0].Value == "writer" {
				leaked.Add(1)
			}
			put(granting, nil)
		}
	}()
	n := 3000
	if testing.Short() {
		n = 800
	}
	served, refused := 0, 0
	for range n {
		r := f.do(t, sec34Other(raw{method: "PUT", path: "/rev36t/race?tagging", sign: "oss-v1", body: doc}))
		switch r.StatusCode {
		case http.StatusOK:
			served++
		case http.StatusForbidden:
			refused++
			assert.Contains(t, string(r.body), "<HostId>", "OSS's error form: %s", r.body)
		default:
			t.Errorf("%d: %s", r.StatusCode, r.body)
		}
	}
	stop.Store(true)
	wg.Wait()
	t.Logf("%d tag writes served, %d refused, %d private objects given the writer's tags", served, refused, leaked.Load())
	assert.Positive(t, served)
	assert.Zero(t, leaked.Load(), "the owner's private object, tagged by a decision made for the granting one")
}
