package httpapi

import (
	"encoding/base64"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/osslite/osslite/engine"
)

// S3 object annotations (?annotation on an object: PutObjectAnnotation,
// GetObjectAnnotation with annotationName, ListObjectAnnotations without
// it, DeleteObjectAnnotation). The engine keeps them with the object
// version they were put on (engine/objannotation.go); this file checks
// S3's names and limits and speaks its documents and headers.

func init() {
	routes = append(routes,
		route{method: http.MethodPut, target: targetObject, params: []string{"annotation"}, op: "PutObjectAnnotation",
			perm: permBucketWrite, handle: (*server).putObjectAnnotation, only: "s3"},
		route{method: http.MethodGet, target: targetObject, params: []string{"annotation", "annotationName"}, op: "GetObjectAnnotation",
			perm: permObjectRead, handle: (*server).getObjectAnnotation, only: "s3"},
		route{method: http.MethodGet, target: targetObject, params: []string{"annotation"}, op: "ListObjectAnnotations",
			perm: permObjectRead, handle: (*server).listObjectAnnotations, only: "s3"},
		route{method: http.MethodDelete, target: targetObject, params: []string{"annotation"}, op: "DeleteObjectAnnotation",
			perm: permBucketWrite, handle: (*server).deleteObjectAnnotation, only: "s3"},
	)
}

// annotationName returns the request's annotationName, checked as S3
// checks it: present (UserAnnotationNameMustBeSpecified), at most 512
// bytes (AnnotationNameTooLong), letters, digits, '_', '.' and '-' only,
// not all space and not starting with aws or s3 in any case
// (InvalidAnnotationName).
func annotationName(rc *request) (string, error) {
	name := rc.q.Get("annotationName")
	switch {
	case name == "":
		return "", errorf("UserAnnotationNameMustBeSpecified", "")
	case len(name) > engine.MaxObjectAnnotationName:
		return "", errorf("AnnotationNameTooLong", "")
	case !utf8.ValidString(name):
		return "", errorf("InvalidAnnotationName", "")
	}
	lower := strings.ToLower(name)
	if strings.HasPrefix(lower, "aws") || strings.HasPrefix(lower, "s3") {
		return "", errorf("InvalidAnnotationName", "Annotation names cannot start with aws or s3.").with("AnnotationName", name)
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '.' && r != '-' {
			return "", errorf("InvalidAnnotationName", "").with("AnnotationName", name)
		}
	}
	return name, nil
}

// annotationRequest reads the annotation name, the version and the
// object condition a request names.
func annotationRequest(rc *request) (string, engine.AnnotationOptions, error) {
	name, err := annotationName(rc)
	if err != nil {
		return "", engine.AnnotationOptions{}, err
	}
	vid, err := rc.versionID()
	if err != nil {
		return "", engine.AnnotationOptions{}, err
	}
	return name, engine.AnnotationOptions{VersionID: vid, ObjectIfMatch: rc.r.Header.Get("X-Amz-Object-If-Match")}, nil
}

// annotationError adds what the wire says with errors about the object
// version an annotation operation names.
func annotationError(rc *request, err error, name, vid string) error {
	if errors.Is(err, engine.ErrNoSuchAnnotation) {
		return errorf("NoSuchAnnotation", "").with("AnnotationName", name)
	}
	return rc.versionError(err, vid)
}

// writeObjectVersionID sets x-amz-object-version-id, the version an
// annotation belongs to, in a bucket that has versions.
func (rc *request) writeObjectVersionID(id string) {
	if id == "" && (rc.bucket == nil || rc.bucket.Versioning == engine.VersioningOff) {
		return
	}
	rc.w.Header().Set(rc.d.h("object-version-id"), versionOrNull(id))
}

// writeAnnotationHeaders sets an annotation's ETag, checksum and
// encryption headers.
func (rc *request) writeAnnotationHeaders(a *engine.ObjectAnnotation) {
	h := rc.w.Header()
	h.Set("ETag", `"`+a.ETag+`"`)
	if a.ChecksumAlgorithm != "" {
		h.Set(rc.d.headerKey(checksumHeader(a.ChecksumAlgorithm)), base64.StdEncoding.EncodeToString(a.Checksum))
		h.Set(rc.d.headerKey("checksum-type"), "FULL_OBJECT")
	}
	rc.writeSSEHeaders(a.Encryption)
	rc.writeObjectVersionID(a.VersionID)
}

type putAnnotationResult struct {
	XMLName        xml.Name // the root and namespace marshal gives
	Key            xmlText  `xml:"Key"`
	AnnotationName string   `xml:"AnnotationName"`
}

func (s *server) putObjectAnnotation(rc *request) error {
	name, opts, err := annotationRequest(rc)
	if err != nil {
		return err
	}
	payload, err := io.ReadAll(io.LimitReader(rc.body, engine.MaxObjectAnnotationSize+1))
	if err != nil {
		return err
	}
	switch {
	case len(payload) == 0:
		return errorf("EntityTooSmall", "The annotation payload must be at least 1 byte.")
	case len(payload) > engine.MaxObjectAnnotationSize:
		return errorf("EntityTooLarge", "The annotation payload is larger than 1 MiB.").with("MaxSizeAllowed", strconv.Itoa(engine.MaxObjectAnnotationSize))
	}
	if err := rc.verifyDigests(payload, digestsOptional); err != nil {
		return err
	}
	if !utf8.Valid(payload) {
		return errorf("UnsupportedMediaType", "")
	}
	if ck, err := rc.checksumInput(); err == nil && ck != nil {
		h := ck.Algorithm.New()
		h.Write(payload)
		opts.ChecksumAlgorithm, opts.Checksum = ck.Algorithm, h.Sum(nil) // verified above
	}
	// The event is queued with the annotation, on the object decided.
	var a engine.ObjectAnnotation
	err = s.onDecidedObject(rc, func(pin *engine.SourcePin) (err error) {
		opts.Pin = pin
		a, err = s.eng.PutObjectAnnotation(s.eventCtx(rc, "ObjectAnnotation:Put"), rc.op.Bucket, rc.op.Key, name, payload, opts)
		return err
	})
	if err != nil {
		return annotationError(rc, err, name, opts.VersionID)
	}
	rc.writeAnnotationHeaders(&a)
	return rc.d.writeDoc(rc.w, http.StatusOK, "PutObjectAnnotationOutput", &putAnnotationResult{Key: xmlText(rc.op.Key), AnnotationName: name})
}

func (s *server) getObjectAnnotation(rc *request) error {
	name, opts, err := annotationRequest(rc)
	if err != nil {
		return err
	}
	var a engine.ObjectAnnotation
	var payload []byte
	err = s.onDecidedObject(rc, func(pin *engine.SourcePin) (err error) { // the object decided, not one written since
		opts.Pin = pin
		a, payload, err = s.eng.GetObjectAnnotation(rc.ctx, rc.op.Bucket, rc.op.Key, name, opts)
		return err
	})
	if err != nil {
		return annotationError(rc, err, name, opts.VersionID)
	}
	rc.writeAnnotationHeaders(&a)
	h := rc.w.Header()
	h.Set("Last-Modified", a.LastModified.UTC().Format(http.TimeFormat))
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Length", strconv.Itoa(len(payload)))
	rc.w.WriteHeader(http.StatusOK)
	_, err = rc.w.Write(payload)
	return err
}

type listAnnotationsResult struct {
	XMLName xml.Name // the root and namespace marshal gives
	// Annotations is always there, <Annotations/> when empty (as S3).
	Annotations struct {
		Entries []annotationEntryXML `xml:"AnnotationEntry"`
	} `xml:"Annotations"`
	Bucket                string  `xml:"Bucket"`
	Key                   xmlText `xml:"Key"`
	AnnotationPrefix      *string `xml:"AnnotationPrefix"`
	MaxAnnotationResults  int     `xml:"MaxAnnotationResults,omitempty"`
	AnnotationCount       int     `xml:"AnnotationCount"`
	ContinuationToken     string  `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string  `xml:"NextContinuationToken,omitempty"`
}

type annotationEntryXML struct {
	AnnotationName    string `xml:"AnnotationName"`
	ChecksumAlgorithm string `xml:"ChecksumAlgorithm,omitempty"`
	ETag              string `xml:"ETag"`
	LastModified      string `xml:"LastModified"`
	Size              int64  `xml:"Size"`
}

func (s *server) listObjectAnnotations(rc *request) error {
	vid, err := rc.versionID()
	if err != nil {
		return err
	}
	lo := engine.AnnotationListOptions{VersionID: vid, Prefix: rc.q.Get("annotation-prefix")}
	out := &listAnnotationsResult{Bucket: rc.op.Bucket, Key: xmlText(rc.op.Key)}
	if rc.q.Has("annotation-prefix") {
		out.AnnotationPrefix = &lo.Prefix
	}
	if rc.q.Has("max-annotation-results") {
		v := rc.q.Get("max-annotation-results")
		n, err := strconv.Atoi(v)
		switch {
		case v == "":
			n = engine.MaxObjectAnnotations
		case err != nil:
			return errorf("InvalidArgument", "Provided max-annotation-results not an integer or within integer range").
				with("ArgumentName", "max-annotation-results").with("ArgumentValue", v)
		case n < 1 || n > engine.MaxObjectAnnotations:
			return errorf("InvalidArgument", "Argument max-annotation-results must be an integer between 1 and 1000").
				with("ArgumentName", "max-annotation-results").with("ArgumentValue", v)
		}
		lo.Max, out.MaxAnnotationResults = n, n
	}
	if rc.q.Has("continuation-token") {
		t := rc.q.Get("continuation-token")
		after, err := base64.RawURLEncoding.DecodeString(t)
		if t == "" || err != nil || len(after) == 0 {
			return errorf("InvalidArgument", "The continuation token provided is incorrect").with("ArgumentName", "continuation-token")
		}
		lo.After, out.ContinuationToken = string(after), t
	}
	var page engine.AnnotationPage
	err = s.onDecidedObject(rc, func(pin *engine.SourcePin) (err error) { // the object decided, not one written since
		lo.Pin = pin
		page, err = s.eng.ListObjectAnnotations(rc.ctx, rc.op.Bucket, rc.op.Key, lo)
		return err
	})
	if err != nil {
		return rc.versionError(err, vid)
	}
	for _, a := range page.Annotations {
		out.Annotations.Entries = append(out.Annotations.Entries, annotationEntryXML{AnnotationName: a.Name, ChecksumAlgorithm: string(a.ChecksumAlgorithm),
			ETag: `"` + a.ETag + `"`, LastModified: xmlTime(a.LastModified), Size: a.Size})
	}
	out.AnnotationCount = len(page.Annotations)
	if page.Next != "" {
		out.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(page.Next))
	}
	rc.writeObjectVersionID(page.VersionID)
	return rc.d.writeDoc(rc.w, http.StatusOK, "ListObjectAnnotationsOutput", out)
}

func (s *server) deleteObjectAnnotation(rc *request) error {
	name, opts, err := annotationRequest(rc)
	if err != nil {
		return err
	}
	var vid string
	err = s.onDecidedObject(rc, func(pin *engine.SourcePin) (err error) { // the object decided, not one written since
		opts.Pin = pin
		vid, err = s.eng.DeleteObjectAnnotation(s.eventCtx(rc, "ObjectAnnotation:Delete"), rc.op.Bucket, rc.op.Key, name, opts)
		return err
	})
	if err != nil {
		return annotationError(rc, err, name, opts.VersionID)
	}
	rc.writeObjectVersionID(vid)
	return writeEmpty(rc, http.StatusNoContent)
}
