package engine

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/osslite/osslite/pkg/kms"
)

// hookedKeys is a key service that runs hook once, the first time a data
// key is made (an encrypted report opens its first data file).
type hookedKeys struct {
	kms.Service
	once sync.Once
	hook func()
}

func (k *hookedKeys) GenerateDataKey(ctx context.Context, keyID string, encCtx map[string]string) (kms.DataKey, error) {
	k.once.Do(k.hook)
	return k.Service.GenerateDataKey(ctx, keyID, encCtx)
}

// TestSec40ReportDestinationMadeAgainDuringReport: an inventory report
// checks that its destination is the source owner's when it starts, and
// then lists the source and streams its data files into the destination.
// A destination deleted (still empty) and made again by another account
// while the report runs must not receive the source's listing: the
// report's writes are guarded by the destination bucket it checked.
func TestSec40ReportDestinationMadeAgainDuringReport(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	base, err := kms.New(kms.Options{RootKey: bytes.Repeat([]byte{40}, 32)})
	require.NoError(t, err)
	var e *Engine
	keys := &hookedKeys{Service: base}
	keys.hook = func() {
		require.NoError(t, e.DeleteBucket(ctx, "dst", DeleteBucketOptions{}))
		require.NoError(t, e.CreateBucket(ctx, "dst", BucketOptions{Owner: "mallory"}))
	}
	opts.Keys = keys
	e = openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "src", BucketOptions{Owner: "alice"}))
	require.NoError(t, e.CreateBucket(ctx, "dst", BucketOptions{Owner: "alice"}))
	_, err = e.PutObject(ctx, "src", "alice-secret-key-name", strings.NewReader("x"), 1, PutOptions{Owner: "alice"})
	require.NoError(t, err)
	require.NoError(t, e.PutInventoryConfiguration(ctx, "src", bucketconfig.InventoryConfiguration{ID: "daily", Enabled: true,
		IncludedVersions: "Current", Frequency: "Daily",
		Destination: bucketconfig.InventoryDestination{Bucket: "arn:aws:s3:::dst", Format: "CSV", Encryption: "SSE-S3"}}))
	st, err := e.RunPending(ctx)
	require.NoError(t, err, "a destination made again is skipped, as one gone is")
	require.Zero(t, st.Inventory.Reports)
	dst, err := e.Bucket(ctx, "dst")
	require.NoError(t, err)
	require.Equal(t, "mallory", dst.Owner, "the hook ran")
	page, err := e.ListObjects(ctx, "dst", ListOptions{})
	require.NoError(t, err)
	require.Empty(t, page.Objects, "another account's bucket got the report of alice's bucket")
}
