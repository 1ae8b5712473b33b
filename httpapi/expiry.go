package httpapi

import (
	"errors"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/ssig"
)

// scheduleExpiry asks the engine to delete an object written with the
// dialect's expiry header (Sina's x-sina-expire) at that time. Writes
// without it cost one map lookup. The deletion is scheduled after the
// write: a crash in between leaves the object in place, never deletes
// another one (the schedule names the object's ETag and time).
func (s *server) scheduleExpiry(rc *request, info engine.ObjectInfo) error {
	h := rc.d.expiryHeader
	if h == "" {
		return nil
	}
	v, ok := info.Headers[h]
	if !ok {
		// Written without one: an earlier schedule of the key no longer
		// applies.
		return s.eng.CancelDeletion(rc.ctx, rc.op.Bucket, rc.op.Key)
	}
	at, err := ssig.ParseDate(v) // Sina's dates: GMT, or "UTC" as its Go SDK writes them
	if err != nil {
		return nil // validated on the way in; an old record is left alone
	}
	err = s.eng.ScheduleDeletion(rc.ctx, rc.op.Bucket, rc.op.Key, info, at)
	if errors.Is(err, engine.ErrPreconditionFailed) || errors.Is(err, engine.ErrNoSuchKey) {
		return nil // overwritten or deleted meanwhile: that write decides
	}
	return err
}
