package httpapi

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Requesters are not a bounded set (permissive mode takes any access
// key): the rename tokens of many requesters, each under the per-user
// bound, stay within maxRenameTokens, and the tokens of a requester who
// never renames again go once they expire.
func TestReview33RenameTokensManyRequesters(t *testing.T) {
	var x renameTokens
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	done := func(token string) renameDone {
		return renameDone{bucket: "7", token: token, params: renameParamsDigest([]string{token})}
	}
	for i := range maxRenameTokens + 500 {
		x.add(now, fmt.Sprint("user-", i), done(fmt.Sprint("t-", i)))
	}
	require.Len(t, x.m, maxRenameTokens)
	require.Len(t, x.byUser, maxRenameTokens)
	_, found := x.lookup(now, "user-0", done("t-0"))
	require.False(t, found, "the oldest token overall went")
	same, found := x.lookup(now, fmt.Sprint("user-", maxRenameTokens+499), done(fmt.Sprint("t-", maxRenameTokens+499)))
	require.True(t, found && same)

	// An hour later another requester's rename: every expired token
	// and its requester are forgotten.
	later := now.Add(time.Hour)
	x.add(later, "late", done("late"))
	require.Len(t, x.m, 1)
	require.Len(t, x.byUser, 1)
	require.LessOrEqual(t, len(x.all), 1)

	// The same token of two requesters is two tokens (the thirty-fourth
	// session: keyed by requester, another's add takes nothing over); a
	// token added again by its requester replaces its own.
	x.add(later, "a", done("shared"))
	x.add(later, "b", done("shared"))
	require.Equal(t, 1, x.byUser["a"].live)
	require.Equal(t, 1, x.byUser["b"].live)
	x.add(later, "b", done("shared"))
	require.Equal(t, 1, x.byUser["b"].live)
	require.Len(t, x.m, 3)
}
