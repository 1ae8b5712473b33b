package httpapi

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// A dialect is everything that differs between the wire protocols osslite
// speaks: header prefix, XML namespace, ETag case, request-id headers,
// error documents and authentication. Handlers are written once and take
// these from the request's dialect. There are two: s3 and oss (prefix
// "x-oss-", no namespace, upper-case ETags, an <EC> element in errors, OSS
// signatures); where an operation's document shape differs, the shared
// handler renders the dialect's shape — there is no second set of
// handlers.
type dialect struct {
	name string // "s3" or "oss"
	// prefix starts every vendor header: "x-amz-".
	prefix string
	// xmlns is the namespace of success documents ("" for none).
	xmlns string
	// requestIDHeader and hostIDHeader carry the request id and host id.
	requestIDHeader, hostIDHeader string
	// serverName is the Server response header.
	serverName string
	// upperETag writes ETags in upper case (OSS).
	upperETag bool
	// isOSS selects the Aliyun variants inside shared handlers: document
	// shapes, ACL model, x-oss-hash-crc64ecma, statuses, and an error
	// document with <EC> (plus x-oss-err / x-oss-ec on HEAD errors).
	isOSS bool
	// requestIDBytes is the number of random bytes of a request id.
	requestIDBytes int
	// unimplemented lists sub-resources answered 501 NotImplemented
	// whatever the method.
	unimplemented map[string]bool
	// authenticate resolves the principal of rc and prepares rc.body.
	authenticate func(s *server, rc *request) error
}

// s3 is the Amazon S3 dialect.
var s3 = &dialect{
	name:            "s3",
	prefix:          "x-amz-",
	xmlns:           "http://s3.amazonaws.com/doc/2006-03-01/",
	requestIDHeader: "x-amz-request-id",
	hostIDHeader:    "x-amz-id-2",
	serverName:      "AmazonS3",
	requestIDBytes:  8,
	unimplemented:   s3Unimplemented,
	authenticate:    (*server).authenticateS3,
}

// oss is the Aliyun OSS dialect (spec/oss): x-oss- headers, documents
// without a namespace, upper-case ETags, x-oss-request-id, the request
// host as HostId, errors with an <EC> element, OSS signatures v1 and v4.
var oss = &dialect{
	name:            "oss",
	prefix:          "x-oss-",
	requestIDHeader: "x-oss-request-id",
	serverName:      "AliyunOSS",
	upperETag:       true,
	isOSS:           true,
	requestIDBytes:  12,
	unimplemented:   ossUnimplemented,
	authenticate:    (*server).authenticateOSS,
}

// dialects lists the dialects by name, for Op.WriteError.
var dialects = map[string]*dialect{s3.name: s3, oss.name: oss}

// h returns the full name of a vendor header, e.g. h("meta-") = "x-amz-meta-".
func (d *dialect) h(name string) string { return d.prefix + name }

// etag renders a stored (lower-case hex) ETag for the wire, quoted.
func (d *dialect) etag(tag string) string {
	if d.upperETag {
		tag = strings.ToUpper(tag)
	}
	return `"` + tag + `"`
}

// xmlHeader starts every XML document.
const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// marshal renders v (a pointer to a struct with an untagged XMLName
// field) as a document whose root element is root, in the dialect's
// namespace.
func (d *dialect) marshal(root string, v any) ([]byte, error) {
	if f := reflect.ValueOf(v).Elem().FieldByName("XMLName"); f.IsValid() {
		f.Set(reflect.ValueOf(xml.Name{Space: d.xmlns, Local: root}))
	}
	var b bytes.Buffer
	b.WriteString(xmlHeader)
	if err := xml.NewEncoder(&b).Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeXML writes a success document.
func (d *dialect) writeXML(w http.ResponseWriter, status int, root string, v any) error {
	b, err := d.marshal(root, v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}

// errorDocument renders the <Error> document of e (no namespace). OSS
// documents carry no Resource and end with the EC element.
func (d *dialect) errorDocument(e *Error, resource, requestID, hostID, ec string) []byte {
	var b bytes.Buffer
	b.WriteString(xmlHeader)
	enc := xml.NewEncoder(&b)
	start := xml.StartElement{Name: xml.Name{Local: "Error"}}
	_ = enc.EncodeToken(start)
	elem := func(name, value string) {
		_ = enc.EncodeElement(value, xml.StartElement{Name: xml.Name{Local: name}})
	}
	elem("Code", e.Code)
	elem("Message", e.Message)
	if d.isOSS {
		elem("RequestId", requestID)
		elem("HostId", hostID)
		for _, f := range e.Extra {
			elem(f.Name, f.Value)
		}
		elem("EC", ec)
		_ = enc.EncodeToken(start.End())
		_ = enc.Flush()
		return b.Bytes()
	}
	for _, f := range e.Extra {
		elem(f.Name, f.Value)
	}
	if resource != "" {
		elem("Resource", resource)
	}
	elem("RequestId", requestID)
	elem("HostId", hostID)
	_ = enc.EncodeToken(start.End())
	_ = enc.Flush()
	return b.Bytes()
}

// writeError writes e, raised by operation op, with its status. HEAD
// responses carry no body; in OSS the document goes base64 in x-oss-err.
func (d *dialect) writeError(w http.ResponseWriter, r *http.Request, e *Error, op Op) {
	e = d.localize(e)
	h := w.Header()
	reqID := h.Get(d.requestIDHeader)
	if reqID == "" {
		reqID = d.newRequestID()
		h.Set(d.requestIDHeader, reqID)
	}
	var hostID, ec string
	if d.hostIDHeader != "" {
		hostID = h.Get(d.hostIDHeader)
		if hostID == "" {
			hostID = hostIDOf(reqID)
			h.Set(d.hostIDHeader, hostID)
		}
	} else {
		hostID = r.Host
	}
	if d.isOSS {
		ec = ecOf(e.Code, op.Operation)
		h.Set(d.h("ec"), ec)
	}
	for k, vs := range e.Header {
		h[k] = vs
	}
	// Drop object headers a handler may have set before failing.
	for _, k := range []string{"ETag", "Last-Modified", "Content-Encoding", "Content-Disposition", "Content-Range", "Accept-Ranges",
		d.h("hash-crc64ecma"), d.h("object-type"), d.h("next-append-position")} {
		if e.Header.Get(k) == "" {
			h.Del(k)
		}
	}
	body := d.errorDocument(e, resourceOf(op), reqID, hostID, ec)
	if r.Method == http.MethodHead {
		if d.isOSS {
			h.Set(d.h("err"), base64.StdEncoding.EncodeToString(body))
		}
		h.Del("Content-Type")
		h.Set("Content-Length", "0")
		w.WriteHeader(e.Status)
		return
	}
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.Status)
	_, _ = w.Write(body)
}

// newRequestID returns a fresh request id: upper-case hex, 16 characters
// for S3 and 24 for OSS.
func (d *dialect) newRequestID() string {
	b := make([]byte, d.requestIDBytes)
	_, _ = rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))
}

// hostIDOf derives the opaque x-amz-id-2 value from a request id.
func hostIDOf(requestID string) string {
	return base64.StdEncoding.EncodeToString([]byte("osslite/" + requestID))
}
