package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseList(t *testing.T) {
	out := "FuzzA\nFuzzB\nok  \tgithub.com/x/a\t0.01s\n?   \tgithub.com/x/b\t[no test files]\nok  \tgithub.com/x/c\t0.02s\nFuzzC\nok  \tgithub.com/x/d\t(cached)\n"
	got, err := ParseList(strings.NewReader(out))
	require.NoError(t, err)
	require.Equal(t, []Target{{"github.com/x/a", "FuzzA"}, {"github.com/x/a", "FuzzB"}, {"github.com/x/d", "FuzzC"}}, got)
}

func TestParseRun(t *testing.T) {
	pass := "fuzz: elapsed: 0s, gathering baseline coverage: 0/5 completed\nfuzz: elapsed: 3s, execs: 1234 (411/sec), new interesting: 2 (total: 7)\nPASS\nok  \tx\t3.1s\n"
	r := ParseRun(Target{"x", "FuzzA"}, pass)
	require.NoError(t, r.Err)
	require.EqualValues(t, 1234, r.Execs)
	require.EqualValues(t, 2, r.NewInter)
	require.Equal(t, 3*time.Second, r.Elapsed)

	fail := "fuzz: elapsed: 1s, execs: 99 (99/sec)\n--- FAIL: FuzzA (1.02s)\n    Failing input written to testdata/fuzz/FuzzA/abc123\n    To re-run:\nFAIL\n"
	r = ParseRun(Target{"x", "FuzzA"}, fail)
	require.Error(t, r.Err)
	require.Equal(t, "testdata/fuzz/FuzzA/abc123", r.Crasher)

	var b bytes.Buffer
	require.Equal(t, 1, PrintTable(&b, []Result{r}))
	require.Contains(t, b.String(), "FAIL testdata/fuzz/FuzzA/abc123")
}

// TestDiscover runs discovery (no fuzzing) over the packages whose parsers
// have targets, and checks the kit's targets are all found.
func TestDiscover(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles test binaries of several packages")
	}
	got, err := Discover(context.Background(), "../../..", "./pkg/...", "./wal")
	require.NoError(t, err)
	names := map[string]bool{}
	for _, tg := range got {
		names[strings.TrimPrefix(tg.Pkg, "github.com/osslite/osslite/")+"."+tg.Name] = true
	}
	for _, want := range []string{
		"pkg/sigv4.FuzzParseAuthorization", "pkg/sigv4.FuzzParsePresigned", "pkg/sigv4.FuzzParseAuthorizationV2",
		"pkg/ossauth.FuzzParseAuthorization", "pkg/ossauth.FuzzParseQuery", "pkg/awschunked.FuzzReader", "pkg/awschunked.FuzzRoundTrip",
		"pkg/bucketconfig.FuzzDecode", "wal.FuzzRecover",
	} {
		require.True(t, names[want], "target %s not discovered in %v", want, got)
	}
	only, err := Filter(got, "sigv4", "AuthorizationV2")
	require.NoError(t, err)
	require.Len(t, only, 1)
}

func TestDeadlineOnly(t *testing.T) {
	flake := "fuzz: elapsed: 3s, execs: 17854 (0/sec), new interesting: 4 (total: 48)\n--- FAIL: FuzzParseRange (3.05s)\n    context deadline exceeded\nFAIL\n"
	if !DeadlineOnly(flake) {
		t.Fatal("a deadline-only failure is a flake")
	}
	crash := flake + "    Failing input written to testdata/fuzz/FuzzParseRange/abc\n"
	if DeadlineOnly(crash) {
		t.Fatal("a failure with an input is a finding")
	}
}
