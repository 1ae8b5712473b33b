package checksum_test

import (
	"fmt"
	"hash/crc64"

	"github.com/osslite/osslite/pkg/checksum"
)

func ExampleAlgorithm_New() {
	alg, _ := checksum.ParseAlgorithm("crc32c")
	h := alg.New()
	h.Write([]byte("hello world"))
	fmt.Println(alg.HeaderName()+":", checksum.Encode(h.Sum(nil)))
	// Output: x-amz-checksum-crc32c: yZRlqg==
}

func ExampleDecode() {
	sum, err := checksum.Decode(checksum.CRC32, "DUoRhQ==")
	fmt.Printf("%x %v\n", sum, err)
	_, err = checksum.Decode(checksum.CRC32, "DUoR")
	fmt.Println(err)
	// Output:
	// 0d4a1185 <nil>
	// checksum: invalid checksum value: CRC32 value "DUoR" decodes to 3 bytes, want 4
}

func ExampleCombineCRC() {
	part1, part2 := []byte("hello "), []byte("world")
	crc := func(p []byte) []byte { h := checksum.CRC32.New(); h.Write(p); return h.Sum(nil) }
	full, _ := checksum.CombineCRC(checksum.CRC32, crc(part1), crc(part2), int64(len(part2)))
	fmt.Println(checksum.Encode(full))
	// Output: DUoRhQ==
}

func ExampleCombineCRC64ECMA() {
	a, b := []byte("hello "), []byte("world")
	c := checksum.CombineCRC64ECMA(crc64.Checksum(a, checksum.CRC64ECMATable), crc64.Checksum(b, checksum.CRC64ECMATable), int64(len(b)))
	fmt.Println(c == crc64.Checksum([]byte("hello world"), checksum.CRC64ECMATable))
	// Output: true
}
