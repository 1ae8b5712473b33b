package engine

import (
	"encoding/binary"
	"errors"
	"reflect"
	"testing"

	"github.com/osslite/osslite/pkg/checksum"
)

// checksumFieldByList is the checksum field as decoded before the pair
// (small37): the payload read as a string list, a pair of strings kept,
// anything else corrupt.
func checksumFieldByList(p []byte) (checksum.Algorithm, []byte, bool) {
	var d decoder
	kv := d.strs(p)
	if d.err != nil || len(kv) != 2 {
		return "", nil, false
	}
	return checksum.Algorithm(kv[0]), []byte(kv[1]), true
}

// FuzzDecodeChecksumField compares a record's checksum and checksum type
// fields as decodeInto reads them (a pair; shared names for the known
// algorithms and types) with the string list they were read as before,
// over any payload: a pair of any strings, one string, three, truncated
// or overlong lengths. The record decodes (or fails) as the list says,
// with the same map and type, and values that are copies.
func FuzzDecodeChecksumField(f *testing.F) {
	pair := func(a, v string) []byte {
		p := binary.AppendUvarint(nil, uint64(len(a)))
		p = append(p, a...)
		p = binary.AppendUvarint(p, uint64(len(v)))
		return append(p, v...)
	}
	f.Add(pair("CRC64NVME", "12345678"), []byte("FULL_OBJECT"))
	f.Add(pair("crc32", ""), []byte("COMPOSITE"))
	f.Add(pair("", "x"), []byte("full_object"))
	f.Add([]byte{3, 'C', 'R', 'C'}, []byte{})
	f.Add([]byte{1, 'a', 1, 'b', 1, 'c'}, []byte("FULL_OBJECTS"))
	f.Add([]byte{200, 1, 'a'}, []byte("COMPOSITE\x00"))
	f.Fuzz(func(t *testing.T, p, ctype []byte) {
		base := objectRecord{info: ObjectInfo{Size: 1, ETag: "e", Checksums: map[checksum.Algorithm][]byte{checksum.SHA1: []byte("s")}}, inline: []byte("x")}
		e := encoder{b: base.encode()}
		e.field(fChecksum, p)
		e.field(fChecksumType, ctype)
		got, err := decodeObject(e.b, true)
		alg, v, ok := checksumFieldByList(p)
		if !ok {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("payload %q: %v, want corrupt", p, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("payload %q: %v", p, err)
		}
		want := map[checksum.Algorithm][]byte{checksum.SHA1: []byte("s"), alg: v}
		if !reflect.DeepEqual(got.info.Checksums, want) || got.info.ChecksumType != string(ctype) {
			t.Fatalf("payload %q %q: decoded %q %q, want %q %q", p, ctype, got.info.Checksums, got.info.ChecksumType, want, ctype)
		}
		clear(e.b)
		if string(got.info.Checksums[alg]) != string(v) || string(got.info.Checksums[checksum.SHA1]) != "s" || got.info.ChecksumType != string(ctype) {
			t.Fatalf("payload %q: decoded values share the record's bytes", p)
		}
	})
}
