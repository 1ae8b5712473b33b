package httpapi

import (
	"encoding/xml"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/osslite/osslite/engine"
)

// Listings are the largest documents on hot paths (1,000 entries a
// page): they are rendered by hand, streaming each value through
// xml.EscapeText, instead of by reflection.

// appendXML implements xmlAppender.
func (r *listBucketResult) appendXML(b []byte, root, xmlns string) []byte {
	n := len(r.Contents) + len(r.CommonPrefixes)
	if r.entries != nil {
		n += len(r.entries.objects)
	}
	b = slices.Grow(b, 512+320*n)
	b = appendStart(b, root, xmlns)
	b = appendElem(b, "Name", r.Name)
	b = appendElem(b, "Prefix", string(r.Prefix))
	if r.Marker != nil {
		b = appendElem(b, "Marker", string(*r.Marker))
	}
	b = appendElemOmit(b, "NextMarker", string(r.NextMarker))
	if r.ContinuationToken != nil {
		b = appendElem(b, "ContinuationToken", string(*r.ContinuationToken))
	}
	b = appendElemOmit(b, "NextContinuationToken", string(r.NextContinuationToken))
	b = appendElemOmit(b, "StartAfter", string(r.StartAfter))
	if r.KeyCount != nil {
		b = appendRaw(b, "KeyCount", strconv.AppendInt(nil, int64(*r.KeyCount), 10))
	}
	b = appendRaw(b, "MaxKeys", strconv.AppendInt(nil, int64(r.MaxKeys), 10))
	b = appendElemOmit(b, "Delimiter", string(r.Delimiter))
	b = appendElemOmit(b, "EncodingType", r.EncodingType)
	b = appendRaw(b, "IsTruncated", strconv.AppendBool(nil, r.IsTruncated))
	var num [20]byte
	for i := range r.Contents {
		o := &r.Contents[i]
		b = append(b, "<Contents>"...)
		b = appendElem(b, "Key", string(o.Key))
		b = appendElem(b, "LastModified", o.LastModified)
		b = appendElem(b, "ETag", o.ETag)
		b = appendElemOmit(b, "Type", o.Type)
		b = appendElemOmit(b, "TransitionTime", o.TransitionTime)
		b = appendElemOmit(b, "ChecksumAlgorithm", o.ChecksumAlgorithm)
		b = appendElemOmit(b, "ChecksumType", o.ChecksumType)
		b = appendRaw(b, "Size", strconv.AppendInt(num[:0], o.Size, 10))
		b = appendElem(b, "StorageClass", o.StorageClass)
		if o.Owner != nil {
			b = appendOwner(b, "Owner", *o.Owner)
		}
		if r := o.RestoreStatus; r != nil {
			b = append(b, "<RestoreStatus>"...)
			b = appendRaw(b, "IsRestoreInProgress", strconv.AppendBool(num[:0], r.IsRestoreInProgress))
			b = appendElemOmit(b, "RestoreExpiryDate", r.RestoreExpiryDate)
			b = append(b, "</RestoreStatus>"...)
		}
		b = append(b, "</Contents>"...)
	}
	if e := r.entries; e != nil {
		for i := range e.objects {
			b = e.appendEntry(b, &e.objects[i])
		}
	}
	return appendEnd(appendCommonPrefixes(b, r.CommonPrefixes), root)
}

// appendXML implements xmlAppender for ListObjectVersions pages, as
// listBucketResult's does for ListObjects.
func (r *listVersionsResult) appendXML(b []byte, root, xmlns string) []byte {
	n := len(r.Entries)
	if r.entries != nil {
		n += len(r.entries.versions)
	}
	b = slices.Grow(b, 512+400*n+64*len(r.CommonPrefixes))
	b = appendStart(b, root, xmlns)
	b = appendElem(b, "Name", r.Name)
	b = appendElem(b, "Prefix", string(r.Prefix))
	b = appendElem(b, "KeyMarker", string(r.KeyMarker))
	b = appendElem(b, "VersionIdMarker", r.VersionIDMarker)
	b = appendElemOmit(b, "NextKeyMarker", string(r.NextKeyMarker))
	b = appendElemOmit(b, "NextVersionIdMarker", r.NextVersionIDMarker)
	var num [20]byte
	b = appendRaw(b, "MaxKeys", strconv.AppendInt(num[:0], int64(r.MaxKeys), 10))
	b = appendElemOmit(b, "Delimiter", string(r.Delimiter))
	b = appendElemOmit(b, "EncodingType", r.EncodingType)
	b = appendRaw(b, "IsTruncated", strconv.AppendBool(num[:0], r.IsTruncated))
	for i := range r.Entries {
		v := &r.Entries[i]
		b = append(b, '<')
		b = append(b, v.name...)
		b = append(b, '>')
		b = appendElem(b, "Key", string(v.Key))
		b = appendElem(b, "VersionId", v.VersionID)
		b = appendRaw(b, "IsLatest", strconv.AppendBool(num[:0], v.IsLatest))
		b = appendElem(b, "LastModified", v.LastModified)
		b = appendElemOmit(b, "ETag", v.ETag)
		b = appendElemOmit(b, "Type", v.Type)
		b = appendElemOmit(b, "TransitionTime", v.TransitionTime)
		if v.Size != nil {
			b = appendRaw(b, "Size", strconv.AppendInt(num[:0], *v.Size, 10))
		}
		b = appendElemOmit(b, "StorageClass", v.StorageClass)
		b = appendOwner(b, "Owner", v.Owner)
		b = appendElemOmit(b, "ChecksumAlgorithm", v.ChecksumAlgorithm)
		b = appendElemOmit(b, "ChecksumType", v.ChecksumType)
		if rs := v.RestoreStatus; rs != nil {
			b = append(b, "<RestoreStatus>"...)
			b = appendRaw(b, "IsRestoreInProgress", strconv.AppendBool(num[:0], rs.IsRestoreInProgress))
			b = appendElemOmit(b, "RestoreExpiryDate", rs.RestoreExpiryDate)
			b = append(b, "</RestoreStatus>"...)
		}
		b = appendEnd(b, v.name)
	}
	if e := r.entries; e != nil {
		for i := range e.versions {
			b = e.appendVersion(b, &e.versions[i])
		}
	}
	return appendEnd(appendCommonPrefixes(b, r.CommonPrefixes), root)
}

// appendXML implements xmlAppender for ListMultipartUploads pages, as
// listBucketResult's does for ListObjects.
func (r *listMultipartUploadsResult) appendXML(b []byte, root, xmlns string) []byte {
	b = slices.Grow(b, 512+400*len(r.Uploads)+64*len(r.CommonPrefixes))
	b = appendStart(b, root, xmlns)
	b = appendString(b, "Bucket", r.Bucket)
	b = appendElem(b, "KeyMarker", string(r.KeyMarker))
	b = appendString(b, "UploadIdMarker", r.UploadIDMarker)
	if r.NextKeyMarker != nil {
		b = appendElem(b, "NextKeyMarker", string(*r.NextKeyMarker))
	}
	if r.NextUploadIDMarker != nil {
		b = appendString(b, "NextUploadIdMarker", *r.NextUploadIDMarker)
	}
	if r.Prefix != nil {
		b = appendElem(b, "Prefix", string(*r.Prefix))
	}
	b = appendElemOmit(b, "Delimiter", string(r.Delimiter))
	var num [20]byte
	b = appendRaw(b, "MaxUploads", strconv.AppendInt(num[:0], int64(r.MaxUploads), 10))
	b = appendStringOmit(b, "EncodingType", r.EncodingType)
	b = appendRaw(b, "IsTruncated", strconv.AppendBool(num[:0], r.IsTruncated))
	for i := range r.Uploads {
		u := &r.Uploads[i]
		b = append(b, "<Upload>"...)
		b = appendString(b, "UploadId", u.UploadID)
		b = appendElem(b, "Key", string(u.Key))
		b = appendString(b, "Initiated", u.Initiated)
		b = appendString(b, "StorageClass", u.StorageClass)
		b = appendOwner(b, "Owner", u.Owner)
		b = appendOwner(b, "Initiator", u.Initiator)
		b = appendStringOmit(b, "ChecksumAlgorithm", u.ChecksumAlgorithm)
		b = appendStringOmit(b, "ChecksumType", u.ChecksumType)
		b = append(b, "</Upload>"...)
	}
	return appendEnd(appendCommonPrefixes(b, r.CommonPrefixes), root)
}

// appendXML implements xmlAppender for ListParts pages.
func (r *listPartsResult) appendXML(b []byte, root, xmlns string) []byte {
	b = slices.Grow(b, 512+200*len(r.Parts))
	b = appendStart(b, root, xmlns)
	b = appendStringOmit(b, "EncodingType", r.EncodingType)
	b = appendString(b, "Bucket", r.Bucket)
	b = appendElem(b, "Key", string(r.Key))
	b = appendString(b, "UploadId", r.UploadID)
	var num [20]byte
	b = appendRaw(b, "PartNumberMarker", strconv.AppendInt(num[:0], int64(r.PartNumberMarker), 10))
	b = appendRaw(b, "NextPartNumberMarker", strconv.AppendInt(num[:0], int64(r.NextPartNumberMarker), 10))
	b = appendRaw(b, "MaxParts", strconv.AppendInt(num[:0], int64(r.MaxParts), 10))
	b = appendRaw(b, "IsTruncated", strconv.AppendBool(num[:0], r.IsTruncated))
	for i := range r.Parts {
		p := &r.Parts[i]
		b = append(b, "<Part>"...)
		b = appendRaw(b, "PartNumber", strconv.AppendInt(num[:0], int64(p.PartNumber), 10))
		b = appendString(b, "LastModified", p.LastModified)
		b = appendString(b, "ETag", p.ETag)
		b = appendRaw(b, "Size", strconv.AppendInt(num[:0], p.Size, 10))
		b = appendStringOmit(b, "HashCrc64ecma", p.HashCRC64)
		b = p.checksumFields.appendFields(b)
		b = append(b, "</Part>"...)
	}
	b = appendOwner(b, "Initiator", r.Initiator)
	b = appendOwner(b, "Owner", r.Owner)
	b = appendString(b, "StorageClass", r.StorageClass)
	b = appendStringOmit(b, "ChecksumAlgorithm", r.ChecksumAlgorithm)
	b = appendStringOmit(b, "ChecksumType", r.ChecksumType)
	return appendEnd(b, root)
}

// appendFields writes c's fields as encoding/xml writes them in the
// element that embeds c.
func (c *checksumFields) appendFields(b []byte) []byte {
	b = appendStringOmit(b, "ChecksumCRC32", c.ChecksumCRC32)
	b = appendStringOmit(b, "ChecksumCRC32C", c.ChecksumCRC32C)
	b = appendStringOmit(b, "ChecksumCRC64NVME", c.ChecksumCRC64NVME)
	b = appendStringOmit(b, "ChecksumSHA1", c.ChecksumSHA1)
	b = appendStringOmit(b, "ChecksumSHA256", c.ChecksumSHA256)
	b = appendStringOmit(b, "ChecksumMD5", c.ChecksumMD5)
	b = appendStringOmit(b, "ChecksumSHA512", c.ChecksumSHA512)
	b = appendStringOmit(b, "ChecksumXXHASH64", c.ChecksumXXHASH64)
	b = appendStringOmit(b, "ChecksumXXHASH3", c.ChecksumXXHASH3)
	return appendStringOmit(b, "ChecksumXXHASH128", c.ChecksumXXHASH128)
}

// appendOwner writes an owner element named name, in every listing and
// upload document: its ID and display name are string fields (xmlSafe),
// never key text, so a character XML 1.0 cannot carry is U+FFFD, as
// encoding/xml writes it, and the document stays well-formed.
func appendOwner(b []byte, name string, o owner) []byte {
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, "><ID>"...)
	b = appendEscaped(b, xmlSafe(o.ID))
	b = append(b, "</ID>"...)
	b = appendStringOmit(b, "DisplayName", o.DisplayName)
	return appendEnd(b, name)
}

// appendEntry writes o's Contents element: what appendXML writes for
// e.xmlObject(o), without building it.
func (e *listEntries) appendEntry(b []byte, o *engine.ObjectInfo) []byte {
	b = append(b, "<Contents><Key>"...)
	b = appendEscaped(b, e.p.enc(o.Key))
	b = append(b, "</Key><LastModified>"...)
	b = e.appendLastModified(b, o.LastModified)
	b = append(b, "</LastModified><ETag>&quot;"...)
	b = appendETag(b, e.d, o.ETag)
	b = append(b, "&quot;</ETag>"...)
	if e.d.behave.objectTypeInListing {
		b = appendElemOmit(b, "Type", o.Type.String())
	}
	if t := transitionTimeOf(e.d, o); t != "" {
		b = appendElem(b, "TransitionTime", t)
	}
	if alg := e.algs.of(o); alg != "" {
		b = appendElem(b, "ChecksumAlgorithm", alg)
		b = appendElemOmit(b, "ChecksumType", o.ChecksumType)
	}
	b = append(b, "<Size>"...)
	b = strconv.AppendInt(b, o.Size, 10)
	b = append(b, "</Size>"...)
	b = appendElem(b, "StorageClass", e.d.storageClassName(o.StorageClass))
	if e.owner != nil {
		b = appendOwner(b, "Owner", e.owner(o.Owner))
	}
	if r := o.Restore; r != nil && e.p.restoreStatus {
		if r.Ongoing {
			b = append(b, "<RestoreStatus><IsRestoreInProgress>true</IsRestoreInProgress></RestoreStatus>"...)
		} else {
			b = append(b, "<RestoreStatus><IsRestoreInProgress>false</IsRestoreInProgress><RestoreExpiryDate>"...)
			b = appendXMLTime(b, r.Expiry)
			b = append(b, "</RestoreExpiryDate></RestoreStatus>"...)
		}
	}
	return append(b, "</Contents>"...)
}

// appendVersion writes v's Version or DeleteMarker element: what
// appendXML writes for e.xmlVersion(v), without building it.
func (e *versionEntries) appendVersion(b []byte, v *engine.ObjectInfo) []byte {
	name := "Version"
	if v.DeleteMarker {
		name = "DeleteMarker"
	}
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, "><Key>"...)
	b = appendEscaped(b, e.p.enc(v.Key))
	b = append(b, "</Key><VersionId>"...)
	b = appendEscaped(b, versionOrNull(v.VersionID))
	b = append(b, "</VersionId><IsLatest>"...)
	b = strconv.AppendBool(b, v.IsLatest)
	b = append(b, "</IsLatest><LastModified>"...)
	b = e.appendLastModified(b, v.LastModified)
	b = append(b, "</LastModified>"...)
	var alg string
	if !v.DeleteMarker {
		b = append(b, "<ETag>&quot;"...)
		b = appendETag(b, e.d, v.ETag)
		b = append(b, "&quot;</ETag>"...)
		if e.d.behave.objectTypeInListing {
			b = appendElemOmit(b, "Type", v.Type.String())
		}
		b = appendElemOmit(b, "TransitionTime", transitionTimeOf(e.d, v))
		b = append(b, "<Size>"...)
		b = strconv.AppendInt(b, v.Size, 10)
		b = append(b, "</Size>"...)
		b = appendElemOmit(b, "StorageClass", e.d.storageClassName(v.StorageClass))
		alg = e.algs.of(v)
	}
	b = appendOwner(b, "Owner", e.owner(v.Owner))
	if alg != "" {
		b = appendElem(b, "ChecksumAlgorithm", alg)
		b = appendElemOmit(b, "ChecksumType", v.ChecksumType)
	}
	if r := v.Restore; r != nil && e.p.restoreStatus && !v.DeleteMarker {
		if r.Ongoing {
			b = append(b, "<RestoreStatus><IsRestoreInProgress>true</IsRestoreInProgress></RestoreStatus>"...)
		} else {
			b = append(b, "<RestoreStatus><IsRestoreInProgress>false</IsRestoreInProgress><RestoreExpiryDate>"...)
			b = appendXMLTime(b, r.Expiry)
			b = append(b, "</RestoreExpiryDate></RestoreStatus>"...)
		}
	}
	return appendEnd(b, name)
}

// appendETag appends appendEscaped(b, d.etagCase(tag)) without the
// upper-cased copy OSS's case makes of an ETag of plain ASCII (every
// stored one is: hex digits, a dash, digits).
func appendETag(b []byte, d *dialect, tag string) []byte {
	if !d.upperETag {
		return appendEscaped(b, tag)
	}
	n := len(b)
	b = append(b, tag...)
	for i := n; i < len(b); i++ {
		switch c := b[i]; {
		case 'a' <= c && c <= 'z':
			b[i] = c - ('a' - 'A')
		case !plainASCII[c]:
			return appendEscaped(b[:n], strings.ToUpper(tag))
		}
	}
	return b
}

// appendLastModified appends t as appendXMLTime does, from the text of
// the previous entry's time when they share a second.
func (m *modTimes) appendLastModified(b []byte, t time.Time) []byte {
	sec := t.Unix()
	if m.timeCached && sec == m.timeSec {
		return append(b, m.timeText[:]...)
	}
	n := len(b)
	b = appendXMLTime(b, t)
	if len(b)-n == len(m.timeText) { // years 0-9999
		copy(m.timeText[:], b[n:])
		m.timeSec, m.timeCached = sec, true
	}
	return b
}

func appendStart(b []byte, root, xmlns string) []byte {
	b = append(b, '<')
	b = append(b, root...)
	if xmlns != "" {
		b = append(b, ` xmlns="`...)
		b = appendEscaped(b, xmlns)
		b = append(b, '"')
	}
	return append(b, '>')
}

func appendEnd(b []byte, name string) []byte {
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, '>')
}

// appendElem writes <name>escaped value</name>.
func appendElem(b []byte, name, value string) []byte {
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, '>')
	b = appendEscaped(b, value)
	return appendEnd(b, name)
}

// appendString is appendElem for a plain string field of a document
// encoding/xml rendered before it was rendered by hand: its value is
// escaped as encoding/xml escapes it (xmlSafe).
func appendString(b []byte, name, value string) []byte {
	return appendElem(b, name, xmlSafe(value))
}

// appendStringOmit is appendString for omitempty fields.
func appendStringOmit(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	return appendString(b, name, value)
}

// xmlSafe is s with each character XML 1.0 cannot carry (a C0 control,
// U+FFFE, U+FFFF) replaced by U+FFFD, as encoding/xml's EscapeText writes
// a string field; s itself when it has none. Only key text (xmlText) is
// written with S3's numeric references (appendEscaped); a string field
// (an OSS or Sina upload-id-marker echoed, an owner's name) keeps the
// document well-formed, as it was when encoding/xml wrote it.
func xmlSafe(s string) string {
	for i := 0; i < len(s); {
		if plainASCII[s[i]] {
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if !xmlChar(r) {
			return strings.Map(xmlCharOrFFFD, s)
		}
		i += w
	}
	return s
}

// xmlCharOrFFFD maps a character XML 1.0 cannot carry to U+FFFD.
func xmlCharOrFFFD(r rune) rune {
	if xmlChar(r) {
		return r
	}
	return utf8.RuneError
}

// appendElemOmit is appendElem for omitempty fields.
func appendElemOmit(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	return appendElem(b, name, value)
}

// appendRaw writes <name>value</name> with a value that needs no escaping.
func appendRaw(b []byte, name string, value []byte) []byte {
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, '>')
	b = append(b, value...)
	return appendEnd(b, name)
}

// appendEscaped escapes s as encoding/xml's EscapeText does (the five
// markup characters, tab, newline and carriage return as references;
// the double quote as S3 writes it, &quot;, see quoteEntity), but
// writes a character XML 1.0 cannot carry (a C0 control, U+FFFE, U+FFFF)
// as a numeric character reference, as S3 writes keys holding one, where
// EscapeText writes U+FFFD and so hands the client another key. Such a
// document is not well-formed XML 1.0: a client that cannot read it asks
// for encoding-type=url (rclone retries that way on a syntax error, as it
// must against S3). Bytes that are not UTF-8 become U+FFFD.
func appendEscaped(b []byte, s string) []byte {
	// The common case, a value all of plain ASCII, in a loop of its own:
	// listings escape a key and an ETag per entry.
	i := 0
	for i < len(s) && plainASCII[s[i]] {
		i++
	}
	if i == len(s) {
		return append(b, s...)
	}
	last := 0
	for i < len(s) {
		if plainASCII[s[i]] {
			i++
			continue
		}
		r, width := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch r {
		case '"':
			esc = "&quot;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if r == utf8.RuneError && width == 1 {
				esc = "\uFFFD"
			} else if !xmlChar(r) {
				b = append(b, s[last:i]...)
				b = append(b, "&#x"...)
				b = strconv.AppendUint(b, uint64(r), 16)
				b = append(b, ';')
				last = i + width
			}
		}
		if esc != "" {
			b = append(b, s[last:i]...)
			b = append(b, esc...)
			last = i + width
		}
		i += width
	}
	return append(b, s[last:]...)
}

// appendText escapes s as element content the way S3 writes its error
// messages: as appendEscaped, but with quotes literal. (S3 answers
// Policy Condition failed: ["eq", "$key", "x"], and clients match the
// text: minio-go's suite does.)
func appendText(b []byte, s string) []byte {
	for {
		i := strings.IndexAny(s, `"'`)
		if i < 0 {
			return appendEscaped(b, s)
		}
		b = appendEscaped(b, s[:i])
		b = append(b, s[i])
		s = s[i+1:]
	}
}

// xmlText is response text that may hold any character a key can (keys,
// prefixes, markers, delimiters, tokens): encoding/xml writes it through
// appendEscaped, so that a control character reaches the client as the
// reference S3 writes instead of as U+FFFD.
type xmlText string

// MarshalXML implements xml.Marshaler.
func (t xmlText) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(innerXML{appendEscaped(nil, string(t))}, start)
}

// innerXML is an element's content, already escaped.
type innerXML struct {
	Inner []byte `xml:",innerxml"`
}

// plainASCII marks the ASCII bytes appendEscaped copies as they are
// (every byte from utf8.RuneSelf on is false: it starts or continues a
// multi-byte character).
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = !strings.ContainsRune(`"'&<>`, rune(c))
	}
	return t
}()

// xmlChar reports whether r may appear in XML character data.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// appendCommonPrefixes writes a listing's CommonPrefixes elements.
func appendCommonPrefixes(b []byte, prefixes []commonPrefix) []byte {
	for _, p := range prefixes {
		b = append(b, "<CommonPrefixes>"...)
		b = appendElem(b, "Prefix", string(p.Prefix))
		b = append(b, "</CommonPrefixes>"...)
	}
	return b
}
