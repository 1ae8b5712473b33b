package httpapi_test

import (
	"io"
	"strings"
	"testing"

	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

// TestSel40SelectWorkOptionReachesOSS: Config.SelectMaxWorkPerByte (the
// server's -select-max-work-per-byte) reaches OSS SelectObject's run as
// it does SelectObjectContent's (cmd/osslite's TestSel40...): dos39's
// query of ten conditions of 150 nested upper() over a 200 KB field is
// SqlExceedsMaxConditionCount at the default and answered at 4096.
func TestSel40SelectWorkOptionReachesOSS(t *testing.T) {
	if testing.Short() {
		t.Skip("copies 600 MB")
	}
	expr := "select _1 from ossobject where " + strings.TrimSuffix(strings.Repeat(
		strings.Repeat("upper(", 150)+"_1"+strings.Repeat(")", 150)+" = 'x' or ", 10), " or ")
	run := func(opts ...httpapi.Option) (string, error) {
		f := newFixture(t, fixtureOptions{opts: opts})
		c := f.ossV1(t, testAK, testSK)
		require.NoError(t, c.CreateBucket("sel40"))
		b, err := c.Bucket("sel40")
		require.NoError(t, err)
		require.NoError(t, b.PutObject("a.csv", strings.NewReader(strings.Repeat("a", 200<<10)+"\n")))
		body, err := b.SelectObject("a.csv", oss1.SelectRequest{Expression: expr})
		if err != nil {
			return "", err
		}
		defer body.Close()
		out, err := io.ReadAll(body)
		return string(out), err
	}
	_, err := run()
	e, isOSS := ossError(err)
	require.True(t, isOSS, "%v", err)
	assert.Equal(t, "SqlExceedsMaxConditionCount", e.code)
	got, err := run(httpapi.WithSelectMaxWorkPerByte(4096))
	require.NoError(t, err)
	assert.Empty(t, got, "no record matches")
}
