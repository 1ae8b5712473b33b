package httpapi

import (
	"bytes"
	"encoding/xml"
	"reflect"
	"strings"
	"sync"
)

// encoding/xml skips the elements a struct does not name. For a bucket
// configuration that is a silent guess: the PUT succeeds, the element is
// gone, and GET answers another document than the one put (Terraform
// shows a change forever; an exclusion or a hold is simply not applied).
// checkElements closes that gap: after a document was decoded into v, it
// walks the document again and refuses the first element v's type has no
// field for. An element the service documents but osslite does not
// implement is 501 NotImplemented, naming it; any other is MalformedXML,
// as S3 answers a document its schema does not have.

// unimplementedElements are the elements of S3 and OSS configuration
// documents that the services take and osslite does not implement
// (docs/sdk-suites.md, "Bucket configuration documents").
var unimplementedElements = map[string]bool{
	// OSS website mirroring (back-to-origin) that needs Alibaba Cloud:
	// express tunnels and VPCs, RAM roles, the asynchronous pull, Lua
	// scripts (website.go takes the rest; mirrorCloudOptions as false).
	"LuaConfig": true, "MirrorAsyncStatus": true, "MirrorDstRegion": true, "MirrorDstSlaveVpcId": true,
	"MirrorDstVpcId": true, "MirrorRole": true, "MirrorTunnelId": true,
	"MirrorMultiAlternateDstRegion": true, "MirrorMultiAlternateVpcId": true,
	// OSS inventory's monthly schedules (Monthly is refused).
	"DayOfMonth": true,
	// OSS wildcard custom domains.
	"IsWildCard": true,
}

// checkElements refuses the first element of data (a document already
// decoded into v, a pointer to a struct) that v's type does not name:
// NotImplemented for the elements in unimplementedElements, MalformedXML
// for any other.
func checkElements(data []byte, v any) error {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	var open []elemNode
	var path []string
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // the decode that came first judged the syntax
		}
		switch e := tok.(type) {
		case xml.StartElement:
			next := nodeOf(t)
			if len(open) > 0 {
				var ok bool
				if next, ok = open[len(open)-1].child(e.Name.Local); !ok {
					where := strings.Join(append(path[1:], e.Name.Local), "/")
					if unimplementedElements[e.Name.Local] {
						return errorf("NotImplemented", "%s is not implemented.", where)
					}
					return errorf("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema: %s is not an element of %s.", where, path[0])
				}
			}
			open = append(open, next)
			path = append(path, e.Name.Local)
		case xml.EndElement:
			open, path = open[:len(open)-1], path[:len(path)-1]
		}
	}
}

// refusedXML is the type of an element read only to be refused: it
// takes anything inside.
type refusedXML struct {
	Inner string `xml:",innerxml"`
}

var unmarshalerType = reflect.TypeOf((*xml.Unmarshaler)(nil)).Elem()

// elemNode is what an open element decodes into: a struct type, with
// the part of its fields' a>b>c paths already matched (prefix), or
// anything (a field of innerxml or any, an interface, a custom
// unmarshaler), or a type that takes no child element.
type elemNode struct {
	t      reflect.Type
	prefix string // "a>b>" within t's fields; "" for t itself
	any    bool
}

// child returns what element name inside n decodes into, and whether n
// takes it.
func (n elemNode) child(name string) (elemNode, bool) {
	if n.any {
		return n, true
	}
	k := childKey{n.t, n.prefix + name}
	if r, ok := childNodes.Load(k); ok {
		r := r.(childResult)
		return r.n, r.ok
	}
	c, ok := findChild(n.t, n.prefix+name)
	childNodes.Store(k, childResult{c, ok})
	return c, ok
}

// childKey caches findChild by type and path.
type childKey struct {
	t    reflect.Type
	path string
}

type childResult struct {
	n  elemNode
	ok bool
}

var childNodes sync.Map // childKey -> childResult

// nodeOf is the node of a field of type t.
func nodeOf(t reflect.Type) elemNode {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 {
		t = t.Elem()
	}
	if t.Kind() == reflect.Interface || reflect.PointerTo(t).Implements(unmarshalerType) {
		return elemNode{any: true}
	}
	return elemNode{t: t}
}

// findChild returns the node that the element at path ("a>b" below an
// element of struct type t) decodes into.
func findChild(t reflect.Type, path string) (elemNode, bool) {
	if t == nil || t.Kind() != reflect.Struct {
		return elemNode{}, false
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Name == "XMLName" || !f.IsExported() && !f.Anonymous {
			continue
		}
		tag := f.Tag.Get("xml")
		if tag == "-" {
			continue
		}
		fname, opts, _ := strings.Cut(tag, ",")
		optSet := "," + opts + ","
		if f.Anonymous && fname == "" {
			if e := nodeOf(f.Type); e.t != nil {
				if c, ok := findChild(e.t, path); ok {
					return c, true
				}
			}
			continue
		}
		if strings.Contains(optSet, ",innerxml,") || strings.Contains(optSet, ",any,") {
			return elemNode{any: true}, true
		}
		if strings.Contains(optSet, ",attr,") || strings.Contains(optSet, ",chardata,") || strings.Contains(optSet, ",comment,") {
			continue
		}
		if fname == "" {
			fname = f.Name
		}
		if i := strings.LastIndex(fname, " "); i >= 0 {
			fname = fname[i+1:]
		}
		switch {
		case fname == path:
			return nodeOf(f.Type), true
		case strings.HasPrefix(fname, path+">"):
			return elemNode{t: t, prefix: path + ">"}, true
		}
	}
	return elemNode{}, false
}
