package httpapi

import (
	"encoding/xml"
	"errors"
	"net/http"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// S3 storage class analysis configurations (?analytics&id=ID: Put, Get,
// Delete; ListBucketAnalyticsConfigurations, GET ?analytics, paged with a
// continuation token). The engine keeps a bucket's set
// (bucketconfig.Analytics) and executes the configurations that export:
// the GETs and uploads of the objects they select are counted
// (countAnalytics) and each day's analysis is added to the CSV file in the
// destination bucket (engine/analytics.go).

func init() {
	routes = append(routes,
		route{method: http.MethodGet, target: targetBucket, params: []string{"analytics", "id"}, op: "GetBucketAnalyticsConfiguration",
			perm: permOwner, handle: analyticsKind.get, only: "s3"},
		route{method: http.MethodGet, target: targetBucket, params: []string{"analytics"}, op: "ListBucketAnalyticsConfigurations",
			perm: permOwner, handle: analyticsKind.listAll, only: "s3"},
		route{method: http.MethodPut, target: targetBucket, params: []string{"analytics"}, op: "PutBucketAnalyticsConfiguration",
			perm: permOwner, handle: (*server).putAnalyticsConfig, only: "s3"},
		route{method: http.MethodDelete, target: targetBucket, params: []string{"analytics"}, op: "DeleteBucketAnalyticsConfiguration",
			perm: permOwner, handle: (*server).deleteAnalyticsConfig, only: "s3"},
	)
}

// analyticsKind is the set of a bucket's storage class analysis
// configurations.
var analyticsKind = &configSetKind[bucketconfig.Analytics, *bucketconfig.Analytics, bucketconfig.AnalyticsConfiguration, analyticsXML]{
	what: "analytics", sub: "analytics", kind: bucketconfig.KindAnalytics,
	root: "AnalyticsConfiguration", listRoot: "ListBucketAnalyticsConfigurationResult", page: 100,
	configs: func(a *bucketconfig.Analytics) []bucketconfig.AnalyticsConfiguration { return a.Configurations },
	render:  renderAnalytics, parse: parseAnalytics,
}

type analyticsXML struct {
	XMLName  xml.Name      `xml:"AnalyticsConfiguration"`
	ID       string        `xml:"Id"`
	Filter   *tagFilterXML `xml:"Filter,omitempty"`
	Analysis *struct {
		Export *analyticsExportXML `xml:"DataExport,omitempty"`
	} `xml:"StorageClassAnalysis"`
}

type analyticsExportXML struct {
	Destination *struct {
		S3 *analyticsDestXML `xml:"S3BucketDestination"`
	} `xml:"Destination"`
	OutputSchemaVersion string `xml:"OutputSchemaVersion"`
}

type analyticsDestXML struct {
	Format    string `xml:"Format"`
	AccountID string `xml:"BucketAccountId,omitempty"`
	Bucket    string `xml:"Bucket"`
	Prefix    string `xml:"Prefix,omitempty"`
}

// parseAnalytics reads an AnalyticsConfiguration document: one that does
// not parse, lacks the Id or StorageClassAnalysis, has a DataExport
// without a destination bucket, Format CSV and OutputSchemaVersion V_1 (the
// only values S3's schema has), or a Filter of more than one element, of
// none or of an empty Prefix is MalformedXML; values S3 refuses are
// InvalidArgument.
func parseAnalytics(data []byte) (bucketconfig.AnalyticsConfiguration, error) {
	var x analyticsXML
	if err := xml.Unmarshal(data, &x); err != nil || x.ID == "" || x.Analysis == nil {
		return bucketconfig.AnalyticsConfiguration{}, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &x); err != nil {
		return bucketconfig.AnalyticsConfiguration{}, err
	}
	c := bucketconfig.AnalyticsConfiguration{ID: x.ID}
	var ok bool
	if c.Form, c.Prefix, c.Tags, ok = parseTagFilter(x.Filter); !ok {
		return c, errorf("MalformedXML", "")
	}
	if x.Filter != nil && (c.Form == "" || c.Form == "Prefix" && c.Prefix == "") {
		// S3 refuses a Filter with none of Prefix, Tag and And, and one
		// whose Prefix is empty (aws-sdk-java-v2's BucketAnalytics-
		// ConfigurationIntegrationTest, _with_emptyFilter and
		// _with_emptyPrefix); which error it answers is not recorded.
		return c, errorf("MalformedXML", "")
	}
	if ex := x.Analysis.Export; ex != nil {
		if ex.OutputSchemaVersion != "V_1" || ex.Destination == nil || ex.Destination.S3 == nil ||
			ex.Destination.S3.Bucket == "" || ex.Destination.S3.Format != "CSV" {
			return c, errorf("MalformedXML", "")
		}
		d := ex.Destination.S3
		c.Export = &bucketconfig.AnalyticsExport{Bucket: d.Bucket, AccountID: d.AccountID, Prefix: d.Prefix}
	}
	if err := c.Validate(); err != nil {
		return c, invalidArgument(err, bucketconfig.ErrInvalid)
	}
	return c, nil
}

// renderAnalytics is a configuration's document, its filter as put.
func renderAnalytics(c *bucketconfig.AnalyticsConfiguration) analyticsXML {
	x := analyticsXML{ID: c.ID, Filter: renderTagFilter(c.Form, &c.Prefix, c.Tags)}
	x.Analysis = &struct {
		Export *analyticsExportXML `xml:"DataExport,omitempty"`
	}{}
	if ex := c.Export; ex != nil {
		x.Analysis.Export = &analyticsExportXML{OutputSchemaVersion: "V_1", Destination: &struct {
			S3 *analyticsDestXML `xml:"S3BucketDestination"`
		}{S3: &analyticsDestXML{Format: "CSV", AccountID: ex.AccountID, Bucket: ex.Bucket, Prefix: ex.Prefix}}}
	}
	return x
}

func (s *server) putAnalyticsConfig(rc *request) error {
	id, c, err := analyticsKind.readPut(s, rc)
	if err != nil {
		return err
	}
	if c.ID != id {
		// S3 answers MalformedXML, and 204 to a put it takes
		// (LocalStack's AWS recording of test_s3_analytics_configurations).
		return errorf("MalformedXML", "")
	}
	if err := s.eng.PutAnalyticsConfiguration(rc.ctx, rc.op.Bucket, c); err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusNoContent)
}

func (s *server) deleteAnalyticsConfig(rc *request) error {
	id, err := analyticsKind.id(rc)
	if err != nil {
		return err
	}
	err = s.eng.DeleteAnalyticsConfiguration(rc.ctx, rc.op.Bucket, id)
	if errors.Is(err, engine.ErrNoSuchConfig) {
		return errorf("NoSuchConfiguration", "")
	}
	if err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusNoContent)
}
