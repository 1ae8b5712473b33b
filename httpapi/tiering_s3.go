package httpapi

import (
	"encoding/xml"
	"net/http"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// S3 Intelligent-Tiering archive configurations (?intelligent-tiering&id=
// ID: Put, Get, Delete; ListBucketIntelligentTieringConfigurations, GET
// ?intelligent-tiering, paged with a continuation token). The engine keeps
// a bucket's set (bucketconfig.IntelligentTiering) and executes it: its
// lifecycle passes move the INTELLIGENT_TIERING objects an enabled
// configuration selects into the Archive Access and Deep Archive Access
// tiers after their days without a read (engine/tiering.go). Such an
// object answers x-amz-archive-status on HEAD, InvalidObjectState naming
// its AccessTier to reads, and comes back with RestoreObject (without
// Days, restore_s3.go).

func init() {
	routes = append(routes,
		route{method: http.MethodGet, target: targetBucket, params: []string{"intelligent-tiering", "id"}, op: "GetBucketIntelligentTieringConfiguration",
			perm: permOwner, handle: tieringKind.get, only: "s3"},
		route{method: http.MethodGet, target: targetBucket, params: []string{"intelligent-tiering"}, op: "ListBucketIntelligentTieringConfigurations",
			perm: permOwner, handle: tieringKind.listAll, only: "s3"},
		route{method: http.MethodPut, target: targetBucket, params: []string{"intelligent-tiering"}, op: "PutBucketIntelligentTieringConfiguration",
			perm: permOwner, handle: (*server).putTieringConfig, only: "s3"},
		route{method: http.MethodDelete, target: targetBucket, params: []string{"intelligent-tiering"}, op: "DeleteBucketIntelligentTieringConfiguration",
			perm: permOwner, handle: (*server).deleteTieringConfig, only: "s3"},
	)
}

// tieringKind is the set of a bucket's Intelligent-Tiering configurations.
var tieringKind = &configSetKind[bucketconfig.IntelligentTiering, *bucketconfig.IntelligentTiering, bucketconfig.TieringConfiguration, tieringXML]{
	what: "Intelligent-Tiering", sub: "intelligent-tiering", kind: bucketconfig.KindIntelligentTiering,
	root: "IntelligentTieringConfiguration", listRoot: "ListBucketIntelligentTieringConfigurationsOutput", page: 100,
	configs: func(t *bucketconfig.IntelligentTiering) []bucketconfig.TieringConfiguration { return t.Configurations },
	render:  renderTiering, parse: parseTiering,
}

type tieringXML struct {
	XMLName  xml.Name         `xml:"IntelligentTieringConfiguration"`
	ID       string           `xml:"Id"`
	Filter   *tagFilterXML    `xml:"Filter,omitempty"`
	Status   string           `xml:"Status"`
	Tierings []tieringTierXML `xml:"Tiering"`
}

// tagFilterXML is S3's IntelligentTieringFilter and AnalyticsFilter:
// one of its elements.
type tagFilterXML struct {
	Prefix *string    `xml:"Prefix"`
	Tag    *xmlTag    `xml:"Tag"`
	And    *tagAndXML `xml:"And"`
}

type tagAndXML struct {
	Prefix *string  `xml:"Prefix"`
	Tags   []xmlTag `xml:"Tag"`
}

// parseTagFilter reads a tagFilterXML (nil: none) into how it was written
// ("" for none, "Prefix", "Tag" or "And") and its conditions; ok is false
// when it holds more than one element.
func parseTagFilter(f *tagFilterXML) (form, prefix string, tags []bucketconfig.Tag, ok bool) {
	if f == nil {
		return "", "", nil, true
	}
	n := 0
	if f.Prefix != nil {
		n++
		form, prefix = "Prefix", *f.Prefix
	}
	if f.Tag != nil {
		n++
		form, tags = "Tag", []bucketconfig.Tag{{Key: f.Tag.Key, Value: f.Tag.Value}}
	}
	if a := f.And; a != nil {
		n++
		form = "And"
		if a.Prefix != nil {
			prefix = *a.Prefix
		}
		for _, t := range a.Tags {
			tags = append(tags, bucketconfig.Tag{Key: t.Key, Value: t.Value})
		}
	}
	return form, prefix, tags, n <= 1
}

// renderTagFilter is the filter of form, prefix and tags as put (nil for
// none).
func renderTagFilter(form string, prefix *string, tags []bucketconfig.Tag) *tagFilterXML {
	xtags := make([]xmlTag, 0, len(tags))
	for _, t := range tags {
		xtags = append(xtags, xmlTag{t.Key, t.Value})
	}
	switch form {
	case "Prefix":
		return &tagFilterXML{Prefix: prefix}
	case "Tag":
		return &tagFilterXML{Tag: &xtags[0]}
	case "And":
		a := &tagAndXML{Tags: xtags}
		if *prefix != "" {
			a.Prefix = prefix
		}
		return &tagFilterXML{And: a}
	}
	return nil
}

type tieringTierXML struct {
	AccessTier string `xml:"AccessTier"`
	Days       int    `xml:"Days"`
}

// parseTiering reads an IntelligentTieringConfiguration document: one
// that does not parse, lacks the Id, Status or a Tiering, names an
// unknown status or tier, or has a Filter of other than exactly one
// element is MalformedXML; values S3 refuses (days out of a tier's
// bounds, a tier twice) are InvalidArgument.
func parseTiering(data []byte) (bucketconfig.TieringConfiguration, error) {
	var x tieringXML
	if err := xml.Unmarshal(data, &x); err != nil || x.ID == "" || len(x.Tierings) == 0 || x.Status != "Enabled" && x.Status != "Disabled" {
		return bucketconfig.TieringConfiguration{}, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &x); err != nil {
		return bucketconfig.TieringConfiguration{}, err
	}
	c := bucketconfig.TieringConfiguration{ID: x.ID, Enabled: x.Status == "Enabled"}
	for _, t := range x.Tierings {
		if !bucketconfig.ValidAccessTier(t.AccessTier) {
			return c, errorf("MalformedXML", "")
		}
		c.Tierings = append(c.Tierings, bucketconfig.Tiering{AccessTier: t.AccessTier, Days: t.Days})
	}
	var ok bool
	if c.Form, c.Prefix, c.Tags, ok = parseTagFilter(x.Filter); !ok {
		return c, errorf("MalformedXML", "")
	}
	if err := c.Validate(); err != nil {
		return c, invalidArgument(err, bucketconfig.ErrInvalid)
	}
	return c, nil
}

// renderTiering is a configuration's document, its filter as put.
func renderTiering(c *bucketconfig.TieringConfiguration) tieringXML {
	x := tieringXML{ID: c.ID, Status: "Disabled"}
	if c.Enabled {
		x.Status = "Enabled"
	}
	for _, t := range c.Tierings {
		x.Tierings = append(x.Tierings, tieringTierXML{AccessTier: t.AccessTier, Days: t.Days})
	}
	x.Filter = renderTagFilter(c.Form, &c.Prefix, c.Tags)
	return x
}

func (s *server) putTieringConfig(rc *request) error {
	id, c, err := tieringKind.readPut(s, rc)
	if err != nil {
		return err
	}
	if c.ID != id {
		// S3 answers an Id that is not the id parameter as a document
		// that does not validate (aws/aws-sdk#336).
		return errorf("MalformedXML", "")
	}
	err = s.eng.UpdateBucketConfig(rc.ctx, rc.op.Bucket, bucketconfig.KindIntelligentTiering, 0, func(cur bucketconfig.Config) (bucketconfig.Config, error) {
		set, _ := cur.(*bucketconfig.IntelligentTiering)
		if set.Find(c.ID) == nil && set != nil && len(set.Configurations) >= bucketconfig.MaxTieringConfigurations {
			return nil, errorf("TooManyConfigurations", "")
		}
		return set.With(c), nil
	})
	if err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusNoContent)
}

func (s *server) deleteTieringConfig(rc *request) error {
	id, err := tieringKind.id(rc)
	if err != nil {
		return err
	}
	if err := deleteFromIDSet[bucketconfig.IntelligentTiering](rc, s, bucketconfig.KindIntelligentTiering, id); err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusNoContent)
}
