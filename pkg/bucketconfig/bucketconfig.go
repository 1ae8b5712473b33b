// Package bucketconfig holds the typed bucket configurations: one Go type
// per kind (versioning, tagging, encryption, ...), each able to validate
// itself, with one canonical encoding (JSON) that the engine stores.
//
// The wire protocols each have their own document shape for a kind
// (S3's and OSS's XML, Sina's JSON); parsing and rendering those is the
// HTTP layer's business. This package is the common value they meet in:
// httpapi parses a request document into a Config, the engine stores
// Encode(c) and hands back the decoded value (cached), and features that
// execute a configuration (lifecycle on the engine clock, CORS, website)
// read the typed value.
//
// # Adding a kind
//
// One file with the type (Kind, Validate, JSON tags), one entry in kinds,
// and one row in httpapi's configuration table.
//
// # Errors
//
// Decode and Validate return errors wrapping ErrInvalid.
package bucketconfig

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// ErrInvalid is wrapped by every error about a configuration's content.
var ErrInvalid = errors.New("bucketconfig: invalid configuration")

// ErrUnknownKind is returned for a kind this package does not know.
var ErrUnknownKind = errors.New("bucketconfig: unknown configuration kind")

// Kind names a configuration kind. Its string is the engine's storage name.
type Kind string

// The configuration kinds.
const (
	KindVersioning        Kind = "versioning"
	KindTagging           Kind = "tagging"
	KindEncryption        Kind = "encryption"
	KindPolicy            Kind = "policy"
	KindCORS              Kind = "cors"
	KindWebsite           Kind = "website"
	KindLifecycle         Kind = "lifecycle"
	KindLogging           Kind = "logging"
	KindReferer           Kind = "referer"
	KindReplication       Kind = "replication"
	KindNotification      Kind = "notification"
	KindObjectLock        Kind = "object-lock"
	KindPublicAccessBlock Kind = "public-access-block"
	KindOwnership         Kind = "ownership"
	KindRequestPayment    Kind = "request-payment"
	KindInventory         Kind = "inventory"
	// KindMetrics is S3's request metrics configurations of a bucket
	// (?metrics).
	KindMetrics Kind = "metrics"
	// KindAccelerate is transfer acceleration (S3 ?accelerate, OSS
	// ?transferAcceleration).
	KindAccelerate Kind = "accelerate"
	// KindResourceGroup is OSS's resource group of a bucket.
	KindResourceGroup Kind = "resource-group"
	// KindStyles is OSS's image styles of a bucket.
	KindStyles Kind = "styles"
	// KindOverwrite is OSS's overwrite protection of a bucket
	// (?overwriteConfig).
	KindOverwrite Kind = "overwrite"
	// KindArchiveDirectRead is OSS's real-time access of Archive objects
	// (?bucketArchiveDirectRead).
	KindArchiveDirectRead Kind = "archive-direct-read"
	// KindHTTPS is OSS's TLS version and cipher suite settings of a
	// bucket (?httpsConfig).
	KindHTTPS Kind = "https"
	// KindAccessMonitor is OSS's access tracking of a bucket
	// (?accessmonitor); absent while off.
	KindAccessMonitor Kind = "access-monitor"
	// KindMetaQuery is OSS's data index of a bucket (?metaQuery); absent
	// while closed.
	KindMetaQuery Kind = "meta-query"
	// KindCname is OSS's custom domains of a bucket (?cname).
	KindCname Kind = "cname"
	// KindRedundancyTransition is OSS's data redundancy type changes of a
	// bucket (?redundancyTransition).
	KindRedundancyTransition Kind = "redundancy-transition"
	// KindResponseHeader is OSS's response header rules of a bucket
	// (?responseHeader).
	KindResponseHeader Kind = "response-header"
	// KindStorageQuota is OSS's storage quota of a bucket (?quota).
	KindStorageQuota Kind = "storage-quota"
	// KindIntelligentTiering is S3's Intelligent-Tiering archive
	// configurations of a bucket (?intelligent-tiering).
	KindIntelligentTiering Kind = "intelligent-tiering"
	// KindAnalytics is S3's storage class analysis configurations of a
	// bucket (?analytics).
	KindAnalytics Kind = "analytics"
	// KindLogFields is OSS's user-defined log fields of a bucket
	// (?userDefinedLogFieldsConfig).
	KindLogFields Kind = "log-fields"
	// KindAccessPoints is OSS's access points of an account (an account
	// configuration, engine.UpdateAccessPoints).
	KindAccessPoints Kind = "access-points"
	// KindQoS is OSS's throttling of a bucket (?qosInfo).
	KindQoS Kind = "qos"
	// KindABAC is S3's attribute-based access control switch of a
	// general purpose bucket (?abac).
	KindABAC Kind = "abac"
)

// Kinds lists every kind, sorted.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Config is a parsed configuration of one kind.
type Config interface {
	// Kind says which kind the value is.
	Kind() Kind
	// Validate reports what is wrong with the value (wrapping ErrInvalid).
	Validate() error
}

// kinds maps each kind to a constructor of its zero value; nil for kinds
// whose typed value is not defined yet (their documents are stored as
// given, see Raw).
var kinds = map[Kind]func() Config{
	KindVersioning:           func() Config { return &Versioning{} },
	KindTagging:              func() Config { return &Tagging{} },
	KindEncryption:           func() Config { return &Encryption{} },
	KindPolicy:               nil,
	KindLifecycle:            func() Config { return &Lifecycle{} },
	KindCORS:                 func() Config { return &CORS{} },
	KindWebsite:              func() Config { return &Website{} },
	KindLogging:              func() Config { return &Logging{} },
	KindReferer:              nil,
	KindReplication:          func() Config { return &Replication{} },
	KindNotification:         func() Config { return &Notification{} },
	KindObjectLock:           func() Config { return &ObjectLock{} },
	KindPublicAccessBlock:    func() Config { return &PublicAccessBlock{} },
	KindOwnership:            func() Config { return &Ownership{} },
	KindRequestPayment:       nil,
	KindInventory:            func() Config { return &Inventory{} },
	KindMetrics:              func() Config { return &Metrics{} },
	KindAccelerate:           func() Config { return &Accelerate{} },
	KindResourceGroup:        func() Config { return &ResourceGroup{} },
	KindStyles:               func() Config { return &Styles{} },
	KindOverwrite:            func() Config { return &Overwrite{} },
	KindArchiveDirectRead:    func() Config { return &ArchiveDirectRead{} },
	KindHTTPS:                func() Config { return &HTTPS{} },
	KindAccessMonitor:        func() Config { return &AccessMonitor{} },
	KindMetaQuery:            func() Config { return &MetaQuery{} },
	KindCname:                func() Config { return &Cnames{} },
	KindRedundancyTransition: func() Config { return &RedundancyTransitions{} },
	KindResponseHeader:       func() Config { return &ResponseHeaders{} },
	KindStorageQuota:         func() Config { return &StorageQuota{} },
	KindIntelligentTiering:   func() Config { return &IntelligentTiering{} },
	KindAnalytics:            func() Config { return &Analytics{} },
	KindLogFields:            func() Config { return &LogFields{} },
	KindAccessPoints:         func() Config { return &AccessPoints{} },
	KindQoS:                  func() Config { return &QoS{} },
	KindABAC:                 func() Config { return &ABAC{} },
}

// Known reports whether k is a configuration kind.
func Known(k Kind) bool {
	_, ok := kinds[k]
	return ok
}

// Encode validates c and renders its canonical form.
func Encode(c Config) ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if r, ok := c.(*Raw); ok {
		return r.Document, nil
	}
	return json.Marshal(c)
}

// Decode parses the canonical form of a configuration of kind k.
func Decode(k Kind, data []byte) (Config, error) {
	mk, ok := kinds[k]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownKind, k)
	}
	if mk == nil {
		return &Raw{Of: k, Document: data}, nil
	}
	c := mk()
	if d, ok := c.(legacyDecoder); ok && len(data) > 0 && data[0] == '<' {
		if err := d.decodeLegacy(data); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, k, err)
		}
		return c, nil
	}
	if err := json.Unmarshal(data, c); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, k, err)
	}
	return c, nil
}

// legacyDecoder is implemented by kinds that earlier versions stored in
// another form.
type legacyDecoder interface {
	decodeLegacy(data []byte) error
}

// Raw is a configuration whose typed value is not defined yet: the
// document as the client sent it.
type Raw struct {
	Of       Kind
	Document []byte
}

// Kind implements Config.
func (r *Raw) Kind() Kind { return r.Of }

// Validate implements Config: a raw document is at most MaxDocument bytes.
func (r *Raw) Validate() error {
	if len(r.Document) > MaxDocument {
		return fmt.Errorf("%w: %s document of %d bytes exceeds %d", ErrInvalid, r.Of, len(r.Document), MaxDocument)
	}
	return nil
}

// MaxDocument bounds any stored configuration (S3 bucket policies are at
// most 20 KiB; the other documents are smaller).
const MaxDocument = 1 << 20
