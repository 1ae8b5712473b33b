package engine

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/require"
)

// modelVersion is one version of a key in the versioning model.
type modelVersion struct {
	id     string // "" for the null version
	marker bool
	data   []byte
}

// TestModelVersions runs random puts, copies, appends, deletes, deletes by
// version and versioning changes against a model keeping each key's
// versions newest first, under every metamorphic configuration, and
// compares every read by version and every ListObjectVersions page.
func TestModelVersions(t *testing.T) {
	ops := 1500
	if testing.Short() {
		ops = 300
	}
	for name, cfg := range modelConfigs(t) {
		t.Run(name, func(t *testing.T) {
			opts := cfg()
			dir, n := "/db", ops
			switch {
			case opts.FS == vfs.Default:
				dir, n = t.TempDir(), ops/4
			case opts.FS == nil:
				opts.FS = vfs.NewCrashableMem()
			}
			e, err := Open(dir, opts)
			require.NoError(t, err)
			reopen := func(e *Engine) *Engine {
				require.NoError(t, e.Close())
				e, err := Open(dir, opts)
				require.NoError(t, err)
				return e
			}
			e = runVersionModel(t, e, rand.New(rand.NewPCG(7, uint64(len(name)))), n, reopen)
			require.NoError(t, e.Close())
		})
	}
}

func runVersionModel(t *testing.T, e *Engine, rng *rand.Rand, ops int, reopen func(*Engine) *Engine) *Engine {
	ctx := context.Background()
	const bucket = "versions"
	require.NoError(t, e.CreateBucket(ctx, bucket, BucketOptions{}))
	state := VersioningOff
	model := map[string][]modelVersion{}
	keyPool := []string{"a", "a/b", "a/c/d", "b", "b/", "c/x/y", "k-1", "k/1", "k/2", "z"}
	chunk := e.opts.ChunkSize
	sizes := []int{0, 1, 100, chunk + 1, 2*chunk + 3}
	randKey := func() string { return keyPool[rng.IntN(len(keyPool))] }
	randData := func() []byte { return randBytes(rng, sizes[rng.IntN(len(sizes))]) }
	// write records a new version in the model the way S3 does.
	write := func(k string, v modelVersion) {
		vs := model[k]
		switch state {
		case VersioningOff:
			vs = nil
		case VersioningSuspended:
			vs = slices.DeleteFunc(vs, func(x modelVersion) bool { return x.id == "" })
		}
		if len(vs) > 0 && v.id != "" {
			for _, x := range vs {
				require.Greater(t, v.id, x.id, "version IDs grow")
			}
		}
		if state == VersioningOff && v.marker {
			model[k] = nil
			return
		}
		model[k] = append([]modelVersion{v}, vs...)
	}
	newID := func(id string) {
		if state == VersioningEnabled {
			require.NotEmpty(t, id)
			require.True(t, ValidVersionID(id))
		} else {
			require.Empty(t, id)
		}
	}
	checkRead := func(k string) {
		vs := model[k]
		// The latest.
		o, err := e.GetObject(ctx, bucket, k, GetOptions{})
		switch {
		case len(vs) == 0:
			require.ErrorIs(t, err, ErrNoSuchKey, "get %s", k)
			var dm *DeleteMarkerError
			require.False(t, errors.As(err, &dm), "get %s: no marker", k)
		case vs[0].marker:
			var dm *DeleteMarkerError
			require.True(t, errors.As(err, &dm), "get %s: %v", k, err)
			require.ErrorIs(t, err, ErrNoSuchKey)
			require.Equal(t, vs[0].id, dm.VersionID)
		default:
			require.NoError(t, err, "get %s", k)
			got, err := io.ReadAll(o)
			require.NoError(t, err)
			require.NoError(t, o.Close())
			require.True(t, bytes.Equal(vs[0].data, got), "get %s", k)
			require.Equal(t, vs[0].id, o.Info.VersionID)
		}
		// Every version by ID.
		for _, v := range vs {
			vid := versionOrNull(v.id)
			o, err := e.GetObject(ctx, bucket, k, GetOptions{VersionID: vid})
			if v.marker {
				require.ErrorIs(t, err, ErrVersionIsDeleteMarker, "get %s@%s", k, vid)
				continue
			}
			require.NoError(t, err, "get %s@%s", k, vid)
			got, err := io.ReadAll(o)
			require.NoError(t, err)
			require.NoError(t, o.Close())
			require.True(t, bytes.Equal(v.data, got), "get %s@%s", k, vid)
		}
	}
	// expected lists the model's versions and common prefixes in order.
	type entry struct {
		key, cp, id string
		marker      bool
		latest      bool
	}
	expected := func(opts VersionListOptions) []entry {
		keys := slices.Sorted(func(yield func(string) bool) {
			for k, vs := range model {
				if len(vs) > 0 && strings.HasPrefix(k, opts.Prefix) && !yield(k) {
					return
				}
			}
		})
		var out []entry
		for _, k := range keys {
			if opts.Delimiter != "" {
				if i := strings.Index(k[len(opts.Prefix):], opts.Delimiter); i >= 0 {
					cp := k[:len(opts.Prefix)+i+len(opts.Delimiter)]
					if len(out) == 0 || out[len(out)-1].cp != cp {
						out = append(out, entry{cp: cp})
					}
					continue
				}
			}
			for i, v := range model[k] {
				out = append(out, entry{key: k, id: versionOrNull(v.id), marker: v.marker, latest: i == 0})
			}
		}
		return out
	}
	checkList := func() {
		opts := VersionListOptions{MaxKeys: 1 + rng.IntN(5)}
		if rng.IntN(2) == 0 {
			opts.Delimiter = "/"
		}
		if rng.IntN(3) == 0 {
			opts.Prefix = []string{"a", "a/", "k", "k/", "b"}[rng.IntN(5)]
		}
		want := expected(opts)
		var got []entry
		for page := 0; ; page++ {
			res, err := e.ListObjectVersions(ctx, bucket, opts)
			require.NoError(t, err)
			require.LessOrEqual(t, len(res.Versions)+len(res.CommonPrefixes), opts.MaxKeys)
			var pageEntries []entry
			// Merge the page's versions and prefixes back into order.
			vi, ci := 0, 0
			for vi < len(res.Versions) || ci < len(res.CommonPrefixes) {
				if ci < len(res.CommonPrefixes) && (vi == len(res.Versions) || res.CommonPrefixes[ci] < res.Versions[vi].Key) {
					pageEntries = append(pageEntries, entry{cp: res.CommonPrefixes[ci]})
					ci++
					continue
				}
				v := res.Versions[vi]
				pageEntries = append(pageEntries, entry{key: v.Key, id: versionOrNull(v.VersionID), marker: v.DeleteMarker, latest: v.IsLatest})
				vi++
			}
			from := len(got)
			require.LessOrEqual(t, from+len(pageEntries), len(want), "page %d of %+v", page, opts)
			require.Equal(t, want[from:from+len(pageEntries)], pageEntries, "page %d of %+v", page, opts)
			got = append(got, pageEntries...)
			if !res.IsTruncated {
				break
			}
			require.LessOrEqual(t, page, len(want), "pages make progress")
			opts.KeyMarker, opts.VersionIDMarker = res.NextKeyMarker, res.NextVersionIDMarker
		}
		require.Equal(t, want, got)
	}
	pickVersion := func(k string) string {
		vs := model[k]
		if len(vs) == 0 || rng.IntN(6) == 0 {
			return []string{NullVersionID, "-----0123456789a"}[rng.IntN(2)]
		}
		return versionOrNull(vs[rng.IntN(len(vs))].id)
	}
	for op := range ops {
		k := randKey()
		switch r := rng.IntN(100); {
		case r < 30:
			data := randData()
			info, err := e.PutObject(ctx, bucket, k, bytes.NewReader(data), int64(len(data)), PutOptions{})
			require.NoError(t, err)
			newID(info.VersionID)
			write(k, modelVersion{id: info.VersionID, data: data})
		case r < 38:
			src := randKey()
			vid := ""
			if rng.IntN(2) == 0 {
				vid = pickVersion(src)
			}
			info, err := e.CopyObject(ctx, bucket, src, bucket, k, CopyOptions{SourceVersionID: vid, MetadataDirective: MetadataReplace})
			var srcData []byte
			ok := false
			if vid == "" {
				if vs := model[src]; len(vs) > 0 && !vs[0].marker {
					srcData, ok = vs[0].data, true
				}
			} else {
				for _, v := range model[src] {
					if versionOrNull(v.id) == vid && !v.marker {
						srcData, ok = v.data, true
					}
				}
			}
			if !ok {
				require.Error(t, err, "copy %s@%s", src, vid)
				continue
			}
			require.NoError(t, err, "copy %s@%s", src, vid)
			newID(info.VersionID)
			write(k, modelVersion{id: info.VersionID, data: srcData})
		case r < 42:
			if vs := model[k]; len(vs) > 0 && !vs[0].marker {
				continue
			}
			data := randData()
			res, err := e.AppendObject(ctx, bucket, k, 0, bytes.NewReader(data), int64(len(data)), PutOptions{})
			require.NoError(t, err)
			newID(res.Info.VersionID)
			write(k, modelVersion{id: res.Info.VersionID, data: data})
		case r < 58:
			res, err := e.DeleteObjectVersion(ctx, bucket, k, DeleteOptions{})
			require.NoError(t, err)
			if state == VersioningOff {
				model[k] = nil
				require.False(t, res.DeleteMarker)
				continue
			}
			require.True(t, res.DeleteMarker)
			id := res.DeleteMarkerVersionID
			if id == NullVersionID {
				id = ""
			}
			newID(id)
			write(k, modelVersion{id: id, marker: true})
		case r < 78:
			vid := pickVersion(k)
			res, err := e.DeleteObjectVersion(ctx, bucket, k, DeleteOptions{VersionID: vid})
			require.NoError(t, err)
			i := slices.IndexFunc(model[k], func(v modelVersion) bool { return versionOrNull(v.id) == vid })
			if i >= 0 {
				require.Equal(t, model[k][i].marker, res.DeleteMarker)
				model[k] = slices.Delete(model[k], i, i+1)
			}
		case r < 81:
			keys := []ObjectVersion{{Key: k}, {Key: randKey(), VersionID: pickVersion(k)}}
			keys[1].Key = k
			res, err := e.DeleteObjectVersions(ctx, bucket, keys, "")
			require.NoError(t, err)
			require.Len(t, res, 2)
			if state == VersioningOff {
				model[k] = nil
			} else {
				id := res[0].DeleteMarkerVersionID
				if id == NullVersionID {
					id = ""
				}
				write(k, modelVersion{id: id, marker: true})
			}
			vid := keys[1].VersionID
			if i := slices.IndexFunc(model[k], func(v modelVersion) bool { return versionOrNull(v.id) == vid }); i >= 0 {
				model[k] = slices.Delete(model[k], i, i+1)
			}
		case r < 84:
			status := []string{"Enabled", "Suspended"}[rng.IntN(2)]
			if state == VersioningOff && rng.IntN(3) > 0 {
				status = "Enabled"
			}
			require.NoError(t, e.SetBucketConfig(ctx, bucket, &bucketconfig.Versioning{Status: status}))
			state = map[string]VersioningState{"Enabled": VersioningEnabled, "Suspended": VersioningSuspended}[status]
			b, err := e.Bucket(ctx, bucket)
			require.NoError(t, err)
			require.Equal(t, state, b.Versioning)
		case r < 92:
			checkRead(k)
		case r < 98:
			checkList()
		default:
			if op%4 == 0 {
				e = reopen(e)
				b, err := e.Bucket(ctx, bucket)
				require.NoError(t, err)
				require.Equal(t, state, b.Versioning)
			}
			e.audit(t)
		}
	}
	for _, k := range keyPool {
		checkRead(k)
	}
	checkList()
	e.audit(t)
	// Purge (as rclone does): list every version, delete each; then the
	// bucket can go, and every blob reference is released.
	if state != VersioningOff {
		require.ErrorIs(t, e.DeleteBucket(ctx, bucket, DeleteBucketOptions{}), ErrBucketNotEmpty)
	}
	for {
		res, err := e.ListObjectVersions(ctx, bucket, VersionListOptions{MaxKeys: 7})
		require.NoError(t, err)
		if len(res.Versions) == 0 {
			break
		}
		for _, v := range res.Versions {
			_, err := e.DeleteObjectVersion(ctx, bucket, v.Key, DeleteOptions{VersionID: versionOrNull(v.VersionID)})
			require.NoError(t, err)
		}
	}
	require.NoError(t, e.DeleteBucket(ctx, bucket, DeleteBucketOptions{}))
	require.Zero(t, e.countBlobs(t), "leaked blob references")
	require.Zero(t, e.countPrefix(t, prefixVersion), "versions left")
	return e
}
