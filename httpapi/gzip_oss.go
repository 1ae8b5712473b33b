package httpapi

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// OSS compresses a GetObject answer for a client that accepts gzip
// (Alibaba Cloud's "How do I compress objects that I download from OSS
// in the GZIP format?"): an object of at least 1 KB whose Content-Type is
// one of the web text types below. The answer then carries
// Content-Encoding: gzip and no ETag, Content-Length or Accept-Ranges.
// oss2 sends "Accept-Encoding: None" to keep requests' default gzip off;
// Go's transport asks for gzip by itself and decompresses, so the Go SDKs
// read the object as stored.

// gzipMinSize is the smallest object OSS compresses.
const gzipMinSize = 1 << 10

// gzipTypes are the media types OSS compresses.
var gzipTypes = map[string]bool{
	"text/cache-manifest": true, "text/xml": true, "text/css": true, "text/html": true, "text/plain": true,
	"application/javascript": true, "application/x-javascript": true, "application/rss+xml": true,
	"application/json": true, "text/json": true,
}

// gzipAnswer decides whether rc's GetObject or HeadObject answer of n
// bytes, whose headers are h, is gzip-compressed, and sets the headers
// that say so. An object OSS would compress (at least 1 KB of a listed
// type, not content-encoded already: a stored encoding is sent as stored)
// is answered with Vary: Accept-Encoding; it is compressed when the client
// accepts gzip and asks for the whole object (no Range, no partNumber).
// HEAD answers as GET would, without the body (aliyun-oss-php-sdk's
// OssClientObjectTest.testGetObjectMeta, recorded against OSS: Vary
// either way, then Content-Encoding: gzip and no Content-Length for
// "deflate, gzip").
func gzipAnswer(rc *request, h http.Header, n int64) bool {
	if !rc.d.behave.gzipText || n < gzipMinSize || h.Get("Content-Encoding") != "" {
		return false
	}
	if mt, _, err := mime.ParseMediaType(h.Get("Content-Type")); err != nil || !gzipTypes[mt] {
		return false
	}
	h.Add("Vary", "Accept-Encoding")
	if headerValue(rc.r.Header, "Range") != "" || rc.q.Has("partNumber") || !acceptsGzip(rc.r.Header) {
		return false
	}
	h.Del("ETag")
	h.Del("Content-Length")
	h.Del("Accept-Ranges")
	h.Set("Content-Encoding", "gzip")
	return true
}

// acceptsGzip reports whether Accept-Encoding names gzip with a nonzero
// quality.
func acceptsGzip(h http.Header) bool {
	for _, v := range h.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
				continue
			}
			for p := range strings.SplitSeq(params, ";") {
				if k, q, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(k, "q") {
					if f, err := strconv.ParseFloat(strings.TrimSpace(q), 64); err == nil && f == 0 {
						return false
					}
				}
			}
			return true
		}
	}
	return false
}

// gzipWriters are reused compressors: each holds about 1 MiB of state.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return zw
}}

// copyGzip compresses r into w.
func copyGzip(w io.Writer, r io.Reader) error {
	zw := gzipWriters.Get().(*gzip.Writer)
	defer func() {
		zw.Reset(io.Discard) // the pool keeps no reference to the answer
		gzipWriters.Put(zw)
	}()
	zw.Reset(w)
	if _, err := io.Copy(zw, r); err != nil {
		return err
	}
	return zw.Close()
}
