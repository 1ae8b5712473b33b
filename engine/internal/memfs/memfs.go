// Package memfs is an in-memory vfs.FS for the blob log of a memory store.
//
// pebble's vfs.NewMem grows a file by re-allocating its byte slice, so a
// 64 MiB segment written in 1 MiB records allocates about 2 GiB on the Go
// heap, and the garbage collector lets the heap grow to twice what is live.
// Here a file grows in blocks (64 KiB doubling up to 8 MiB) that are never
// re-allocated, and on Unix the blocks are anonymous memory mappings outside
// the Go heap that are returned to the operating system as soon as the file
// is removed and its last handle closed: a store holds about what is live,
// plus up to maxSpare bytes of freed blocks kept for reuse (a fresh mapping
// costs a page fault per 4 KiB page on first write, which made writing
// into fresh blocks cost more than hashing the bytes).
//
// It implements what the blob log needs and what pebble's interface asks
// for: files, directories, renames, sequential and positional reads and
// writes. Sync is a no-op (nothing survives the process), Lock is a
// process-local lock, and Link is not supported.
//
// # Concurrency
//
// An FS and its files are safe for concurrent use, except that a file
// handle must not be used concurrently with its own Close (as with
// os.File). Reads run in parallel with each other; a write excludes the
// reads of the same file.
package memfs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
)

const (
	minBlock = 64 << 10 // first block of a file
	maxBlock = 2 << 20  // blocks double up to this size
	// maxSpare is how many bytes of freed blocks are kept for reuse for
	// good; while files churn, up to as many bytes as the files hold are
	// (see releaseBlock) until TrimSpare.
	maxSpare = 64 << 20
)

// errClosed is returned by the methods of a closed file.
var errClosed = errors.New("memfs: file already closed")

// FS is an in-memory filesystem. The zero value is not usable; call New.
type FS struct {
	mu    sync.Mutex
	dirs  map[string]bool
	files map[string]*node
	locks map[string]bool

	mapped atomic.Int64 // bytes of blocks currently allocated

	spareMu    sync.Mutex
	spare      map[int][][]byte // freed blocks by size, resident, for reuse
	spareBytes int64
	released   bool // Release ran: no more spares
}

// Release returns the memory of every file, and the spare blocks, to the
// operating system: the files read as empty afterwards. Call it when the
// filesystem is done with (the blocks live outside the Go heap, so they
// are not reclaimed by the garbage collector). Files removed while still
// open are released when their last handle closes, as always.
func (fs *FS) Release() {
	fs.spareMu.Lock()
	fs.released = true
	spare := fs.spare
	fs.spare, fs.spareBytes = nil, 0
	fs.spareMu.Unlock()
	for _, bs := range spare {
		for _, b := range bs {
			release(b)
		}
	}
	fs.mu.Lock()
	nodes := make([]*node, 0, len(fs.files))
	for _, n := range fs.files {
		nodes = append(nodes, n)
	}
	fs.mu.Unlock()
	for _, n := range nodes {
		n.mu.Lock() // readers hold the read lock while they copy
		for _, b := range n.blocks {
			fs.mapped.Add(-int64(len(b)))
			release(b)
		}
		n.blocks, n.size = nil, 0
		n.mu.Unlock()
	}
}

// Spare returns the bytes of freed blocks kept for reuse.
func (fs *FS) Spare() int64 {
	fs.spareMu.Lock()
	defer fs.spareMu.Unlock()
	return fs.spareBytes
}

// allocBlock returns a block of n bytes, reusing a spare one. A spare
// block keeps the bytes of the file it came from: nothing reads them,
// because reads stop at the file's size and writeAt zeroes any gap it
// leaves below it (so clearing every recycled block, most of whose bytes
// are overwritten at once, is not needed).
func (fs *FS) allocBlock(n int) ([]byte, error) {
	fs.spareMu.Lock()
	var b []byte
	if bs := fs.spare[n]; len(bs) > 0 {
		b, fs.spare[n] = bs[len(bs)-1], bs[:len(bs)-1]
		fs.spareBytes -= int64(n)
	}
	fs.spareMu.Unlock()
	if b != nil {
		return b, nil
	}
	return alloc(n)
}

// TrimSpare returns the spare blocks beyond maxSpare to the operating
// system. Call it now and then: freed blocks come in bursts when concurrent
// writers finish together and are wanted again at once, so releaseBlock
// keeps up to as many bytes as the files hold, and TrimSpare bounds how
// long that excess outlives the churn.
func (fs *FS) TrimSpare() {
	var drop [][]byte
	fs.spareMu.Lock()
	for n, bs := range fs.spare {
		for len(bs) > 0 && fs.spareBytes > maxSpare {
			drop = append(drop, bs[len(bs)-1])
			bs = bs[:len(bs)-1]
			fs.spareBytes -= int64(n)
		}
		fs.spare[n] = bs
	}
	fs.spareMu.Unlock()
	for _, b := range drop {
		release(b)
	}
}

// releaseBlock keeps b as a spare or returns it to the operating system.
func (fs *FS) releaseBlock(b []byte) {
	fs.spareMu.Lock()
	limit := max(maxSpare, fs.mapped.Load())
	keep := fs.spareBytes+int64(len(b)) <= limit && !fs.released
	if keep {
		if fs.spare == nil {
			fs.spare = map[int][][]byte{}
		}
		fs.spare[len(b)] = append(fs.spare[len(b)], b)
		fs.spareBytes += int64(len(b))
	}
	fs.spareMu.Unlock()
	if !keep {
		release(b)
	}
}

var _ vfs.FS = (*FS)(nil)

// New returns an empty filesystem holding only the root directory "/".
func New() *FS {
	return &FS{dirs: map[string]bool{"/": true}, files: map[string]*node{}, locks: map[string]bool{}}
}

// Allocated returns the bytes of file blocks currently allocated: what the
// files hold, rounded up to their blocks. On Unix, pages of a block that
// were never written are not resident.
func (fs *FS) Allocated() int64 { return fs.mapped.Load() }

// clean makes name absolute and canonical.
func clean(name string) string {
	return path.Clean("/" + name)
}

func notExist(op, name string) error {
	return &os.PathError{Op: op, Path: name, Err: os.ErrNotExist}
}

// parentOK reports whether the directory of name exists. fs.mu must be held.
func (fs *FS) parentOK(name string) bool {
	return fs.dirs[path.Dir(name)]
}

// node is a file's contents. refs counts open handles; the blocks are freed
// once the file is unlinked and the last handle closed.
type node struct {
	fs      *FS
	mu      sync.RWMutex
	blocks  [][]byte
	size    int64
	refs    int
	linked  bool
	modTime time.Time
}

// blockAt returns the index of the block holding offset off and the offset
// within it.
func blockAt(off int64) (int, int64) {
	i, start, sz := 0, int64(0), int64(minBlock)
	for sz < maxBlock {
		if off < start+sz {
			return i, off - start
		}
		start += sz
		sz *= 2
		i++
	}
	rel := off - start
	return i + int(rel/maxBlock), rel % maxBlock
}

// blockSize returns the size of block i.
func blockSize(i int) int {
	if i >= 8 || minBlock<<i >= maxBlock {
		return maxBlock
	}
	return minBlock << i
}

// growLocked allocates blocks until the file can hold n bytes. n.mu must be
// held for writing.
func (n *node) growLocked(size int64) error {
	if size == 0 {
		return nil
	}
	last, _ := blockAt(size - 1)
	for len(n.blocks) <= last {
		sz := blockSize(len(n.blocks))
		b, err := n.fs.allocBlock(sz)
		if err != nil {
			return fmt.Errorf("memfs: allocate %d bytes: %w", sz, err)
		}
		n.fs.mapped.Add(int64(sz))
		n.blocks = append(n.blocks, b)
	}
	return nil
}

// freeLocked releases the blocks when nothing can reach them any more.
// n.mu must be held for writing.
func (n *node) freeLocked() {
	if n.linked || n.refs > 0 {
		return
	}
	for _, b := range n.blocks {
		n.fs.mapped.Add(-int64(len(b)))
		n.fs.releaseBlock(b)
	}
	n.blocks = nil
	n.size = 0
}

func (n *node) writeAt(p []byte, off int64) (int, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	end := off + int64(len(p))
	if err := n.growLocked(end); err != nil {
		return 0, err
	}
	if off > n.size {
		n.zeroLocked(n.size, off) // a gap reads as zeros, not a spare's old bytes
	}
	for done := 0; done < len(p); {
		i, rel := blockAt(off + int64(done))
		done += copy(n.blocks[i][rel:], p[done:])
	}
	n.size = max(n.size, end)
	n.modTime = time.Now()
	return len(p), nil
}

// zeroLocked clears the bytes from off to end, which growLocked has
// allocated. n.mu must be held for writing.
func (n *node) zeroLocked(off, end int64) {
	for off < end {
		i, rel := blockAt(off)
		b := n.blocks[i][rel:]
		b = b[:min(int64(len(b)), end-off)]
		clear(b)
		off += int64(len(b))
	}
}

func (n *node) readAt(p []byte, off int64) (int, error) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if off < 0 {
		return 0, errors.New("memfs: negative offset")
	}
	if off >= n.size {
		return 0, io.EOF
	}
	want := min(int64(len(p)), n.size-off)
	done := 0
	for int64(done) < want {
		i, rel := blockAt(off + int64(done))
		done += copy(p[done:want], n.blocks[i][rel:])
	}
	if done < len(p) {
		return done, io.EOF
	}
	return done, nil
}

// views appends to dst the block memory holding the n bytes at off.
func (n *node) views(off int64, size int, dst [][]byte) ([][]byte, bool) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if off < 0 || size < 0 || off+int64(size) > n.size {
		return dst, false
	}
	return n.viewsLocked(off, size, dst), true
}

// viewsLocked appends to dst the block memory of the size bytes at off,
// which growLocked has allocated. n.mu must be held.
func (n *node) viewsLocked(off int64, size int, dst [][]byte) [][]byte {
	for size > 0 {
		i, rel := blockAt(off)
		v := n.blocks[i][rel:]
		v = v[:min(len(v), size):min(len(v), size)] // no appends into the block
		dst = append(dst, v)
		off += int64(len(v))
		size -= len(v)
	}
	return dst
}

// open returns a new handle on n.
func (n *node) open(name string, write bool) *file {
	n.mu.Lock()
	n.refs++
	n.mu.Unlock()
	return &file{n: n, name: name, write: write}
}

// unlink drops the directory entry of n. fs.mu must be held.
func (n *node) unlink() {
	n.mu.Lock()
	n.linked = false
	n.freeLocked()
	n.mu.Unlock()
}

// Create creates or truncates name (a fresh node: open handles of an old
// file keep its contents) and opens it for reading and writing.
func (fs *FS) Create(name string, _ vfs.DiskWriteCategory) (vfs.File, error) {
	name = clean(name)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if !fs.parentOK(name) {
		return nil, notExist("create", name)
	}
	if fs.dirs[name] {
		return nil, &os.PathError{Op: "create", Path: name, Err: errors.New("is a directory")}
	}
	if old := fs.files[name]; old != nil {
		old.unlink()
	}
	n := &node{fs: fs, linked: true, modTime: time.Now()}
	fs.files[name] = n
	return n.open(name, true), nil
}

// Link is not supported.
func (fs *FS) Link(oldname, newname string) error {
	return &os.LinkError{Op: "link", Old: oldname, New: newname, Err: errors.ErrUnsupported}
}

// Open opens name for reading.
func (fs *FS) Open(name string, opts ...vfs.OpenOption) (vfs.File, error) {
	name = clean(name)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if n := fs.files[name]; n != nil {
		return n.open(name, false), nil
	}
	if fs.dirs[name] {
		return &file{name: name, dir: true}, nil
	}
	return nil, notExist("open", name)
}

// OpenReadWrite opens name for reading and writing, creating it if needed.
func (fs *FS) OpenReadWrite(name string, _ vfs.DiskWriteCategory, _ ...vfs.OpenOption) (vfs.File, error) {
	name = clean(name)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	n := fs.files[name]
	if n == nil {
		if !fs.parentOK(name) || fs.dirs[name] {
			return nil, notExist("open", name)
		}
		n = &node{fs: fs, linked: true, modTime: time.Now()}
		fs.files[name] = n
	}
	return n.open(name, true), nil
}

// OpenDir opens a directory; its Sync does nothing.
func (fs *FS) OpenDir(name string) (vfs.File, error) {
	name = clean(name)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if !fs.dirs[name] {
		return nil, notExist("open", name)
	}
	return &file{name: name, dir: true}, nil
}

// Remove removes a file or an empty directory. A removed file's memory is
// freed once its last handle is closed.
func (fs *FS) Remove(name string) error {
	name = clean(name)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if n := fs.files[name]; n != nil {
		delete(fs.files, name)
		n.unlink()
		return nil
	}
	if !fs.dirs[name] || name == "/" {
		return notExist("remove", name)
	}
	if len(fs.childrenLocked(name)) > 0 {
		return &os.PathError{Op: "remove", Path: name, Err: errors.New("directory not empty")}
	}
	delete(fs.dirs, name)
	return nil
}

// RemoveAll removes name and everything under it.
func (fs *FS) RemoveAll(name string) error {
	name = clean(name)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	prefix := strings.TrimSuffix(name, "/") + "/"
	for p, n := range fs.files {
		if p == name || strings.HasPrefix(p, prefix) {
			delete(fs.files, p)
			n.unlink()
		}
	}
	for d := range fs.dirs {
		if d != "/" && (d == name || strings.HasPrefix(d, prefix)) {
			delete(fs.dirs, d)
		}
	}
	return nil
}

// Rename renames a file, replacing newname if it exists.
func (fs *FS) Rename(oldname, newname string) error {
	oldname, newname = clean(oldname), clean(newname)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	n := fs.files[oldname]
	if n == nil {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: os.ErrNotExist}
	}
	if !fs.parentOK(newname) || fs.dirs[newname] {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: os.ErrInvalid}
	}
	if oldname == newname {
		return nil
	}
	if old := fs.files[newname]; old != nil {
		old.unlink()
	}
	delete(fs.files, oldname)
	fs.files[newname] = n
	return nil
}

// ReuseForWrite renames oldname to newname and opens it for writing from
// the start, without truncating it.
func (fs *FS) ReuseForWrite(oldname, newname string, _ vfs.DiskWriteCategory) (vfs.File, error) {
	if err := fs.Rename(oldname, newname); err != nil {
		return nil, err
	}
	return fs.OpenReadWrite(newname, vfs.WriteCategoryUnspecified)
}

// MkdirAll creates dir and its missing parents.
func (fs *FS) MkdirAll(dir string, _ os.FileMode) error {
	dir = clean(dir)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for d := dir; ; d = path.Dir(d) {
		if fs.files[d] != nil {
			return &os.PathError{Op: "mkdir", Path: d, Err: errors.New("not a directory")}
		}
		fs.dirs[d] = true
		if d == "/" {
			return nil
		}
	}
}

type lockCloser struct {
	fs   *FS
	name string
}

func (l lockCloser) Close() error {
	l.fs.mu.Lock()
	defer l.fs.mu.Unlock()
	delete(l.fs.locks, l.name)
	return nil
}

// Lock takes a process-local lock on name, creating the file.
func (fs *FS) Lock(name string) (io.Closer, error) {
	f, err := fs.Create(name, vfs.WriteCategoryUnspecified)
	if err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	name = clean(name)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.locks[name] {
		return nil, fmt.Errorf("memfs: %s is already locked", name)
	}
	fs.locks[name] = true
	return lockCloser{fs, name}, nil
}

// childrenLocked lists the names directly under dir. fs.mu must be held.
func (fs *FS) childrenLocked(dir string) []string {
	var out []string
	add := func(p string) {
		if p != "/" && path.Dir(p) == dir {
			out = append(out, path.Base(p))
		}
	}
	for p := range fs.files {
		add(p)
	}
	for d := range fs.dirs {
		add(d)
	}
	slices.Sort(out)
	return out
}

// List returns the names of the entries of dir, sorted.
func (fs *FS) List(dir string) ([]string, error) {
	dir = clean(dir)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if !fs.dirs[dir] {
		return nil, notExist("list", dir)
	}
	return fs.childrenLocked(dir), nil
}

// Stat describes name.
func (fs *FS) Stat(name string) (vfs.FileInfo, error) {
	name = clean(name)
	fs.mu.Lock()
	n := fs.files[name]
	isDir := fs.dirs[name]
	fs.mu.Unlock()
	switch {
	case n != nil:
		return n.stat(name), nil
	case isDir:
		return fileInfo{name: path.Base(name), dir: true}, nil
	}
	return nil, notExist("stat", name)
}

// PathBase returns the last element of p.
func (fs *FS) PathBase(p string) string { return path.Base(p) }

// PathJoin joins path elements with "/".
func (fs *FS) PathJoin(elem ...string) string { return path.Join(elem...) }

// PathDir returns all but the last element of p.
func (fs *FS) PathDir(p string) string { return path.Dir(p) }

// GetDiskUsage reports the allocated bytes as used; nothing is ever full.
func (fs *FS) GetDiskUsage(string) (vfs.DiskUsage, error) {
	used := uint64(fs.mapped.Load())
	return vfs.DiskUsage{UsedBytes: used, TotalBytes: 1 << 62, AvailBytes: 1<<62 - used}, nil
}

// Unwrap returns nil: FS wraps nothing.
func (fs *FS) Unwrap() vfs.FS { return nil }

func (n *node) stat(name string) fileInfo {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return fileInfo{name: path.Base(name), size: n.size, modTime: n.modTime}
}

// file is an open handle: of a node, or of a directory (n nil).
type file struct {
	n      *node
	name   string
	dir    bool
	write  bool
	closed atomic.Bool
	rpos   int64 // Read position
	wpos   int64 // Write position
}

var _ vfs.File = (*file)(nil)

func (f *file) Close() error {
	if f.closed.Swap(true) {
		return errClosed
	}
	if f.n != nil {
		f.n.mu.Lock()
		f.n.refs--
		f.n.freeLocked()
		f.n.mu.Unlock()
	}
	return nil
}

func (f *file) usable() error {
	switch {
	case f.closed.Load():
		return errClosed
	case f.dir:
		return &os.PathError{Op: "read", Path: f.name, Err: errors.New("is a directory")}
	}
	return nil
}

func (f *file) Read(p []byte) (int, error) {
	if err := f.usable(); err != nil {
		return 0, err
	}
	n, err := f.n.readAt(p, f.rpos)
	f.rpos += int64(n)
	if n > 0 && err == io.EOF {
		err = nil
	}
	return n, err
}

func (f *file) ReadAt(p []byte, off int64) (int, error) {
	if err := f.usable(); err != nil {
		return 0, err
	}
	return f.n.readAt(p, off)
}

// Views appends to dst the file's memory holding the n bytes at off, in
// order, without copying them; false when the range is not all in the
// file. The slices stay valid until the file's memory is freed (the file
// removed and its last handle closed, or FS.Release): the caller must
// stop using them before that, and never write to them.
func (f *file) Views(off int64, n int, dst [][]byte) ([][]byte, bool) {
	if f.usable() != nil {
		return dst, false
	}
	return f.n.views(off, n, dst)
}

func (f *file) Write(p []byte) (int, error) {
	if err := f.usable(); err != nil {
		return 0, err
	}
	if !f.write {
		return 0, &os.PathError{Op: "write", Path: f.name, Err: os.ErrPermission}
	}
	n, err := f.n.writeAt(p, f.wpos)
	f.wpos += int64(n)
	return n, err
}

func (f *file) WriteAt(p []byte, off int64) (int, error) {
	if err := f.usable(); err != nil {
		return 0, err
	}
	if !f.write {
		return 0, &os.PathError{Op: "write", Path: f.name, Err: os.ErrPermission}
	}
	if off < 0 {
		return 0, errors.New("memfs: negative offset")
	}
	return f.n.writeAt(p, off)
}

// Reserve lets a writer fill the file in place, without copying through
// Write: it allocates the memory for the n bytes at off, which must be at
// or past the file's end, and appends views of it to dst. The file's size
// does not change, so readers do not see the bytes until Extend publishes
// them; a reservation never extended leaves nothing behind. The views stay
// valid under the same terms as Views'; only one writer may fill a range.
func (f *file) Reserve(off int64, n int, dst [][]byte) ([][]byte, error) {
	if err := f.usable(); err != nil {
		return dst, err
	}
	if !f.write {
		return dst, &os.PathError{Op: "write", Path: f.name, Err: os.ErrPermission}
	}
	if n < 0 {
		return dst, errors.New("memfs: negative length")
	}
	nd := f.n
	nd.mu.Lock()
	defer nd.mu.Unlock()
	if off < nd.size {
		return dst, fmt.Errorf("memfs: reserve at %d below the end %d", off, nd.size)
	}
	if err := nd.growLocked(off + int64(n)); err != nil {
		return dst, err
	}
	if off > nd.size {
		nd.zeroLocked(nd.size, off)
		nd.size = off
	}
	return nd.viewsLocked(off, n, dst), nil
}

// Extend publishes the bytes a writer filled through Reserve: the file's
// size, and the position of Write, become end. Every byte from the old end
// up to end must have been written.
func (f *file) Extend(end int64) error {
	if err := f.usable(); err != nil {
		return err
	}
	nd := f.n
	nd.mu.Lock()
	defer nd.mu.Unlock()
	if end < nd.size {
		return fmt.Errorf("memfs: extend to %d below the end %d", end, nd.size)
	}
	if end > 0 {
		if last, _ := blockAt(end - 1); last >= len(nd.blocks) {
			return fmt.Errorf("memfs: extend to %d past the reserved memory", end)
		}
	}
	nd.size = end
	nd.modTime = time.Now()
	f.wpos = end
	return nil
}

func (f *file) Preallocate(offset, length int64) error { return nil }

func (f *file) Stat() (vfs.FileInfo, error) {
	if f.closed.Load() {
		return nil, errClosed
	}
	if f.dir {
		return fileInfo{name: path.Base(f.name), dir: true}, nil
	}
	return f.n.stat(f.name), nil
}

func (f *file) Sync() error                         { return f.syncErr() }
func (f *file) SyncData() error                     { return f.syncErr() }
func (f *file) SyncTo(int64) (bool, error)          { return true, f.syncErr() }
func (f *file) Prefetch(offset, length int64) error { return nil }
func (f *file) Fd() uintptr                         { return vfs.InvalidFd }

func (f *file) syncErr() error {
	if f.closed.Load() {
		return errClosed
	}
	return nil
}

type fileInfo struct {
	name    string
	size    int64
	dir     bool
	modTime time.Time
}

func (fi fileInfo) Name() string { return fi.name }
func (fi fileInfo) Size() int64  { return fi.size }
func (fi fileInfo) Mode() os.FileMode {
	if fi.dir {
		return os.ModeDir | 0o755
	}
	return 0o644
}
func (fi fileInfo) ModTime() time.Time     { return fi.modTime }
func (fi fileInfo) IsDir() bool            { return fi.dir }
func (fi fileInfo) Sys() any               { return nil }
func (fi fileInfo) DeviceID() vfs.DeviceID { return vfs.DeviceID{} }
