package httpapi

import (
	"encoding/xml"
	"errors"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/osslite/osslite/pkg/wildcard"
)

// OSS hot-link protection (?referer) and request payment
// (?requestPayment): their configuration rows and the checks authorize
// runs before the policy (bucketGates).

// refererXML is the RefererConfiguration document.
type refererXML struct {
	XMLName                  xml.Name
	AllowEmptyReferer        *bool        `xml:"AllowEmptyReferer"`
	AllowTruncateQueryString *bool        `xml:"AllowTruncateQueryString"`
	TruncatePath             *bool        `xml:"TruncatePath"`
	RefererList              refererList  `xml:"RefererList"`
	RefererBlacklist         *refererList `xml:"RefererBlacklist"`
}

type refererList struct {
	Referer []string `xml:"Referer"`
}

// refererRow is the configuration row of ?referer (OSS only).
var refererRow = &configRow{
	sub: "referer", kind: bucketconfig.KindReferer, root: "RefererConfiguration",
	get: "GetBucketReferer", put: "PutBucketReferer", perm: permOwner, only: "oss",
	parse: func(_ *request, data []byte) (bucketconfig.Config, error) {
		var x refererXML
		if err := xml.Unmarshal(data, &x); err != nil || x.XMLName.Local != "RefererConfiguration" || x.AllowEmptyReferer == nil {
			return nil, errorf("MalformedXML", "")
		}
		if err := checkElements(data, &x); err != nil {
			return nil, err
		}
		c := &bucketconfig.Referer{AllowEmpty: *x.AllowEmptyReferer, AllowTruncateQueryString: true}
		if x.AllowTruncateQueryString != nil {
			c.AllowTruncateQueryString = *x.AllowTruncateQueryString
		}
		if x.TruncatePath != nil {
			c.TruncatePath = *x.TruncatePath
		}
		// An empty <Referer/> lists nothing: the SDKs send one for an
		// empty list, and OSS takes it.
		for _, r := range x.RefererList.Referer {
			if r = strings.TrimSpace(r); r != "" {
				c.List = append(c.List, r)
			}
		}
		if x.RefererBlacklist != nil {
			for _, r := range x.RefererBlacklist.Referer {
				if r = strings.TrimSpace(r); r != "" {
					c.Blacklist = append(c.Blacklist, r)
				}
			}
		}
		if err := c.Validate(); err != nil {
			return nil, invalidArgument(err, bucketconfig.ErrInvalid)
		}
		return c, nil
	},
	render: func(_ *request, cfg bucketconfig.Config) any {
		c := cfg.(*bucketconfig.Referer)
		x := &refererXML{AllowEmptyReferer: &c.AllowEmpty, AllowTruncateQueryString: &c.AllowTruncateQueryString,
			TruncatePath: &c.TruncatePath, RefererList: refererList{Referer: c.List}}
		if len(c.Blacklist) > 0 {
			x.RefererBlacklist = &refererList{Referer: c.Blacklist}
		}
		return x
	},
	// Without a configuration: empty referers allowed, an empty list.
	missing: func(*request) (any, error) {
		yes, no := true, false
		return &refererXML{AllowEmptyReferer: &yes, AllowTruncateQueryString: &yes, TruncatePath: &no}, nil
	},
}

// refererAllowed reports whether a request with the Referer header
// referer passes c: an empty referer when AllowEmpty; otherwise one that
// no blacklist entry and some whitelist entry match (an empty whitelist
// allows every referer). Entries match case-insensitively with the
// wildcards * and ?; an entry without a scheme matches either scheme.
// AllowTruncateQueryString matches without the query string,
// TruncatePath by scheme and host alone.
func refererAllowed(c *bucketconfig.Referer, referer string) bool {
	if referer == "" {
		return c.AllowEmpty
	}
	r := strings.ToLower(referer)
	if c.AllowTruncateQueryString {
		r, _, _ = strings.Cut(r, "?")
	}
	if c.TruncatePath {
		if scheme, rest, ok := strings.Cut(r, "://"); ok {
			host, _, _ := strings.Cut(rest, "/")
			r = scheme + "://" + host
		}
	}
	match := func(entry string) bool {
		e := strings.ToLower(entry)
		if !strings.Contains(e, "://") {
			_, rest, ok := strings.Cut(r, "://")
			if ok {
				return wildMatch(e, rest)
			}
		}
		return wildMatch(e, r)
	}
	for _, b := range c.Blacklist {
		if match(b) {
			return false
		}
	}
	if len(c.List) == 0 {
		return true
	}
	for _, w := range c.List {
		if match(w) {
			return true
		}
	}
	return false
}

// wildMatch matches s against p with * (any run) and ? (one byte), in
// time linear in len(s): an entry is up to 1 KiB and a Referer header
// (OSS) up to a MiB, which the backtracking matcher made a second of CPU
// per entry.
func wildMatch(p, s string) bool { return wildcard.MatchString(p, s, wildcard.Byte) }

// requestPaymentXML is the RequestPaymentConfiguration document.
type requestPaymentXML struct {
	XMLName xml.Name
	Payer   string `xml:"Payer"`
}

// requestPaymentRow is the configuration row of ?requestPayment.
var requestPaymentRow = &configRow{
	sub: "requestPayment", kind: bucketconfig.KindRequestPayment, root: "RequestPaymentConfiguration",
	get: "GetBucketRequestPayment", put: "PutBucketRequestPayment", perm: permOwner,
	parse: func(_ *request, data []byte) (bucketconfig.Config, error) {
		var x requestPaymentXML
		if err := xml.Unmarshal(data, &x); err != nil || x.XMLName.Local != "RequestPaymentConfiguration" {
			return nil, errorf("MalformedXML", "")
		}
		if err := checkElements(data, &x); err != nil {
			return nil, err
		}
		c := &bucketconfig.RequestPayment{Payer: x.Payer}
		if c.Validate() != nil {
			return nil, errorf("MalformedXML", "")
		}
		return c, nil
	},
	render: func(_ *request, c bucketconfig.Config) any {
		return &requestPaymentXML{Payer: c.(*bucketconfig.RequestPayment).Payer}
	},
	missing: func(*request) (any, error) { return &requestPaymentXML{Payer: "BucketOwner"}, nil },
}

// bucketGates runs the bucket's referer whitelist and request payment
// checks. The referer whitelist applies to anonymous and signed-URL
// requests for objects (requests signed in the Authorization header are
// not subject to it); request payment to every caller but the owner.
func (s *server) bucketGates(rc *request, b engine.BucketInfo) error {
	if rc.route.target == targetObject && (rc.who.anonymous || headerValue(rc.r.Header, "Authorization") == "") {
		c, err := s.eng.BucketConfigValue(rc.ctx, b.Name, bucketconfig.KindReferer)
		switch {
		case err == nil:
			if !refererAllowed(c.(*bucketconfig.Referer), headerValue(rc.r.Header, "Referer")) {
				return errorf("AccessDenied", "You are denied by bucket referer policy.")
			}
		case !errors.Is(err, engine.ErrNoSuchConfig):
			return err
		}
	}
	if owns(rc.who, b.Owner) {
		return nil
	}
	c, err := s.eng.BucketConfigValue(rc.ctx, b.Name, bucketconfig.KindRequestPayment)
	switch {
	case errors.Is(err, engine.ErrNoSuchConfig):
		return nil
	case err != nil:
		return err
	}
	if c.(*bucketconfig.RequestPayment).Payer != "Requester" {
		return nil
	}
	if rc.who.anonymous || !strings.EqualFold(rc.header("request-payer"), "requester") {
		return errorf("AccessDenied", "Access denied for requester pay bucket.")
	}
	if rc.d.name == "s3" {
		// S3 says so in every answer to a requester it charges (the API
		// reference's x-amz-request-charged; Requester Pays in the User
		// Guide: "Amazon S3 returns the x-amz-request-charged header").
		rc.w.Header().Set("X-Amz-Request-Charged", "requester")
	}
	return nil
}
