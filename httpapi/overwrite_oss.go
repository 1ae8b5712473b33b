package httpapi

import (
	"crypto/rand"
	"encoding/xml"
	"errors"
	"fmt"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// OSS's overwrite protection (?overwriteConfig): rules that refuse a
// write replacing an existing object, matched by key prefix and suffix
// and by writer. A matching rule makes the write conditional, as
// x-oss-forbid-overwrite: true does, and the refusal is the same 409
// FileAlreadyExists.

// overwriteDoc is OSS's OverwriteConfiguration.
type overwriteDoc struct {
	XMLName xml.Name         `xml:"OverwriteConfiguration"`
	Rules   []overwriteRuleX `xml:"Rule"`
}

type overwriteRuleX struct {
	ID         string       `xml:"ID"`
	Action     string       `xml:"Action"`
	Prefix     string       `xml:"Prefix,omitempty"`
	Suffix     string       `xml:"Suffix,omitempty"`
	Principals *principalsX `xml:"Principals"`
}

type principalsX struct {
	Principal []string `xml:"Principal"`
}

// overwriteRow is OSS's ?overwriteConfig. GET without a configuration is
// 404, as OSS documents; the error code is ours (OSS does not name it).
var overwriteRow = &configRow{
	sub: "overwriteConfig", kind: bucketconfig.KindOverwrite, root: "OverwriteConfiguration",
	get: "GetBucketOverwriteConfig", put: "PutBucketOverwriteConfig", del: "DeleteBucketOverwriteConfig", perm: permOwner,
	only: "oss",
	// OSS answers a PUT to a missing bucket MalformedXML.
	putNoBucketMalformed: true,
	parse:                parseOverwrite,
	render: func(_ *request, c bucketconfig.Config) any {
		doc := &overwriteDoc{}
		for _, r := range c.(*bucketconfig.Overwrite).Rules {
			x := overwriteRuleX{ID: r.ID, Action: r.Action, Prefix: r.Prefix, Suffix: r.Suffix}
			if len(r.Principals) > 0 {
				x.Principals = &principalsX{Principal: r.Principals}
			}
			doc.Rules = append(doc.Rules, x)
		}
		return doc
	},
	missing: func(rc *request) (any, error) {
		return nil, errorf("NoSuchOverwriteConfiguration", "").with("BucketName", rc.op.Bucket)
	},
}

// parseOverwrite reads an OverwriteConfiguration. A rule without an ID
// gets a random UUID, as OSS gives it; a document without rules removes
// the protection.
func parseOverwrite(_ *request, data []byte) (bucketconfig.Config, error) {
	var doc overwriteDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Rules) == 0 {
		return nil, nil
	}
	c := &bucketconfig.Overwrite{Rules: make([]bucketconfig.OverwriteRule, 0, len(doc.Rules))}
	for _, x := range doc.Rules {
		r := bucketconfig.OverwriteRule{ID: x.ID, Action: x.Action, Prefix: x.Prefix, Suffix: x.Suffix}
		if r.ID == "" {
			r.ID = newUUID()
		}
		if x.Principals != nil {
			r.Principals = x.Principals.Principal
		}
		c.Rules = append(c.Rules, r)
	}
	if err := c.Validate(); err != nil {
		return nil, errorf("InvalidArgument", "%s", err)
	}
	return c, nil
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// overwriteRuleForbids reports whether the bucket's overwrite protection
// refuses to let rc's sender replace rc's key. A protection that cannot
// be read forbids: the write fails safe, not open.
func (s *server) overwriteRuleForbids(rc *request) bool {
	c, err := s.eng.BucketConfigValue(rc.ctx, rc.op.Bucket, bucketconfig.KindOverwrite)
	if errors.Is(err, engine.ErrNoSuchConfig) || errors.Is(err, engine.ErrNoSuchBucket) {
		return false
	}
	if err != nil {
		return true
	}
	if rc.who.anonymous {
		return c.(*bucketconfig.Overwrite).Forbids(rc.op.Key)
	}
	return c.(*bucketconfig.Overwrite).Forbids(rc.op.Key, s.ossUID(rc.who.id), rc.who.id)
}
