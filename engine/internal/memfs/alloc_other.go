//go:build !unix

package memfs

// alloc returns n zeroed bytes from the Go heap.
func alloc(n int) ([]byte, error) { return make([]byte, n), nil }

// release leaves b to the garbage collector.
func release([]byte) {}
