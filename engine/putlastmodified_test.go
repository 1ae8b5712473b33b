package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPutLastModified: PutOptions.LastModified before the commit time is
// the object's Last-Modified (OSS MirrorUserLastModified); a later one,
// or none, gives the commit time.
func TestPutLastModified(t *testing.T) {
	e := openTest(t, nil)
	ctx := context.Background()
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	now := e.opts.Clock.Now().UTC()
	for _, tc := range []struct {
		name string
		in   time.Time
		want time.Time
	}{
		{"past", now.Add(-48 * time.Hour), now.Add(-48 * time.Hour)},
		{"future", now.Add(time.Hour), now},
		{"none", time.Time{}, now},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info, err := e.PutObject(ctx, "bkt", tc.name, strings.NewReader("x"), 1, PutOptions{LastModified: tc.in})
			require.NoError(t, err)
			assert.True(t, info.LastModified.Equal(tc.want), "%v", info.LastModified)
			head, err := e.HeadObject(ctx, "bkt", tc.name)
			require.NoError(t, err)
			assert.True(t, head.LastModified.Equal(tc.want), "%v", head.LastModified)
		})
	}
}
