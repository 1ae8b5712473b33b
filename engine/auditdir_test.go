package engine

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAuditDataDir audits a server's data directory: OSSLITE_AUDIT_DIR=DIR
// go test ./engine -run TestAuditDataDir opens DIR (a copy: opening
// replays the log) with no background loop and checks every invariant
// audit checks. Skipped without the variable; the race38 section of
// docs/sdk-suites.md ran it after a SIGINT under load.
func TestAuditDataDir(t *testing.T) {
	dir := os.Getenv("OSSLITE_AUDIT_DIR")
	if dir == "" {
		t.Skip("OSSLITE_AUDIT_DIR not set")
	}
	e, err := Open(dir, &Options{CompactInterval: -1})
	require.NoError(t, err)
	defer func() { require.NoError(t, e.Close()) }()
	e.audit(t)
	buckets, err := e.ListBuckets(t.Context())
	require.NoError(t, err)
	t.Logf("%s: %d buckets audited", dir, len(buckets))
}
