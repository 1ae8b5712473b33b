package httpapi

import (
	"encoding/xml"
	"errors"
	"net/http"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Bucket configurations (versioning, tagging, encryption, CORS,
// lifecycle, ...) are one table: a row per configuration sub-resource
// says which kind it is, its document's root element, the operations it
// serves, and how the dialect's document becomes the typed value
// (pkg/bucketconfig) and back. The engine stores the canonical value and
// hands back the parsed one. Adding a configuration is a type in
// bucketconfig and a row here; its enforcement hooks into the handlers
// that need it.

// configRow is one row of the configuration table.
type configRow struct {
	sub  string // sub-resource, e.g. "versioning"
	kind bucketconfig.Kind
	root string // document root element
	// get, put, del are the operation names (S3's); "" is not an
	// operation of the sub-resource (405).
	get, put, del string
	perm          perm
	// parse turns a request document into a value; nil means PUT is not
	// served yet (501, nothing read or stored). A nil value (and no
	// error) deletes the configuration: the document turned it off.
	parse func(rc *request, data []byte) (bucketconfig.Config, error)
	// render turns a stored value into the response document.
	render func(rc *request, c bucketconfig.Config) any
	// missing answers GET when nothing is stored: a document, or an error.
	missing func(rc *request) (any, error)
	// putStatus is the status of a successful PUT in a dialect.
	putStatus func(d *dialect) int
	// remove, when set, replaces deleting the whole configuration.
	remove func(s *server, rc *request) error
	// gate, when set, may refuse a PUT (before its document is read) or
	// a DELETE: a setting of the bucket that forbids changing this one.
	gate func(s *server, rc *request) error
	// maxDoc caps the request document (Config.MaxXMLBody when smaller);
	// 0 is Config.MaxXMLBody.
	maxDoc int64
	// emptyDoc, when set and true for the request, hands an empty PUT
	// body to parse rather than answer MissingRequestBodyError.
	emptyDoc func(rc *request) bool
	// write, when set, writes a stored value's response itself (documents
	// that are not XML: bucket policies) instead of render.
	write func(rc *request, c bucketconfig.Config) error
	// only, when set, restricts the row's routes to one dialect.
	only string
	// digests says which digests a PUT document needs (default
	// digestsOptional).
	digests digests
	// unsignedOK: the SDKs leave the sub-resource out of OSS signatures
	// v1 and v2, as OSS does (route.unsignedOK; ?accessmonitor).
	unsignedOK bool
	// putNoBucketMalformed: a PUT to a bucket that does not exist is 400
	// MalformedXML (EC 0015-00000231), not NoSuchBucket, as OSS answers
	// PutBucketOverwriteConfig and PutBucketObjectWormConfiguration (the
	// v2 SDK's suite, run against the service, checks it). Like
	// NoSuchBucket, it comes before the body is read.
	putNoBucketMalformed bool
}

// configRows is the configuration table.
var configRows = []*configRow{
	lifecycleRow,
	objectWormRow, // objectworm_oss.go
	notificationRow,
	loggingRow,
	{
		sub: "versioning", kind: bucketconfig.KindVersioning, root: "VersioningConfiguration",
		get: "GetBucketVersioning", put: "PutBucketVersioning", perm: permOwner,
		render: func(_ *request, c bucketconfig.Config) any {
			v := c.(*bucketconfig.Versioning)
			return &versioningDoc{Status: v.Status, MFADelete: v.MFADelete}
		},
		// A bucket that was never versioned answers an empty document.
		missing: func(*request) (any, error) { return &versioningDoc{}, nil },
		parse:   parseVersioning,
	},
	{
		sub: "encryption", kind: bucketconfig.KindEncryption, root: "ServerSideEncryptionConfiguration",
		get: "GetBucketEncryption", put: "PutBucketEncryption", del: "DeleteBucketEncryption", perm: permOwner,
		missing: func(rc *request) (any, error) {
			return nil, errorf("ServerSideEncryptionConfigurationNotFoundError", "").with("BucketName", rc.op.Bucket)
		},
		parse:  func(rc *request, data []byte) (bucketconfig.Config, error) { return rc.d.sse.parseConfig(rc, data) },
		render: func(rc *request, c bucketconfig.Config) any { return rc.d.sse.renderConfig(rc, c) },
		// With S3's 2023 defaults, S3's DeleteBucketEncryption resets the
		// bucket to SSE-S3 (S3 buckets are never unencrypted); a
		// directory bucket's always does ("resets the default encryption
		// for the bucket as server-side encryption with Amazon S3 managed
		// keys (SSE-S3)", the S3 API reference's DeleteBucketEncryption),
		// as it was made with it (directoryBucket).
		remove: func(s *server, rc *request) error {
			enc := s.s3DefaultEncryption()
			if enc == nil && isDirectoryBucket(rc.op.Bucket) && s.eng.Options().Keys != nil {
				enc = &bucketconfig.Encryption{Algorithm: "AES256"}
			}
			if enc == nil || !rc.d.acl.accessControls {
				if err := s.eng.DeleteBucketConfig(rc.ctx, rc.op.Bucket, string(bucketconfig.KindEncryption)); err != nil {
					return err
				}
			} else if err := s.eng.SetBucketConfig(rc.ctx, rc.op.Bucket, enc); err != nil {
				return err
			}
			return writeEmpty(rc, http.StatusNoContent)
		},
	},
	{
		sub: "tagging", kind: bucketconfig.KindTagging, root: "Tagging",
		get: "GetBucketTagging", put: "PutBucketTagging", del: "DeleteBucketTagging", perm: permOwner,
		parse: parseBucketTagging,
		render: func(_ *request, c bucketconfig.Config) any {
			t := &tagging{TagSet: []xmlTag{}}
			for _, tg := range c.(*bucketconfig.Tagging).Tags {
				t.TagSet = append(t.TagSet, xmlTag{tg.Key, tg.Value})
			}
			return t
		},
		missing: func(rc *request) (any, error) {
			if rc.d.behave.missingBucketTagsEmpty {
				return tagsToXML(nil), nil
			}
			return nil, errorf("NoSuchTagSet", "").with("BucketName", rc.op.Bucket)
		},
		putStatus: func(d *dialect) int { return d.behave.putBucketTaggingStatus },
		maxDoc:    maxTaggingDocument,
		gate:      refuseTaggingUnderABAC, // access_config.go
		// OSS deletes only the keys named in ?tagging=k1,k2.
		remove: func(s *server, rc *request) error {
			if keys := rc.q.Get("tagging"); keys != "" && rc.d.behave.deleteTagsByKey {
				return s.deleteBucketTagKeys(rc, keys)
			}
			if err := s.eng.DeleteBucketConfig(rc.ctx, rc.op.Bucket, engine.ConfigTagging); err != nil {
				return err
			}
			return writeEmpty(rc, http.StatusNoContent)
		},
	},
	corsRow,    // cors.go
	websiteRow, // website.go
	{
		sub: "publicAccessBlock", kind: bucketconfig.KindPublicAccessBlock, root: "PublicAccessBlockConfiguration",
		get: "GetPublicAccessBlock", put: "PutPublicAccessBlock", del: "DeletePublicAccessBlock", perm: permOwner,
		parse: parsePublicAccessBlock, render: renderPublicAccessBlock, missing: missingPublicAccessBlock, only: "s3",
	},
	{
		sub: "ownershipControls", kind: bucketconfig.KindOwnership, root: "OwnershipControls",
		get: "GetBucketOwnershipControls", put: "PutBucketOwnershipControls", del: "DeleteBucketOwnershipControls", perm: permOwner,
		parse: parseOwnershipControls, render: renderOwnershipControls, missing: missingOwnershipControls, only: "s3",
	},
	ossPublicAccessBlockRow, // access_config.go
	accelerateRow,           // access_config.go
	abacRow,                 // access_config.go
	transferAccelerationRow, // access_config.go
	resourceGroupRow,        // access_config.go
	overwriteRow,            // overwrite_oss.go
	archiveDirectReadRow,    // access_config.go
	httpsRow,                // https_oss.go
	accessMonitorRow,        // access_config.go
	responseHeaderRow,       // responseheader_oss.go
	quotaRow,                // quota_oss.go
	logFieldsRow,            // logfields_oss.go
	qosRow,                  // qos_oss.go
	policyRow,               // policy.go
	refererRow,              // referer.go
	requestPaymentRow,       // referer.go
	objectLockRow,           // objlock.go
	replicationRow,          // replication.go
}

func init() {
	for _, c := range configRows {
		for _, r := range []struct {
			method, op string
			handle     func(*server, *request) error
		}{
			{http.MethodGet, c.get, (*server).getConfig},
			{http.MethodPut, c.put, (*server).putConfig},
			{http.MethodDelete, c.del, (*server).deleteConfig},
		} {
			if r.op != "" {
				routes = append(routes, route{method: r.method, target: targetBucket, params: []string{c.sub},
					op: r.op, perm: c.perm, handle: r.handle, config: c, only: c.only, unsignedOK: c.unsignedOK,
					noBucketMalformed: c.putNoBucketMalformed && r.method == http.MethodPut})
			}
		}
	}
	// Rows are matched in order: the configuration rows must come before
	// the plain bucket operations (which take no sub-resource, so the
	// sub-resource check keeps them apart anyway).
}

type versioningDoc struct {
	XMLName   xml.Name
	Status    string `xml:"Status,omitempty"`
	MFADelete string `xml:"MfaDelete,omitempty"`
}

func (s *server) getConfig(rc *request) error {
	row := rc.route.config
	c, err := s.eng.BucketConfigValue(rc.ctx, rc.op.Bucket, row.kind)
	if errors.Is(err, engine.ErrNoSuchConfig) {
		doc, err := row.missing(rc)
		if err != nil {
			return err
		}
		return rc.d.writeDoc(rc.w, http.StatusOK, row.root, doc)
	}
	if err != nil {
		return err
	}
	if row.write != nil {
		return row.write(rc, c)
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, row.root, row.render(rc, c))
}

func (s *server) putConfig(rc *request) error {
	row := rc.route.config
	if row.parse == nil {
		return errorf("NotImplemented", "%s is not implemented yet.", rc.op.Operation)
	}
	if row.gate != nil {
		if err := row.gate(s, rc); err != nil {
			return err
		}
	}
	limit := s.cfg.MaxXMLBody
	if row.maxDoc > 0 {
		limit = s.docLimit(row.maxDoc)
	}
	read := rc.readDocument
	if row.emptyDoc != nil && row.emptyDoc(rc) {
		read = rc.readBody
	}
	data, err := read(limit, row.digests)
	if err != nil {
		return err
	}
	c, err := row.parse(rc, data)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if row.putStatus != nil {
		status = row.putStatus(rc.d)
	}
	if c == nil { // the document turns the configuration off
		if err := s.eng.DeleteBucketConfig(rc.ctx, rc.op.Bucket, string(row.kind)); err != nil {
			return err
		}
		return writeEmpty(rc, status)
	}
	if err := s.eng.SetBucketConfig(rc.ctx, rc.op.Bucket, c); err != nil {
		return err
	}
	return writeEmpty(rc, status)
}

func (s *server) deleteConfig(rc *request) error {
	row := rc.route.config
	if row.gate != nil {
		if err := row.gate(s, rc); err != nil {
			return err
		}
	}
	if row.remove != nil {
		return row.remove(s, rc)
	}
	if err := s.eng.DeleteBucketConfig(rc.ctx, rc.op.Bucket, string(row.kind)); err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusNoContent)
}

// Tagging document.
type tagging struct {
	XMLName xml.Name
	TagSet  []xmlTag `xml:"TagSet>Tag"`
}

type xmlTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

func tagsToXML(tags []engine.Tag) *tagging {
	t := &tagging{TagSet: []xmlTag{}}
	for _, tg := range tags {
		t.TagSet = append(t.TagSet, xmlTag{tg.Key, tg.Value})
	}
	return t
}

// parseTagging parses a Tagging document (objects and buckets) whose tags
// keep to lim.
func parseTagging(data []byte, lim tagLimits) ([]engine.Tag, error) {
	var t tagging
	if err := xml.Unmarshal(data, &t); err != nil || t.XMLName.Local != "Tagging" {
		return nil, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &t); err != nil {
		return nil, err
	}
	tags := make([]engine.Tag, 0, len(t.TagSet))
	for _, x := range t.TagSet {
		tags = append(tags, engine.Tag{Key: x.Key, Value: x.Value})
	}
	if err := lim.check(tags); err != nil {
		return nil, err
	}
	return tags, nil
}

// readTagging reads a Tagging document of at most limit bytes whose tags
// keep to lim.
func (rc *request) readTagging(limit int64, lim tagLimits) ([]engine.Tag, error) {
	data, err := rc.readDocument(limit, digestsOptional)
	if err != nil {
		return nil, err
	}
	return parseTagging(data, lim)
}

// parseBucketTagging parses a bucket's Tagging document. An empty TagSet
// removes the tags: S3 then answers GetBucketTagging with NoSuchTagSet
// (moto's AWS-verified test_get_bucket_tagging), and OSS, which answers a
// bucket without tags with an empty set, shows the same either way.
func parseBucketTagging(rc *request, data []byte) (bucketconfig.Config, error) {
	tags, err := parseTagging(data, rc.d.bucketTags)
	if err != nil || len(tags) == 0 {
		return nil, err
	}
	return bucketTagging(tags)
}

// bucketTagging is the bucket configuration of tags already held to the
// dialect's limits.
func bucketTagging(tags []engine.Tag) (bucketconfig.Config, error) {
	c := &bucketconfig.Tagging{Tags: make([]bucketconfig.Tag, 0, len(tags))}
	for _, t := range tags {
		c.Tags = append(c.Tags, bucketconfig.Tag{Key: t.Key, Value: t.Value})
	}
	if err := c.Validate(); err != nil {
		return nil, errorf("InvalidTag", "%s", err.Error())
	}
	return c, nil
}
