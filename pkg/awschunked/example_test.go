package awschunked_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/osslite/osslite/pkg/awschunked"
)

func ExampleNewReader() {
	// An aws-sdk-go-v2 style STREAMING-UNSIGNED-PAYLOAD-TRAILER body.
	body := "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"
	mode, _ := awschunked.ParseMode("STREAMING-UNSIGNED-PAYLOAD-TRAILER")
	z := awschunked.NewReader(strings.NewReader(body), awschunked.Options{
		Mode:          mode,
		DecodedLength: 11,
		Trailers:      []string{"x-amz-checksum-crc32"},
	})
	data, err := io.ReadAll(z)
	fmt.Printf("%q %v %s\n", data, err, z.Trailers().Get("x-amz-checksum-crc32"))
	// Output: "hello world" <nil> DUoRhQ==
}
