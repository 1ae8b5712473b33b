package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/ossauth"
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
	served, refused, aborted := 0, 0, 0
	for range n {
		r := f.do(t, sec34Other(raw{method: "PUT", path: "/rev36t/race?tagging", sign: "oss-v1", body: doc}))
		switch r.StatusCode {
		case http.StatusOK:
			served++
		case http.StatusForbidden:
			refused++
			assert.Contains(t, string(r.body), "<HostId>", "OSS's error form: %s", r.body)
		case http.StatusConflict:
			// The key changed under three decisions in a row
			// (onDecidedObject): more often when the race detector
			// slows the handler down.
			aborted++
			assert.Contains(t, string(r.body), "<Code>OperationAborted</Code>", "%s", r.body)
			assert.Contains(t, string(r.body), "<HostId>", "OSS's error form: %s", r.body)
		default:
			t.Errorf("%d: %s", r.StatusCode, r.body)
		}
	}
	stop.Store(true)
	wg.Wait()
	t.Logf("%d tag writes served, %d refused, %d aborted, %d private objects given the writer's tags", served, refused, aborted, leaked.Load())
	assert.Positive(t, served)
	assert.Zero(t, leaked.Load(), "the owner's private object, tagged by a decision made for the granting one")
}

// TestRev36PutObjectAclRacingSameBytesOverwrite is
// TestRev35bPutObjectAclRacingOverwrite on a clock that does not move
// (the fake's, a test's) with the writer's object of the same bytes as
// the bucket owner's: the pin named the object by version ID ("null"),
// ETag and modification time only, all three the same for the writer's
// object, so the bucket owner's AllUsers READ grant landed on it (200,
// and anyone read it). The pin names the owner and writing dialect too.
func TestRev36PutObjectAclRacingSameBytesOverwrite(t *testing.T) {
	f := newFixture(t, fixtureOptions{clock: &testClock{fixed: time.Now()}})
	must(t, f.do(t, raw{method: "PUT", path: "/rev36a", header: hdr("X-Amz-Grant-Write", "id="+canonicalID(otherAK))}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/rev36a/race", body: []byte("same bytes")}).errOrNil())
	doc := `<AccessControlPolicy><Owner><ID>` + canonicalID(testAK) + `</ID></Owner><AccessControlList><Grant>` +
		`<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee>` +
		`<Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`
	res := rev35bHeldBody(t, f, "/rev36a/race?acl", doc, func() {
		must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/rev36a/race", header: hdr("X-Amz-Acl", "private"),
			body: []byte("same bytes")})).errOrNil())
	})
	assert.Equal(t, http.StatusForbidden, res.status, "the ACL put decided on the owner's object, found the writer's: %s", res.body)
	info, err := f.eng.HeadObject(context.Background(), "rev36a", "race")
	require.NoError(t, err)
	assert.Equal(t, canonicalID(otherAK), info.Owner)
	anon := f.do(t, raw{method: "GET", path: "/rev36a/race", sign: "anon"})
	assert.Equal(t, http.StatusForbidden, anon.StatusCode, "the writer's private object: %s", anon.body)
}

// TestRev36OSSAppendACLRacingOverwrite: an OSS append carrying
// x-oss-object-acl changes an existing object's ACL, which takes WRITE_ACP
// on it (appendObject decides it, as PutObjectACL). The decision was made
// on one read of the key and the ACL applied to whatever appendable
// object held it at the commit: a bucket writer granted WRITE_ACP on the
// owner's appendable object appends with x-oss-object-acl: public-read;
// while its body is on its way the owner replaces the object with a
// private appendable one of the same length. Before, the append made
// the private object public-read (200, and anyone read it); now the
// append is pinned to the object decided (engine.PutOptions.ACLPin) and
// refused (409 OperationAborted, in OSS's error form), changing nothing.
func TestRev36OSSAppendACLRacingOverwrite(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.do(t, raw{method: "PUT", path: "/rev36ap", header: hdr("X-Amz-Grant-Write", "id="+canonicalID(otherAK))}).errOrNil())
	owner, writer := canonicalID(testAK), canonicalID(otherAK)
	appendAs := func(acl engine.ACL, body string) {
		_, err := f.eng.AppendObject(ctx, "rev36ap", "log", 0, strings.NewReader(body), int64(len(body)),
			engine.PutOptions{Owner: owner, Dialect: engine.DialectS3, ACL: acl})
		require.NoError(t, err)
	}
	appendAs(engine.ACL{Grants: []engine.Grant{{GranteeType: "CanonicalUser", ID: owner, Permission: "FULL_CONTROL"},
		{GranteeType: "CanonicalUser", ID: writer, Permission: "WRITE_ACP"}}}, "granted ")
	res := rev36HeldOSSAppend(t, f, "/rev36ap/log?append&position=8", "appended", func() {
		err := f.eng.DeleteObject(ctx, "rev36ap", "log", engine.DeleteOptions{})
		require.NoError(t, err)
		appendAs(engine.ACL{Canned: "private"}, "private ")
	})
	assert.Equal(t, http.StatusConflict, res.status, "the ACL decided on the granting object, found the private one: %s", res.body)
	assert.Contains(t, res.body, "<Code>OperationAborted</Code>")
	assert.Contains(t, res.body, "<HostId>", "OSS's error form")
	info, err := f.eng.HeadObject(ctx, "rev36ap", "log")
	require.NoError(t, err)
	assert.Equal(t, "private", info.ACL.Canned, "the private object keeps its ACL")
	assert.Equal(t, int64(8), info.Size, "nothing appended")
	anon := f.do(t, raw{method: "GET", path: "/rev36ap/log", sign: "anon"})
	assert.Equal(t, http.StatusForbidden, anon.StatusCode, "%s", anon.body)
}

// rev36HeldOSSAppend sends otherAK's OSS-signed (v1) append of body to
// path with x-oss-object-acl: public-read, and runs during once the
// server has decided it and its handler reads the body (Expect:
// 100-continue: the transport sends the body only then).
func rev36HeldOSSAppend(t *testing.T, f *fixture, path, body string, during func()) rev35bResult {
	t.Helper()
	pr, pw := io.Pipe()
	req, err := http.NewRequest("POST", f.srv.URL+path, pr)
	require.NoError(t, err)
	req.ContentLength = int64(len(body))
	req.Header.Set("Expect", "100-continue")
	req.Header.Set("X-Oss-Object-Acl", "public-read")
	b, k, _ := strings.Cut(strings.TrimPrefix(req.URL.Path, "/"), "/")
	ossauth.SignRequestV1(req, ossauth.Resource{Bucket: b, Key: k}, ossauth.Credentials{AccessKeyID: otherAK, AccessKeySecret: otherSK}, f.clock.Now())
	return sendHeld(t, req, pw, body, during)
}
