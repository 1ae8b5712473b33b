package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// A dialect is everything that differs between the wire protocols osslite
// speaks: header prefix, XML namespace, ETag case, request-id headers,
// error documents and authentication. Handlers are written once and take
// these from the request's dialect; adding the Aliyun OSS dialect means
// adding a second dialect value (prefix "x-oss-", no namespace, upper-case
// ETags, an <EC> element in errors, OSS signatures) and, where an
// operation's document shape differs, a per-operation renderer — not a
// second set of handlers.
type dialect struct {
	name string // "s3"
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
	authenticate:    (*server).authenticateS3,
}

// dialects lists the dialects by name, for Op.WriteError.
var dialects = map[string]*dialect{s3.name: s3}

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

// errorDocument renders the <Error> document of e (no namespace).
func (d *dialect) errorDocument(e *Error, resource, requestID, hostID string) []byte {
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

// writeError writes e with its status. HEAD responses carry no body.
func (d *dialect) writeError(w http.ResponseWriter, r *http.Request, e *Error, resource string) {
	h := w.Header()
	reqID := h.Get(d.requestIDHeader)
	if reqID == "" {
		reqID = newRequestID()
		h.Set(d.requestIDHeader, reqID)
	}
	hostID := h.Get(d.hostIDHeader)
	if hostID == "" {
		hostID = hostIDOf(reqID)
		h.Set(d.hostIDHeader, hostID)
	}
	for k, vs := range e.Header {
		h[k] = vs
	}
	// Drop object headers a handler may have set before failing.
	for _, k := range []string{"ETag", "Last-Modified", "Content-Encoding", "Content-Disposition", "Content-Range", "Accept-Ranges"} {
		if e.Header.Get(k) == "" {
			h.Del(k)
		}
	}
	if r.Method == http.MethodHead {
		h.Del("Content-Type")
		h.Set("Content-Length", "0")
		w.WriteHeader(e.Status)
		return
	}
	body := d.errorDocument(e, resource, reqID, hostID)
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.Status)
	_, _ = w.Write(body)
}

// hostIDOf derives the opaque x-amz-id-2 value from a request id.
func hostIDOf(requestID string) string {
	return base64.StdEncoding.EncodeToString([]byte("osslite/" + requestID))
}
