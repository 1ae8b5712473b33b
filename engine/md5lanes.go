package engine

import (
	"crypto/md5"
	"hash"
	"sync"

	md5simd "github.com/minio/md5-simd"
)

// simdMD5Min is the body size (or unknown, -1) from which MD5 runs on the
// engine's md5-simd server: it hashes up to 16 concurrent bodies in the
// lanes of one vector unit (1.8 times the throughput of crypto/md5 with 16
// uploads on 2 cores), while each 32 KiB block passes through the server's
// goroutine, which small bodies would not repay.
const simdMD5Min = 1 << 20

// md5Lanes owns the engine's md5-simd server (Options.VectorMD5; nil
// without). It is started by Open and stopped when the engine has closed and
// the last hasher in use is done: a write racing Close keeps working
// instead of hanging on a stopped server, and later writes fall back to
// crypto/md5.
type md5Lanes struct {
	mu     sync.Mutex
	srv    md5simd.Server
	users  int
	closed bool
}

func newMD5Lanes() *md5Lanes { return &md5Lanes{srv: md5simd.NewServer()} }

// hasher returns an MD5 hasher for a body of size bytes (-1: unknown), the
// function that releases it, and whether it runs on the server (its Write
// then only queues the bytes, copied).
func (m *md5Lanes) hasher(size int64) (_ md5simd.Hasher, release func(), simd bool) {
	stdlib := func() (md5simd.Hasher, func(), bool) {
		h := stdMD5s.Get().(*stdMD5)
		return h, h.release, false
	}
	if m == nil || size >= 0 && size < simdMD5Min { // small bodies take no lock
		return stdlib()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return stdlib()
	}
	m.users++
	h := m.srv.NewHash()
	return h, func() {
		h.Close()
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.users--; m.users == 0 && m.closed {
			m.srv.Close()
		}
	}, true
}

// close stops the server once no hasher uses it.
func (m *md5Lanes) close() {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return
	}
	m.closed = true
	if m.users == 0 {
		m.srv.Close()
	}
}

// stdMD5 is a crypto/md5 hasher, pooled: md5simd.StdlibHasher makes a new
// one each time (two allocations, and a third for its Close as a func,
// on every small PUT).
type stdMD5 struct {
	hash.Hash
	release func() // resets the hasher and returns it to stdMD5s
}

// Close does nothing: release gives the hasher back.
func (*stdMD5) Close() {}

var stdMD5s sync.Pool

func init() {
	stdMD5s.New = func() any {
		h := &stdMD5{Hash: md5.New()}
		h.release = func() {
			h.Reset()
			stdMD5s.Put(h)
		}
		return h
	}
}
