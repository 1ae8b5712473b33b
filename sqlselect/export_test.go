package sqlselect

// SetParquetReadAll makes a Parquet query convert every column, read or
// not, and returns the previous setting: the reference answer that
// projection must not change (TestRev38bProjectionMetamorphic).
func SetParquetReadAll(all bool) bool {
	old := pqReadAll
	pqReadAll = all
	return old
}
