package httpapi

import (
	"strconv"

	"github.com/osslite/osslite/engine"
)

// OSS's client-side encryption clients (the SDKs' crypto buckets) upload
// in parts of a size fixed at initiation, so that each part's cipher
// stream starts on a cipher block: InitiateMultipartUpload and every
// UploadPart carry x-oss-meta-client-side-encryption-part-size (and,
// when known, -data-size, the plaintext length). OSS checks them (ECs
// 0005-00000406 to -420); so does osslite, when an upload was started
// with the encryption key header.
const (
	cseKeyMeta      = "client-side-encryption-key"
	csePartSizeMeta = "client-side-encryption-part-size"
	cseDataSizeMeta = "client-side-encryption-data-size"
)

// cseSizes reads the part and data sizes from user metadata (0: absent).
func cseSizes(user map[string]string) (part, data int64, err error) {
	for _, f := range []struct {
		name string
		dst  *int64
		ec   string
	}{{csePartSizeMeta, &part, "0005-00000408"}, {cseDataSizeMeta, &data, "0005-00000409"}} {
		v, ok := user[f.name]
		if !ok {
			continue
		}
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || n <= 0 {
			return 0, 0, cseError(f.ec, "The x-oss-meta-"+f.name+" header must be a positive integer.")
		}
		*f.dst = n
	}
	return part, data, nil
}

func cseError(ec, msg string) error {
	e := errorf("InvalidArgument", "%s", msg)
	e.ec = ec
	return e
}

// checkCSEInitiate checks an upload started with the encryption key
// header: it must say its part size, a multiple of the cipher block.
func checkCSEInitiate(user map[string]string) error {
	if _, ok := user[cseKeyMeta]; !ok {
		return nil
	}
	part, _, err := cseSizes(user)
	if err != nil {
		return err
	}
	if part == 0 {
		return cseError("0005-00000406", "A client-side encrypted multipart upload needs the x-oss-meta-client-side-encryption-part-size header.")
	}
	if part%16 != 0 {
		return cseError("0005-00000408", "The x-oss-meta-client-side-encryption-part-size must be a multiple of 16.")
	}
	return nil
}

// checkCSEPart checks part n of size bytes of a client-side encrypted
// upload against the sizes the upload was started with.
func checkCSEPart(rc *request, up engine.UploadInfo, n int, size int64) error {
	if _, ok := up.User[cseKeyMeta]; !ok {
		return nil
	}
	part, data, err := cseSizes(up.User)
	if err != nil || part == 0 {
		return err
	}
	sent := rc.r.Header.Get(rc.d.h("meta-" + csePartSizeMeta))
	if sent == "" {
		return cseError("0005-00000407", "A part of a client-side encrypted upload needs the x-oss-meta-client-side-encryption-part-size header.")
	}
	if sent != strconv.FormatInt(part, 10) {
		return cseError("0005-00000418", "The x-oss-meta-client-side-encryption-part-size differs from the upload's.")
	}
	want := part
	if data > 0 {
		last := (data + part - 1) / part
		switch {
		case int64(n) > last:
			return cseError("0005-00000419", "The part number is beyond the client-side encryption data size.")
		case int64(n) == last:
			want = data - (last-1)*part
		}
	}
	if size >= 0 && size != want {
		return cseError("0005-00000419", "The part size must be the client-side encryption part size, except for the last part.")
	}
	return nil
}
