package engine

import (
	"errors"
	"reflect"
	"testing"

	"github.com/osslite/osslite/pkg/checksum"
)

// TestDecodeChecksumFields: a record's checksums and checksum type read
// back as written, with empty and non-empty values and any type, whether
// the algorithm is one of checksum.Algorithms (shared names, no copy) or
// another name (which encode never writes: added by hand); a checksum
// field that is not a pair is still corrupt.
func TestDecodeChecksumFields(t *testing.T) {
	sums := map[checksum.Algorithm][]byte{}
	for i, a := range checksum.Algorithms {
		sums[a] = make([]byte, i) // the first empty
	}
	for _, ct := range []string{"", "FULL_OBJECT", "COMPOSITE", "full_object", "OTHER"} {
		for a, v := range sums {
			r := objectRecord{info: ObjectInfo{Size: 1, ETag: "e", ChecksumType: ct, Checksums: map[checksum.Algorithm][]byte{a: v}}, inline: []byte("x")}
			got, err := decodeObject(r.encode(), true)
			if err != nil {
				t.Fatalf("%q %q: %v", ct, a, err)
			}
			if got.info.ChecksumType != ct || !reflect.DeepEqual(got.info.Checksums, r.info.Checksums) {
				t.Errorf("%q %q: decoded %q %q, want %q %q", ct, a, got.info.ChecksumType, got.info.Checksums, ct, r.info.Checksums)
			}
		}
		r := objectRecord{info: ObjectInfo{Size: 1, ETag: "e", ChecksumType: ct, Checksums: sums}, inline: []byte("x")}
		got, err := decodeObject(r.encode(), true)
		if err != nil || got.info.ChecksumType != ct || !reflect.DeepEqual(got.info.Checksums, sums) {
			t.Errorf("%q, all algorithms: decoded %q %q (%v)", ct, got.info.ChecksumType, got.info.Checksums, err)
		}
	}
	for _, a := range []checksum.Algorithm{"CRC99", "", "crc32"} {
		r := objectRecord{info: ObjectInfo{Size: 1, Checksums: map[checksum.Algorithm][]byte{checksum.SHA1: []byte("s")}}, inline: []byte("x")}
		e := encoder{b: r.encode()}
		e.strs(fChecksum, string(a), "odd")
		got, err := decodeObject(e.b, true)
		want := map[checksum.Algorithm][]byte{checksum.SHA1: []byte("s"), a: []byte("odd")}
		if err != nil || !reflect.DeepEqual(got.info.Checksums, want) {
			t.Errorf("algorithm %q: decoded %q (%v), want %q", a, got.info.Checksums, err, want)
		}
	}
	// Decoded values are copies: the record's bytes may be reused.
	r := objectRecord{info: ObjectInfo{Size: 1, Checksums: map[checksum.Algorithm][]byte{checksum.CRC64NVME: []byte("12345678")}}, inline: []byte("x")}
	enc := r.encode()
	got, err := decodeObject(enc, true)
	if err != nil {
		t.Fatal(err)
	}
	clear(enc)
	if string(got.info.Checksums[checksum.CRC64NVME]) != "12345678" {
		t.Errorf("checksum value shares the record's bytes: %q", got.info.Checksums[checksum.CRC64NVME])
	}
	for _, bad := range [][]string{{"CRC32"}, {"CRC32", "v", "extra"}} {
		e := encoder{b: r.encode()}
		e.strs(fChecksum, bad...)
		if _, err := decodeObject(e.b, true); !errors.Is(err, ErrCorrupt) {
			t.Errorf("checksum field %q: %v, want corrupt", bad, err)
		}
	}
}
