package bucketconfig

import (
	"encoding/json"
	"fmt"
	"sync/atomic"
)

// The access configurations: bucket policies, OSS referer whitelists and
// request payment. They register themselves in kinds here rather than in
// the table of bucketconfig.go.
func init() {
	kinds[KindPolicy] = func() Config { return &Policy{} }
	kinds[KindReferer] = func() Config { return &Referer{} }
	kinds[KindRequestPayment] = func() Config { return &RequestPayment{} }
}

// MaxPolicyDocument bounds a stored bucket policy (S3: 20 KB).
const MaxPolicyDocument = 20 << 10

// Policy is a bucket policy: the JSON document as the client sent it (S3
// and OSS answer GetBucketPolicy with it byte for byte) and its language.
// Parsing and evaluating it is package policy's business; this type only
// stores it and holds the parsed form a reader derives (Parsed).
type Policy struct {
	// Language is "aws" (S3 bucket policy) or "oss" (OSS bucket policy).
	Language string `json:"language"`
	// Document is the policy JSON, at most MaxPolicyDocument bytes.
	Document string `json:"document"`

	parsed atomic.Pointer[parsedPolicy]
}

type parsedPolicy struct {
	v   any
	err error
}

// Kind implements Config.
func (*Policy) Kind() Kind { return KindPolicy }

// Validate implements Config: a known language and a JSON document of at
// most MaxPolicyDocument bytes.
func (p *Policy) Validate() error {
	switch {
	case p.Language != "aws" && p.Language != "oss":
		return fmt.Errorf("%w: policy language %q", ErrInvalid, p.Language)
	case len(p.Document) > MaxPolicyDocument:
		return fmt.Errorf("%w: policy of %d bytes exceeds %d", ErrInvalid, len(p.Document), MaxPolicyDocument)
	case !json.Valid([]byte(p.Document)):
		return fmt.Errorf("%w: policy is not JSON", ErrInvalid)
	}
	return nil
}

// Parsed returns parse(p), computed once per value and kept with it (the
// engine hands out one value until the next write). Concurrent first
// callers may each run parse; one result is kept.
func (p *Policy) Parsed(parse func(p *Policy) (any, error)) (any, error) {
	if r := p.parsed.Load(); r != nil {
		return r.v, r.err
	}
	v, err := parse(p)
	p.parsed.CompareAndSwap(nil, &parsedPolicy{v, err})
	r := p.parsed.Load()
	return r.v, r.err
}

// MaxReferers bounds each of a referer configuration's lists.
const MaxReferers = 100

// Referer is an OSS hot-link protection (referer whitelist) setting.
type Referer struct {
	// AllowEmpty lets requests without a Referer header through.
	AllowEmpty bool `json:"allowEmpty"`
	// AllowTruncateQueryString matches referers without their query
	// string (OSS default true).
	AllowTruncateQueryString bool `json:"allowTruncateQueryString"`
	// TruncatePath matches referers by scheme and host only (needs
	// AllowTruncateQueryString).
	TruncatePath bool `json:"truncatePath,omitempty"`
	// List is the whitelist, Blacklist the blacklist; entries may use the
	// wildcards * and ?.
	List      []string `json:"list"`
	Blacklist []string `json:"blacklist,omitempty"`
}

// Kind implements Config.
func (*Referer) Kind() Kind { return KindReferer }

// Validate implements Config: at most MaxReferers entries in each list,
// none empty; TruncatePath only with AllowTruncateQueryString.
func (r *Referer) Validate() error {
	if r.TruncatePath && !r.AllowTruncateQueryString {
		return fmt.Errorf("%w: TruncatePath needs AllowTruncateQueryString", ErrInvalid)
	}
	for _, l := range [][]string{r.List, r.Blacklist} {
		if len(l) > MaxReferers {
			return fmt.Errorf("%w: %d referers, at most %d", ErrInvalid, len(l), MaxReferers)
		}
		for _, e := range l {
			if e == "" || len(e) > 1024 {
				return fmt.Errorf("%w: referer %q must be 1 to 1024 bytes", ErrInvalid, e)
			}
		}
	}
	return nil
}

// RequestPayment says who pays for requests: "BucketOwner" or
// "Requester" (requesters must then say so, and be authenticated).
type RequestPayment struct {
	Payer string `json:"payer"`
}

// Kind implements Config.
func (*RequestPayment) Kind() Kind { return KindRequestPayment }

// Validate implements Config.
func (r *RequestPayment) Validate() error {
	if r.Payer != "BucketOwner" && r.Payer != "Requester" {
		return fmt.Errorf("%w: payer %q", ErrInvalid, r.Payer)
	}
	return nil
}
