package httpapi

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// OSS storage quota (?quota): Put/Get/DeleteBucketStorageQuota. A quota
// is a number of bytes and a mode: Strict refuses the writes that add
// data (PutObject, PostObject, AppendObject, CopyObject, UploadPart,
// UploadPartCopy) once the bucket holds the quota, in any dialect;
// Warning stores the quota and refuses nothing. What a bucket holds is
// its usage as the engine counts it with every write (Engine.BucketUsage):
// current objects, noncurrent versions and uploaded parts, so the check
// costs one record read, and only in a bucket with a quota.
//
// OSS does not document its answers here; osslite's are its own: GET
// without a quota is 404 NoSuchQuotaConfiguration, and a refused write
// 403 StorageQuotaExceeded. Warning mode's warning is not sent (its form
// is not documented either).

type quotaDoc struct {
	XMLName      xml.Name `xml:"QuotaConfiguration"`
	StorageQuota string   `xml:"StorageQuota"`
	Mode         string   `xml:"Mode"`
	CurrentUsage *int64   `xml:"CurrentUsage,omitempty"`
}

// quotaRow is OSS's ?quota.
var quotaRow = &configRow{
	sub: "quota", kind: bucketconfig.KindStorageQuota, root: "QuotaConfiguration",
	get: "GetBucketStorageQuota", put: "PutBucketStorageQuota", del: "DeleteBucketStorageQuota", perm: permOwner,
	only:  "oss",
	parse: parseStorageQuota,
	render: func(rc *request, c bucketconfig.Config) any {
		q := c.(*bucketconfig.StorageQuota)
		doc := &quotaDoc{StorageQuota: strconv.FormatInt(q.Bytes, 10), Mode: q.Mode}
		if rc == nil {
			return doc // a document alone (FuzzOSSConfigDocuments)
		}
		if used, err := rc.s.storageUsed(rc, rc.op.Bucket); err == nil {
			doc.CurrentUsage = &used
		}
		return doc
	},
	missing: func(rc *request) (any, error) {
		return nil, errorf("NoSuchQuotaConfiguration", "").with("BucketName", rc.op.Bucket)
	},
}

func parseStorageQuota(_ *request, data []byte) (bucketconfig.Config, error) {
	var doc quotaDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return nil, err
	}
	n, err := strconv.ParseInt(strings.TrimSpace(doc.StorageQuota), 10, 64)
	if err != nil {
		return nil, errorf("InvalidArgument", "StorageQuota must be a number of bytes.").with("ArgumentName", "StorageQuota").
			with("ArgumentValue", doc.StorageQuota)
	}
	c := &bucketconfig.StorageQuota{Bytes: n, Mode: strings.TrimSpace(doc.Mode)}
	if err := c.Validate(); err != nil {
		return nil, invalidArgument(err, bucketconfig.ErrInvalid)
	}
	return c, nil
}

// storageUsed returns the bytes bucket holds, as a quota counts them.
func (s *server) storageUsed(rc *request, bucket string) (int64, error) {
	u, err := s.eng.BucketUsage(rc.ctx, bucket)
	if err != nil {
		return 0, err
	}
	return u.Bytes + u.NoncurrentBytes + u.PartBytes, nil
}

// quotaWrites are the operations a Strict quota refuses: those that add
// data to the bucket.
var quotaWrites = map[string]bool{"PutObject": true, "PostObject": true, "AppendObject": true, "CopyObject": true,
	"UploadPart": true, "UploadPartCopy": true}

// checkStorageQuota refuses rc, a write into bucket, when the bucket's
// quota is Strict and reached (one cached lookup for a bucket without a
// quota). A quota that cannot be read refuses: the check fails safe.
func (s *server) checkStorageQuota(rc *request, bucket string) error {
	if !quotaWrites[rc.route.op] {
		return nil
	}
	return s.refuseOverQuota(rc, bucket)
}

// refuseOverQuota refuses a write into bucket when its quota is Strict
// and reached, whatever rc's operation (ProcessObject's saveas).
func (s *server) refuseOverQuota(rc *request, bucket string) error {
	c, err := s.eng.BucketConfigValue(rc.ctx, bucket, bucketconfig.KindStorageQuota)
	if errors.Is(err, engine.ErrNoSuchConfig) || errors.Is(err, engine.ErrNoSuchBucket) {
		return nil
	}
	if err != nil {
		return err
	}
	q := c.(*bucketconfig.StorageQuota)
	if q.Mode != bucketconfig.QuotaStrict {
		return nil
	}
	used, err := s.storageUsed(rc, bucket)
	if err != nil {
		return err
	}
	if q.Refuses(used) {
		return errorf("StorageQuotaExceeded", fmt.Sprintf("The bucket holds %d bytes, its storage quota is %d bytes.", used, q.Bytes)).
			with("BucketName", bucket)
	}
	return nil
}
