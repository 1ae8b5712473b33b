package bucketconfig

import (
	"fmt"
	"slices"
	"time"
)

// Inventory is a bucket's set of inventory configurations (S3
// PutBucketInventoryConfiguration): each produces, daily or weekly, a
// report listing the bucket's objects in a destination bucket. S3
// addresses them one at a time by ID; they are stored together, sorted by
// ID.
type Inventory struct {
	Configurations []InventoryConfiguration `json:"configurations"`
}

// InventoryConfiguration is one inventory report definition.
type InventoryConfiguration struct {
	// ID names the configuration within its bucket.
	ID      string `json:"id"`
	Enabled bool   `json:"enabled"`
	// Prefix (S3's Filter.Prefix) selects the objects listed; "" lists all.
	Prefix string `json:"prefix,omitempty"`
	// MinSize and MaxSize (OSS's Filter LowerSizeBound and
	// UpperSizeBound, bytes; MaxSize 0: no upper bound) and ModifiedFrom
	// and ModifiedTo (OSS's LastModifyBeginTimeStamp and
	// LastModifyEndTimeStamp, Unix seconds; 0: no bound) further select
	// the objects listed, bounds included. Delete markers are not
	// filtered by them. S3's API has no such filter and does not show
	// them.
	MinSize      int64 `json:"minSize,omitempty"`
	MaxSize      int64 `json:"maxSize,omitempty"`
	ModifiedFrom int64 `json:"modifiedFrom,omitempty"`
	ModifiedTo   int64 `json:"modifiedTo,omitempty"`
	// StorageClasses (OSS's Filter StorageClass, a comma-separated list
	// of OSS class names) further selects the objects listed by class;
	// empty lists every class.
	StorageClasses []string             `json:"storageClasses,omitempty"`
	Destination    InventoryDestination `json:"destination"`
	// IncludedVersions is "All" (every version and delete marker) or
	// "Current".
	IncludedVersions string `json:"includedVersions"`
	// OptionalFields are the report's extra columns, in order (the values
	// of InventoryFields).
	OptionalFields []string `json:"optionalFields,omitempty"`
	// Frequency is "Daily" or "Weekly".
	Frequency string `json:"frequency"`
	// OSSIncremental is OSS's IncrementalInventory when put disabled
	// (enabled it is refused): stored and read back as put, nothing run.
	OSSIncremental *InventoryIncremental `json:"ossIncremental,omitempty"`
}

// InventoryIncremental is a disabled OSS IncrementalInventory: its
// Schedule Frequency (seconds; nil: not given) and OptionalFields.
type InventoryIncremental struct {
	Frequency *int64   `json:"frequency,omitempty"`
	Fields    []string `json:"fields,omitempty"`
}

// InventoryDestination is where reports go.
type InventoryDestination struct {
	// AccountID is the destination bucket owner's account, echoed.
	AccountID string `json:"accountId,omitempty"`
	// Bucket is the destination bucket's ARN, arn:aws:s3:::name.
	Bucket string `json:"bucket"`
	// Format is "CSV", "ORC" or "Parquet".
	Format string `json:"format"`
	// Prefix is prepended to every report key.
	Prefix string `json:"prefix,omitempty"`
	// RoleARN is OSS's RoleArn (the RAM role OSS would assume to write
	// reports), echoed: the engine writes as the bucket owner.
	RoleARN string `json:"roleArn,omitempty"`
	// Encryption is "", "SSE-S3" or "SSE-KMS" (KMSKeyID then names the
	// key, the key service's default when empty): how report objects are
	// encrypted.
	Encryption string `json:"encryption,omitempty"`
	KMSKeyID   string `json:"kmsKeyId,omitempty"`
}

// InventoryFields are the optional fields S3 inventory reports know.
var InventoryFields = []string{
	"Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded",
	"ReplicationStatus", "EncryptionStatus", "ObjectLockRetainUntilDate",
	"ObjectLockMode", "ObjectLockLegalHoldStatus", "IntelligentTieringAccessTier",
	"BucketKeyStatus", "ChecksumAlgorithm", "ObjectAccessControlList", "ObjectOwner",
	"LifecycleExpirationDate", "ObjectLockEventHoldStatus", "ObjectLockEventHoldDuration",
}

// InventoryFieldsNotImplemented are the optional fields S3's inventory
// knows that osslite does not report: a configuration naming one is
// refused (NotImplemented) rather than given an empty column.
var InventoryFieldsNotImplemented = []string{"IntelligentTieringReferenceDate"}

// OSSInventoryFields are the optional fields only OSS's inventory knows
// (its documents are checked against its own list).
var OSSInventoryFields = []string{"TransitionTime"}

// MaxInventoryConfigurations is the most inventory configurations a
// bucket may have (S3: 1,000).
const MaxInventoryConfigurations = 1000

// MaxInventoryID is the longest configuration ID, in characters.
const MaxInventoryID = 64

// Kind implements Config.
func (*Inventory) Kind() Kind { return KindInventory }

// Validate implements Config: at most MaxInventoryConfigurations
// configurations with unique IDs, sorted by ID, each valid.
func (inv *Inventory) Validate() error {
	if err := checkIDSet("inventory", inv.Configurations, MaxInventoryConfigurations); err != nil {
		return err
	}
	for i := range inv.Configurations {
		if err := inv.Configurations[i].Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Find returns the configuration with id, or nil.
func (inv *Inventory) Find(id string) *InventoryConfiguration {
	if inv == nil {
		return nil
	}
	i, ok := findID(inv.Configurations, id)
	if !ok {
		return nil
	}
	return &inv.Configurations[i]
}

// With returns a copy of inv (which may be nil) with c added or replacing
// the configuration of the same ID.
func (inv *Inventory) With(c InventoryConfiguration) *Inventory {
	var list []InventoryConfiguration
	if inv != nil {
		list = inv.Configurations
	}
	return &Inventory{Configurations: withID(list, c)}
}

// Without returns a copy of inv without the configuration id, and whether
// it was there.
func (inv *Inventory) Without(id string) (*Inventory, bool) {
	list, ok := withoutID(inv.Configurations, id)
	if !ok {
		return inv, false
	}
	return &Inventory{Configurations: list}, true
}

// Validate reports what is wrong with one configuration.
func (c *InventoryConfiguration) Validate() error {
	if err := checkConfigID("inventory", c.ID, MaxInventoryID); err != nil {
		return err
	}
	switch c.IncludedVersions {
	case "All", "Current":
	default:
		return fmt.Errorf("%w: IncludedObjectVersions %q (All or Current)", ErrInvalid, c.IncludedVersions)
	}
	switch c.Frequency {
	case "Daily", "Weekly":
	default:
		return fmt.Errorf("%w: Schedule Frequency %q (Daily or Weekly)", ErrInvalid, c.Frequency)
	}
	seen := map[string]bool{}
	for _, f := range c.OptionalFields {
		if !slices.Contains(InventoryFields, f) && !slices.Contains(OSSInventoryFields, f) {
			return fmt.Errorf("%w: inventory optional field %q", ErrInvalid, f)
		}
		if seen[f] {
			return fmt.Errorf("%w: inventory optional field %q named twice", ErrInvalid, f)
		}
		seen[f] = true
	}
	if len(c.Prefix) > 1024 || len(c.Destination.Prefix) > 512 {
		return fmt.Errorf("%w: inventory prefix too long", ErrInvalid)
	}
	if c.MinSize < 0 || c.MaxSize < 0 || c.MaxSize != 0 && c.MaxSize < c.MinSize {
		return fmt.Errorf("%w: inventory size bounds %d to %d", ErrInvalid, c.MinSize, c.MaxSize)
	}
	if c.ModifiedFrom < 0 || c.ModifiedTo < 0 || c.ModifiedTo != 0 && c.ModifiedTo < c.ModifiedFrom {
		return fmt.Errorf("%w: inventory last-modified bounds %d to %d", ErrInvalid, c.ModifiedFrom, c.ModifiedTo)
	}
	for i, sc := range c.StorageClasses {
		if _, ok := ossColdness[sc]; !ok || slices.Contains(c.StorageClasses[:i], sc) {
			return fmt.Errorf("%w: the inventory storage class filter %q is not one of Standard, IA, Archive, ColdArchive and DeepColdArchive, each named once", ErrInvalid, sc)
		}
	}
	d := &c.Destination
	if _, ok := BucketFromARN(d.Bucket); !ok {
		return fmt.Errorf("%w: inventory destination bucket %q is not an S3 bucket ARN (arn:aws:s3:::name)", ErrInvalid, d.Bucket)
	}
	switch d.Format {
	case "CSV", "ORC", "Parquet":
	default:
		return fmt.Errorf("%w: inventory format %q (CSV, ORC or Parquet)", ErrInvalid, d.Format)
	}
	switch d.Encryption {
	case "", "SSE-S3":
		if d.KMSKeyID != "" {
			return fmt.Errorf("%w: inventory KMS key without SSE-KMS", ErrInvalid)
		}
	case "SSE-KMS": // without a key ID: the key service's default key (OSS)
	default:
		return fmt.Errorf("%w: inventory encryption %q", ErrInvalid, d.Encryption)
	}
	return nil
}

// Selects reports whether an object of size bytes last modified at
// modified passes the size and time bounds (not the prefix).
func (c *InventoryConfiguration) Selects(size int64, modified time.Time, class string) bool {
	if size < c.MinSize || c.MaxSize != 0 && size > c.MaxSize {
		return false
	}
	if len(c.StorageClasses) > 0 {
		if class == "" || class == "STANDARD" {
			class = "Standard"
		}
		if !slices.Contains(c.StorageClasses, class) {
			return false
		}
	}
	s := modified.Unix()
	return s >= c.ModifiedFrom && (c.ModifiedTo == 0 || s <= c.ModifiedTo)
}

// DestinationBucket returns the name of the bucket reports go to.
func (c *InventoryConfiguration) DestinationBucket() string {
	b, _ := BucketFromARN(c.Destination.Bucket)
	return b
}
