package wal

import (
	"encoding/binary"
	"fmt"
)

// Loc locates one record. The engine stores it (AppendTo) in its metadata
// and hands it back to Read.
type Loc struct {
	// Segment is the id of the segment file holding the record.
	Segment uint64
	// Offset is the offset of the record header in the segment file.
	Offset int64
	// Size is the record's length on disk, header included.
	Size uint32
	// RawSize is the payload length after decompression: the length of
	// what Read returns.
	RawSize uint32
}

// LocEncodedLen is the length of the encoding produced by Loc.AppendTo.
const LocEncodedLen = 24

// String formats l for logs and error messages.
func (l Loc) String() string {
	return fmt.Sprintf("%06d@%d+%d(raw %d)", l.Segment, l.Offset, l.Size, l.RawSize)
}

// AppendTo appends the fixed-size (LocEncodedLen bytes, little-endian)
// encoding of l to b and returns the extended slice. The encoding is stable:
// it is stored in metadata.
func (l Loc) AppendTo(b []byte) []byte {
	b = binary.LittleEndian.AppendUint64(b, l.Segment)
	b = binary.LittleEndian.AppendUint64(b, uint64(l.Offset))
	b = binary.LittleEndian.AppendUint32(b, l.Size)
	b = binary.LittleEndian.AppendUint32(b, l.RawSize)
	return b
}

// DecodeLoc decodes the encoding produced by Loc.AppendTo. It fails with an
// error wrapping ErrCorrupt unless len(b) == LocEncodedLen. It does not check
// that the Loc is plausible; Read does.
func DecodeLoc(b []byte) (Loc, error) {
	if len(b) != LocEncodedLen {
		return Loc{}, fmt.Errorf("%w: encoded Loc is %d bytes, want %d", ErrCorrupt, len(b), LocEncodedLen)
	}
	return Loc{
		Segment: binary.LittleEndian.Uint64(b[0:]),
		Offset:  int64(binary.LittleEndian.Uint64(b[8:])),
		Size:    binary.LittleEndian.Uint32(b[16:]),
		RawSize: binary.LittleEndian.Uint32(b[20:]),
	}, nil
}
