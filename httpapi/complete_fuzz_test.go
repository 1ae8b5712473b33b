package httpapi

import (
	"bytes"
	"encoding/xml"
	"reflect"
	"strings"
	"testing"
)

// FuzzCompleteRoundTrip checks the streaming <CompleteMultipartUpload>
// decoder: a document that decodes, rendered the way the SDKs render it
// (encoding/xml), decodes to the same parts; the same for a limit one
// lower than the parts decoded, which must be refused.
func FuzzCompleteRoundTrip(f *testing.F) {
	for _, s := range []string{
		`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"a"</ETag></Part><Part><PartNumber> 2 </PartNumber><ETag>&quot;b&quot;</ETag><ChecksumSHA256>x</ChecksumSHA256></Part></CompleteMultipartUpload>`,
		`<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><ETag>e</ETag><PartNumber>10000</PartNumber></Part><Other/></CompleteMultipartUpload>`,
		`<CompleteMultipartUpload></CompleteMultipartUpload>`,
		`<CompleteMultipartUpload><Part><PartNumber>-1</PartNumber><ETag><![CDATA[c]]></ETag></Part></CompleteMultipartUpload>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		parts, err := decodeComplete(newDocTokens(bytes.NewReader(data)), MaxParts, false)
		if err != nil {
			return
		}
		type part struct {
			completePartXML
			XMLName xml.Name `xml:"Part"`
		}
		doc := struct {
			XMLName xml.Name `xml:"CompleteMultipartUpload"`
			Parts   []part
		}{}
		for _, p := range parts {
			if !survivesEscaping(p.ETag) || !survivesEscaping(p.ChecksumCRC32+p.ChecksumCRC32C+p.ChecksumCRC64NVME+p.ChecksumSHA1+p.ChecksumSHA256) {
				return // characters XML 1.0 cannot carry: no renderer sends them
			}
			doc.Parts = append(doc.Parts, part{completePartXML: p})
		}
		out, err := xml.Marshal(doc)
		if err != nil {
			t.Fatalf("render: %v", err)
		}
		again, err := decodeComplete(newDocTokens(bytes.NewReader(out)), MaxParts, false)
		if err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
		// A rendered part always names its ETag: S3's decoder takes it too.
		if _, err := decodeComplete(newDocTokens(bytes.NewReader(out)), MaxParts, true); err != nil {
			t.Fatalf("S3 re-decode of %s: %v", out, err)
		}
		if len(parts)+len(again) > 0 && !reflect.DeepEqual(parts, again) {
			t.Fatalf("round trip:\n%+v\n%+v\n%s", parts, again, out)
		}
		if len(parts) > 0 {
			if _, err := decodeComplete(newDocTokens(bytes.NewReader(out)), len(parts)-1, false); err == nil {
				t.Fatalf("%d parts accepted under a limit of %d", len(parts), len(parts)-1)
			}
		}
	})
}

// survivesEscaping reports whether s survives encoding/xml's escaping unchanged.
func survivesEscaping(s string) bool {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	var back struct {
		V string `xml:",chardata"`
	}
	return xml.Unmarshal([]byte("<a>"+b.String()+"</a>"), &back) == nil && back.V == s
}
