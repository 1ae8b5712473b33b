package httpapi

import (
	"encoding/xml"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// OSS data redundancy type changes (?redundancyTransition): Create, Get,
// List and DeleteBucketDataRedundancyTransition, and
// ListUserDataRedundancyTransition across the requester's buckets. OSS
// moves a bucket from LRS to ZRS in a task that queues, processes and
// finishes. osslite keeps one copy of the data whatever the type, so
// there is nothing to move: a task starts and finishes when it is
// created, and the bucket reports ZRS (GetBucketInfo) from then on.
// Tasks are kept (bucketconfig.RedundancyTransitions, the newest
// MaxRedundancyTasks) so they can be read and deleted; a processing task
// could not be deleted (409), though none stays processing here.

// redundancyMu serializes the read-modify-write of a bucket's tasks.
var redundancyMu sync.Mutex

const (
	redundancyTaskParam   = "x-oss-redundancy-transition-taskid"
	redundancyTargetParam = "x-oss-target-redundancy-type"
)

func init() {
	routes = append(routes,
		route{method: http.MethodPost, target: targetBucket, params: []string{"redundancyTransition"}, op: "CreateBucketDataRedundancyTransition", perm: permOwner, handle: (*server).createRedundancyTransition, only: "oss"},
		route{method: http.MethodGet, target: targetBucket, params: []string{"redundancyTransition", redundancyTaskParam}, op: "GetBucketDataRedundancyTransition", perm: permOwner, handle: (*server).getRedundancyTransition, only: "oss"},
		route{method: http.MethodGet, target: targetBucket, params: []string{"redundancyTransition"}, op: "ListBucketDataRedundancyTransition", perm: permOwner, handle: (*server).listRedundancyTransitions, only: "oss"},
		route{method: http.MethodDelete, target: targetBucket, params: []string{"redundancyTransition"}, op: "DeleteBucketDataRedundancyTransition", perm: permOwner, handle: (*server).deleteRedundancyTransition, only: "oss"},
		route{method: http.MethodGet, target: targetService, params: []string{"redundancyTransition"}, op: "ListUserDataRedundancyTransition", perm: permAuthenticated, handle: (*server).listUserRedundancyTransitions, only: "oss"},
	)
}

// redundancyTaskXML is a task in OSS's documents.
type redundancyTaskXML struct {
	XMLName                xml.Name `xml:"BucketDataRedundancyTransition"`
	Bucket                 string   `xml:"Bucket,omitempty"`
	TaskID                 string   `xml:"TaskId"`
	Status                 string   `xml:"Status,omitempty"`
	CreateTime             string   `xml:"CreateTime,omitempty"`
	StartTime              string   `xml:"StartTime,omitempty"`
	EndTime                string   `xml:"EndTime,omitempty"`
	ProcessPercentage      *int     `xml:"ProcessPercentage,omitempty"`
	EstimatedRemainingTime *int64   `xml:"EstimatedRemainingTime,omitempty"`
}

type redundancyListXML struct {
	XMLName               xml.Name            `xml:"ListBucketDataRedundancyTransition"`
	IsTruncated           *bool               `xml:"IsTruncated,omitempty"`
	NextContinuationToken string              `xml:"NextContinuationToken,omitempty"`
	Tasks                 []redundancyTaskXML `xml:"BucketDataRedundancyTransition"`
}

func renderRedundancyTask(bucket string, t *bucketconfig.RedundancyTask) redundancyTaskXML {
	const iso = "2006-01-02T15:04:05.000Z"
	x := redundancyTaskXML{Bucket: bucket, TaskID: t.ID, Status: t.Status(), CreateTime: t.Created.UTC().Format(iso)}
	if t.Started.IsZero() {
		return x // queueing: no progress yet
	}
	pct, remaining := 0, int64(0)
	x.StartTime = t.Started.UTC().Format(iso)
	if !t.Ended.IsZero() {
		x.EndTime, pct = t.Ended.UTC().Format(iso), 100
	}
	x.ProcessPercentage, x.EstimatedRemainingTime = &pct, &remaining
	return x
}

func (s *server) redundancyTasks(rc *request, bucket string) (*bucketconfig.RedundancyTransitions, error) {
	c, err := s.eng.BucketConfigValue(rc.ctx, bucket, bucketconfig.KindRedundancyTransition)
	switch {
	case errors.Is(err, engine.ErrNoSuchConfig):
		return &bucketconfig.RedundancyTransitions{}, nil
	case err != nil:
		return nil, err
	}
	return c.(*bucketconfig.RedundancyTransitions), nil
}

func (s *server) createRedundancyTransition(rc *request) error {
	target := rc.q.Get(redundancyTargetParam)
	if target != "ZRS" {
		return errorf("InvalidArgument", "The target redundancy type must be ZRS.").with("ArgumentName", redundancyTargetParam).with("ArgumentValue", target)
	}
	redundancyMu.Lock()
	defer redundancyMu.Unlock()
	b, err := s.eng.Bucket(rc.ctx, rc.op.Bucket)
	if err != nil {
		return err
	}
	if b.Redundancy == "ZRS" {
		return errorf("InvalidArgument", "The bucket's redundancy type is already ZRS.").with("ArgumentName", redundancyTargetParam).with("ArgumentValue", target)
	}
	cur, err := s.redundancyTasks(rc, rc.op.Bucket)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	t := bucketconfig.RedundancyTask{ID: strings.ReplaceAll(newUUID(), "-", ""), Target: target, Created: now, Started: now, Ended: now}
	next := &bucketconfig.RedundancyTransitions{Tasks: append(slices.Clone(cur.Tasks), t)}
	if n := len(next.Tasks) - bucketconfig.MaxRedundancyTasks; n > 0 {
		next.Tasks = next.Tasks[n:]
	}
	// The bucket changes first: a crash before the task is stored loses
	// the record of the task, not the change.
	if err := s.eng.SetBucketRedundancy(rc.ctx, rc.op.Bucket, target); err != nil {
		return err
	}
	if err := s.eng.SetBucketConfig(rc.ctx, rc.op.Bucket, next); err != nil {
		return err
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "BucketDataRedundancyTransition", &redundancyTaskXML{TaskID: t.ID})
}

// redundancyTask finds the task ?x-oss-redundancy-transition-taskid names.
func (s *server) redundancyTask(rc *request) (*bucketconfig.RedundancyTransitions, int, error) {
	cur, err := s.redundancyTasks(rc, rc.op.Bucket)
	if err != nil {
		return nil, -1, err
	}
	id := rc.q.Get(redundancyTaskParam)
	i := slices.IndexFunc(cur.Tasks, func(t bucketconfig.RedundancyTask) bool { return t.ID == id })
	if id == "" || i < 0 {
		return nil, -1, errorf("BucketDataRedundancyTransitionTaskNotExist", "")
	}
	return cur, i, nil
}

func (s *server) getRedundancyTransition(rc *request) error {
	cur, i, err := s.redundancyTask(rc)
	if err != nil {
		return err
	}
	x := renderRedundancyTask(rc.op.Bucket, &cur.Tasks[i])
	return rc.d.writeDoc(rc.w, http.StatusOK, "BucketDataRedundancyTransition", &x)
}

func (s *server) listRedundancyTransitions(rc *request) error {
	cur, err := s.redundancyTasks(rc, rc.op.Bucket)
	if err != nil {
		return err
	}
	doc := &redundancyListXML{}
	for i := range cur.Tasks {
		doc.Tasks = append(doc.Tasks, renderRedundancyTask(rc.op.Bucket, &cur.Tasks[i]))
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "ListBucketDataRedundancyTransition", doc)
}

func (s *server) deleteRedundancyTransition(rc *request) error {
	redundancyMu.Lock()
	defer redundancyMu.Unlock()
	cur, i, err := s.redundancyTask(rc)
	if err != nil {
		return err
	}
	if cur.Tasks[i].Status() == "Processing" {
		return errorf("BucketDataRedundancyTransitionTaskStatusConflict", "")
	}
	next := &bucketconfig.RedundancyTransitions{Tasks: slices.Delete(slices.Clone(cur.Tasks), i, i+1)}
	if len(next.Tasks) == 0 {
		err = s.eng.DeleteBucketConfig(rc.ctx, rc.op.Bucket, string(bucketconfig.KindRedundancyTransition))
	} else {
		err = s.eng.SetBucketConfig(rc.ctx, rc.op.Bucket, next)
	}
	if err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusNoContent)
}

// listUserRedundancyTransitions lists the tasks of the requester's
// buckets, by bucket name and task ID, max-keys (1-100, default 100) a
// page; the continuation token is the last task's bucket and ID.
func (s *server) listUserRedundancyTransitions(rc *request) error {
	max := 100
	if v := rc.q.Get("max-keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return errorf("InvalidArgument", "max-keys must be 1 to 100.").with("ArgumentName", "max-keys").with("ArgumentValue", v)
		}
		max = n
	}
	after := rc.q.Get("continuation-token")
	buckets, err := s.callerBuckets(rc)
	if err != nil {
		return err
	}
	doc := &redundancyListXML{}
	truncated := false
	for _, b := range buckets {
		if !s.cfg.Permissive && !owns(rc.who, b.Owner) {
			continue
		}
		cur, err := s.redundancyTasks(rc, b.Name)
		if errors.Is(err, engine.ErrNoSuchBucket) {
			continue
		}
		if err != nil {
			return err
		}
		tasks := slices.SortedFunc(slices.Values(cur.Tasks), func(a, b bucketconfig.RedundancyTask) int { return strings.Compare(a.ID, b.ID) })
		for i := range tasks {
			pos := b.Name + "/" + tasks[i].ID
			if after != "" && pos <= after {
				continue
			}
			if len(doc.Tasks) == max {
				truncated = true
				break
			}
			doc.Tasks = append(doc.Tasks, renderRedundancyTask(b.Name, &tasks[i]))
			doc.NextContinuationToken = pos
		}
		if truncated {
			break
		}
	}
	doc.IsTruncated = &truncated
	if !truncated {
		doc.NextContinuationToken = ""
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "ListBucketDataRedundancyTransition", doc)
}
