package httpapi

import (
	"encoding/xml"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/sigv4"
)

// S3's UpdateObjectEncryption (PUT /key?encryption): an object sealed by
// the key service (SSE-S3 or SSE-KMS) is sealed under another KMS key, or
// with an S3 Bucket Key, in place (engine.UpdateObjectEncryption re-seals
// its data keys; no byte of the body moves).

func init() {
	routes = append(routes,
		// s3:UpdateObjectEncryption: the bucket owner's, or a policy's
		// grantee's; no ACL gives it.
		route{method: http.MethodPut, target: targetObject, params: []string{"encryption"}, op: "UpdateObjectEncryption",
			perm: permOwner, handle: (*server).updateObjectEncryption, only: "s3"},
	)
}

// objectEncryptionXML is the request's ObjectEncryption document: one
// member, SSE-KMS (SSE-S3 is not a new encryption S3 takes).
type objectEncryptionXML struct {
	SSEKMS *struct {
		KMSKeyArn        *string `xml:"KMSKeyArn"`
		BucketKeyEnabled *string `xml:"BucketKeyEnabled"`
	} `xml:"SSE-KMS"`
	SSES3 *struct{} `xml:"SSE-S3"`
}

// kmsKeyARN is the form S3 requires here: a key's full ARN (an alias or a
// bare key ID is refused).
var kmsKeyARN = regexp.MustCompile(`^arn:aws[-a-z0-9]*:kms:[-a-z0-9]*:[0-9]{12}:key/.+$`)

func (s *server) updateObjectEncryption(rc *request) error {
	if rc.auth == nil || rc.auth.Method == sigv4.MethodV2Header || rc.auth.Method == sigv4.MethodV2Query {
		return errorf("InvalidRequest", "Requests that modify an object encryption configuration require AWS Signature Version 4.")
	}
	vid, err := rc.versionID()
	if err != nil {
		return err
	}
	data, err := rc.readDocument(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return err
	}
	var x objectEncryptionXML
	if err := xml.Unmarshal(data, &x); err != nil {
		return errorf("MalformedXML", "")
	}
	switch {
	case x.SSEKMS == nil && x.SSES3 != nil:
		return errorf("InvalidRequest", "Requests that modify an object encryption configuration require a valid new encryption type. Valid values are SSEKMS.")
	case x.SSEKMS == nil:
		return errorf("MalformedXML", "")
	case x.SSEKMS.KMSKeyArn == nil || *x.SSEKMS.KMSKeyArn == "":
		return errorf("InvalidRequest", "Requests that modify an object's encryption type to SSE-KMS require an AWS KMS key Amazon Resource Name (ARN).")
	case !kmsKeyARN.MatchString(*x.SSEKMS.KMSKeyArn):
		return errorf("InvalidRequest", "Requests that modify an object's encryption type to SSE-KMS require a valid AWS KMS key Amazon Resource Name (ARN).")
	}
	enc := engine.Encryption{Mode: engine.EncryptKMS, KeyID: *x.SSEKMS.KMSKeyArn}
	if b := x.SSEKMS.BucketKeyEnabled; b != nil {
		switch strings.TrimSpace(*b) {
		case "true":
			enc.BucketKey = true
		case "false":
		default:
			return errorf("InvalidRequest", "The BucketKeyEnabled value isn't valid. Valid values are true or false.")
		}
	}
	_, err = s.eng.UpdateObjectEncryption(rc.ctx, rc.op.Bucket, rc.op.Key, vid, enc)
	switch {
	case errors.Is(err, engine.ErrEncryptionNotUpdatable):
		return errorf("InvalidRequest", "The UpdateObjectEncryption operation supports only source objects encrypted with SSE-S3 or SSE-KMS: %s.", strings.TrimPrefix(err.Error(), engine.ErrEncryptionNotUpdatable.Error()+": "))
	case errors.Is(err, engine.ErrObjectLocked):
		return errorf("AccessDenied", "The encryption type for the specified object can't be updated because that object is protected by S3 Object Lock.")
	case err != nil:
		return rc.versionError(err, vid)
	}
	return writeEmpty(rc, http.StatusOK)
}
