package httpapi

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPolicyActionsCoverRoutes: every S3 and OSS operation on a bucket
// or object has its policy actions, so a bucket policy can never be
// bypassed by an operation it does not know.
func TestPolicyActionsCoverRoutes(t *testing.T) {
	for _, rt := range routes {
		if rt.target == targetService || rt.perm == permAuthenticated || rt.perm == permAnyone || rt.only == "sina" {
			continue
		}
		names, ok := policyActions[rt.op]
		require.True(t, ok, "operation %s has no policy action", rt.op)
		require.NotEmpty(t, names[0], rt.op)
		require.NotEmpty(t, names[1], rt.op)
	}
}

func TestPolicyAccount(t *testing.T) {
	a := policyAccount(ownerID("AKIAOSSLITETEST"))
	require.Len(t, a, 12)
	require.Equal(t, a, policyAccount(ownerID("AKIAOSSLITETEST")))
	require.NotEqual(t, a, policyAccount(ownerID("other")))
}
