package httpapi

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// One requester's renames with fresh client tokens forget only that
// requester's oldest tokens: another's retry is still answered as done.
func TestRenameTokensPerRequester(t *testing.T) {
	var x renameTokens
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	done := func(bucket, token string) renameDone {
		return renameDone{bucket: bucket, token: token, params: renameParamsDigest([]string{token})}
	}
	x.add(now, "bob", done("7", "bob-token"))
	x.add(now, "alice", done("9", "alice-first"))
	for i := range 3 * maxRenameTokensPerUser {
		x.add(now, "alice", done("9", fmt.Sprint("alice-", i)))
	}
	same, found := x.lookup(now, "bob", done("7", "bob-token"))
	require.True(t, found && same, "bob's token outlives alice's flood")
	_, found = x.lookup(now, "alice", done("9", "alice-first"))
	require.False(t, found, "alice's oldest token went")
	_, found = x.lookup(now, "alice", done("9", fmt.Sprint("alice-", 3*maxRenameTokensPerUser-1)))
	require.True(t, found)
	require.Len(t, x.m, 1+maxRenameTokensPerUser)
	require.Len(t, x.byUser["alice"].q, maxRenameTokensPerUser)

	// Expired tokens go as the requester adds more, and a token added
	// again after expiring is kept under its new expiry.
	later := now.Add(renameTokenTTL)
	_, found = x.lookup(later, "bob", done("7", "bob-token"))
	require.False(t, found, "expired")
	x.add(later, "bob", done("7", "bob-token"))
	x.add(later, "alice", done("9", "alice-late"))
	require.Len(t, x.m, 2, "the expired were dropped")
	same, found = x.lookup(later, "bob", done("7", "bob-token"))
	require.True(t, found && same)
}
