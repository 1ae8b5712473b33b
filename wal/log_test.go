package wal

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

type written struct {
	loc  Loc
	data []byte
}

// checkStored asserts the compression contract on one record: compressed
// only when that saved at least minSavings.
func checkStored(t *testing.T, loc Loc, minSavings float64) {
	t.Helper()
	stored := int(loc.Size) - headerLen
	if stored != int(loc.RawSize) {
		require.Less(t, stored, int(loc.RawSize), "stored form larger than raw: %v", loc)
		saved := float64(int(loc.RawSize)-stored) / float64(loc.RawSize)
		require.GreaterOrEqual(t, saved, minSavings, "compressed form stored for %.1f%% savings: %v", saved*100, loc)
	}
}

func TestRoundTrip(t *testing.T) {
	sizes := []int{0, 1, 2, 63, 1000, 4096, 65536, 300_000, 1 << 20, 3<<20 + 17}
	for _, comp := range []Compression{NoCompression, S2, Zstd} {
		for _, kind := range []string{"random", "text"} {
			t.Run(fmt.Sprintf("%v/%s", comp, kind), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(comp), uint64(len(kind))))
				fs := vfs.NewMem()
				opts := testOptions(fs)
				opts.Compression = comp
				l, _ := openLog(t, opts)

				gen := randomBytes
				if kind == "text" {
					gen = textBytes
				}
				var recs []written
				all := append([]int(nil), sizes...)
				for range 20 {
					all = append(all, rng.IntN(200_000))
				}
				for i, n := range all {
					data := gen(rng, n)
					var flags AppendFlags
					if i%7 == 3 {
						flags = NoCompress
					}
					loc, err := l.Append(data, flags)
					require.NoError(t, err)
					require.Equal(t, uint32(n), loc.RawSize)
					checkStored(t, loc, DefaultMinSavings)
					stored := int(loc.Size) - headerLen
					switch {
					case comp == NoCompression || flags&NoCompress != 0 || kind == "random":
						require.Equal(t, n, stored, "record %d stored compressed: %v", i, loc)
					case n >= 4096:
						require.Less(t, stored, n*9/10, "compressible record %d not compressed: %v", i, loc)
					}
					recs = append(recs, written{loc, data})
				}
				require.NoError(t, l.Sync())

				check := func(l *Log) {
					var buf []byte
					for i, r := range recs {
						got, err := l.Read(r.loc, buf)
						require.NoError(t, err, "record %d", i)
						require.True(t, bytes.Equal(r.data, got), "record %d differs", i)
						buf = got
					}
					i := 0
					for _, s := range l.Segments() {
						require.NoError(t, l.Iterate(s.ID, func(loc Loc, payload []byte) error {
							require.Equal(t, recs[i].loc, loc)
							require.True(t, bytes.Equal(recs[i].data, payload), "iterated record %d differs", i)
							i++
							return nil
						}))
					}
					require.Equal(t, len(recs), i)
				}
				check(l)

				// Everything is still there after reopening, whatever the
				// compression setting now is.
				require.NoError(t, l.Close())
				opts.Compression = NoCompression
				l2, report := openLog(t, opts)
				require.Empty(t, report.Truncations)
				check(l2)
			})
		}
	}
}

func TestMinSavings(t *testing.T) {
	// A quarter of the 64-byte blocks are zero, the rest random: both
	// compressors save a little under 25%.
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 256<<10)
	for i := 0; i < len(data); i += 64 {
		if rng.IntN(4) != 0 {
			copy(data[i:i+64], randomBytes(rng, 64))
		}
	}
	for _, comp := range []Compression{S2, Zstd} {
		for _, tc := range []struct {
			minSavings float64
			compressed bool
		}{
			{0.10, true},
			{0.20, true},
			{0.30, false},
			{0.90, false},
		} {
			t.Run(fmt.Sprintf("%v/%v", comp, tc.minSavings), func(t *testing.T) {
				opts := testOptions(vfs.NewMem())
				opts.Compression = comp
				opts.MinSavings = tc.minSavings
				l, _ := openLog(t, opts)
				loc, err := l.Append(data, 0)
				require.NoError(t, err)
				checkStored(t, loc, tc.minSavings)
				require.Equal(t, tc.compressed, int(loc.Size)-headerLen < len(data), "%v", loc)
				got, err := l.Read(loc, nil)
				require.NoError(t, err)
				require.Equal(t, data, got)
			})
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	fs := vfs.NewMem()
	for _, tc := range []struct {
		name   string
		mutate func(*Options)
		ok     bool
	}{
		{"defaults", func(*Options) {}, true},
		{"no fs", func(o *Options) { o.FS = nil }, false},
		{"no dir", func(o *Options) { o.Dir = "" }, false},
		{"negative segment size", func(o *Options) { o.SegmentSize = -1 }, false},
		{"unknown compression", func(o *Options) { o.Compression = 9 }, false},
		{"min savings 1", func(o *Options) { o.MinSavings = 1 }, false},
		{"negative min savings", func(o *Options) { o.MinSavings = -0.5 }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := Options{FS: fs, Dir: "x"}
			tc.mutate(&o)
			o.EnsureDefaults()
			err := o.Validate()
			if tc.ok {
				require.NoError(t, err)
				require.Equal(t, int64(DefaultSegmentSize), o.SegmentSize)
				require.Equal(t, DefaultMinSavings, o.MinSavings)
				require.NotNil(t, o.Logger)
			} else {
				require.Error(t, err)
				_, _, err = Open(o)
				require.Error(t, err)
			}
		})
	}
}

func TestRotation(t *testing.T) {
	opts := testOptions(vfs.NewMem())
	opts.SegmentSize = 64 << 10
	l, _ := openLog(t, opts)
	rng := rand.New(rand.NewPCG(3, 4))

	var recs []written
	add := func(n int) Loc {
		data := randomBytes(rng, n)
		loc, err := l.Append(data, 0)
		require.NoError(t, err)
		recs = append(recs, written{loc, data})
		return loc
	}
	for range 40 {
		add(10_000)
	}
	big := add(200_000) // larger than a segment: gets one to itself
	after := add(10)

	segs := l.Segments()
	require.Greater(t, len(segs), 5)
	for i, s := range segs {
		require.Equal(t, i == len(segs)-1, s.Active, "segment %d", s.ID)
		if i > 0 {
			require.Greater(t, s.ID, segs[i-1].ID)
		}
		if s.ID != big.Segment {
			require.LessOrEqual(t, s.Size, opts.SegmentSize)
		}
	}
	require.Equal(t, int64(0), big.Offset)
	require.Equal(t, int64(big.Size), segs[len(segs)-2].Size)
	require.Equal(t, big.Segment+1, after.Segment)
	require.Equal(t, int64(0), after.Offset)
	// A sealed segment was cut because the next record did not fit.
	require.Greater(t, segs[0].Size+10_000+headerLen, opts.SegmentSize)

	for _, r := range recs {
		got, err := l.Read(r.loc, nil)
		require.NoError(t, err)
		require.Equal(t, r.data, got)
	}

	active := segs[len(segs)-1].ID
	require.ErrorIs(t, l.RemoveSegment(active), ErrActiveSegment)
	require.ErrorIs(t, l.RemoveSegment(active+100), ErrSegmentNotFound)

	require.NoError(t, l.RemoveSegment(segs[0].ID))
	_, err := l.Read(recs[0].loc, nil)
	require.ErrorIs(t, err, ErrSegmentNotFound)
	require.ErrorIs(t, l.Iterate(segs[0].ID, func(Loc, []byte) error { return nil }), ErrSegmentNotFound)
	require.Len(t, l.Segments(), len(segs)-1)
	names, err := opts.FS.List(opts.Dir)
	require.NoError(t, err)
	require.NotContains(t, names, fmt.Sprintf("%06d.blob", segs[0].ID))

	require.NoError(t, l.Rotate())
	segs2 := l.Segments()
	require.Equal(t, active+1, segs2[len(segs2)-1].ID)
	require.True(t, segs2[len(segs2)-1].Active)
	require.NoError(t, l.RemoveSegment(active))

	// The log survives a reopen with the removed segments gone.
	require.NoError(t, l.Close())
	l2, report := openLog(t, opts)
	require.Empty(t, report.Truncations)
	got, err := l2.Read(big, nil)
	require.NoError(t, err)
	require.Equal(t, recs[len(recs)-2].data, got)
}

func TestConcurrentAppendRead(t *testing.T) {
	opts := testOptions(vfs.NewMem())
	opts.SegmentSize = 256 << 10
	opts.Compression = S2
	l, _ := openLog(t, opts)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 9))
			for i := range 50 {
				data := textBytes(rng, rng.IntN(20_000))
				if i%2 == 0 {
					data = randomBytes(rng, len(data))
				}
				loc, err := l.Append(data, 0)
				if !assertNoErr(t, err) {
					return
				}
				got, err := l.Read(loc, nil)
				if !assertNoErr(t, err) || !bytes.Equal(data, got) {
					t.Errorf("goroutine %d record %d: read back differs", g, i)
					return
				}
				if i%10 == 0 {
					_ = l.Segments()
				}
			}
		})
	}
	wg.Wait()
}

func assertNoErr(t *testing.T, err error) bool {
	if err != nil {
		t.Error(err)
		return false
	}
	return true
}

func TestClosed(t *testing.T) {
	l, _ := openLog(t, testOptions(vfs.NewMem()))
	loc, err := l.Append([]byte("x"), 0)
	require.NoError(t, err)
	require.NoError(t, l.Close())
	_, err = l.Append([]byte("x"), 0)
	require.ErrorIs(t, err, ErrClosed)
	_, err = l.Read(loc, nil)
	require.ErrorIs(t, err, ErrClosed)
	require.ErrorIs(t, l.Sync(), ErrClosed)
	require.ErrorIs(t, l.Rotate(), ErrClosed)
	require.ErrorIs(t, l.Iterate(loc.Segment, func(Loc, []byte) error { return nil }), ErrClosed)
	require.ErrorIs(t, l.RemoveSegment(loc.Segment), ErrClosed)
	require.ErrorIs(t, l.Close(), ErrClosed)
	require.Nil(t, l.Segments())
}

func TestAppendTooLarge(t *testing.T) {
	l, _ := openLog(t, testOptions(vfs.NewMem()))
	_, err := l.Append(make([]byte, MaxPayloadSize+1), 0)
	require.ErrorIs(t, err, ErrTooLarge)
}
