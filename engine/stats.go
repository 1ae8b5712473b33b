package engine

// Stats is a snapshot of the engine's space accounting and of the
// metadata store's health, for monitoring. Counters ("...Total") count
// from Open.
type Stats struct {
	// BlobLogBytes is the size of the blob-log segment files, in bytes.
	BlobLogBytes int64
	// LiveBytes is the part of BlobLogBytes that objects, parts and
	// uploads in progress still reference. Bodies small enough to be
	// stored inline in metadata are in neither number.
	LiveBytes int64
	// DeadBytes is BlobLogBytes - LiveBytes: what Compact can reclaim
	// (including chunks of writes still in progress, briefly).
	DeadBytes int64
	// Segments is the number of blob-log segment files.
	Segments int
	// CompactionsTotal counts Compact runs (background or explicit) that
	// got past their argument checks.
	CompactionsTotal int64
	// ReclaimedBytesTotal counts segment bytes Compact deleted itself
	// (not those deleted later, when their last reader closed).
	ReclaimedBytesTotal int64
	// Meta summarises pebble's metrics.
	Meta MetaStats
}

// MetaStats are the metadata store (pebble) numbers that matter for
// operating osslite.
type MetaStats struct {
	CompactionsTotal int64  // pebble compactions
	FlushesTotal     int64  // memtable flushes
	MemTableBytes    uint64 // bytes allocated by memtables
	DiskBytes        uint64 // bytes of pebble's files on disk
	ReadAmp          int    // current read amplification
	// BlockCacheHitsTotal and BlockCacheMissesTotal count block-cache
	// lookups; their ratio is the hit rate.
	BlockCacheHitsTotal   int64
	BlockCacheMissesTotal int64
	BlockCacheBytes       int64 // bytes in the block cache
}

// Stats returns the engine's current numbers. It reads one metadata key per
// blob-log segment and pebble's in-memory metrics, so it is cheap enough for
// every monitoring scrape. It fails with ErrClosed after Close.
func (e *Engine) Stats() (Stats, error) {
	if err := e.admit(); err != nil {
		return Stats{}, err
	}
	defer e.leave()
	live, err := e.liveBytes()
	if err != nil {
		return Stats{}, err
	}
	var st Stats
	for _, s := range e.log.Segments() {
		st.Segments++
		st.BlobLogBytes += s.Size
	}
	for _, l := range live {
		st.LiveBytes += max(l, 0)
	}
	st.DeadBytes = max(st.BlobLogBytes-st.LiveBytes, 0)
	st.CompactionsTotal = e.gc.runs.Load()
	st.ReclaimedBytesTotal = e.gc.reclaimed.Load()

	m := e.db.Metrics()
	st.Meta = MetaStats{
		CompactionsTotal:      m.Compact.Count,
		FlushesTotal:          m.Flush.Count,
		MemTableBytes:         m.MemTable.Size,
		DiskBytes:             m.DiskSpaceUsage(),
		ReadAmp:               m.ReadAmp(),
		BlockCacheHitsTotal:   m.BlockCache.Hits,
		BlockCacheMissesTotal: m.BlockCache.Misses,
		BlockCacheBytes:       m.BlockCache.Size,
	}
	return st, nil
}
