package httpapi

import (
	"encoding/xml"
	"errors"
	"net/http"
	"slices"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// S3 bucket inventory: several configurations per bucket, each addressed
// by ?inventory&id=ID (Put, Get, Delete), and ListBucketInventory-
// Configurations (GET ?inventory, paged with a continuation token). They
// are not rows of configRows, which hold one document per sub-resource:
// the engine keeps the set (bucketconfig.Inventory) and changes one
// configuration at a time (engine.PutInventoryConfiguration), and it
// writes the reports on its clock (engine/inventory.go) in CSV or
// Parquet; ORC configurations are refused with 501 NotImplemented (by the
// engine). OSS's inventory API (?inventory&inventoryId=) has the same
// handlers; its documents are in inventory_oss.go.

// inventoryDialect is what differs between the dialects' inventory APIs:
// the ID parameter and the documents.
type inventoryDialect struct {
	idParam string
	parse   func([]byte) (bucketconfig.InventoryConfiguration, error)
	render  func(*bucketconfig.InventoryConfiguration) any
	// list is the ListBucketInventory document of page, asked for after
	// token; next is the next page's token ("": the last page).
	list func(token string, page []*bucketconfig.InventoryConfiguration, next string) any
	// mismatch is the answer to a put whose document's Id is not the
	// ID parameter's.
	mismatch func(docID, id string) error
	// putStatus is a successful put's status.
	putStatus int
}

var inventoryDialects = map[string]*inventoryDialect{
	"s3": {idParam: "id", parse: parseInventory,
		render: func(c *bucketconfig.InventoryConfiguration) any { return new(renderInventory(c)) },
		list: func(token string, page []*bucketconfig.InventoryConfiguration, next string) any {
			out := &listInventoryXML{ContinuationToken: token, IsTruncated: next != "", NextContinuationToken: next}
			for _, c := range page {
				out.Configurations = append(out.Configurations, renderInventory(c))
			}
			return out
		},
		// S3's answers in LocalStack's AWS recordings of
		// test_s3_put_inventory_report_exceptions and
		// test_s3_inventory_report_crud.
		mismatch:  func(string, string) error { return errorf("IdMismatch", "") },
		putStatus: http.StatusNoContent},
	"oss": {idParam: "inventoryId", parse: parseOSSInventory,
		render: func(c *bucketconfig.InventoryConfiguration) any { return new(renderOSSInventory(c)) },
		list: func(_ string, page []*bucketconfig.InventoryConfiguration, next string) any {
			out := &ossListInventoryXML{IsTruncated: next != "", NextContinuationToken: next}
			for _, c := range page {
				out.Configurations = append(out.Configurations, renderOSSInventory(c))
			}
			return out
		},
		mismatch: func(docID, id string) error {
			return errorf("InvalidArgument", "The Id in the document (%s) does not match the inventoryId parameter (%s).", docID, id)
		},
		putStatus: http.StatusOK},
}

func init() {
	for name, d := range inventoryDialects {
		routes = append(routes,
			route{method: http.MethodGet, target: targetBucket, params: []string{"inventory", d.idParam}, op: "GetBucketInventoryConfiguration",
				perm: permOwner, handle: (*server).getInventory, only: name},
			route{method: http.MethodGet, target: targetBucket, params: []string{"inventory"}, op: "ListBucketInventoryConfigurations",
				perm: permOwner, handle: (*server).listInventory, only: name},
			route{method: http.MethodPut, target: targetBucket, params: []string{"inventory"}, op: "PutBucketInventoryConfiguration",
				perm: permOwner, handle: (*server).putInventory, only: name},
			route{method: http.MethodDelete, target: targetBucket, params: []string{"inventory"}, op: "DeleteBucketInventoryConfiguration",
				perm: permOwner, handle: (*server).deleteInventory, only: name},
		)
	}
}

// inventoryRequest returns the request's dialect of the inventory API and
// the configuration ID it names (InvalidArgument when empty, if needed).
func inventoryRequest(rc *request, needID bool) (*inventoryDialect, string, error) {
	d := inventoryDialects[rc.d.name]
	id := rc.q.Get(d.idParam)
	if needID && id == "" {
		return d, "", errorf("InvalidArgument", "The inventory ID must be specified (?inventory&%s=ID).", d.idParam)
	}
	return d, id, nil
}

// inventoryPage is how many configurations one List answer holds (S3:
// 100).
const inventoryPage = 100

type inventoryXML struct {
	XMLName     xml.Name `xml:"InventoryConfiguration"`
	Destination struct {
		S3 *inventoryDestXML `xml:"S3BucketDestination"`
	} `xml:"Destination"`
	IsEnabled              *bool               `xml:"IsEnabled"`
	Filter                 *inventoryFilterXML `xml:"Filter,omitempty"`
	ID                     string              `xml:"Id"`
	IncludedObjectVersions string              `xml:"IncludedObjectVersions"`
	OptionalFields         *inventoryFieldsXML `xml:"OptionalFields,omitempty"`
	Schedule               struct {
		Frequency string `xml:"Frequency"`
	} `xml:"Schedule"`
}

type inventoryDestXML struct {
	AccountID  string           `xml:"AccountId,omitempty"`
	Bucket     string           `xml:"Bucket"`
	Format     string           `xml:"Format"`
	Prefix     string           `xml:"Prefix,omitempty"`
	Encryption *inventoryEncXML `xml:"Encryption,omitempty"`
}

type inventoryEncXML struct {
	SSES3  *struct{}        `xml:"SSE-S3"`
	SSEKMS *inventoryKMSXML `xml:"SSE-KMS"`
}

type inventoryKMSXML struct {
	KeyID string `xml:"KeyId"`
}

type inventoryFilterXML struct {
	Prefix string `xml:"Prefix"`
}

type inventoryFieldsXML struct {
	Fields []string `xml:"Field"`
}

type listInventoryXML struct {
	XMLName               xml.Name       `xml:"ListInventoryConfigurationsResult"`
	ContinuationToken     string         `xml:"ContinuationToken,omitempty"`
	Configurations        []inventoryXML `xml:"InventoryConfiguration"`
	IsTruncated           bool           `xml:"IsTruncated"`
	NextContinuationToken string         `xml:"NextContinuationToken,omitempty"`
}

// parseInventory reads an InventoryConfiguration document: a document
// that does not parse, lacks a required element or names a value outside
// S3's schema (Format, Frequency, IncludedObjectVersions, OptionalFields)
// is MalformedXML, a destination that is no bucket ARN is
// InvalidS3DestinationBucket (S3's answers in LocalStack's AWS recording
// of test_s3_put_inventory_report_exceptions); other values S3 does not
// take are InvalidArgument.
func parseInventory(data []byte) (bucketconfig.InventoryConfiguration, error) {
	var x inventoryXML
	if err := xml.Unmarshal(data, &x); err != nil || x.Destination.S3 == nil || x.IsEnabled == nil ||
		x.ID == "" || x.IncludedObjectVersions == "" || x.Schedule.Frequency == "" ||
		x.Destination.S3.Bucket == "" || x.Destination.S3.Format == "" {
		return bucketconfig.InventoryConfiguration{}, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &x); err != nil {
		return bucketconfig.InventoryConfiguration{}, err
	}
	d := x.Destination.S3
	if !slices.Contains([]string{"All", "Current"}, x.IncludedObjectVersions) || !slices.Contains([]string{"Daily", "Weekly"}, x.Schedule.Frequency) ||
		!slices.Contains([]string{"CSV", "ORC", "Parquet"}, d.Format) {
		return bucketconfig.InventoryConfiguration{}, errorf("MalformedXML", "")
	}
	if _, ok := bucketconfig.BucketFromARN(d.Bucket); !ok {
		return bucketconfig.InventoryConfiguration{}, errorf("InvalidS3DestinationBucket", "")
	}
	c := bucketconfig.InventoryConfiguration{
		ID: x.ID, Enabled: *x.IsEnabled, IncludedVersions: x.IncludedObjectVersions, Frequency: x.Schedule.Frequency,
		Destination: bucketconfig.InventoryDestination{AccountID: d.AccountID, Bucket: d.Bucket, Format: d.Format, Prefix: d.Prefix},
	}
	if x.Filter != nil {
		c.Prefix = x.Filter.Prefix
	}
	if x.OptionalFields != nil {
		for _, f := range x.OptionalFields.Fields {
			if slices.Contains(bucketconfig.InventoryFieldsNotImplemented, f) {
				return c, errorf("NotImplemented", "The inventory optional field %q is not implemented.", f)
			}
			if !slices.Contains(bucketconfig.InventoryFields, f) {
				return c, errorf("MalformedXML", "")
			}
		}
		c.OptionalFields = x.OptionalFields.Fields
	}
	if e := d.Encryption; e != nil {
		switch {
		case e.SSES3 != nil && e.SSEKMS != nil:
			return c, errorf("InvalidArgument", "Only one of SSE-S3 and SSE-KMS may be specified.")
		case e.SSES3 != nil:
			c.Destination.Encryption = "SSE-S3"
		case e.SSEKMS != nil && e.SSEKMS.KeyID == "":
			return c, errorf("MalformedXML", "") // S3's schema requires the KeyId
		case e.SSEKMS != nil:
			c.Destination.Encryption, c.Destination.KMSKeyID = "SSE-KMS", e.SSEKMS.KeyID
		}
	}
	if err := c.Validate(); err != nil {
		return c, invalidArgument(err, bucketconfig.ErrInvalid)
	}
	return c, nil
}

// renderInventory is a configuration's document.
func renderInventory(c *bucketconfig.InventoryConfiguration) inventoryXML {
	enabled := c.Enabled
	x := inventoryXML{ID: c.ID, IsEnabled: &enabled, IncludedObjectVersions: c.IncludedVersions}
	x.XMLName.Local = "InventoryConfiguration"
	x.Schedule.Frequency = c.Frequency
	d := &inventoryDestXML{AccountID: c.Destination.AccountID, Bucket: c.Destination.Bucket, Format: c.Destination.Format, Prefix: c.Destination.Prefix}
	switch c.Destination.Encryption {
	case "SSE-S3":
		d.Encryption = &inventoryEncXML{SSES3: &struct{}{}}
	case "SSE-KMS":
		d.Encryption = &inventoryEncXML{SSEKMS: &inventoryKMSXML{c.Destination.KMSKeyID}}
	}
	x.Destination.S3 = d
	if c.Prefix != "" {
		x.Filter = &inventoryFilterXML{c.Prefix}
	}
	if len(c.OptionalFields) > 0 {
		x.OptionalFields = &inventoryFieldsXML{c.OptionalFields}
	}
	return x
}

// inventorySet returns the bucket's inventory configurations (nil when
// none).
func (s *server) inventorySet(rc *request) (*bucketconfig.Inventory, error) {
	return configOf[*bucketconfig.Inventory](rc.ctx, s, rc.op.Bucket, bucketconfig.KindInventory)
}

func noSuchInventory() error {
	return errorf("NoSuchConfiguration", "")
}

func (s *server) getInventory(rc *request) error {
	d, id, err := inventoryRequest(rc, true)
	if err != nil {
		return err
	}
	inv, err := s.inventorySet(rc)
	if err != nil {
		return err
	}
	c := inv.Find(id)
	if c == nil {
		return noSuchInventory()
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "InventoryConfiguration", d.render(c))
}

// listInventory answers up to inventoryPage configurations in ID order;
// the continuation token is the last ID answered.
func (s *server) listInventory(rc *request) error {
	d, _, _ := inventoryRequest(rc, false)
	inv, err := s.inventorySet(rc)
	if err != nil {
		return err
	}
	if (inv == nil || len(inv.Configurations) == 0) && rc.d.behave.emptyInventoryListMissing {
		return noSuchInventory()
	}
	token := rc.q.Get("continuation-token")
	page, next := inventoryPageAfter(inv, token)
	return rc.d.writeDoc(rc.w, http.StatusOK, "ListInventoryConfigurationsResult", d.list(token, page, next))
}

// inventoryPageAfter returns up to inventoryPage configurations of inv
// (which may be nil) with IDs after token, in ID order, and the token of
// the next page ("" when this is the last).
func inventoryPageAfter(inv *bucketconfig.Inventory, token string) (page []*bucketconfig.InventoryConfiguration, next string) {
	if inv == nil {
		return nil, ""
	}
	return idPageAfter(inv.Configurations, func(c *bucketconfig.InventoryConfiguration) string { return c.ID }, token, inventoryPage)
}

func (s *server) putInventory(rc *request) error {
	d, id, err := inventoryRequest(rc, true)
	if err != nil {
		return err
	}
	data, err := rc.readDocument(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return err
	}
	c, err := d.parse(data)
	if err != nil {
		return err
	}
	if c.ID != id {
		return d.mismatch(c.ID, id)
	}
	if err := s.eng.PutInventoryConfiguration(rc.ctx, rc.op.Bucket, c); err != nil {
		return err
	}
	return writeEmpty(rc, d.putStatus)
}

func (s *server) deleteInventory(rc *request) error {
	_, id, err := inventoryRequest(rc, true)
	if err != nil {
		return err
	}
	err = s.eng.DeleteInventoryConfiguration(rc.ctx, rc.op.Bucket, id)
	if errors.Is(err, engine.ErrNoSuchConfig) {
		if !rc.d.behave.deleteMissingInventoryOK {
			return noSuchInventory()
		}
		err = nil
	}
	if err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusNoContent)
}
