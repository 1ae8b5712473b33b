package sqlselect_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

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

// parquetRow is the schema of Parquet test data.
type parquetRow struct {
	Name   string            `parquet:"name" json:"name"`
	Age    int64             `parquet:"age" json:"age"`
	Score  float64           `parquet:"score" json:"score"`
	Active bool              `parquet:"active" json:"active"`
	Nick   *string           `parquet:"nick,optional" json:"nick"`
	Tags   []string          `parquet:"tags,list" json:"tags"`
	Born   time.Time         `parquet:"born,timestamp(millisecond)" json:"born"`
	Addr   parquetAddr       `parquet:"addr" json:"addr"`
	Extra  map[string]string `parquet:"-" json:"-"`
}

type parquetAddr struct {
	City string `parquet:"city" json:"city"`
	Zip  int32  `parquet:"zip" json:"zip"`
}

// parquetFromJSONLines writes JSON lines (parquetRow fields) as Parquet.
func parquetFromJSONLines(t *testing.T, data string) []byte {
	t.Helper()
	var rows []parquetRow
	for _, line := range strings.Split(strings.TrimSpace(data), "\n") {
		if line == "" {
			continue
		}
		var r parquetRow
		require.NoError(t, json.Unmarshal([]byte(line), &r))
		rows = append(rows, r)
	}
	var b bytes.Buffer
	require.NoError(t, parquet.Write(&b, rows))
	return b.Bytes()
}
