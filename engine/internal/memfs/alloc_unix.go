//go:build unix && !linux

package memfs

import "syscall"

// alloc maps n bytes of zeroed anonymous memory outside the Go heap.
func alloc(n int) ([]byte, error) {
	return syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
}

// release returns b, which alloc returned, to the operating system.
func release(b []byte) { _ = syscall.Munmap(b) }
