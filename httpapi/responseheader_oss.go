package httpapi

import (
	"encoding/xml"
	"errors"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// OSS response header rules (?responseHeader): Put/Get/Delete
// BucketResponseHeader. A rule names operations (or "*") and headers;
// answers to those operations on the bucket go out without them, error
// answers included. The headers that frame an HTTP answer
// (Content-Length, Transfer-Encoding, ...) cannot be hidden.

type responseHeaderDoc struct {
	XMLName xml.Name              `xml:"ResponseHeaderConfiguration"`
	Rules   []responseHeaderRuleX `xml:"Rule"`
}

type responseHeaderRuleX struct {
	Name    string `xml:"Name"`
	Filters struct {
		Operation []string `xml:"Operation"`
	} `xml:"Filters"`
	HideHeaders struct {
		Header []string `xml:"Header"`
	} `xml:"HideHeaders"`
}

// responseHeaderRow is OSS's ?responseHeader. GET without rules is 404;
// the code is ours (OSS does not name it).
var responseHeaderRow = &configRow{
	sub: "responseHeader", kind: bucketconfig.KindResponseHeader, root: "ResponseHeaderConfiguration",
	get: "GetBucketResponseHeader", put: "PutBucketResponseHeader", del: "DeleteBucketResponseHeader", perm: permOwner,
	only:  "oss",
	parse: parseResponseHeaders,
	render: func(_ *request, c bucketconfig.Config) any {
		doc := &responseHeaderDoc{}
		for _, r := range c.(*bucketconfig.ResponseHeaders).Rules {
			var x responseHeaderRuleX
			x.Name, x.Filters.Operation, x.HideHeaders.Header = r.Name, r.Operations, r.Hide
			doc.Rules = append(doc.Rules, x)
		}
		return doc
	},
	missing: func(rc *request) (any, error) {
		return nil, errorf("NoSuchResponseHeaderConfiguration", "").with("BucketName", rc.op.Bucket)
	},
}

func parseResponseHeaders(_ *request, data []byte) (bucketconfig.Config, error) {
	var doc responseHeaderDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Rules) == 0 {
		return nil, nil // no rules: none hide anything
	}
	c := &bucketconfig.ResponseHeaders{}
	for _, x := range doc.Rules {
		c.Rules = append(c.Rules, bucketconfig.ResponseHeaderRule{Name: strings.TrimSpace(x.Name),
			Operations: x.Filters.Operation, Hide: x.HideHeaders.Header})
	}
	if err := c.Validate(); err != nil {
		return nil, invalidArgument(err, bucketconfig.ErrInvalid)
	}
	return c, nil
}

// hideResponseHeaders arms the response writer with the headers the
// bucket's rules hide from rc's operation (one cached lookup).
func (s *server) hideResponseHeaders(rc *request) {
	c, err := s.eng.BucketConfigValue(rc.ctx, rc.op.Bucket, bucketconfig.KindResponseHeader)
	if err != nil {
		if !errors.Is(err, engine.ErrNoSuchConfig) && !errors.Is(err, engine.ErrNoSuchBucket) {
			s.logError(rc, err)
		}
		return
	}
	for _, r := range c.(*bucketconfig.ResponseHeaders).Rules {
		if r.Matches(rc.op.Operation) {
			rc.w.hide = append(rc.w.hide, r.Hide...)
		}
	}
}
