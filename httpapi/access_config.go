package httpapi

import (
	"context"
	"encoding/xml"
	"errors"
	"net/http"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// S3 Public Access Block and Object Ownership: the documents of their
// configuration rows (configRows, config.go) and how they act on ACL
// writes (admitACL) and on the owner of written objects (writerID). How
// they act on decisions is in authz.go.

// publicAccessBlockDoc is S3's PublicAccessBlockConfiguration document.
type publicAccessBlockDoc struct {
	XMLName               xml.Name
	BlockPublicAcls       bool `xml:"BlockPublicAcls"`
	IgnorePublicAcls      bool `xml:"IgnorePublicAcls"`
	BlockPublicPolicy     bool `xml:"BlockPublicPolicy"`
	RestrictPublicBuckets bool `xml:"RestrictPublicBuckets"`
}

func parsePublicAccessBlock(_ *request, data []byte) (bucketconfig.Config, error) {
	var doc publicAccessBlockDoc
	if err := xml.Unmarshal(data, &doc); err != nil || doc.XMLName.Local != "PublicAccessBlockConfiguration" {
		return nil, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return nil, err
	}
	return &bucketconfig.PublicAccessBlock{BlockPublicAcls: doc.BlockPublicAcls, IgnorePublicAcls: doc.IgnorePublicAcls,
		BlockPublicPolicy: doc.BlockPublicPolicy, RestrictPublicBuckets: doc.RestrictPublicBuckets}, nil
}

func renderPublicAccessBlock(_ *request, c bucketconfig.Config) any {
	p := c.(*bucketconfig.PublicAccessBlock)
	return &publicAccessBlockDoc{BlockPublicAcls: p.BlockPublicAcls, IgnorePublicAcls: p.IgnorePublicAcls,
		BlockPublicPolicy: p.BlockPublicPolicy, RestrictPublicBuckets: p.RestrictPublicBuckets}
}

// ownershipControlsDoc is S3's OwnershipControls document (one rule).
type ownershipControlsDoc struct {
	XMLName xml.Name
	Rules   []ownershipRule `xml:"Rule"`
}

type ownershipRule struct {
	ObjectOwnership string `xml:"ObjectOwnership"`
}

func parseOwnershipControls(_ *request, data []byte) (bucketconfig.Config, error) {
	var doc ownershipControlsDoc
	if err := xml.Unmarshal(data, &doc); err != nil || doc.XMLName.Local != "OwnershipControls" ||
		len(doc.Rules) != 1 || !bucketconfig.ValidOwnership(doc.Rules[0].ObjectOwnership) {
		return nil, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return nil, err
	}
	return &bucketconfig.Ownership{Rule: doc.Rules[0].ObjectOwnership}, nil
}

func renderOwnershipControls(_ *request, c bucketconfig.Config) any {
	return &ownershipControlsDoc{Rules: []ownershipRule{{ObjectOwnership: c.(*bucketconfig.Ownership).Rule}}}
}

func missingPublicAccessBlock(rc *request) (any, error) {
	return nil, errorf("NoSuchPublicAccessBlockConfiguration", "")
}

func missingOwnershipControls(rc *request) (any, error) {
	return nil, errorf("OwnershipControlsNotFoundError", "")
}

// publicACL reports whether an ACL grants anything to everyone or to
// every authenticated user (S3's definition of a public ACL).
func publicACL(acl engine.ACL) bool {
	switch acl.Canned {
	case "public-read", "public-read-write", "authenticated-read":
		if len(acl.Grants) == 0 {
			return true
		}
	}
	for _, g := range acl.Grants {
		if g.GranteeType == "Group" && (g.URI == groupAllUsers || g.URI == groupAuthenticated) {
			return true
		}
	}
	return false
}

// ownerOnlyACL reports whether an ACL is one a bucket with ACLs disabled
// accepts: bucket-owner-full-control, grants of FULL_CONTROL to the bucket
// owner alone, or private when the bucket owner sets it (byOwner). S3
// takes only "bucket owner full control ACLs ... or an equivalent form";
// private gives full control to the writer, which is that only when the
// writer is the bucket owner: a writer of another account sending
// x-amz-acl: private (the default of the Docker registry's S3 driver and
// of other uploaders) is 400 AccessControlListNotSupported on S3.
func ownerOnlyACL(acl engine.ACL, bucketOwner string, byOwner bool) bool {
	if len(acl.Grants) == 0 {
		return acl.Canned == "" || acl.Canned == "bucket-owner-full-control" || acl.Canned == "private" && byOwner
	}
	for _, g := range acl.Grants {
		if g.GranteeType != "CanonicalUser" || g.ID != bucketOwner || g.Permission != permFullControl {
			return false
		}
	}
	return true
}

// admitACL refuses an ACL a request sets (canned, grant headers or an
// AccessControlPolicy document) that its bucket's settings forbid: under
// Object Ownership BucketOwnerEnforced anything but a
// bucket-owner-full-control ACL, or a private one the bucket owner sets
// (400 AccessControlListNotSupported);
// under BlockPublicAcls a public ACL (403 AccessDenied), in every
// dialect (OSS sets it with its own ?publicAccessBlock). Object Ownership
// binds only the dialects that have it (S3).
func (s *server) admitACL(rc *request, acl *engine.ACL) error {
	if acl == nil {
		return nil
	}
	b, err := s.bucketOf(rc)
	if err != nil {
		return err
	}
	pab, own, err := s.accessSettings(rc.ctx, b)
	if err != nil {
		return err
	}
	if !rc.d.acl.accessControls {
		own = ""
	}
	return aclWriteAllowed(*acl, b.Owner, s.cfg.Permissive || owns(rc.who, b.Owner), pab, own)
}

// aclWriteAllowed is admitACL's rule for an ACL about to be set on a
// bucket owned by bucketOwner with the settings pab and own; byOwner says
// whether the bucket owner sets it.
func aclWriteAllowed(acl engine.ACL, bucketOwner string, byOwner bool, pab *bucketconfig.PublicAccessBlock, own string) error {
	if own == bucketconfig.OwnershipBucketOwnerEnforced && !ownerOnlyACL(acl, bucketOwner, byOwner) {
		return errorf("AccessControlListNotSupported", "")
	}
	if pab != nil && pab.BlockPublicAcls && publicACL(acl) {
		return errAccessDenied()
	}
	return nil
}

// objectOwner is the owner recorded for an object rc writes (S3 Object
// Ownership): the bucket owner under BucketOwnerEnforced, and under
// BucketOwnerPreferred when the object is written with the
// bucket-owner-full-control canned ACL; else the writer.
func (s *server) objectOwner(rc *request, writer string) string {
	b := rc.bucket
	if b == nil || b.Owner == "" || writer == b.Owner || !rc.d.acl.accessControls {
		return writer
	}
	own, err := s.ownershipOf(rc.ctx, b.Name)
	if err != nil {
		// Reading the setting failed: the write keeps its writer, and the
		// error shows in the log.
		s.logError(rc, err)
		return writer
	}
	switch {
	case own == bucketconfig.OwnershipBucketOwnerEnforced,
		own == bucketconfig.OwnershipBucketOwnerPreferred && strings.TrimSpace(rc.header("acl")) == "bucket-owner-full-control":
		return b.Owner
	}
	return writer
}

// createBucketAccess reads x-amz-object-ownership of a CreateBucket and
// returns the settings the new bucket gets: the ownership rule asked for,
// or, with Config.S3Defaults2023 and nothing asked, S3's defaults since
// 2023 (s3Defaults2023Configs). A canned ACL or grants other than private
// cannot go with BucketOwnerEnforced (InvalidBucketAclWithObjectOwnership).
// With Config.S3Defaults2023 every new bucket also gets S3's default
// encryption, SSE-S3 (s3DefaultEncryption), an ownership rule asked for or
// not. An OSS bucket gets OSS's defaults (ossDefaults2025Configs).
func (s *server) createBucketAccess(rc *request, acl *engine.ACL) ([]bucketconfig.Config, error) {
	if rc.d.name == "oss" && s.cfg.OSSDefaults2025 {
		// OSS since October 2025: new buckets block public access, so a
		// public ACL cannot be set on them.
		if acl != nil && publicACL(*acl) {
			return nil, errorf("AccessDenied", "New buckets block public access (OSS's default since October 2025): create the bucket private, then turn Block Public Access off to make it public.")
		}
		return ossDefaults2025Configs(&s.cfg), nil
	}
	if !rc.d.acl.accessControls {
		return nil, nil
	}
	rule := rc.header("object-ownership")
	_, sent := rc.r.Header[rc.d.headerKey("object-ownership")]
	if sent && !bucketconfig.ValidOwnership(rule) {
		// Sent empty is no value either (LocalStack's AWS-recorded
		// test_bucket_ownership_controls_exc: S3 names no ArgumentValue).
		return nil, errorf("InvalidArgument", "Invalid x-amz-object-ownership header: %s", rule).with("ArgumentName", rc.d.h("object-ownership"))
	}
	defaults := !sent && s.cfg.S3Defaults2023
	if defaults {
		rule = bucketconfig.OwnershipBucketOwnerEnforced // among the defaults
	}
	if rule == bucketconfig.OwnershipBucketOwnerEnforced && acl != nil && !ownerOnlyACL(*acl, rc.who.id, true) {
		return nil, errorf("InvalidBucketAclWithObjectOwnership", "")
	}
	if defaults {
		return s3Defaults2023Configs(&s.cfg, s.eng), nil
	}
	var out []bucketconfig.Config
	if enc := s.s3DefaultEncryption(); enc != nil {
		out = append(out, enc)
	}
	if rule != "" {
		out = append(out, &bucketconfig.Ownership{Rule: rule})
	}
	return out, nil
}

// s3Defaults2023Configs are the configurations S3 has given a new bucket
// since 2023, in the order they are set, when cfg asks for them
// (Config.S3Defaults2023; nil otherwise): SSE-S3 default encryption when
// eng can seal data keys (s3DefaultEncryptionOf), BucketOwnerEnforced
// ownership, and every Public Access Block setting on. The CreateBucket
// handler (createBucketAccess, when no x-amz-object-ownership is sent)
// and CreateBucket both start a bucket with them.
func s3Defaults2023Configs(cfg *Config, eng *engine.Engine) []bucketconfig.Config {
	if !cfg.S3Defaults2023 {
		return nil
	}
	var out []bucketconfig.Config
	if enc := s3DefaultEncryptionOf(cfg, eng); enc != nil {
		out = append(out, enc)
	}
	return append(out, &bucketconfig.Ownership{Rule: bucketconfig.OwnershipBucketOwnerEnforced}, bucketconfig.BlockAllPublicAccess(true))
}

// ossDefaults2025Configs are the configurations OSS has given a new
// bucket since October 2025, Block Public Access on, when cfg asks for
// them (Config.OSSDefaults2025; nil otherwise).
func ossDefaults2025Configs(cfg *Config) []bucketconfig.Config {
	if !cfg.OSSDefaults2025 {
		return nil
	}
	return []bucketconfig.Config{bucketconfig.BlockAllPublicAccess(true)}
}

// s3DefaultEncryption is the default encryption S3 gives every bucket
// since January 2023, SSE-S3, when Config.S3Defaults2023 asks for S3's
// 2023 defaults and a key service can seal the data keys; nil otherwise
// (a store on disk without a KMS root key cannot encrypt, so its buckets
// keep no default rather than refuse every write).
func (s *server) s3DefaultEncryption() *bucketconfig.Encryption {
	return s3DefaultEncryptionOf(&s.cfg, s.eng)
}

// s3DefaultEncryptionOf is s3DefaultEncryption for cfg and eng.
func s3DefaultEncryptionOf(cfg *Config, eng *engine.Engine) *bucketconfig.Encryption {
	if !cfg.S3Defaults2023 || eng.Options().Keys == nil {
		return nil
	}
	return &bucketconfig.Encryption{Algorithm: "AES256"}
}

// CreateBucket creates bucket name in eng as a CreateBucket request
// without ownership, ACL or encryption headers would under opts, for
// programs that make buckets before they serve (cmd/osslite's -bucket and
// -seed, fake.WithBuckets): with WithS3Defaults2023 the bucket starts
// with S3's 2023 defaults (BucketOwnerEnforced, every Public Access Block
// setting on and, when eng has a key service, SSE-S3 default
// encryption), with WithOSSDefaults2025 with OSS's Block Public Access;
// without them with nothing, as before. The bucket is created first and
// its configurations set after, as CreateBucket's handler does. Errors
// are engine.CreateBucket's (ErrBucketAlreadyOwnedByYou leaves the
// existing bucket as it is) or SetBucketConfig's.
func CreateBucket(ctx context.Context, eng *engine.Engine, name string, bo engine.BucketOptions, opts ...Option) error {
	var cfg Config
	for _, o := range opts {
		o(&cfg)
	}
	if err := eng.CreateBucket(ctx, name, bo); err != nil {
		return err
	}
	// S3's defaults hold OSS's (Block Public Access on): with both
	// options the bucket gets S3's.
	initial := s3Defaults2023Configs(&cfg, eng)
	if initial == nil {
		initial = ossDefaults2025Configs(&cfg)
	}
	for _, c := range initial {
		if err := eng.SetBucketConfig(ctx, name, c); err != nil {
			return err
		}
	}
	return nil
}

// enforcedACLShown is the owner and ACL GetObjectAcl and GetBucketAcl
// (and OSS's GetBucketInfo and DoMetaQuery, Sina's GET bucket ?meta) show for an object
// of rc's bucket or the bucket, in every dialect:
// under BucketOwnerEnforced (ACLs disabled) the bucket owner with
// FULL_CONTROL (OSS: private), whatever is stored; else what is stored.
// OSS and Sina name the bucket owner as the object's owner under the
// setting (made through S3) as their listings do (ownerListed): it gives
// the bucket owner every object, and disables every ACL, the bucket's
// too (aclAllows), whichever dialect asks, so a stored public grant no
// one may use is not shown.
func (s *server) enforcedACLShown(rc *request, owner string, acl engine.ACL) (string, engine.ACL, error) {
	if rc.bucket == nil {
		return owner, acl, nil
	}
	own, err := s.ownershipOf(rc.ctx, rc.bucket.Name)
	if err != nil || own != bucketconfig.OwnershipBucketOwnerEnforced {
		return owner, acl, err
	}
	return rc.bucket.Owner, engine.ACL{Canned: "private"}, nil
}

// ownerListed is the owner listings (ListObjects with its Owner,
// ListObjectsV2 with fetch-owner, ListObjectVersions, ListParts and
// ListMultipartUploads) show for every object and upload of rc's bucket:
// under BucketOwnerEnforced the bucket owner, who owns every object
// whoever wrote it (S3 Object Ownership), as GetObjectAcl shows it
// (enforcedACLShown); "" otherwise (each shows its own). Objects
// written before the setting still record their writer. Every dialect's
// listing names
// the bucket owner: OSS and Sina have no Object Ownership of their own,
// but the setting (made through S3) gives the bucket owner every object
// whoever asks, as their own rule does.
func (s *server) ownerListed(rc *request) (string, error) {
	if rc.bucket == nil || rc.bucket.Owner == "" {
		return "", nil
	}
	own, err := s.ownershipOf(rc.ctx, rc.bucket.Name)
	if err != nil || own != bucketconfig.OwnershipBucketOwnerEnforced {
		return "", err
	}
	return rc.bucket.Owner, nil
}

// OSS's bucket-level Block Public Access (?publicAccessBlock, OSS only):
// one switch, BlockPublicAccess, stored as S3's configuration with all
// four settings on or all off, so both dialects enforce it alike.
type ossPublicAccessBlockDoc struct {
	XMLName           xml.Name
	BlockPublicAccess bool `xml:"BlockPublicAccess"`
}

// ossPublicAccessBlockRow is the ?publicAccessBlock row of the OSS dialect.
var ossPublicAccessBlockRow = &configRow{
	sub: "publicAccessBlock", kind: bucketconfig.KindPublicAccessBlock, root: "PublicAccessBlockConfiguration",
	get: "GetBucketPublicAccessBlock", put: "PutBucketPublicAccessBlock", del: "DeleteBucketPublicAccessBlock", perm: permOwner,
	only: "oss",
	parse: func(_ *request, data []byte) (bucketconfig.Config, error) {
		var doc ossPublicAccessBlockDoc
		if err := xml.Unmarshal(data, &doc); err != nil || doc.XMLName.Local != "PublicAccessBlockConfiguration" {
			return nil, errorf("MalformedXML", "")
		}
		if err := checkElements(data, &doc); err != nil {
			return nil, err
		}
		return bucketconfig.BlockAllPublicAccess(doc.BlockPublicAccess), nil
	},
	render: func(_ *request, c bucketconfig.Config) any {
		return &ossPublicAccessBlockDoc{BlockPublicAccess: c.(*bucketconfig.PublicAccessBlock).BlocksAll()}
	},
	// Without a configuration nothing is blocked.
	missing: func(*request) (any, error) { return &ossPublicAccessBlockDoc{}, nil },
}

// abacDoc is S3's AbacStatus (PutBucketAbac's document, GetBucketAbac's
// answer).
type abacDoc struct {
	XMLName xml.Name `xml:"AbacStatus"`
	Status  string   `xml:"Status"`
}

// abacRow is S3's ?abac (Put/GetBucketAbac): attribute-based access
// control of a general purpose bucket, off until it is switched on
// (S3's "By default, ABAC is disabled for all Amazon S3 general purpose
// buckets"). While it is on, bucket policies read the bucket's tags as
// aws:ResourceTag/<key> (policyContext.Lookup) and PutBucketTagging and
// DeleteBucketTagging are refused (refuseTaggingUnderABAC).
var abacRow = &configRow{
	sub: "abac", kind: bucketconfig.KindABAC, root: "AbacStatus",
	get: "GetBucketAbac", put: "PutBucketAbac", perm: permOwner,
	only: "s3",
	parse: func(_ *request, data []byte) (bucketconfig.Config, error) {
		var doc abacDoc
		if err := xml.Unmarshal(data, &doc); err != nil || doc.Status != "Enabled" && doc.Status != "Disabled" {
			return nil, errorf("MalformedXML", "")
		}
		if err := checkElements(data, &doc); err != nil {
			return nil, err
		}
		return &bucketconfig.ABAC{Enabled: doc.Status == "Enabled"}, nil
	},
	render: func(_ *request, c bucketconfig.Config) any {
		if c.(*bucketconfig.ABAC).Enabled {
			return &abacDoc{Status: "Enabled"}
		}
		return &abacDoc{Status: "Disabled"}
	},
	missing: func(*request) (any, error) { return &abacDoc{Status: "Disabled"}, nil },
}

// abacEnabled reports whether bucket has attribute-based access control
// on.
func (s *server) abacEnabled(ctx context.Context, bucket string) (bool, error) {
	c, err := s.eng.BucketConfigValue(ctx, bucket, bucketconfig.KindABAC)
	if errors.Is(err, engine.ErrNoSuchConfig) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return c.(*bucketconfig.ABAC).Enabled, nil
}

// refuseTaggingUnderABAC refuses S3's PutBucketTagging and
// DeleteBucketTagging on a bucket with ABAC on: S3 then takes bucket tag
// changes only through S3 Control's TagResource and UntagResource (which
// this server does not serve), "the permissions you previously used
// (PutBucketTagging or DeleteBucketTagging) will no longer be effective".
// S3's code for it is not recorded; the refusal is a permission's,
// AccessDenied. GetBucketTagging still reads them, as on S3. Every
// dialect is refused alike: the tags are the ones S3's policies read as
// aws:ResourceTag, whichever protocol would change them. A directory
// bucket has ABAC on by default and no PutBucketTagging in S3 (its tags
// are the ones CreateBucket gave it): another dialect cannot change them
// either.
func refuseTaggingUnderABAC(s *server, rc *request) error {
	if isDirectoryBucket(rc.op.Bucket) {
		return errorf("AccessDenied", "The tags of directory bucket %s cannot be changed with %s: its policies read them as aws:ResourceTag.", rc.op.Bucket, rc.op.Operation)
	}
	on, err := s.abacEnabled(rc.ctx, rc.op.Bucket)
	if err != nil || !on {
		return err
	}
	return errorf("AccessDenied", "Bucket tags cannot be changed with %s while attribute-based access control (ABAC) is enabled on the bucket: use TagResource and UntagResource, or disable ABAC first.", rc.op.Operation)
}

// accelerateDoc is S3's AccelerateConfiguration; Status is absent until
// one is set.
type accelerateDoc struct {
	XMLName xml.Name
	Status  string `xml:"Status,omitempty"`
}

// accelerateRow is S3's ?accelerate (Put/GetBucketAccelerateConfiguration),
// stored as the kind OSS's ?transferAcceleration shares.
var accelerateRow = &configRow{
	sub: "accelerate", kind: bucketconfig.KindAccelerate, root: "AccelerateConfiguration",
	get: "GetBucketAccelerateConfiguration", put: "PutBucketAccelerateConfiguration", perm: permOwner,
	only: "s3",
	parse: func(rc *request, data []byte) (bucketconfig.Config, error) {
		// The bucket's name is judged before the document: S3 refuses a
		// dotted bucket's configuration even when it is malformed
		// (LocalStack's AWS-recorded test_bucket_acceleration_configuration_exc).
		if strings.Contains(rc.op.Bucket, ".") {
			return nil, errorf("InvalidRequest", "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names")
		}
		var doc accelerateDoc
		if err := xml.Unmarshal(data, &doc); err != nil || doc.XMLName.Local != "AccelerateConfiguration" || doc.Status != "Enabled" && doc.Status != "Suspended" {
			return nil, errorf("MalformedXML", "")
		}
		if err := checkElements(data, &doc); err != nil {
			return nil, err
		}
		return &bucketconfig.Accelerate{Enabled: doc.Status == "Enabled"}, nil
	},
	render: func(_ *request, c bucketconfig.Config) any {
		if c.(*bucketconfig.Accelerate).Enabled {
			return &accelerateDoc{Status: "Enabled"}
		}
		return &accelerateDoc{Status: "Suspended"}
	},
	// A bucket whose state was never set has none.
	missing: func(*request) (any, error) { return &accelerateDoc{}, nil },
}

// enabledDoc is an OSS document whose one element is Enabled:
// TransferAccelerationConfiguration, ArchiveDirectReadConfiguration.
type enabledDoc struct {
	XMLName xml.Name
	Enabled *bool `xml:"Enabled"`
}

// parseEnabled reads an enabledDoc whose root must be root.
func parseEnabled(data []byte, root string) (bool, error) {
	var doc enabledDoc
	if err := xml.Unmarshal(data, &doc); err != nil || doc.XMLName.Local != root || doc.Enabled == nil {
		return false, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return false, err
	}
	return *doc.Enabled, nil
}

// transferAccelerationRow is OSS's ?transferAcceleration.
var transferAccelerationRow = &configRow{
	sub: "transferAcceleration", kind: bucketconfig.KindAccelerate, root: "TransferAccelerationConfiguration",
	get: "GetBucketTransferAcceleration", put: "PutBucketTransferAcceleration", del: "DeleteBucketTransferAcceleration", perm: permOwner,
	only: "oss",
	parse: func(_ *request, data []byte) (bucketconfig.Config, error) {
		on, err := parseEnabled(data, "TransferAccelerationConfiguration")
		if err != nil {
			return nil, err
		}
		return &bucketconfig.Accelerate{Enabled: on}, nil
	},
	render: func(_ *request, c bucketconfig.Config) any {
		return &enabledDoc{Enabled: &c.(*bucketconfig.Accelerate).Enabled}
	},
	missing: func(rc *request) (any, error) {
		return nil, errorf("NoSuchTransferAccelerationConfiguration", "")
	},
}

// resourceGroupDoc is OSS's BucketResourceGroupConfiguration.
type resourceGroupDoc struct {
	XMLName         xml.Name
	ResourceGroupID string `xml:"ResourceGroupId"`
}

// resourceGroupRow is OSS's ?resourceGroup: the bucket's resource group,
// the account default until set (an empty ID sets it back). Without a
// Resource Manager to ask, an ID not of its shape fails the pre-check.
var resourceGroupRow = &configRow{
	sub: "resourceGroup", kind: bucketconfig.KindResourceGroup, root: "BucketResourceGroupConfiguration",
	get: "GetBucketResourceGroup", put: "PutBucketResourceGroup", perm: permOwner,
	only: "oss",
	parse: func(_ *request, data []byte) (bucketconfig.Config, error) {
		var doc resourceGroupDoc
		if err := xml.Unmarshal(data, &doc); err != nil || doc.XMLName.Local != "BucketResourceGroupConfiguration" {
			return nil, errorf("MalformedXML", "")
		}
		if err := checkElements(data, &doc); err != nil {
			return nil, err
		}
		if doc.ResourceGroupID == "" {
			return nil, nil // back to the default group
		}
		g := &bucketconfig.ResourceGroup{ID: doc.ResourceGroupID}
		if g.Validate() != nil {
			return nil, errorf("ResourceGroupIdPreCheckError", "")
		}
		return g, nil
	},
	render: func(_ *request, c bucketconfig.Config) any {
		return &resourceGroupDoc{ResourceGroupID: c.(*bucketconfig.ResourceGroup).ID}
	},
	missing: func(*request) (any, error) {
		return &resourceGroupDoc{ResourceGroupID: bucketconfig.DefaultResourceGroup}, nil
	},
}

// Account-level Block Public Access (OSS's Put/Get/DeletePublicAccessBlock
// on the service): one setting for every bucket the caller owns, joined
// with each bucket's own (accessSettings).

func (s *server) putAccountPublicAccessBlock(rc *request) error {
	data, err := rc.readBody(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return err
	}
	var doc ossPublicAccessBlockDoc
	if err := xml.Unmarshal(data, &doc); err != nil || doc.XMLName.Local != "PublicAccessBlockConfiguration" {
		return errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return err
	}
	if err := s.eng.SetAccountConfig(rc.ctx, rc.who.id, bucketconfig.BlockAllPublicAccess(doc.BlockPublicAccess)); err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusOK)
}

func (s *server) getAccountPublicAccessBlock(rc *request) error {
	doc := &ossPublicAccessBlockDoc{}
	c, err := s.eng.AccountConfigValue(rc.ctx, rc.who.id, bucketconfig.KindPublicAccessBlock)
	switch {
	case err == nil:
		doc.BlockPublicAccess = c.(*bucketconfig.PublicAccessBlock).BlocksAll()
	case !errors.Is(err, engine.ErrNoSuchConfig):
		return err
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "PublicAccessBlockConfiguration", doc)
}

func (s *server) deleteAccountPublicAccessBlock(rc *request) error {
	if err := s.eng.DeleteAccountConfig(rc.ctx, rc.who.id, bucketconfig.KindPublicAccessBlock); err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusNoContent)
}

// archiveDirectReadRow is OSS's ?bucketArchiveDirectRead: real-time
// access of Archive objects, off until enabled (readObject applies it).
var archiveDirectReadRow = &configRow{
	sub: "bucketArchiveDirectRead", kind: bucketconfig.KindArchiveDirectRead, root: "ArchiveDirectReadConfiguration",
	get: "GetBucketArchiveDirectRead", put: "PutBucketArchiveDirectRead", perm: permOwner,
	only: "oss",
	parse: func(_ *request, data []byte) (bucketconfig.Config, error) {
		on, err := parseEnabled(data, "ArchiveDirectReadConfiguration")
		if err != nil {
			return nil, err
		}
		return &bucketconfig.ArchiveDirectRead{Enabled: on}, nil
	},
	render: func(_ *request, c bucketconfig.Config) any {
		return &enabledDoc{Enabled: &c.(*bucketconfig.ArchiveDirectRead).Enabled}
	},
	missing: func(*request) (any, error) {
		off := false
		return &enabledDoc{Enabled: &off}, nil
	},
}

// archiveDirectRead reports whether rc's bucket reads Archive objects
// without a restore (OSS's real-time access).
func (s *server) archiveDirectRead(rc *request) (bool, error) {
	c, err := s.eng.BucketConfigValue(rc.ctx, rc.op.Bucket, bucketconfig.KindArchiveDirectRead)
	if errors.Is(err, engine.ErrNoSuchConfig) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return c.(*bucketconfig.ArchiveDirectRead).Enabled, nil
}

// accessMonitorDoc is OSS's AccessMonitorConfiguration.
type accessMonitorDoc struct {
	XMLName xml.Name
	Status  string `xml:"Status"`
}

// accessMonitorRow is OSS's ?accessmonitor: access tracking, off until
// enabled (engine/access.go records the reads, readObject reports them).
var accessMonitorRow = &configRow{
	sub: "accessmonitor", kind: bucketconfig.KindAccessMonitor, root: "AccessMonitorConfiguration",
	get: "GetBucketAccessMonitor", put: "PutBucketAccessMonitor", perm: permOwner,
	// Neither Aliyun SDK signs ?accessmonitor under signature v1 (v4
	// signs every parameter), so OSS cannot require it.
	unsignedOK: true,
	only:       "oss",
	parse:      parseAccessMonitor,
	render:     func(*request, bucketconfig.Config) any { return &accessMonitorDoc{Status: "Enabled"} },
	missing:    func(*request) (any, error) { return &accessMonitorDoc{Status: "Disabled"}, nil },
}

// parseAccessMonitor turns tracking on (from now, or kept as it is when
// already on) or off, which a lifecycle rule by last access forbids.
func parseAccessMonitor(rc *request, data []byte) (bucketconfig.Config, error) {
	var doc accessMonitorDoc
	if err := xml.Unmarshal(data, &doc); err != nil || doc.XMLName.Local != "AccessMonitorConfiguration" {
		return nil, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return nil, err
	}
	since, on, err := rc.s.eng.AccessTracking(rc.ctx, rc.op.Bucket)
	if err != nil {
		return nil, err
	}
	switch doc.Status {
	case "Enabled":
		if !on {
			since = rc.s.clock.Now().UTC()
		}
		return &bucketconfig.AccessMonitor{Since: since}, nil
	case "Disabled":
		c, err := rc.s.eng.BucketConfigValue(rc.ctx, rc.op.Bucket, bucketconfig.KindLifecycle)
		if err != nil && !errors.Is(err, engine.ErrNoSuchConfig) {
			return nil, err
		}
		if lc, ok := c.(*bucketconfig.Lifecycle); ok && lc.UsesAccessTime() {
			return nil, errorf("InvalidArgument", "Access tracking cannot be disabled while a lifecycle rule of the bucket is by last access time (IsAccessTime).")
		}
		return nil, nil
	}
	return nil, errorf("MalformedXML", "")
}
