package httpapi

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// The decision table: identity x ACL x Public Access Block x Object
// Ownership (x the policy hook) -> allow or deny. Bucket policies add
// rows with a policy answer.
func TestDecisionTable(t *testing.T) {
	const owner, alice, bob = "id-owner", "id-alice", "id-bob"
	var (
		ownerP = principal{accessKey: "owner", id: owner}
		aliceP = principal{accessKey: "alice", id: alice}
		bobP   = principal{accessKey: "bob", id: bob}
		anon   = principal{anonymous: true}
	)
	canned := func(c string) engine.ACL { return engine.ACL{Canned: c} }
	user := func(id, p string) engine.ACL {
		return engine.ACL{Grants: []engine.Grant{
			{GranteeType: "CanonicalUser", ID: owner, Permission: permFullControl},
			{GranteeType: "CanonicalUser", ID: id, Permission: p},
		}}
	}
	group := func(uri, p string) engine.ACL {
		return engine.ACL{Grants: []engine.Grant{
			{GranteeType: "CanonicalUser", ID: owner, Permission: permFullControl},
			{GranteeType: "Group", URI: uri, Permission: p},
		}}
	}
	obj := func(objOwner string, acl engine.ACL) *engine.ObjectInfo {
		return &engine.ObjectInfo{Key: "k", Owner: objOwner, ACL: acl}
	}
	private := canned("private")
	ignore := &bucketconfig.PublicAccessBlock{IgnorePublicAcls: true}
	allFlags := &bucketconfig.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
	const (
		enforced  = bucketconfig.OwnershipBucketOwnerEnforced
		preferred = bucketconfig.OwnershipBucketOwnerPreferred
		writer    = bucketconfig.OwnershipObjectWriter
	)

	type row struct {
		who       principal
		perm      perm
		bucketACL engine.ACL
		object    *engine.ObjectInfo // object permissions: nil is a missing key
		pab       *bucketconfig.PublicAccessBlock
		own       string
		policy    string // "": no evaluator; "none", "allow", "deny": its answer
		want      decision
	}
	rows := []row{
		// The owner may do everything; nobody else may do owner-only things.
		{who: ownerP, perm: permOwner, bucketACL: private, want: allow},
		{who: ownerP, perm: permBucketWrite, bucketACL: private, own: enforced, pab: allFlags, want: allow},
		{who: aliceP, perm: permOwner, bucketACL: user(alice, permFullControl), want: deny},
		{who: anon, perm: permOwner, bucketACL: canned("public-read-write"), want: deny},
		// Private buckets: only the owner.
		{who: aliceP, perm: permBucketRead, bucketACL: private, want: deny},
		{who: anon, perm: permBucketRead, bucketACL: private, want: deny},
		// Grants to one user, by canonical ID, permission by permission.
		{who: aliceP, perm: permBucketRead, bucketACL: user(alice, permRead), want: allow},
		{who: bobP, perm: permBucketRead, bucketACL: user(alice, permRead), want: deny},
		{who: anon, perm: permBucketRead, bucketACL: user(alice, permRead), want: deny},
		{who: aliceP, perm: permBucketWrite, bucketACL: user(alice, permRead), want: deny},
		{who: aliceP, perm: permBucketWrite, bucketACL: user(alice, permWrite), want: allow},
		{who: aliceP, perm: permBucketRead, bucketACL: user(alice, permWrite), want: deny},
		{who: aliceP, perm: permBucketReadACP, bucketACL: user(alice, permReadACP), want: allow},
		{who: aliceP, perm: permBucketWriteACP, bucketACL: user(alice, permReadACP), want: deny},
		{who: aliceP, perm: permBucketWriteACP, bucketACL: user(alice, permWriteACP), want: allow},
		{who: aliceP, perm: permBucketReadACP, bucketACL: user(alice, permRead), want: deny},
		{who: aliceP, perm: permBucketRead, bucketACL: user(alice, permFullControl), want: allow},
		{who: aliceP, perm: permBucketWrite, bucketACL: user(alice, permFullControl), want: allow},
		{who: aliceP, perm: permBucketWriteACP, bucketACL: user(alice, permFullControl), want: allow},
		// Groups.
		{who: anon, perm: permBucketRead, bucketACL: canned("public-read"), want: allow},
		{who: anon, perm: permBucketWrite, bucketACL: canned("public-read"), want: deny},
		{who: anon, perm: permBucketWrite, bucketACL: canned("public-read-write"), want: allow},
		{who: aliceP, perm: permBucketRead, bucketACL: canned("public-read"), want: allow},
		{who: anon, perm: permBucketRead, bucketACL: canned("authenticated-read"), want: deny},
		{who: bobP, perm: permBucketRead, bucketACL: canned("authenticated-read"), want: allow},
		{who: bobP, perm: permBucketRead, bucketACL: group(groupAuthenticated, permRead), want: allow},
		{who: anon, perm: permBucketRead, bucketACL: group(groupAllUsers, permRead), want: allow},
		{who: anon, perm: permBucketReadACP, bucketACL: group(groupAllUsers, permReadACP), want: allow},
		{who: anon, perm: permBucketRead, bucketACL: group(groupLogDelivery, permRead), want: deny},
		// IgnorePublicAcls: public grants count for nothing, user grants still do.
		{who: anon, perm: permBucketRead, bucketACL: canned("public-read"), pab: ignore, want: deny},
		{who: bobP, perm: permBucketRead, bucketACL: canned("authenticated-read"), pab: ignore, want: deny},
		{who: aliceP, perm: permBucketRead, bucketACL: user(alice, permRead), pab: ignore, want: allow},
		{who: anon, perm: permBucketRead, bucketACL: canned("public-read"), pab: &bucketconfig.PublicAccessBlock{BlockPublicAcls: true}, want: allow},
		// BucketOwnerEnforced: ACLs are disabled.
		{who: aliceP, perm: permBucketRead, bucketACL: user(alice, permRead), own: enforced, want: deny},
		{who: anon, perm: permBucketRead, bucketACL: canned("public-read"), own: enforced, want: deny},
		{who: aliceP, perm: permBucketRead, bucketACL: user(alice, permRead), own: preferred, want: allow},
		{who: aliceP, perm: permBucketRead, bucketACL: user(alice, permRead), own: writer, want: allow},
		// Objects: the object ACL decides; the object's writer owns it.
		{who: aliceP, perm: permObjectRead, bucketACL: private, object: obj(alice, private), want: allow},
		{who: aliceP, perm: permObjectWriteACP, bucketACL: private, object: obj(alice, private), want: allow},
		{who: aliceP, perm: permObjectRead, bucketACL: private, object: obj(alice, private), own: enforced, want: deny},
		{who: ownerP, perm: permObjectRead, bucketACL: private, object: obj(alice, private), want: allow},
		{who: bobP, perm: permObjectRead, bucketACL: private, object: obj(alice, private), want: deny},
		{who: bobP, perm: permObjectRead, bucketACL: user(bob, permRead), object: obj(owner, private), want: deny},
		{who: bobP, perm: permObjectRead, bucketACL: private, object: obj(owner, user(bob, permRead)), want: allow},
		{who: bobP, perm: permObjectReadACP, bucketACL: private, object: obj(owner, user(bob, permRead)), want: deny},
		{who: bobP, perm: permObjectReadACP, bucketACL: private, object: obj(owner, user(bob, permReadACP)), want: allow},
		{who: bobP, perm: permObjectWriteACP, bucketACL: private, object: obj(owner, user(bob, permFullControl)), want: allow},
		{who: anon, perm: permObjectRead, bucketACL: private, object: obj(owner, canned("public-read")), want: allow},
		{who: anon, perm: permObjectRead, bucketACL: private, object: obj(owner, canned("public-read")), pab: ignore, want: deny},
		{who: anon, perm: permObjectRead, bucketACL: private, object: obj(owner, canned("public-read")), own: enforced, want: deny},
		{who: anon, perm: permObjectRead, bucketACL: canned("public-read"), object: obj(owner, private), want: deny},
		{who: bobP, perm: permObjectRead, bucketACL: private, object: obj(bob, canned("bucket-owner-full-control")), want: allow},
		{who: ownerP, perm: permObjectWriteACP, bucketACL: private, object: obj(bob, canned("bucket-owner-full-control")), want: allow},
		// Missing keys: who may list learns they are missing.
		{who: aliceP, perm: permObjectRead, bucketACL: user(alice, permRead), want: allow},
		{who: aliceP, perm: permObjectRead, bucketACL: private, want: deny},
		{who: anon, perm: permObjectRead, bucketACL: canned("public-read"), pab: ignore, want: deny},
		// The policy hook: an explicit deny wins, an allow grants.
		{who: ownerP, perm: permBucketRead, bucketACL: private, policy: "deny", want: deny},
		{who: aliceP, perm: permBucketRead, bucketACL: user(alice, permRead), policy: "deny", want: deny},
		{who: aliceP, perm: permBucketWrite, bucketACL: private, policy: "allow", want: allow},
		{who: anon, perm: permObjectRead, bucketACL: private, object: obj(owner, private), own: enforced, policy: "allow", want: allow},
		{who: aliceP, perm: permBucketRead, bucketACL: private, policy: "none", want: deny},
		{who: aliceP, perm: permBucketRead, bucketACL: user(alice, permRead), policy: "none", want: allow},
		{who: ownerP, perm: permOwner, bucketACL: private, policy: "none", want: allow},
	}
	s := &server{}
	saved := policyEvaluator
	t.Cleanup(func() { policyEvaluator = saved })
	for i, r := range rows {
		name := fmt.Sprintf("%d/%s/perm%d/%s/%s", i, r.who.accessKey, r.perm, r.own, r.policy)
		t.Run(name, func(t *testing.T) {
			var seen *access
			switch r.policy {
			case "":
				policyEvaluator = nil
			default:
				answer := map[string]decision{"none": noOpinion, "allow": allow, "deny": deny}[r.policy]
				policyEvaluator = func(_ *server, in *access) (decision, error) { seen = in; return answer, nil }
			}
			in := &access{ctx: context.Background(), who: r.who, perm: r.perm, key: "k", object: r.object, loaded: true,
				bucket: engine.BucketInfo{Name: "b", Owner: owner, ACL: r.bucketACL}, pab: r.pab, ownership: r.own}
			got, err := s.decide(in)
			require.NoError(t, err)
			require.Equal(t, r.want, got, "%+v", r)
			if r.policy != "" {
				require.Same(t, in, seen, "the policy evaluator sees the decision input")
			}
		})
	}
	t.Run("evaluator error", func(t *testing.T) {
		boom := errors.New("boom")
		policyEvaluator = func(*server, *access) (decision, error) { return noOpinion, boom }
		_, err := s.decide(&access{who: ownerP, perm: permBucketRead, bucket: engine.BucketInfo{Owner: owner}})
		require.ErrorIs(t, err, boom)
	})
	t.Run("permissive", func(t *testing.T) {
		policyEvaluator = nil
		ps := &server{cfg: Config{Permissive: true}}
		got, err := ps.decide(&access{who: anon, perm: permOwner, bucket: engine.BucketInfo{Owner: owner, ACL: private}})
		require.NoError(t, err)
		require.Equal(t, allow, got)
	})
}

// The ACL-write table: an ACL a request sets x Public Access Block x
// Object Ownership -> accepted, or the error code.
func TestACLWriteTable(t *testing.T) {
	const owner = "id-owner"
	canned := func(c string) engine.ACL { return engine.ACL{Canned: c} }
	grants := func(gs ...engine.Grant) engine.ACL { return engine.ACL{Grants: gs} }
	ownerFull := engine.Grant{GranteeType: "CanonicalUser", ID: owner, Permission: permFullControl}
	other := engine.Grant{GranteeType: "CanonicalUser", ID: "id-alice", Permission: permRead}
	everyone := engine.Grant{GranteeType: "Group", URI: groupAllUsers, Permission: permRead}
	authed := engine.Grant{GranteeType: "Group", URI: groupAuthenticated, Permission: permWrite}
	block := &bucketconfig.PublicAccessBlock{BlockPublicAcls: true}
	ignoreOnly := &bucketconfig.PublicAccessBlock{IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
	const enforced, preferred = bucketconfig.OwnershipBucketOwnerEnforced, bucketconfig.OwnershipBucketOwnerPreferred
	rows := []struct {
		acl      engine.ACL
		notOwner bool // set by a writer who is not the bucket owner
		pab      *bucketconfig.PublicAccessBlock
		own      string
		want     string
	}{
		{acl: canned("public-read")},
		{acl: canned("public-read"), pab: ignoreOnly},
		{acl: canned("public-read"), pab: block, want: "AccessDenied"},
		{acl: canned("public-read-write"), pab: block, want: "AccessDenied"},
		{acl: canned("authenticated-read"), pab: block, want: "AccessDenied"},
		{acl: canned("private"), pab: block},
		{acl: canned("bucket-owner-read"), pab: block},
		{acl: canned("log-delivery-write"), pab: block},
		{acl: grants(ownerFull, everyone), pab: block, want: "AccessDenied"},
		{acl: grants(ownerFull, authed), pab: block, want: "AccessDenied"},
		{acl: grants(ownerFull, other), pab: block},
		{acl: canned("private"), own: enforced},
		{acl: canned("bucket-owner-full-control"), own: enforced},
		{acl: grants(ownerFull), own: enforced},
		{acl: canned("public-read"), own: enforced, want: "AccessControlListNotSupported"},
		{acl: canned("bucket-owner-read"), own: enforced, want: "AccessControlListNotSupported"},
		{acl: grants(ownerFull, other), own: enforced, want: "AccessControlListNotSupported"},
		{acl: canned("public-read"), own: enforced, pab: block, want: "AccessControlListNotSupported"},
		{acl: canned("private"), notOwner: true, own: enforced, want: "AccessControlListNotSupported"},
		{acl: canned("bucket-owner-full-control"), notOwner: true, own: enforced},
		{acl: grants(ownerFull), notOwner: true, own: enforced},
		{acl: canned("private"), notOwner: true, own: preferred},
		{acl: canned("private"), notOwner: true, pab: block},
		{acl: canned("public-read"), own: preferred},
		{acl: canned("public-read"), own: preferred, pab: block, want: "AccessDenied"},
		{acl: grants(ownerFull, other), own: preferred},
	}
	for i, r := range rows {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			err := aclWriteAllowed(r.acl, owner, !r.notOwner, r.pab, r.own)
			if r.want == "" {
				require.NoError(t, err)
				return
			}
			var e *Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, r.want, e.Code)
		})
	}
}
