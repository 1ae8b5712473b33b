package httpapi_test

import (
	"strings"
	"testing"
)

// TestStoredHeaderControlNamed: a PUT whose stored headers hold control
// bytes (only a hand-made or form request can send them) is refused with
// InvalidArgument naming the first bad one in a fixed order (Content-Type,
// Cache-Control, ..., Expires, then the website redirect), every time;
// the website redirect is named in the dialect's spelling.
func TestStoredHeaderControlNamed(t *testing.T) {
	hb := newHandlerBench(t)
	for _, tc := range []struct {
		headers map[string]string
		name    string
	}{
		{map[string]string{"Expires": "x\x01", "Cache-Control": "y\x02"}, "Cache-Control"},
		{map[string]string{"Content-Language": "x\x01", "Content-Disposition": "y\x02", "Expires": "z\x03"}, "Content-Disposition"},
		{map[string]string{"X-Amz-Website-Redirect-Location": "/a\x01", "Expires": "z\x03"}, "Expires"},
		{map[string]string{"X-Amz-Website-Redirect-Location": "/a\x01"}, "x-amz-website-redirect-location"},
	} {
		for range 20 { // the order was a map's, random
			req := hb.signedWith(t, "PUT", "/bench/ctl", hb.body, tc.headers)
			rec := hb.serve(t, req)
			body := rec.Body.String()
			if rec.Code != 400 || !strings.Contains(body, "<Code>InvalidArgument</Code>") ||
				!strings.Contains(body, "<ArgumentName>"+tc.name+"</ArgumentName>") {
				t.Fatalf("%q: %d %s, want InvalidArgument naming %s", tc.headers, rec.Code, body, tc.name)
			}
		}
	}
}
