package httpapi

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSeenNamesBounded: permissive mode remembers at most maxSeenNames
// access keys (a client may name endless ones), and finds an ID by its
// Sina short form without a scan.
func TestSeenNamesBounded(t *testing.T) {
	var n seenNames
	for i := range maxSeenNames + 50 {
		ak := "key" + strconv.Itoa(i)
		n.add(ownerID(ak), ak)
	}
	require.Len(t, n.byID, maxSeenNames)
	require.Len(t, n.bySina, maxSeenNames)
	id := ownerID("key7")
	name, ok := n.name(id)
	require.True(t, ok)
	require.Equal(t, "key7", name)
	got, ok := n.bySinaID(id[:16])
	require.True(t, ok)
	require.Equal(t, id, got)
	_, ok = n.name(ownerID("key" + strconv.Itoa(maxSeenNames+10)))
	require.False(t, ok, "past the bound, an ID is shown as itself")
}
