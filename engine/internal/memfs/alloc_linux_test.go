package memfs

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// vmSize reads the process's mapped address space, in KiB.
func vmSize(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmSize:"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Skip("no VmSize")
	return 0
}

// TestAllocReleaseUnmaps checks that huge-page blocks are aligned and that
// release (and the trimming in alloc) give the whole mapping back: 512
// rounds of 8 MiB would leave 4 GiB mapped otherwise.
func TestAllocReleaseUnmaps(t *testing.T) {
	before := vmSize(t)
	for range 512 {
		for _, n := range []int{64 << 10, 2 << 20, 8 << 20} {
			b, err := alloc(n)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) != n || cap(b) != n {
				t.Fatalf("alloc(%d): len %d cap %d", n, len(b), cap(b))
			}
			if n >= hugePage && uintptr(unsafe.Pointer(&b[0]))%hugePage != 0 {
				t.Fatalf("alloc(%d) is not huge-page aligned: %p", n, &b[0])
			}
			b[0], b[n-1] = 1, 1
			release(b)
		}
	}
	if grew := vmSize(t) - before; grew > 256<<10 {
		t.Fatalf("address space grew by %d KiB over 512 alloc/release rounds", grew)
	}
}
