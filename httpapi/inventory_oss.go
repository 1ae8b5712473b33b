package httpapi

import (
	"encoding/xml"
	"slices"
	"strings"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// OSS bucket inventory: PutBucketInventory, GetBucketInventory and
// DeleteBucketInventory (?inventory&inventoryId=ID) and
// ListBucketInventory (GET ?inventory, pages of 100 with a
// continuation-token), served by the handlers of inventory.go
// (inventoryDialects). OSS's document becomes the same typed value S3's
// does (bucketconfig.InventoryConfiguration), kept in the same set, and
// the engine writes its reports alike (engine/inventory.go): gzip CSV
// under <prefix>/<source>/<id>/data/ and a manifest.json (S3's fields,
// which are OSS's; its destinationBucket is the engine's
// arn:aws:s3:::name) with manifest.checksum under
// <prefix>/<source>/<id>/<YYYY-MM-DDTHH-MMZ>/.
//
// The destination acs:oss:::name is stored as arn:aws:s3:::name and
// rendered back; SSE-OSS is the engine's managed encryption (SSE-S3);
// RoleArn and AccountId are echoed. The filter's LowerSizeBound,
// UpperSizeBound, LastModifyBeginTimeStamp and LastModifyEndTimeStamp
// bound the objects listed, as does its StorageClass list ("All": every
// class); the optional fields OSS has and the engine does not report (TransitionTime,
// ObjectAcl, TaggingCount, ObjectType, Crc64), the Monthly and Once
// schedules and formats other than CSV are refused (InvalidArgument), and
// an enabled IncrementalInventory is 501 NotImplemented.

// ossInventoryFields are the optional fields OSS knows that the engine
// reports.
var ossInventoryFields = []string{"Size", "LastModifiedDate", "ETag", "StorageClass", "IsMultipartUploaded", "EncryptionStatus", "TransitionTime"}

// ossBucketARNPrefix starts OSS's destination bucket names.
const ossBucketARNPrefix = "acs:oss:::"

type ossInventoryXML struct {
	XMLName   xml.Name               `xml:"InventoryConfiguration"`
	ID        string                 `xml:"Id"`
	IsEnabled *bool                  `xml:"IsEnabled"`
	Filter    *ossInventoryFilterXML `xml:"Filter,omitempty"`
	Dest      struct {
		OSS *ossInventoryDestXML `xml:"OSSBucketDestination"`
	} `xml:"Destination"`
	Schedule struct {
		Frequency string `xml:"Frequency"`
	} `xml:"Schedule"`
	IncludedObjectVersions string              `xml:"IncludedObjectVersions"`
	OptionalFields         *inventoryFieldsXML `xml:"OptionalFields,omitempty"`
	Incremental            *ossIncrementalXML  `xml:"IncrementalInventory,omitempty"`
}

// ossIncrementalXML is OSS's IncrementalInventory: enabled it is refused
// (501), disabled it is stored and read back as put.
type ossIncrementalXML struct {
	IsEnabled bool `xml:"IsEnabled"`
	Schedule  *struct {
		Frequency *int64 `xml:"Frequency"`
	} `xml:"Schedule,omitempty"`
	OptionalFields *inventoryFieldsXML `xml:"OptionalFields,omitempty"`
}

type ossInventoryFilterXML struct {
	Prefix                   string `xml:"Prefix,omitempty"`
	LastModifyBeginTimeStamp int64  `xml:"LastModifyBeginTimeStamp,omitempty"`
	LastModifyEndTimeStamp   int64  `xml:"LastModifyEndTimeStamp,omitempty"`
	LowerSizeBound           int64  `xml:"LowerSizeBound,omitempty"`
	UpperSizeBound           int64  `xml:"UpperSizeBound,omitempty"`
	StorageClass             string `xml:"StorageClass,omitempty"`
}

type ossInventoryDestXML struct {
	Format     string              `xml:"Format"`
	AccountID  string              `xml:"AccountId,omitempty"`
	RoleArn    string              `xml:"RoleArn,omitempty"`
	Bucket     string              `xml:"Bucket"`
	Prefix     string              `xml:"Prefix,omitempty"`
	Encryption *ossInventoryEncXML `xml:"Encryption,omitempty"`
}

type ossInventoryEncXML struct {
	SSEOSS *struct{}        `xml:"SSE-OSS"`
	SSEKMS *inventoryKMSXML `xml:"SSE-KMS"`
}

type ossListInventoryXML struct {
	XMLName               xml.Name          `xml:"ListInventoryConfigurationsResult"`
	Configurations        []ossInventoryXML `xml:"InventoryConfiguration"`
	IsTruncated           bool              `xml:"IsTruncated"`
	NextContinuationToken string            `xml:"NextContinuationToken,omitempty"`
}

// parseOSSInventory reads OSS's InventoryConfiguration document: one that
// does not parse or lacks a required element is MalformedXML; values the
// engine does not run are InvalidArgument (incremental inventory:
// NotImplemented).
func parseOSSInventory(data []byte) (bucketconfig.InventoryConfiguration, error) {
	var x ossInventoryXML
	if err := xml.Unmarshal(data, &x); err != nil || x.Dest.OSS == nil || x.IsEnabled == nil ||
		x.ID == "" || x.IncludedObjectVersions == "" || x.Schedule.Frequency == "" ||
		x.Dest.OSS.Bucket == "" || x.Dest.OSS.Format == "" {
		return bucketconfig.InventoryConfiguration{}, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &x); err != nil {
		return bucketconfig.InventoryConfiguration{}, err
	}
	d := x.Dest.OSS
	name, ok := strings.CutPrefix(d.Bucket, ossBucketARNPrefix)
	if !ok || name == "" || strings.Contains(name, "/") {
		return bucketconfig.InventoryConfiguration{}, errorf("InvalidArgument", "The destination bucket %q is not acs:oss:::<bucket>.", d.Bucket)
	}
	if d.Format != "CSV" {
		return bucketconfig.InventoryConfiguration{}, errorf("InvalidArgument", "The inventory format %q is not supported; OSS inventory lists are CSV.", d.Format)
	}
	if x.Incremental != nil && x.Incremental.IsEnabled {
		return bucketconfig.InventoryConfiguration{}, errorf("NotImplemented", "Incremental inventory is not implemented.")
	}
	c := bucketconfig.InventoryConfiguration{
		ID: x.ID, Enabled: *x.IsEnabled, IncludedVersions: x.IncludedObjectVersions, Frequency: x.Schedule.Frequency,
		Destination: bucketconfig.InventoryDestination{AccountID: d.AccountID, RoleARN: d.RoleArn,
			Bucket: "arn:aws:s3:::" + name, Format: "CSV", Prefix: d.Prefix},
	}
	if in := x.Incremental; in != nil {
		c.OSSIncremental = &bucketconfig.InventoryIncremental{}
		if in.Schedule != nil {
			c.OSSIncremental.Frequency = in.Schedule.Frequency
		}
		if in.OptionalFields != nil {
			c.OSSIncremental.Fields = append([]string{}, in.OptionalFields.Fields...)
		}
	}
	if f := x.Filter; f != nil {
		c.Prefix = f.Prefix
		c.MinSize, c.MaxSize = f.LowerSizeBound, f.UpperSizeBound
		c.ModifiedFrom, c.ModifiedTo = f.LastModifyBeginTimeStamp, f.LastModifyEndTimeStamp
		if f.StorageClass != "" && f.StorageClass != "All" {
			for sc := range strings.SplitSeq(f.StorageClass, ",") {
				c.StorageClasses = append(c.StorageClasses, strings.TrimSpace(sc))
			}
		}
	}
	if x.OptionalFields != nil {
		for _, f := range x.OptionalFields.Fields {
			if !slices.Contains(ossInventoryFields, f) {
				e := errorf("InvalidArgument", "The inventory optional field %q is not supported (%s are).", f, strings.Join(ossInventoryFields, ", "))
				e.ec = "0020-00000036" // OSS's EC for an optional field it does not know
				return c, e
			}
		}
		c.OptionalFields = x.OptionalFields.Fields
	}
	if e := d.Encryption; e != nil {
		switch {
		case e.SSEOSS != nil && e.SSEKMS != nil:
			return c, errorf("InvalidArgument", "Only one of SSE-OSS and SSE-KMS may be specified.")
		case e.SSEOSS != nil:
			c.Destination.Encryption = "SSE-S3"
		case e.SSEKMS != nil:
			c.Destination.Encryption, c.Destination.KMSKeyID = "SSE-KMS", e.SSEKMS.KeyID
		}
	}
	if err := c.Validate(); err != nil {
		return c, invalidArgument(err, bucketconfig.ErrInvalid)
	}
	return c, nil
}

// renderOSSInventory is a configuration's OSS document.
func renderOSSInventory(c *bucketconfig.InventoryConfiguration) ossInventoryXML {
	enabled := c.Enabled
	x := ossInventoryXML{ID: c.ID, IsEnabled: &enabled, IncludedObjectVersions: c.IncludedVersions}
	x.XMLName.Local = "InventoryConfiguration"
	x.Schedule.Frequency = c.Frequency
	d := &ossInventoryDestXML{Format: c.Destination.Format, AccountID: c.Destination.AccountID, RoleArn: c.Destination.RoleARN,
		Bucket: ossBucketARNPrefix + c.DestinationBucket(), Prefix: c.Destination.Prefix}
	switch c.Destination.Encryption {
	case "SSE-S3":
		d.Encryption = &ossInventoryEncXML{SSEOSS: &struct{}{}}
	case "SSE-KMS":
		d.Encryption = &ossInventoryEncXML{SSEKMS: &inventoryKMSXML{c.Destination.KMSKeyID}}
	}
	x.Dest.OSS = d
	f := ossInventoryFilterXML{Prefix: c.Prefix, LowerSizeBound: c.MinSize, UpperSizeBound: c.MaxSize,
		LastModifyBeginTimeStamp: c.ModifiedFrom, LastModifyEndTimeStamp: c.ModifiedTo, StorageClass: strings.Join(c.StorageClasses, ",")}
	if f != (ossInventoryFilterXML{}) {
		x.Filter = &f
	}
	if len(c.OptionalFields) > 0 {
		x.OptionalFields = &inventoryFieldsXML{c.OptionalFields}
	}
	if in := c.OSSIncremental; in != nil {
		x.Incremental = &ossIncrementalXML{}
		if in.Frequency != nil {
			x.Incremental.Schedule = &struct {
				Frequency *int64 `xml:"Frequency"`
			}{in.Frequency}
		}
		if in.Fields != nil {
			x.Incremental.OptionalFields = &inventoryFieldsXML{in.Fields}
		}
	}
	return x
}
