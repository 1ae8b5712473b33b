package main

import (
	"bytes"
	"flag"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestUse33CompactIntervalHelpNamesWhatItStops: -compact-interval 0 turns
// off the engine's background loop (engineOptions maps it to a negative
// CompactInterval), which also runs lifecycle rules, replication and
// inventory reports; the help said only "compaction and upload expiry",
// so an operator who turned compaction off lost lifecycle and replication
// without a word.
func TestUse33CompactIntervalHelpNamesWhatItStops(t *testing.T) {
	var help bytes.Buffer
	_, err := parseFlags([]string{"-h"}, noEnv, &help)
	require.ErrorIs(t, err, flag.ErrHelp)
	require.Contains(t, help.String(), "0 disables background compaction and upload expiry, and with them lifecycle rules, replication and inventory reports")
}
