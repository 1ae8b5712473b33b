package engine

import (
	"context"
	"testing"

	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/require"
)

// TestAccountConfig: an account configuration is stored, read back (from
// the cache and after a reopen), kept apart from other accounts and from
// buckets, and removed.
func TestAccountConfig(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e, err := Open(dir, testOptions())
	require.NoError(t, err)
	_, err = e.AccountConfigValue(ctx, "acct", bucketconfig.KindPublicAccessBlock)
	require.ErrorIs(t, err, ErrNoSuchConfig)
	require.NoError(t, e.SetAccountConfig(ctx, "acct", bucketconfig.BlockAllPublicAccess(true)))
	c, err := e.AccountConfigValue(ctx, "acct", bucketconfig.KindPublicAccessBlock)
	require.NoError(t, err)
	require.True(t, c.(*bucketconfig.PublicAccessBlock).BlocksAll())
	_, err = e.AccountConfigValue(ctx, "acct2", bucketconfig.KindPublicAccessBlock)
	require.ErrorIs(t, err, ErrNoSuchConfig)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := e.AccountConfigValue(ctx, "acct2", bucketconfig.KindPublicAccessBlock); err == nil {
			t.Fatal("found a block")
		}
	})
	require.Zero(t, allocs, "authorization asks on every load: a cached absence allocates nothing")
	_, err = e.AccountConfigValue(ctx, "acct", "no-such-kind")
	require.ErrorIs(t, err, ErrInvalidArgument)
	require.Error(t, e.SetAccountConfig(ctx, "", bucketconfig.BlockAllPublicAccess(true)))
	// A bucket named like the account has none.
	require.NoError(t, e.CreateBucket(ctx, "acct", BucketOptions{}))
	_, err = e.BucketConfigValue(ctx, "acct", bucketconfig.KindPublicAccessBlock)
	require.ErrorIs(t, err, ErrNoSuchConfig)
	require.NoError(t, e.Close())

	e, err = Open(dir, testOptions())
	require.NoError(t, err)
	defer e.Close()
	c, err = e.AccountConfigValue(ctx, "acct", bucketconfig.KindPublicAccessBlock)
	require.NoError(t, err)
	require.True(t, c.(*bucketconfig.PublicAccessBlock).BlocksAll())
	require.NoError(t, e.DeleteAccountConfig(ctx, "acct", bucketconfig.KindPublicAccessBlock))
	_, err = e.AccountConfigValue(ctx, "acct", bucketconfig.KindPublicAccessBlock)
	require.ErrorIs(t, err, ErrNoSuchConfig)
	require.NoError(t, e.DeleteAccountConfig(ctx, "acct", bucketconfig.KindPublicAccessBlock), "removing an absent one")
}
