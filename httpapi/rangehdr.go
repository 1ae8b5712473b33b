package httpapi

import (
	"strconv"
	"strings"

	"github.com/osslite/osslite/engine"
)

// parseRange parses an HTTP Range header value with a single byte range
// ("bytes=0-99", "bytes=100-", "bytes=-500"). ok is false for anything else
// (several ranges, other units, malformed numbers): S3 ignores such headers
// and returns the whole object.
func parseRange(h string) (r engine.ByteRange, ok bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return engine.ByteRange{}, false
	}
	first, last, found := strings.Cut(spec, "-") // "bytes= -1" is no range to S3
	if !found {
		return engine.ByteRange{}, false
	}
	num := func(s string) (int64, bool) {
		if s == "" || strings.TrimLeft(s, "0123456789") != "" {
			return 0, false
		}
		v, err := strconv.ParseInt(s, 10, 64)
		return v, err == nil
	}
	if first == "" {
		n, ok := num(last)
		if !ok {
			return engine.ByteRange{}, false
		}
		return engine.ByteRange{Start: -1, End: -1, Suffix: n}, true
	}
	s, ok := num(first)
	if !ok {
		return engine.ByteRange{}, false
	}
	if last == "" {
		return engine.ByteRange{Start: s, End: -1}, true
	}
	l, ok := num(last)
	if !ok || l < s {
		return engine.ByteRange{}, false
	}
	return engine.ByteRange{Start: s, End: l}, true
}
