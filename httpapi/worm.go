package httpapi

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/osslite/osslite/engine"
)

// OSS bucket retention policies (WORM): InitiateBucketWorm (POST ?worm),
// AbortBucketWorm (DELETE ?worm), CompleteBucketWorm (POST ?wormId=),
// ExtendBucketWorm (POST ?wormExtend&wormId=) and GetBucketWorm (GET
// ?worm). The engine keeps the policy and enforces it on every delete and
// overwrite (FileImmutable), whatever the dialect of the request.

// wormDays is the body of InitiateBucketWorm and ExtendBucketWorm: one
// <RetentionPeriodInDays> under root.
type wormDays struct {
	RetentionPeriodInDays string `xml:"RetentionPeriodInDays"`
}

// readWormDays reads and checks the request document of root.
func (s *server) readWormDays(rc *request, root string) (int, error) {
	data, err := rc.readBody(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return 0, err
	}
	var doc struct {
		XMLName xml.Name
		wormDays
	}
	if data == nil || xml.Unmarshal(data, &doc) != nil || doc.XMLName.Local != root {
		return 0, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return 0, err
	}
	days, err := strconv.Atoi(strings.TrimSpace(doc.RetentionPeriodInDays))
	if err != nil {
		return 0, errorf("InvalidWORMConfiguration", "RetentionPeriodInDays must be an integer from 1 to %d.", engine.MaxWormRetentionDays)
	}
	return days, nil
}

func (s *server) initiateBucketWorm(rc *request) error {
	days, err := s.readWormDays(rc, "InitiateWormConfiguration")
	if err != nil {
		return err
	}
	w, err := s.eng.InitiateBucketWorm(rc.ctx, rc.op.Bucket, days)
	if err != nil {
		return err
	}
	rc.w.Header().Set(rc.d.h("worm-id"), w.ID)
	return writeEmpty(rc, http.StatusOK)
}

func (s *server) abortBucketWorm(rc *request) error {
	if err := s.eng.AbortBucketWorm(rc.ctx, rc.op.Bucket); err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusNoContent)
}

func (s *server) completeBucketWorm(rc *request) error {
	if err := s.eng.CompleteBucketWorm(rc.ctx, rc.op.Bucket, rc.q.Get("wormId")); err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusOK)
}

func (s *server) extendBucketWorm(rc *request) error {
	days, err := s.readWormDays(rc, "ExtendWormConfiguration")
	if err != nil {
		return err
	}
	if err := s.eng.ExtendBucketWorm(rc.ctx, rc.op.Bucket, rc.q.Get("wormId"), days); err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusOK)
}

// wormConfiguration is the GetBucketWorm document.
type wormConfiguration struct {
	XMLName               xml.Name
	WormID                string `xml:"WormId"`
	State                 string `xml:"State"`
	RetentionPeriodInDays int    `xml:"RetentionPeriodInDays"`
	CreationDate          string `xml:"CreationDate"`
}

func (s *server) getBucketWorm(rc *request) error {
	w, err := s.eng.GetBucketWorm(rc.ctx, rc.op.Bucket)
	if err != nil {
		return err
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "WormConfiguration", &wormConfiguration{
		WormID: w.ID, State: string(w.State), RetentionPeriodInDays: w.RetentionDays,
		CreationDate: w.Created.UTC().Format("2006-01-02T15:04:05.000Z"),
	})
}
