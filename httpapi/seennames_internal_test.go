package httpapi

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSeenNamesBounded: permissive mode remembers at most maxSeenNames
// IDs of access keys (a client may name endless ones), and finds an ID by
// its Sina short form without a scan.
func TestSeenNamesBounded(t *testing.T) {
	var n seenNames
	for i := range maxSeenNames + 50 {
		ak := "key" + strconv.Itoa(i)
		n.add(ownerID(ak))
	}
	require.Len(t, n.byID, maxSeenNames)
	require.Len(t, n.bySina, maxSeenNames)
	id := ownerID("key7")
	got, ok := n.bySinaID(id[:16])
	require.True(t, ok)
	require.Equal(t, id, got)
	_, ok = n.bySinaID(ownerID("key" + strconv.Itoa(maxSeenNames+10))[:16])
	require.False(t, ok, "past the bound, an ID is not remembered")
}
