package httpapi

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// FuzzXMLParsers feeds arbitrary documents to every XML request parser:
// none may panic, and an ACL that parses must survive render -> parse.
func FuzzXMLParsers(f *testing.F) {
	for _, seed := range []string{
		`<AccessControlPolicy><Owner><ID>o</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`,
		`<AccessControlPolicy><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>abc</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>`,
		`<Delete><Object><Key>a</Key><VersionId>null</VersionId></Object><Quiet>true</Quiet></Delete>`,
		`<Delete><Object><Key>a&#x0C;b&#11;c&#x10FFFE;</Key></Object></Delete>`,
		`<Delete><Object><Key>k</Key><LastModifiedTime>Sun, 06 Dec 2026 03:00:00 GMT</LastModifiedTime><Size>4</Size></Object><Object><Key>j</Key><LastModifiedTime>2026-12-06T03:00:00.5Z</LastModifiedTime></Object></Delete>`,
		`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"x"</ETag><ChecksumCRC32>DUoRhQ==</ChecksumCRC32></Part></CompleteMultipartUpload>`,
		`<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`,
		`<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>`,
		`<MetricsConfiguration><Id>m</Id><Filter><And><Prefix>p/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And></Filter></MetricsConfiguration>`,
		`<MetricsConfiguration><Id>m</Id><Filter><Prefix></Prefix></Filter></MetricsConfiguration>`,
		`<IntelligentTieringConfiguration><Id>i</Id><Filter><And><Prefix>p/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And></Filter><Status>Enabled</Status><Tiering><AccessTier>ARCHIVE_ACCESS</AccessTier><Days>90</Days></Tiering></IntelligentTieringConfiguration>`,
		`<IntelligentTieringConfiguration><Id>i</Id><Filter/><Status>Disabled</Status><Tiering><AccessTier>DEEP_ARCHIVE_ACCESS</AccessTier><Days>180</Days></Tiering></IntelligentTieringConfiguration>`,
		`<AnalyticsConfiguration><Id>a</Id><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><StorageClassAnalysis><DataExport><OutputSchemaVersion>V_1</OutputSchemaVersion><Destination><S3BucketDestination><Format>CSV</Format><BucketAccountId>1</BucketAccountId><Bucket>arn:aws:s3:::d</Bucket><Prefix>p</Prefix></S3BucketDestination></Destination></DataExport></StorageClassAnalysis></AnalyticsConfiguration>`,
		`<AnalyticsConfiguration><Id>a</Id><StorageClassAnalysis/></AnalyticsConfiguration>`,
		`<`, ``, `<a xmlns="x"><b/></a>`,
	} {
		f.Add([]byte(seed))
	}
	s := &server{}
	f.Fuzz(func(t *testing.T, data []byte) {
		if acl, err := parsePolicy(data); err == nil {
			out, err := s3.marshal("AccessControlPolicy", s.policyOf(acl, "owner", "owner"))
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			again, err := parsePolicy(out[len(xmlHeader):])
			if err != nil {
				t.Fatalf("re-parse %s: %v", out, err)
			}
			if acl.Canned == "" && !reflect.DeepEqual(grantsKey(acl.Grants), grantsKey(again.Grants)) {
				t.Fatalf("ACL round trip:\n%+v\n%+v", acl.Grants, again.Grants)
			}
		}
		if d, err := decodeDelete(newDocTokens(bytes.NewReader(data)), MaxDeleteObjects); err == nil {
			// Keys survive render -> parse, control characters included.
			var doc strings.Builder
			doc.WriteString("<Delete>")
			for _, o := range d.objects {
				doc.WriteString("<Object><Key>" + xmlEscapeControls(o.key) + "</Key>")
				if o.size != nil {
					doc.WriteString("<Size>" + strconv.FormatInt(*o.size, 10) + "</Size>")
				}
				if y := o.lastModified.UTC().Year(); !o.lastModified.IsZero() && y >= 1 && y <= 9999 {
					doc.WriteString("<LastModifiedTime>" + o.lastModified.UTC().Format(http.TimeFormat) + "</LastModifiedTime>")
				}
				doc.WriteString("</Object>")
			}
			doc.WriteString("</Delete>")
			again, err := decodeDelete(newDocTokens(strings.NewReader(doc.String())), MaxDeleteObjects)
			if err != nil || len(again.objects) != len(d.objects) {
				t.Fatalf("delete round trip: %v %q", err, doc.String())
			}
			for i, o := range d.objects {
				if again.objects[i].key != o.key && utf8.ValidString(o.key) {
					t.Fatalf("key %q came back as %q", o.key, again.objects[i].key)
				}
				if (o.size == nil) != (again.objects[i].size == nil) || o.size != nil && *o.size != *again.objects[i].size {
					t.Fatalf("size of %q did not come back", o.key)
				}
				if y := o.lastModified.UTC().Year(); y >= 1 && y <= 9999 && !o.lastModified.Truncate(time.Second).Equal(again.objects[i].lastModified) {
					t.Fatalf("LastModifiedTime of %q: %v came back as %v", o.key, o.lastModified, again.objects[i].lastModified)
				}
			}
		}
		// Configurations read back as put.
		if mc, err := parseMetrics(data); err == nil {
			requireRoundTrip(t, "MetricsConfiguration", mc, func(c *bucketconfig.MetricsConfiguration) any { return new(renderMetrics(c)) }, parseMetrics)
		}
		if tc, err := parseTiering(data); err == nil {
			requireRoundTrip(t, "IntelligentTieringConfiguration", tc, func(c *bucketconfig.TieringConfiguration) any { return new(renderTiering(c)) }, parseTiering)
		}
		if ac, err := parseAnalytics(data); err == nil {
			requireRoundTrip(t, "AnalyticsConfiguration", ac, func(c *bucketconfig.AnalyticsConfiguration) any { return new(renderAnalytics(c)) }, parseAnalytics)
		}
		_, _ = decodeComplete(newDocTokens(bytes.NewReader(data)), MaxParts, false)
		var tg tagging
		if xml.Unmarshal(data, &tg) == nil {
			out, err := s3.marshal("Tagging", &tg)
			if err != nil {
				t.Fatalf("render tagging: %v", err)
			}
			var tg2 tagging
			if err := xml.Unmarshal(out, &tg2); err != nil || !reflect.DeepEqual(tg.TagSet, tg2.TagSet) && len(tg.TagSet)+len(tg2.TagSet) > 0 {
				t.Fatalf("tagging round trip: %v\n%+v\n%+v", err, tg.TagSet, tg2.TagSet)
			}
		}
		var cb createBucketConfiguration
		_ = xml.Unmarshal(data, &cb)
		_, _ = parseGrantHeader(string(data), permRead, "x-amz-grant-read")
		_, _, _, _ = parseS3CopySource(s3, string(data))
		_, _, _, _ = parseOSSCopySource(oss, string(data))
	})
}

// grantsKey drops the fields the render adds (display names).
func grantsKey(gs []engine.Grant) []engine.Grant {
	out := make([]engine.Grant, len(gs))
	for i, g := range gs {
		g.DisplayName = ""
		out[i] = g
	}
	return out
}

// xmlEscapeControls escapes s for XML text, control characters as
// character references (as the Aliyun SDKs send them).
func xmlEscapeControls(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == '\r' {
			b.WriteString("&#x" + strings.ToUpper(strconv.FormatInt(int64(r), 16)) + ";")
			continue
		}
		_ = xml.EscapeText(&b, []byte(string(r)))
	}
	return b.String()
}

// requireRoundTrip checks that configuration c, rendered as a root
// document and parsed again, is c.
func requireRoundTrip[C any](t *testing.T, root string, c C, render func(*C) any, parse func([]byte) (C, error)) {
	t.Helper()
	out, err := s3.marshal(root, render(&c))
	if err != nil {
		t.Fatalf("render %s: %v", root, err)
	}
	again, err := parse(out[len(xmlHeader):])
	if err != nil || !reflect.DeepEqual(c, again) {
		t.Fatalf("%s round trip: %v\n%+v\n%+v\n%s", root, err, c, again, out)
	}
}
