package httpapi

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/policy"
)

// TestPolicyActionsCoverRoutes: every S3, OSS and Sina operation on a bucket
// or object has its policy actions, so a bucket policy can never be
// bypassed by an operation it does not know.
func TestPolicyActionsCoverRoutes(t *testing.T) {
	for _, rt := range routes {
		if rt.target == targetService || rt.perm == permAuthenticated || rt.perm == permAnyone {
			continue
		}
		names, ok := policyActions[rt.op]
		require.True(t, ok, "operation %s has no policy action", rt.op)
		require.NotEmpty(t, names[0], rt.op)
		require.NotEmpty(t, names[1], rt.op)
	}
}

// TestPolicyActionsAreValid: every S3 action an operation is checked
// against may be named in a bucket policy (a policy that could not name
// it could not grant it).
func TestPolicyActionsAreValid(t *testing.T) {
	s3Ops := map[string]bool{}
	for _, rt := range routes {
		if rt.only == "" || rt.only == "s3" {
			s3Ops[rt.op] = true
		}
	}
	for op, names := range policyActions {
		if !s3Ops[op] {
			continue // an OSS operation: its S3 name is never matched
		}
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"` + names[0] + `","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}`
		_, err := policy.Parse([]byte(doc), policy.AWS, "b")
		require.NoError(t, err, "%s: %s", op, names[0])
	}
}

func TestPolicyAccount(t *testing.T) {
	a := policyAccount(ownerID("AKIAOSSLITETEST"))
	require.Len(t, a, 12)
	require.Equal(t, a, policyAccount(ownerID("AKIAOSSLITETEST")))
	require.NotEqual(t, a, policyAccount(ownerID("other")))
}
