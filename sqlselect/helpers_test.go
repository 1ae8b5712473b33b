package sqlselect_test

import (
	"bytes"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

// bzip2Compress uses the bzip2 tool: the standard library only decodes.
func bzip2Compress(t *testing.T, data []byte) []byte {
	t.Helper()
	if _, err := exec.LookPath("bzip2"); err != nil {
		t.Skip("bzip2 tool not installed")
	}
	cmd := exec.Command("bzip2", "-c")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	require.NoError(t, err)
	return out
}

func parquetFromJSONLines(t *testing.T, data string) []byte {
	t.Fatal("parquet not implemented")
	return nil
}
