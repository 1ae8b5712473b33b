package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/require"
)

// TestRev37bTieringEventNamesNullVersion: the IntelligentTiering event,
// one of S3's own as restores and lifecycle are, names a null version
// as they do (eventVersionID): "null" in a bucket with versioning
// (enabled or suspended), none in a bucket that never had it. It took
// the version ID from ListObjectVersions, which names every null version
// "null", also in a bucket that never had versioning.
func TestRev37bTieringEventNamesNullVersion(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	delivered := newDeliveryLog(opts, "arn:rev37b", func(ev Event) string {
		return ev.S3.Bucket.Name + " " + keyAtVersion(ev)
	})
	e := openTest(t, opts)
	body := bytes.Repeat([]byte("t"), bucketconfig.MinTieringSize)
	put := func(bucket, key string) ObjectInfo {
		info, err := e.PutObject(ctx, bucket, key, bytes.NewReader(body), int64(len(body)), PutOptions{StorageClass: IntelligentTieringClass})
		require.NoError(t, err)
		return info
	}
	for _, b := range []string{"tv-plain", "tv-suspended", "tv-enabled"} {
		require.NoError(t, e.CreateBucket(ctx, b, BucketOptions{}))
		require.NoError(t, e.SetBucketConfig(ctx, b, &bucketconfig.IntelligentTiering{Configurations: []bucketconfig.TieringConfiguration{
			{ID: "cold", Enabled: true, Tierings: []bucketconfig.Tiering{{AccessTier: bucketconfig.ArchiveAccess, Days: 90}}}}}))
		require.NoError(t, e.SetBucketConfig(ctx, b, &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
			{ID: "tier", Type: "Queue", ARN: "arn:rev37b", Events: []string{"s3:IntelligentTiering"}}}}))
	}
	put("tv-plain", "k")
	setVersioning(t, e, "tv-suspended", "Enabled")
	setVersioning(t, e, "tv-suspended", "Suspended")
	put("tv-suspended", "k")
	put("tv-enabled", "k") // the null version, before versioning
	setVersioning(t, e, "tv-enabled", "Enabled")
	real := put("tv-enabled", "real")
	clk.Advance(91 * e.opts.LifecycleDay)
	_, err := e.RunPending(ctx)
	require.NoError(t, err)
	want := []string{"tv-plain k@", "tv-suspended k@null", "tv-enabled k@null", "tv-enabled real@" + real.VersionID}
	require.Eventually(t, func() bool { return len(delivered.of("tier")) >= len(want) }, 5*time.Second, 10*time.Millisecond)
	require.ElementsMatch(t, want, delivered.of("tier"))
}

// FuzzDecodeObjectBrief checks the record decoder's fast path and a
// listing's brief decode on any byte string: decoder.next yields the
// fields a plain reading of two uvarints per field yields (and fails
// where it fails), and a brief decode into a page's arena agrees with a
// full decode on every field a listing shows, its ETag left intact by
// the strings cut after it.
func FuzzDecodeObjectBrief(f *testing.F) {
	rec := objectRecord{info: ObjectInfo{Size: 5, ETag: "0123456789abcdef0123456789abcdef", Owner: "w", StorageClass: "GLACIER",
		VersionID: "v1", ChecksumType: "FULL_OBJECT", CRC64: 7, LastModified: time.Unix(1700000000, 5)}}
	rec.info.ContentType = "text/plain"
	f.Add(rec.encode())
	rec.info.ETag = string(bytes.Repeat([]byte("e"), 300)) // a two-byte length
	f.Add(rec.encode())
	f.Add([]byte{recordVersion, 2, 127})
	f.Add([]byte{recordVersion, 0x81, 0, 1, 'x'})
	f.Fuzz(func(t *testing.T, b []byte) {
		// decoder.next against two uvarints per field.
		d := decoder{b: b}
		d.version()
		rest := b
		if len(rest) > 0 {
			rest = rest[1:]
		}
		refFailed := false
		for d.err == nil {
			tag, p, ok := d.next()
			if len(rest) == 0 {
				require.False(t, ok)
				break
			}
			rtag, n1 := binary.Uvarint(rest)
			var rlen uint64
			n2 := 0
			if n1 > 0 {
				rlen, n2 = binary.Uvarint(rest[n1:])
			}
			if n1 <= 0 || n2 <= 0 || rlen > uint64(len(rest)-n1-n2) {
				refFailed = true
				require.False(t, ok)
				break
			}
			require.True(t, ok)
			require.Equal(t, rtag, tag)
			require.Equal(t, rest[n1+n2:n1+n2+int(rlen)], p)
			rest = rest[n1+n2+int(rlen):]
		}
		if len(b) > 0 && b[0] == recordVersion {
			require.Equal(t, refFailed, d.err != nil)
		}

		full, ferr := decodeObject(b, false)
		var names stringArena
		var brief objectRecord
		var info ObjectInfo
		berr := brief.decodeInto(&info, b, false, false, &briefDecode{names: &names})
		if ferr != nil {
			return // a brief decode skips fields a full one may fail on
		}
		require.NoError(t, berr)
		etag := strings.Clone(info.ETag)
		var again ObjectInfo
		require.NoError(t, (&objectRecord{}).decodeInto(&again, b, false, false, &briefDecode{names: &names}))
		require.Equal(t, etag, info.ETag, "a later string of the arena overwrote an earlier one")
		require.Equal(t, full.info.ETag, info.ETag)
		require.Equal(t, full.info.Size, info.Size)
		require.Equal(t, full.info.Owner, info.Owner)
		require.Equal(t, full.info.StorageClass, info.StorageClass)
		require.Equal(t, full.info.ContentType, info.ContentType)
		require.Equal(t, full.info.VersionID, info.VersionID)
		require.Equal(t, full.info.ChecksumType, info.ChecksumType)
		require.True(t, full.info.LastModified.Equal(info.LastModified))
		require.Equal(t, full.restoreReady, brief.restoreReady)
		require.True(t, info.NoCRC64)
	})
}
