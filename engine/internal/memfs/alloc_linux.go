package memfs

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePage is the size of a transparent huge page on the platforms Go runs
// Linux on with 4 KiB base pages (amd64, arm64, ...).
const hugePage = 2 << 20

// alloc maps n bytes of zeroed anonymous memory outside the Go heap. Blocks
// of whole huge pages are aligned to them and marked MADV_HUGEPAGE: the
// first write then faults in 2 MiB at once instead of 4 KiB (writing a
// fresh 8 MiB block measured 8 GB/s against 1.9 GB/s with 4 KiB pages).
// Where transparent huge pages are off, madvise fails and the block simply
// keeps 4 KiB pages.
//
// unix.MmapPtr and MunmapPtr are used because syscall.Munmap only unmaps
// whole mappings that syscall.Mmap made, and the alignment trims both ends.
func alloc(n int) ([]byte, error) {
	if n < hugePage || n%hugePage != 0 {
		p, err := mmap(uintptr(n))
		if err != nil {
			return nil, err
		}
		return unsafe.Slice((*byte)(p), n), nil
	}
	p, err := mmap(uintptr(n) + hugePage)
	if err != nil {
		return nil, err
	}
	// Keep the aligned n bytes and unmap the rest on both sides, so that
	// release unmaps exactly what it is given.
	head := (hugePage - uintptr(p)%hugePage) % hugePage
	if head > 0 {
		_ = unix.MunmapPtr(p, head)
	}
	if tail := hugePage - head; tail > 0 {
		_ = unix.MunmapPtr(unsafe.Add(p, head+uintptr(n)), tail)
	}
	b := unsafe.Slice((*byte)(unsafe.Add(p, head)), n)
	_ = unix.Madvise(b, unix.MADV_HUGEPAGE)
	return b, nil
}

func mmap(n uintptr) (unsafe.Pointer, error) {
	return unix.MmapPtr(-1, 0, nil, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
}

// release returns b, which alloc returned, to the operating system.
func release(b []byte) {
	if len(b) > 0 {
		_ = unix.MunmapPtr(unsafe.Pointer(unsafe.SliceData(b)), uintptr(len(b)))
	}
}
