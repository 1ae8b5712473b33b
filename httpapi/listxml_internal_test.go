package httpapi

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/checksum"
	"github.com/stretchr/testify/require"
)

// docGen makes random document values for the renderer equivalence
// tests: text full of characters that need escaping, and key text
// (xmlText) with characters XML 1.0 cannot carry too (and, with ctl,
// text of plain string fields with them too).
type docGen struct {
	rng *rand.Rand
	ctl bool
}

func newDocGen(seed1, seed2 uint64) docGen { return docGen{rng: rand.New(rand.NewPCG(seed1, seed2))} }

func (g docGen) gen(alphabet string) string {
	r := []rune(alphabet)
	out := make([]rune, g.rng.IntN(8))
	for i := range out {
		out[i] = r[g.rng.IntN(len(r))]
	}
	return string(out)
}

func (g docGen) str() string {
	if g.ctl {
		return g.gen("ab/&<>\"'\t\n\r\x01\x1f\uFFFE\uFFFDé日 ")
	}
	return g.gen("ab/&<>\"'\t\n\r\uFFFDé日 ")
}
func (g docGen) key() xmlText { return xmlText(g.gen("ab/&<>\"'\t\n\r\x01\x1f\uFFFE\uFFFDé日 ")) }

// opt and optKey are str and key, or empty half the time.
func (g docGen) opt() string {
	if g.rng.IntN(2) == 0 {
		return ""
	}
	return g.str()
}

func (g docGen) optKey() xmlText {
	if g.rng.IntN(2) == 0 {
		return ""
	}
	return g.key()
}

// requireSameAsEncodingXML checks that doc renders by hand, in either
// namespace, as marshalTo renders it through encoding/xml (with
// quoteEntity's &quot;; name is doc's XMLName field).
func requireSameAsEncodingXML(t *testing.T, doc xmlAppender, name *xml.Name, root string, i int) {
	t.Helper()
	for _, ns := range []string{"", "http://s3.amazonaws.com/doc/2006-03-01/"} {
		fast := doc.appendXML(nil, root, ns)
		*name = xml.Name{Space: ns, Local: root}
		var slow bytes.Buffer
		require.NoError(t, xml.NewEncoder(&slow).Encode(doc))
		*name = xml.Name{}
		require.Equal(t, string(quoteEntity(slow.Bytes())), string(fast), "case %d", i)
	}
}

// TestListXMLMatchesEncodingXML: the hand-written listing renderer writes
// exactly what encoding/xml writes for the same value, for random values
// with every optional field on or off, keys full of characters that need
// escaping and, in the fields of key text (xmlText), characters XML 1.0
// cannot carry, and in owners' IDs and names (string fields, U+FFFD
// there) too.
func TestListXMLMatchesEncodingXML(t *testing.T) {
	g := newDocGen(1, 2)
	rng, str, key, opt, optKey := g.rng, g.str, g.key, g.opt, g.optKey
	ctl := docGen{rng: rng, ctl: true}
	for i := range 500 {
		r := &listBucketResult{Name: str(), Prefix: optKey(), NextMarker: optKey(),
			NextContinuationToken: optKey(), StartAfter: optKey(), MaxKeys: rng.IntN(1001), Delimiter: optKey(),
			EncodingType: opt(), IsTruncated: rng.IntN(2) == 0}
		if rng.IntN(2) == 0 {
			m := optKey()
			r.Marker = &m
		}
		if rng.IntN(2) == 0 {
			tok := optKey()
			r.ContinuationToken = &tok
		}
		if rng.IntN(2) == 0 {
			n := rng.IntN(1000)
			r.KeyCount = &n
		}
		for range rng.IntN(4) {
			o := xmlObject{Key: key(), LastModified: str(), ETag: str(), Type: opt(), ChecksumAlgorithm: opt(),
				ChecksumType: opt(), Size: rng.Int64(), StorageClass: str()}
			if rng.IntN(2) == 0 {
				o.Owner = &owner{ID: ctl.str(), DisplayName: ctl.opt()}
			}
			if rng.IntN(3) == 0 {
				o.RestoreStatus = &xmlRestoreStatus{IsRestoreInProgress: rng.IntN(2) == 0, RestoreExpiryDate: opt()}
			}
			r.Contents = append(r.Contents, o)
		}
		for range rng.IntN(3) {
			r.CommonPrefixes = append(r.CommonPrefixes, commonPrefix{key()})
		}
		requireSameAsEncodingXML(t, r, &r.XMLName, "ListBucketResult", i)
	}
}

// TestVersionsXMLMatchesEncodingXML: the same for ListObjectVersions
// pages.
func TestVersionsXMLMatchesEncodingXML(t *testing.T) {
	g := newDocGen(5, 6)
	rng, str, key, opt, optKey := g.rng, g.str, g.key, g.opt, g.optKey
	ctl := docGen{rng: rng, ctl: true}
	for i := range 500 {
		r := &listVersionsResult{Name: str(), Prefix: optKey(), KeyMarker: optKey(), VersionIDMarker: opt(), NextKeyMarker: optKey(),
			NextVersionIDMarker: opt(), MaxKeys: rng.IntN(1001), Delimiter: optKey(), EncodingType: opt(), IsTruncated: rng.IntN(2) == 0}
		for range rng.IntN(4) {
			v := xmlVersion{name: []string{"Version", "DeleteMarker"}[rng.IntN(2)], Key: key(), VersionID: str(), IsLatest: rng.IntN(2) == 0,
				LastModified: str(), ETag: opt(), Type: opt(), StorageClass: opt(), Owner: owner{ID: ctl.str(), DisplayName: ctl.opt()},
				ChecksumAlgorithm: opt(), ChecksumType: opt()}
			if rng.IntN(2) == 0 {
				n := rng.Int64()
				v.Size = &n
			}
			if rng.IntN(3) == 0 {
				v.RestoreStatus = &xmlRestoreStatus{IsRestoreInProgress: rng.IntN(2) == 0, RestoreExpiryDate: opt()}
			}
			r.Entries = append(r.Entries, v)
		}
		for range rng.IntN(3) {
			r.CommonPrefixes = append(r.CommonPrefixes, commonPrefix{key()})
		}
		requireSameAsEncodingXML(t, r, &r.XMLName, "ListVersionsResult", i)
	}
}

// BenchmarkListXML renders a 1000-key page by hand and by reflection.
func BenchmarkListXML(b *testing.B) {
	r := &listBucketResult{Name: "bench", MaxKeys: 1000}
	for i := range 1000 {
		r.Contents = append(r.Contents, xmlObject{Key: xmlText("prefix/object-" + string(rune('a'+i%26)) + "-key.txt"),
			LastModified: "2026-01-01T00:00:00.000Z", ETag: `"d41d8cd98f00b204e9800998ecf8427e"`, Size: int64(i), StorageClass: "STANDARD"})
	}
	b.Run("hand", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = r.appendXML(nil, "ListBucketResult", s3.xmlns)
		}
	})
	b.Run("encoding-xml", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var buf bytes.Buffer
			_ = xml.NewEncoder(&buf).Encode(r)
		}
	})
}

// TestAppendEscaped: appendEscaped writes what its comment says, a
// character at a time, for every byte, for plain and escaped runs and
// characters of every width, and for bytes that are not UTF-8.
func TestAppendEscaped(t *testing.T) {
	want := func(s string) string {
		var b strings.Builder
		for _, r := range s { // U+FFFD for a byte that is not UTF-8
			switch {
			case r == '"':
				b.WriteString("&quot;")
			case r == '\'':
				b.WriteString("&#39;")
			case r == '&':
				b.WriteString("&amp;")
			case r == '<':
				b.WriteString("&lt;")
			case r == '>':
				b.WriteString("&gt;")
			case r == '\t':
				b.WriteString("&#x9;")
			case r == '\n':
				b.WriteString("&#xA;")
			case r == '\r':
				b.WriteString("&#xD;")
			case !xmlChar(r):
				fmt.Fprintf(&b, "&#x%x;", r)
			default:
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	var cases []string
	for c := range 256 {
		cases = append(cases, string([]byte{byte(c)}), "key-"+string([]byte{byte(c)}), string([]byte{byte(c)})+"-0001.txt")
	}
	for c := range 256 { // each byte at each place of the eight-byte words
		for at := range 18 {
			b := []byte("dir/object-0001.txt")[:18]
			b[at] = byte(c)
			cases = append(cases, string(b), string(b[:at+1]))
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"dir/object-0001.txt", "d41d8cd98f00b204e9800998ecf8427e", "a", "&", "\"", "'", "<>", "\t\n\r", "\x01", "\x7f",
		"é", "日本", "😀", "\uFFFD", "\uFFFE", "\uFFFF", "\xff", "\xe6\x97", "\xed\xa0\x80", " %+~"}
	for range 2000 {
		var s strings.Builder
		for range rng.IntN(6) {
			s.WriteString(pieces[rng.IntN(len(pieces))])
		}
		cases = append(cases, s.String())
	}
	for _, s := range cases {
		if got := string(appendEscaped([]byte("prefix|"), s)); got != "prefix|"+want(s) {
			t.Fatalf("appendEscaped(%q) = %q, want %q", s, got, "prefix|"+want(s))
		}
	}
}

// TestListEntriesMatchContents: a page rendered straight from engine
// records (listEntries) is byte for byte the page of the xmlObjects those
// records convert to, which TestListXMLMatchesEncodingXML ties to
// encoding/xml; in S3's and OSS's dialects, with and without owners and
// URL encoding.
func TestListEntriesMatchContents(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	str := func() string {
		const alphabet = "ab/&<>\"'\t\n\r\x01é日 %+"
		r := []rune(alphabet)
		out := make([]rune, rng.IntN(8))
		for i := range out {
			out[i] = r[rng.IntN(len(r))]
		}
		return string(out)
	}
	algs := []checksum.Algorithm{checksum.CRC32, checksum.CRC64NVME, checksum.SHA256}
	for i := range 300 {
		d := []*dialect{s3, oss}[rng.IntN(2)]
		e := &listEntries{d: d, p: listParams{encode: rng.IntN(2) == 0, restoreStatus: rng.IntN(2) == 0}}
		if rng.IntN(2) == 0 {
			e.owner = func(id string) owner { return owner{ID: "id-" + id, DisplayName: id} }
		}
		for range rng.IntN(5) {
			lm := time.Unix(rng.Int64N(1<<34), rng.Int64N(1e9))
			if n := len(e.objects); n > 0 && rng.IntN(4) > 0 {
				// The previous object's second or a neighbour, as on most
				// pages (appendEntry reuses the previous entry's text).
				lm = time.Unix(e.objects[n-1].LastModified.Unix()+rng.Int64N(3)-1, rng.Int64N(1e9))
			} else if rng.IntN(8) == 0 { // beyond year 9999 (not reused)
				lm = time.Date(10000, 1, 1, 0, 0, rng.IntN(2), rng.IntN(1e9), time.UTC)
			}
			o := engine.ObjectInfo{Key: str(), ETag: []string{"d41d8cd98f00b204e9800998ecf8427e", "abc-3", str()}[rng.IntN(3)],
				LastModified: lm, Size: rng.Int64N(1 << 40),
				StorageClass: []string{"", "STANDARD", "IA", "GLACIER"}[rng.IntN(4)], Owner: str(),
				Type: engine.ObjectType(rng.IntN(3))}
			switch rng.IntN(3) {
			case 1:
				o.Restore = &engine.RestoreStatus{Ongoing: true}
			case 2:
				o.Restore = &engine.RestoreStatus{Expiry: time.Unix(rng.Int64N(1<<34), 0)}
			}
			for range rng.IntN(3) {
				if o.Checksums == nil {
					o.Checksums = map[checksum.Algorithm][]byte{}
				}
				o.Checksums[algs[rng.IntN(len(algs))]] = nil
				o.ChecksumType = []string{"", "FULL_OBJECT", "COMPOSITE"}[rng.IntN(3)]
			}
			e.objects = append(e.objects, o)
		}
		fast := &listBucketResult{Name: "b", MaxKeys: 1000, entries: e}
		slow := &listBucketResult{Name: "b", MaxKeys: 1000, Contents: fast.contents()}
		require.Equal(t, string(slow.appendXML(nil, "ListBucketResult", d.xmlns)),
			string(fast.appendXML(nil, "ListBucketResult", d.xmlns)), "case %d", i)
	}
}

// xmlVersion converts v as listObjectVersions did before perf38 made
// versionEntries, whose appendVersion must render what appendXML renders
// for it.
func (e *versionEntries) xmlVersion(v *engine.ObjectInfo) xmlVersion {
	x := xmlVersion{name: "Version", Key: xmlText(e.p.enc(v.Key)), VersionID: versionOrNull(v.VersionID), IsLatest: v.IsLatest,
		LastModified: xmlTime(v.LastModified), Owner: e.owner(v.Owner)}
	if v.DeleteMarker {
		x.name = "DeleteMarker"
		return x
	}
	size := v.Size
	x.ETag, x.Size, x.StorageClass = e.d.etag(v.ETag), &size, e.d.storageClassName(v.StorageClass)
	if e.d.behave.objectTypeInListing {
		x.Type = v.Type.String()
	}
	x.TransitionTime = transitionTimeOf(e.d, v)
	if x.ChecksumAlgorithm = checksumAlgorithm(v); x.ChecksumAlgorithm != "" {
		x.ChecksumType = v.ChecksumType
	}
	if e.p.restoreStatus && v.Restore != nil {
		x.RestoreStatus = restoreStatusDoc(v.Restore)
	}
	return x
}

// TestVersionEntriesMatchEntries: a ListObjectVersions page rendered
// straight from engine records (versionEntries) is byte for byte the page
// of the xmlVersions those records convert to, which
// TestVersionsXMLMatchesEncodingXML ties to encoding/xml; in S3's and
// OSS's dialects, with versions and delete markers, URL encoding,
// RestoreStatus, checksums and neighbours in one second.
func TestVersionEntriesMatchEntries(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	str := func() string {
		const alphabet = "ab/&<>\"'\t\n\r\x01é日 %+"
		r := []rune(alphabet)
		out := make([]rune, rng.IntN(8))
		for i := range out {
			out[i] = r[rng.IntN(len(r))]
		}
		return string(out)
	}
	algs := []checksum.Algorithm{checksum.CRC32, checksum.CRC64NVME, checksum.SHA256}
	for i := range 300 {
		d := []*dialect{s3, oss}[rng.IntN(2)]
		e := &versionEntries{d: d, p: listParams{encode: rng.IntN(2) == 0, restoreStatus: rng.IntN(2) == 0},
			owner: func(id string) owner { return owner{ID: id, DisplayName: []string{"", "name-" + id}[len(id)%2]} }}
		for range rng.IntN(5) {
			lm := time.Unix(rng.Int64N(1<<34), rng.Int64N(1e9))
			if n := len(e.versions); n > 0 && rng.IntN(4) > 0 {
				lm = time.Unix(e.versions[n-1].LastModified.Unix()+rng.Int64N(3)-1, rng.Int64N(1e9))
			} else if rng.IntN(8) == 0 { // beyond year 9999 (not reused)
				lm = time.Date(10000, 1, 1, 0, 0, rng.IntN(2), rng.IntN(1e9), time.UTC)
			}
			v := engine.ObjectInfo{Key: str(), VersionID: []string{"", "58aA1gzNOF------", str()}[rng.IntN(3)],
				IsLatest: rng.IntN(2) == 0, DeleteMarker: rng.IntN(3) == 0,
				ETag:         []string{"d41d8cd98f00b204e9800998ecf8427e", "abc-3", str()}[rng.IntN(3)],
				LastModified: lm, Size: rng.Int64N(1 << 40),
				StorageClass: []string{"", "STANDARD", "IA", "GLACIER"}[rng.IntN(4)], Owner: str(),
				Type: engine.ObjectType(rng.IntN(3))}
			switch rng.IntN(3) {
			case 1:
				v.Restore = &engine.RestoreStatus{Ongoing: true}
			case 2:
				v.Restore = &engine.RestoreStatus{Expiry: time.Unix(rng.Int64N(1<<34), 0)}
			}
			for range rng.IntN(3) {
				if v.Checksums == nil {
					v.Checksums = map[checksum.Algorithm][]byte{}
				}
				v.Checksums[algs[rng.IntN(len(algs))]] = nil
				v.ChecksumType = []string{"", "FULL_OBJECT", "COMPOSITE"}[rng.IntN(3)]
			}
			e.versions = append(e.versions, v)
		}
		fast := &listVersionsResult{Name: "b", MaxKeys: 1000, entries: e}
		slow := &listVersionsResult{Name: "b", MaxKeys: 1000}
		for j := range e.versions {
			slow.Entries = append(slow.Entries, e.xmlVersion(&e.versions[j]))
		}
		require.Equal(t, string(slow.appendXML(nil, "ListVersionsResult", d.xmlns)),
			string(fast.appendXML(nil, "ListVersionsResult", d.xmlns)), "case %d", i)
	}
}

// TestAppendETag: appendETag writes what appendEscaped writes for the
// ETag in the dialect's case, for stored ETags and for text of every
// kind (non-ASCII letters that upper-case to other widths, markup,
// control characters, bytes that are not UTF-8).
func TestAppendETag(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	pieces := []string{"d41d8cd98f00b204e9800998ecf8427e", "-12", "abcxyz", "ABC", "&", "\"", "<", "\x01", "é", "ß", "ǅ", "ı", "日", "\xff", " %+~{}"}
	for range 3000 {
		var s strings.Builder
		for range rng.IntN(5) {
			s.WriteString(pieces[rng.IntN(len(pieces))])
		}
		tag := s.String()
		for _, d := range []*dialect{s3, oss} {
			want := string(appendEscaped([]byte("x|"), d.etagCase(tag)))
			if got := string(appendETag([]byte("x|"), d, tag)); got != want {
				t.Fatalf("%s: appendETag(%q) = %q, want %q", d.name, tag, got, want)
			}
		}
	}
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(10, func() { buf = appendETag(buf[:0], oss, "d41d8cd98f00b204e9800998ecf8427e-12") }); n != 0 {
		t.Errorf("appendETag of a stored ETag in OSS's case: %v allocations, want none", n)
	}
}

// TestLastAlgorithm: lastAlgorithm.of answers checksumAlgorithm for runs
// of entries with one algorithm, the same or another as the previous
// entry's, several, or none.
func TestLastAlgorithm(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	algs := []checksum.Algorithm{checksum.CRC32, checksum.CRC32C, checksum.CRC64NVME, checksum.SHA1, checksum.SHA256}
	var l lastAlgorithm
	for i := range 5000 {
		var o engine.ObjectInfo
		for range []int{0, 1, 1, 1, 2, 3}[rng.IntN(6)] {
			if o.Checksums == nil {
				o.Checksums = map[checksum.Algorithm][]byte{}
			}
			o.Checksums[algs[rng.IntN(len(algs))]] = nil
		}
		if got, want := l.of(&o), checksumAlgorithm(&o); got != want {
			t.Fatalf("entry %d %v: %q, want %q", i, o.Checksums, got, want)
		}
	}
}

// TestUploadsXMLMatchesEncodingXML: the same for ListMultipartUploads
// pages, whose plain string fields also hold characters XML 1.0 cannot
// carry (an OSS or Sina upload-id-marker is echoed as sent): encoding/xml
// wrote U+FFFD for them before the page was rendered by hand.
func TestUploadsXMLMatchesEncodingXML(t *testing.T) {
	g := newDocGen(13, 14)
	g.ctl = true
	rng, str, key, opt, optKey := g.rng, g.str, g.key, g.opt, g.optKey
	optPtr := func() *xmlText {
		if rng.IntN(2) == 0 {
			return nil
		}
		k := optKey()
		return &k
	}
	for i := range 500 {
		r := &listMultipartUploadsResult{Bucket: str(), KeyMarker: optKey(), UploadIDMarker: opt(), NextKeyMarker: optPtr(),
			Prefix: optPtr(), Delimiter: optKey(), MaxUploads: rng.IntN(1001), EncodingType: opt(), IsTruncated: rng.IntN(2) == 0}
		if rng.IntN(2) == 0 {
			u := opt()
			r.NextUploadIDMarker = &u
		}
		for range rng.IntN(4) {
			r.Uploads = append(r.Uploads, xmlUpload{UploadID: str(), Key: key(), Initiated: str(), StorageClass: opt(),
				Owner: owner{ID: str(), DisplayName: opt()}, Initiator: owner{ID: opt(), DisplayName: opt()},
				ChecksumAlgorithm: opt(), ChecksumType: opt()})
		}
		for range rng.IntN(3) {
			r.CommonPrefixes = append(r.CommonPrefixes, commonPrefix{key()})
		}
		requireSameAsEncodingXML(t, r, &r.XMLName, "ListMultipartUploadsResult", i)
	}
}

// TestPartsXMLMatchesEncodingXML: the same for ListParts pages, with
// every checksum field on or off and plain string fields as in
// TestUploadsXMLMatchesEncodingXML.
func TestPartsXMLMatchesEncodingXML(t *testing.T) {
	g := newDocGen(15, 16)
	g.ctl = true
	rng, str, key, opt := g.rng, g.str, g.key, g.opt
	for i := range 500 {
		r := &listPartsResult{EncodingType: opt(), Bucket: str(), Key: key(), UploadID: str(), PartNumberMarker: rng.IntN(10001),
			NextPartNumberMarker: rng.IntN(10001), MaxParts: rng.IntN(1001), IsTruncated: rng.IntN(2) == 0,
			Initiator: owner{ID: opt(), DisplayName: opt()}, Owner: owner{ID: str(), DisplayName: opt()}, StorageClass: opt(),
			ChecksumAlgorithm: opt(), ChecksumType: opt()}
		for range rng.IntN(4) {
			p := xmlPart{PartNumber: rng.IntN(10001), LastModified: str(), ETag: str(), Size: rng.Int64(), HashCRC64: opt()}
			p.checksumFields = checksumFields{opt(), opt(), opt(), opt(), opt(), opt(), opt(), opt(), opt(), opt()}
			r.Parts = append(r.Parts, p)
		}
		requireSameAsEncodingXML(t, r, &r.XMLName, "ListPartsResult", i)
	}
}
