package httpapi

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/checksum"
)

// GetObjectAttributes (S3, GET /bucket/key?attributes): the attributes
// x-amz-object-attributes names (ETag, Checksum, ObjectParts,
// StorageClass, ObjectSize) without the body. ObjectParts pages through a
// multipart object's parts (x-amz-max-parts, x-amz-part-number-marker)
// with each part's size and checksum.

// objectAttributes is the GetObjectAttributes document.
type objectAttributes struct {
	XMLName      xml.Name
	ETag         string             `xml:"ETag,omitempty"`
	Checksum     *attributeChecksum `xml:"Checksum,omitempty"`
	ObjectParts  *attributeParts    `xml:"ObjectParts,omitempty"`
	StorageClass string             `xml:"StorageClass,omitempty"`
	ObjectSize   *int64             `xml:"ObjectSize,omitempty"`
}

type attributeChecksum struct {
	checksumFields
	ChecksumType string `xml:"ChecksumType,omitempty"`
}

type attributeParts struct {
	PartsCount           int             `xml:"PartsCount"`
	PartNumberMarker     int             `xml:"PartNumberMarker"`
	NextPartNumberMarker int             `xml:"NextPartNumberMarker"`
	MaxParts             int             `xml:"MaxParts"`
	IsTruncated          bool            `xml:"IsTruncated"`
	Parts                []attributePart `xml:"Part"`
}

type attributePart struct {
	PartNumber int   `xml:"PartNumber"`
	Size       int64 `xml:"Size"`
	checksumFields
}

// objectAttributeNames are the values x-amz-object-attributes may name.
var objectAttributeNames = map[string]bool{"ETag": true, "Checksum": true, "ObjectParts": true, "StorageClass": true, "ObjectSize": true}

// maxAttributeParts is the largest (and default) x-amz-max-parts.
const maxAttributeParts = 1000

func (s *server) getObjectAttributes(rc *request) error {
	want := map[string]bool{}
	for _, v := range rc.r.Header.Values(rc.d.h("object-attributes")) {
		for _, a := range strings.Split(v, ",") {
			a = strings.Trim(strings.TrimSpace(a), `"`)
			if a == "" {
				continue
			}
			if !objectAttributeNames[a] {
				return errorf("InvalidArgument", "Invalid attribute name specified.").with("ArgumentName", rc.d.h("object-attributes")).with("ArgumentValue", a)
			}
			want[a] = true
		}
	}
	if len(want) == 0 {
		return errorf("InvalidRequest", "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty")
	}
	maxParts, err := headerInt(rc, "max-parts", maxAttributeParts)
	if err != nil {
		return err
	}
	marker, err := headerInt(rc, "part-number-marker", 0)
	if err != nil {
		return err
	}
	info, err := s.headVersion(rc)
	if err != nil {
		return err
	}
	if err := s.recheckObject(rc, &info); err != nil {
		return err // overwritten since authorization: decided again, as a GET is
	}
	if err := s.canReadTarget(rc, &info); err != nil {
		return err // a link's attributes are its target's
	}
	// An SSE-C object's attributes need its key, as its reads do.
	ckey, err := rc.readKey(false)
	if err != nil {
		return err
	}
	if err := info.Encryption.CheckCustomerKey(ckey); err != nil {
		return err
	}
	rc.writeVersionID(info.VersionID)
	out := &objectAttributes{}
	if want["ETag"] {
		out.ETag = info.ETag
	}
	if want["StorageClass"] {
		out.StorageClass = rc.d.storageClassName(info.StorageClass)
	}
	if want["ObjectSize"] {
		out.ObjectSize = &info.Size
	}
	if want["Checksum"] && len(info.Checksums) > 0 {
		out.Checksum = &attributeChecksum{checksumFields: checksumsOf(info.Checksums, ""), ChecksumType: info.ChecksumType}
	}
	if want["ObjectParts"] && len(info.PartSizes) > 0 {
		out.ObjectParts = objectParts(info, marker, min(maxParts, maxAttributeParts))
	}
	rc.w.Header().Set("Last-Modified", info.LastModified.UTC().Format(http.TimeFormat))
	return rc.d.writeDoc(rc.w, http.StatusOK, "GetObjectAttributesResponse", out)
}

// objectParts pages the parts of a multipart object: at most max parts
// after part number marker.
func objectParts(info engine.ObjectInfo, marker, max int) *attributeParts {
	p := &attributeParts{PartsCount: len(info.PartSizes), PartNumberMarker: marker, MaxParts: max}
	var alg checksum.Algorithm
	for a := range info.Checksums {
		alg = a
	}
	for i := marker; i < len(info.PartSizes); i++ {
		if len(p.Parts) == max {
			p.IsTruncated = true
			break
		}
		part := attributePart{PartNumber: i + 1, Size: info.PartSizes[i]}
		if i < len(info.PartChecksums) && len(info.PartChecksums[i]) > 0 && alg != "" {
			part.checksumFields = checksumsOf(map[checksum.Algorithm][]byte{alg: info.PartChecksums[i]}, "")
		}
		p.Parts = append(p.Parts, part)
		p.NextPartNumberMarker = i + 1
	}
	return p
}

// headerInt reads the vendor header name as a non-negative integer (def
// when absent).
func headerInt(rc *request, name string, def int) (int, error) {
	v := rc.header(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, errorf("InvalidArgument", "Provided %s not an integer or within integer range", rc.d.h(name)).with("ArgumentName", rc.d.h(name)).with("ArgumentValue", v)
	}
	return n, nil
}

// writePartChecksum adds the checksum header of part n (1-based) of a
// multipart object stored with per-part checksums, as S3 answers a read
// by part number: a COMPOSITE object's part has its own checksum, a
// FULL_OBJECT one of several parts none (its checksum covers the whole
// object; localstack/localstack#12842 checked this against S3), and a
// one-part object's part checksum is the object's.
func writePartChecksum(rc *request, info engine.ObjectInfo, n int) {
	if n > len(info.PartChecksums) || len(info.PartChecksums[n-1]) == 0 ||
		info.ChecksumType != "COMPOSITE" && len(info.PartChecksums) > 1 {
		return
	}
	for a := range info.Checksums {
		rc.w.Header().Set(rc.d.h(checksumHeader(a)), checksum.Encode(info.PartChecksums[n-1]))
	}
}
