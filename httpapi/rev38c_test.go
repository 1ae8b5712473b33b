package httpapi_test

import (
	"encoding/xml"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRev38cUploadIDMarkerWellFormed: OSS echoes a ListMultipartUploads
// upload-id-marker as sent. A control character in it was written as
// U+FFFD while encoding/xml rendered the page; perf38's hand-written
// renderer wrote it as a numeric reference (&#x1;), which XML 1.0 does
// not allow, so the whole answer became unreadable to an XML parser. The
// marker is a plain string, not key text: U+FFFD again.
func TestRev38cUploadIDMarkerWellFormed(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/rev38c-uploads", sign: "oss-v1"}).errOrNil())
	r := f.do(t, raw{method: "GET", path: "/rev38c-uploads?uploads&key-marker=a&upload-id-marker=x%01y", sign: "oss-v1"})
	must(t, r.errOrNil())
	var doc struct {
		UploadIDMarker string `xml:"UploadIdMarker"`
	}
	require.NoError(t, xml.Unmarshal(r.body, &doc), "%s", r.body)
	require.Equal(t, "x\uFFFDy", doc.UploadIDMarker)
}
