package checksum

import (
	"encoding/binary"
	"fmt"
	"sync"
)

// gf2 does arithmetic modulo a reflected CRC polynomial of width 32 or 64,
// in the bit order zlib's crc32_combine uses: the most significant bit of
// the width is x^0.
type gf2 struct {
	poly uint64
	top  uint64 // x^0
	// x2n[k] = x^(2^k) mod P. len2 < 2^63 bytes is < 2^66 bits, so k never
	// exceeds 66 and no cycle-length argument about P is needed.
	x2n [67]uint64
}

func newGF2(poly uint64, width uint) *gf2 {
	g := &gf2{poly: poly, top: 1 << (width - 1)}
	g.x2n[0] = g.top >> 1 // x^1
	for k := 1; k < len(g.x2n); k++ {
		g.x2n[k] = g.mul(g.x2n[k-1], g.x2n[k-1])
	}
	return g
}

// mul returns a·b mod P.
func (g *gf2) mul(a, b uint64) uint64 {
	var p uint64
	for m := g.top; m != 0; m >>= 1 {
		if a&m != 0 {
			p ^= b
			if a&(m-1) == 0 {
				break
			}
		}
		if b&1 != 0 {
			b = b>>1 ^ g.poly
		} else {
			b >>= 1
		}
	}
	return p
}

// combine returns crc(A||B) from crc(A), crc(B) and len(B) in bytes.
func (g *gf2) combine(crc1, crc2 uint64, len2 int64) uint64 {
	if len2 < 0 {
		panic(fmt.Sprintf("checksum: negative length %d in CRC combine", len2))
	}
	// x^(8·len2) = product of x^(2^k) over the set bits k of 8·len2.
	p := g.top
	n := uint64(len2)
	for k := 3; n != 0; k, n = k+1, n>>1 {
		if n&1 != 0 {
			p = g.mul(g.x2n[k], p)
		}
	}
	return g.mul(p, crc1) ^ crc2
}

var (
	gfCRC32     = sync.OnceValue(func() *gf2 { return newGF2(polyCRC32, 32) })
	gfCRC32C    = sync.OnceValue(func() *gf2 { return newGF2(polyCRC32C, 32) })
	gfCRC64NVME = sync.OnceValue(func() *gf2 { return newGF2(polyCRC64NVME, 64) })
	gfCRC64ECMA = sync.OnceValue(func() *gf2 { return newGF2(polyCRC64ECMA, 64) })
)

// CombineCRC64ECMA returns the CRC-64/ECMA (as NewCRC64ECMA computes it) of
// the concatenation A||B given crc1 = crc(A), crc2 = crc(B) and len2 =
// len(B) in bytes. It runs in O(log len2) and panics if len2 < 0.
func CombineCRC64ECMA(crc1, crc2 uint64, len2 int64) uint64 {
	return gfCRC64ECMA().combine(crc1, crc2, len2)
}

// CombineCRC returns the checksum of the concatenation A||B in wire form
// (big-endian) for the CRC algorithm a, given crc1 = a(A), crc2 = a(B), both
// in wire form as produced by a.New().Sum(nil) or Decode, and len2 = len(B)
// in bytes. Errors wrap ErrNotCombinable (an algorithm that is not a CRC), ErrUnknownAlgorithm,
// or ErrInvalidChecksum (wrong lengths, negative len2).
//
// Folding CombineCRC over the parts of a multipart upload, in part order,
// starting from the first part's CRC, yields the FULL_OBJECT checksum.
func CombineCRC(a Algorithm, crc1, crc2 []byte, len2 int64) ([]byte, error) {
	var g *gf2
	switch a {
	case CRC32:
		g = gfCRC32()
	case CRC32C:
		g = gfCRC32C()
	case CRC64NVME:
		g = gfCRC64NVME()
	default:
		if a.Valid() {
			return nil, fmt.Errorf("%w: %s", ErrNotCombinable, a)
		}
		return nil, fmt.Errorf("%w: %q", ErrUnknownAlgorithm, string(a))
	}
	if len(crc1) != a.Size() || len(crc2) != a.Size() {
		return nil, fmt.Errorf("%w: %s combine of %d- and %d-byte values, want %d", ErrInvalidChecksum, a, len(crc1), len(crc2), a.Size())
	}
	if len2 < 0 {
		return nil, fmt.Errorf("%w: negative length %d", ErrInvalidChecksum, len2)
	}
	if a.Size() == 4 {
		c := g.combine(uint64(binary.BigEndian.Uint32(crc1)), uint64(binary.BigEndian.Uint32(crc2)), len2)
		return binary.BigEndian.AppendUint32(nil, uint32(c)), nil
	}
	c := g.combine(binary.BigEndian.Uint64(crc1), binary.BigEndian.Uint64(crc2), len2)
	return binary.BigEndian.AppendUint64(nil, c), nil
}
