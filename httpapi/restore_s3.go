package httpapi

import (
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"

	"github.com/osslite/osslite/engine"
)

// S3's archive restores (AWS RestoreObject): objects of the GLACIER and
// DEEP_ARCHIVE classes cannot be read until a restore makes a temporary
// copy readable for a number of days. The engine keeps the restore state
// (engine.RestoreObjectWith; the copy is ready after
// engine.Options.RestoreDelay on the engine clock, whatever the tier);
// this file is the S3 wire. OSS's RestoreObject is restoreObject.

// s3RestoreRequest is S3's RestoreRequest document. The SELECT restore
// type (an S3 Select over an archived object, written to an output
// location) is refused with 501.
type s3RestoreRequest struct {
	XMLName              xml.Name
	Days                 *int `xml:"Days"`
	GlacierJobParameters *struct {
		Tier string `xml:"Tier"`
	} `xml:"GlacierJobParameters"`
	Type             string    `xml:"Type"`
	Tier             string    `xml:"Tier"`
	Description      string    `xml:"Description"`
	SelectParameters *struct{} `xml:"SelectParameters"`
	OutputLocation   *struct{} `xml:"OutputLocation"`
}

// maxS3RestoreDays bounds Days so that the restore window stays a
// representable time (S3 documents no upper bound).
const maxS3RestoreDays = 100_000

// restoreTiers are the retrieval tiers of GlacierJobParameters and the
// restore priorities of OSS's JobParameters. Every tier takes
// engine.Options.RestoreDelay here.
var restoreTiers = setOf("Standard", "Bulk", "Expedited")

// restoreObjectS3 is S3's RestoreObject: POST /key?restore[&versionId=].
// 202 when a restore starts, 200 when a restored copy gets a new expiry
// (Days from now, rounded up to midnight UTC),
// 409 RestoreAlreadyInProgress while one is under way, 403
// InvalidObjectState for an object that is not archived.
func (s *server) restoreObjectS3(rc *request) error {
	data, err := rc.readBody(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return err
	}
	var req s3RestoreRequest
	if len(data) > 0 {
		if xml.Unmarshal(data, &req) != nil || req.XMLName.Local != "RestoreRequest" {
			return errorf("MalformedXML", "")
		}
	}
	switch req.Type {
	case "":
		// A Tier, select parameters or output location belong to SELECT
		// restores only (S3 answers MalformedXML for them).
		if req.Tier != "" || req.SelectParameters != nil || req.OutputLocation != nil {
			return errorf("MalformedXML", "")
		}
	case "SELECT":
		return errorf("NotImplemented", "Restores of type SELECT are not implemented.")
	default:
		return errorf("MalformedXML", "")
	}
	if p := req.GlacierJobParameters; p != nil && !restoreTiers[p.Tier] {
		return errorf("MalformedXML", "")
	}
	vid, err := rc.versionID()
	if err != nil {
		return err
	}
	info, err := s.eng.HeadObjectVersion(rc.ctx, rc.op.Bucket, rc.op.Key, vid)
	if err != nil {
		return rc.versionError(err, vid)
	}
	days := 0
	switch {
	case info.StorageClass == engine.IntelligentTieringClass:
		// A restore moves it back to the Frequent Access tier: there is no
		// copy whose days could be given.
		if req.Days != nil {
			return errorf("InvalidArgument", "INTELLIGENT_TIERING objects are not subject to restore expiry. Do not specify Days when restoring this object").
				with("ArgumentName", "Days").with("ArgumentValue", strconv.Itoa(*req.Days))
		}
		if info.AccessTier == "" {
			return errRestoreNotArchived()
		}
	case !engine.IsArchiveClass(info.StorageClass):
		return errRestoreNotArchived()
	case req.Days == nil:
		// An archived object's restore must say for how long (S3 answers
		// an empty RestoreRequest with MalformedXML).
		return errorf("MalformedXML", "")
	case *req.Days < 1 || *req.Days > maxS3RestoreDays:
		return errorf("InvalidArgument", "Days must be between 1 and %d.", maxS3RestoreDays).with("ArgumentName", "Days").with("ArgumentValue", strconv.Itoa(*req.Days))
	default:
		days = *req.Days
	}
	// S3's restored copies expire at midnight UTC after Days.
	// S3 names the object's size and ETag (LocalStack's AWS recording
	// test_restore_object): the restore queues its ObjectRestore:Post
	// with them in its batch.
	ctx := s.eventCtx(rc, "ObjectRestore:Post")
	started, err := s.eng.RestoreObjectWith(ctx, rc.op.Bucket, rc.op.Key, engine.RestoreOptions{VersionID: vid, Days: days, ExpireAtMidnight: true})
	switch {
	case errors.Is(err, engine.ErrInvalidObjectState):
		return errRestoreNotArchived() // its class changed since the look
	case errors.Is(err, engine.ErrRestoreAlreadyInProgress):
		return errorf("RestoreAlreadyInProgress", "Object restore is already in progress")
	case err != nil:
		return rc.versionError(err, vid)
	}
	if started {
		return writeEmpty(rc, http.StatusAccepted)
	}
	return writeEmpty(rc, http.StatusOK)
}

// errRestoreNotArchived is S3's answer to a restore of an object that is
// not archived.
func errRestoreNotArchived() *Error {
	return errorf("InvalidObjectState", "Restore is not allowed for the object's current storage class")
}

// errArchivedS3 is S3's answer to a read (op's, or its copy source's) of
// an archived object that has no restored copy: InvalidObjectState naming
// the object's class and, in an Intelligent-Tiering archive tier, the
// tier (the AccessTier element of S3's InvalidObjectState).
func errArchivedS3(op, class, tier string) *Error {
	msg := "The operation is not valid for the object's storage class"
	if op == "CopyObject" || op == "UploadPartCopy" {
		msg = "The operation is not valid for the source object's storage class"
	}
	e := errorf("InvalidObjectState", "%s", msg).with("StorageClass", class)
	if tier != "" {
		e.with("AccessTier", tier)
	}
	return e
}

// restoreHeader is x-?-restore of HEAD and GET on an object with a
// restore (S3 and OSS alike): ongoing-request="true" while it runs, then
// "false" with the copy's expiry.
func restoreHeader(r *engine.RestoreStatus) string {
	if r.Ongoing {
		return `ongoing-request="true"`
	}
	return `ongoing-request="false", expiry-date="` + r.Expiry.UTC().Format(http.TimeFormat) + `"`
}
