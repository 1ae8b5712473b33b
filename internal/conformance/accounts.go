package conformance

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// Two accounts on one store (Caps().Accounts). The subject's account
// owns the bucket; the second account, granted WRITE on it, writes into
// it through the subject's dialect, and both are seen through every wire
// dialect (Dialects). The rules, as the services document them:
//
//   - Who owns an object another account writes is the writing
//     dialect's rule (Caps().WriterKeepsObjects), whichever dialect
//     later asks. S3, Object Ownership ObjectWriter: "The uploading
//     account will own the object" (API reference, ObjectOwnership); the
//     bucket owner reads it and its ACL only as the object's ACL grants
//     it (bucket-owner-read: READ; bucket-owner-full-control:
//     FULL_CONTROL), its tags not at all (no ACL permission maps to
//     s3:GetObjectTagging), and still lists and deletes it (User Guide,
//     "Access control list (ACL) overview", "Mapping of ACL permissions
//     and access policy permissions"). OSS and SCS: the bucket owner
//     owns every object in its bucket.
//   - A bucket policy's Allow reaches only the bucket owner's objects
//     ("The permissions attached to the bucket apply to all of the
//     objects in the bucket that are owned by the bucket owner. These
//     permissions don't apply to objects that are owned by other AWS
//     accounts", User Guide, "Bucket policies for Amazon S3"); an
//     explicit Deny refuses every caller, the object's owner included
//     ("How Amazon S3 authorizes a request for an object operation").
//
// docs/sdk-suites.md, "The writing dialect decides the bucket owner's
// rights" and "A bucket policy reaches only the bucket owner's objects"
// (thirty-fifth session), records the decisions.

func init() {
	cases = append(cases,
		testCase{"WritersObject", testWritersObject},
		testCase{"WritersObjectGranted", testWritersObjectGranted},
		testCase{"PolicyReachesOwnersObjects", testPolicyReachesOwnersObjects},
		testCase{"PolicyDenyRefusesWriter", testPolicyDenyRefusesWriter},
	)
}

// twoAccounts are the callers of a case besides the subject (the bucket
// owner through its dialect): the second account through the subject's
// dialect, the bucket owner and the second account through every wire
// dialect, and anonymous callers through every wire dialect.
type twoAccounts struct {
	second                     Subject
	owners, seconds, anonymous []Subject
}

// withTwoAccounts skips a subject without accounts, else creates bkt as
// the subject's account and lets the second account write into it.
func withTwoAccounts(t *testing.T, s Subject) twoAccounts {
	t.Helper()
	if !s.Caps().Accounts {
		t.Skip("the subject has no accounts")
	}
	mustBucket(t, s, bkt)
	require.NoError(t, s.GrantWrite(context.Background(), bkt))
	second := s.SecondAccount()
	a := twoAccounts{second: second, owners: s.Dialects(), seconds: second.Dialects(), anonymous: s.Anonymous()}
	require.Len(t, a.seconds, len(a.owners))
	require.Len(t, a.anonymous, len(a.owners))
	return a
}

// allows is what a reader may do with an object: read it (GET, HEAD),
// its ACL, its tags.
type allows struct{ object, acl, tags bool }

// checkReads checks that v's Get, Head, ObjectACL and ObjectTags of key
// succeed as may says (Get reading body, ObjectTags finding none: the
// writer sets no tags, as whether S3 lets an ACL grantee tag what it
// writes is not recorded), and fail with AccessDenied otherwise.
func checkReads(t *testing.T, v Subject, key string, body []byte, may allows) {
	t.Helper()
	ctx := context.Background()
	outcome := func(ok bool, err error, op string) {
		t.Helper()
		msg := fmt.Sprintf("%s of %s through %T: %v", op, key, v, err)
		if ok {
			require.NoError(t, err, msg)
			return
		}
		require.Equal(t, "AccessDenied", v.ErrorCode(err), msg)
	}
	got, _, err := read(t, v, bkt, key, GetOptions{})
	outcome(may.object, err, "Get")
	if may.object {
		require.Equal(t, body, got, "Get of %s through %T", key, v)
	}
	_, err = v.Head(ctx, bkt, key)
	outcome(may.object, err, "Head")
	_, err = v.ObjectACL(ctx, bkt, key)
	outcome(may.acl, err, "ObjectACL")
	gotTags, err := v.ObjectTags(ctx, bkt, key)
	outcome(may.tags, err, "ObjectTags")
	if may.tags {
		require.Empty(t, gotTags, "ObjectTags of %s through %T", key, v)
	}
}

// checkGet checks that v's Get and Head of key succeed (Get reading
// body) when ok, and fail with AccessDenied otherwise.
func checkGet(t *testing.T, v Subject, key string, body []byte, ok bool) {
	t.Helper()
	got, _, err := read(t, v, bkt, key, GetOptions{})
	_, herr := v.Head(context.Background(), bkt, key)
	if !ok {
		require.Equal(t, "AccessDenied", v.ErrorCode(err), "Get of %s through %T: %v", key, v, err)
		require.Equal(t, "AccessDenied", v.ErrorCode(herr), "Head of %s through %T: %v", key, v, herr)
		return
	}
	require.NoError(t, err, "Get of %s through %T", key, v)
	require.Equal(t, body, got, "Get of %s through %T", key, v)
	require.NoError(t, herr, "Head of %s through %T", key, v)
}

// testWritersObject: the second account's private object is its own
// where its writing dialect's rule says so (S3): the bucket owner's
// reads of it, its ACL and its tags are refused through every dialect,
// while the writer reads it through every dialect; where the rule gives
// the bucket owner every object (OSS, SCS) the bucket owner reads all
// three through every dialect. Either way the bucket owner lists and
// deletes it.
func testWritersObject(t *testing.T, s Subject) {
	a := withTwoAccounts(t, s)
	ctx := context.Background()
	body := []byte("the second account's")
	mustPut(t, a.second, bkt, "theirs", body, PutOptions{ACL: "private"})
	keeps := s.Caps().WriterKeepsObjects
	for _, v := range a.owners {
		checkReads(t, v, "theirs", body, allows{object: !keeps, acl: !keeps, tags: !keeps})
		keys, _ := listAll(t, v, bkt, ListOptions{})
		require.Equal(t, []string{"theirs"}, keys, "the bucket owner lists it through %T", v)
	}
	if keeps {
		for _, v := range a.seconds {
			checkReads(t, v, "theirs", body, allows{object: true, acl: true, tags: true})
		}
	}
	require.NoError(t, s.Delete(ctx, bkt, "theirs"), "the bucket owner deletes it")
	_, err := s.Head(ctx, bkt, "theirs")
	requireCode(t, s, err, "NoSuchKey")
}

// testWritersObjectGranted: where the writer keeps its object (S3), its
// ACL opens it to the bucket owner through every dialect:
// bucket-owner-read the object (READ), bucket-owner-full-control the
// object and its ACL (FULL_CONTROL); no ACL grants its tags.
func testWritersObjectGranted(t *testing.T, s Subject) {
	a := withTwoAccounts(t, s)
	if !s.Caps().WriterKeepsObjects {
		t.Skip("the subject's dialect gives the bucket owner every object: there is no grant to make")
	}
	mustPut(t, a.second, bkt, "read", []byte("bucket-owner-read"), PutOptions{ACL: "bucket-owner-read"})
	mustPut(t, a.second, bkt, "full", []byte("bucket-owner-full-control"), PutOptions{ACL: "bucket-owner-full-control"})
	for _, v := range a.owners {
		checkReads(t, v, "read", []byte("bucket-owner-read"), allows{object: true})
		checkReads(t, v, "full", []byte("bucket-owner-full-control"), allows{object: true, acl: true})
	}
}

// testPolicyReachesOwnersObjects: a bucket policy allowing anyone
// GetObject opens the bucket owner's private object to the second
// account and to anonymous callers through every dialect. It opens the
// second account's private object to nobody, the bucket owner included,
// where the writer keeps it (S3); elsewhere that object is the bucket
// owner's and the policy opens it to anonymous callers too.
func testPolicyReachesOwnersObjects(t *testing.T, s Subject) {
	a := withTwoAccounts(t, s)
	mine, theirs := []byte("the bucket owner's"), []byte("the second account's")
	mustPut(t, s, bkt, "mine", mine, PutOptions{ACL: "private"})
	mustPut(t, a.second, bkt, "theirs", theirs, PutOptions{ACL: "private"})
	for i, v := range a.seconds {
		checkGet(t, v, "mine", mine, false)
		checkGet(t, a.anonymous[i], "mine", mine, false)
		checkGet(t, a.anonymous[i], "theirs", theirs, false)
	}
	require.NoError(t, s.SetBucketPolicy(context.Background(), bkt, []PolicyStatement{WriteGrant, {Principal: Anyone, Action: "GetObject"}}))
	keeps := s.Caps().WriterKeepsObjects
	for i, v := range a.seconds {
		checkGet(t, v, "mine", mine, true)
		checkGet(t, a.anonymous[i], "mine", mine, true)
		checkGet(t, v, "theirs", theirs, true)
		checkGet(t, a.owners[i], "theirs", theirs, !keeps)
		checkGet(t, a.anonymous[i], "theirs", theirs, !keeps)
	}
	mustPut(t, a.second, bkt, "later", theirs, PutOptions{ACL: "private"}) // WriteGrant still lets it write
}

// testPolicyDenyRefusesWriter: a bucket policy's Deny of GetObject to
// anyone refuses the second account its own object, through every
// dialect, where an Allow alone let it read; it refuses the bucket owner
// its own object too unless the policy's language spares the bucket
// owner such a statement (OSS).
func testPolicyDenyRefusesWriter(t *testing.T, s Subject) {
	a := withTwoAccounts(t, s)
	ctx := context.Background()
	mine, theirs := []byte("the bucket owner's"), []byte("the second account's")
	mustPut(t, s, bkt, "mine", mine, PutOptions{ACL: "private"})
	mustPut(t, a.second, bkt, "theirs", theirs, PutOptions{ACL: "private"})
	allow := []PolicyStatement{WriteGrant, {Principal: Anyone, Action: "GetObject"}}
	require.NoError(t, s.SetBucketPolicy(ctx, bkt, allow))
	for i, v := range a.seconds {
		checkGet(t, v, "theirs", theirs, true)
		checkGet(t, a.owners[i], "mine", mine, true)
	}
	require.NoError(t, s.SetBucketPolicy(ctx, bkt, append(slices.Clone(allow), PolicyStatement{Deny: true, Principal: Anyone, Action: "GetObject"})))
	for i, v := range a.seconds {
		checkGet(t, v, "theirs", theirs, false)
		checkGet(t, v, "mine", mine, false)
		// The bucket owner is refused too, unless the language spares it
		// a statement naming anyone without a Condition (OSS).
		checkGet(t, a.owners[i], "mine", mine, s.Caps().AnyoneSparesBucketOwner)
	}
}
