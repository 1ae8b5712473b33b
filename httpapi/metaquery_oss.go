package httpapi

import (
	"encoding/xml"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi/internal/metaquery"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// OSS data indexing (?metaQuery): OpenMetaQuery, GetMetaQueryStatus,
// DoMetaQuery and CloseMetaQuery. OSS builds an index in the background
// and keeps it minutes behind the bucket; osslite answers DoMetaQuery
// from the objects as they are when it runs (a listing, narrowed to a
// key prefix when the query fixes one), so the index is never behind and
// reports itself running as soon as it is open. Only scalar retrieval
// (mode=basic) is served: AI search (mode=semantic) needs a vector model
// and is refused with 501, as are the dataset actions with OSS's own
// OperationNotSupported.

// metaQueryMu serializes opening and closing (check, then write).
var metaQueryMu sync.Mutex

// metaQueryStatusDoc is GetMetaQueryStatus's answer.
type metaQueryStatusDoc struct {
	XMLName    xml.Name `xml:"MetaQueryStatus"`
	State      string   `xml:"State"`
	Phase      string   `xml:"Phase"`
	CreateTime string   `xml:"CreateTime"`
	UpdateTime string   `xml:"UpdateTime"`
}

// metaQueryRequestDoc is DoMetaQuery's request document.
type metaQueryRequestDoc struct {
	XMLName      xml.Name `xml:"MetaQuery"`
	NextToken    string   `xml:"NextToken"`
	MaxResults   string   `xml:"MaxResults"`
	Query        string   `xml:"Query"`
	Sort         string   `xml:"Sort"`
	Order        string   `xml:"Order"`
	Aggregations *struct {
		Aggregation []struct {
			Field     string `xml:"Field"`
			Operation string `xml:"Operation"`
		} `xml:"Aggregation"`
	} `xml:"Aggregations"`
}

// metaQueryResultDoc is DoMetaQuery's answer. NextToken is always there
// (empty on the last page), as OSS sends it.
type metaQueryResultDoc struct {
	XMLName      xml.Name         `xml:"MetaQuery"`
	NextToken    string           `xml:"NextToken"`
	Files        *metaQueryFilesX `xml:"Files"`
	Aggregations *metaQueryAggsX  `xml:"Aggregations"`
}

type metaQueryFilesX struct {
	File []metaQueryFileX `xml:"File"`
}

type metaQueryFileX struct {
	Filename                              xmlText         `xml:"Filename"`
	Size                                  int64           `xml:"Size"`
	FileModifiedTime                      string          `xml:"FileModifiedTime"`
	OSSObjectType                         string          `xml:"OSSObjectType"`
	OSSStorageClass                       string          `xml:"OSSStorageClass"`
	ObjectACL                             string          `xml:"ObjectACL"`
	ETag                                  string          `xml:"ETag"`
	OSSCRC64                              string          `xml:"OSSCRC64,omitempty"`
	OSSTaggingCount                       int             `xml:"OSSTaggingCount"`
	OSSTagging                            *metaQueryTagsX `xml:"OSSTagging"`
	OSSUserMeta                           *metaQueryMetaX `xml:"OSSUserMeta"`
	ServerSideEncryption                  string          `xml:"ServerSideEncryption,omitempty"`
	ServerSideEncryptionCustomerAlgorithm string          `xml:"ServerSideEncryptionCustomerAlgorithm,omitempty"`
	ContentType                           string          `xml:"ContentType,omitempty"`
	ContentEncoding                       string          `xml:"ContentEncoding,omitempty"`
	ContentLanguage                       string          `xml:"ContentLanguage,omitempty"`
	ContentDisposition                    string          `xml:"ContentDisposition,omitempty"`
	CacheControl                          string          `xml:"CacheControl,omitempty"`
}

type metaQueryTagsX struct {
	Tagging []metaQueryKVX `xml:"Tagging"`
}

type metaQueryMetaX struct {
	UserMeta []metaQueryKVX `xml:"UserMeta"`
}

type metaQueryKVX struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type metaQueryAggsX struct {
	Aggregation []metaQueryAggX `xml:"Aggregation"`
}

type metaQueryAggX struct {
	Field     string            `xml:"Field"`
	Operation string            `xml:"Operation"`
	Value     *string           `xml:"Value"`
	Groups    *metaQueryGroupsX `xml:"Groups"`
}

type metaQueryGroupsX struct {
	Group []metaQueryGroupX `xml:"Group"`
}

type metaQueryGroupX struct {
	Value string `xml:"Value"`
	Count int64  `xml:"Count"`
}

// metaQueryMode checks ?mode: basic (the default) is served, semantic
// (AI search) is not.
func metaQueryMode(rc *request) error {
	switch m := rc.q.Get("mode"); m {
	case "", "basic":
		return nil
	case "semantic":
		return errorf("NotImplemented", "AI search (mode=semantic) is not implemented: osslite serves scalar retrieval (mode=basic) only.")
	default:
		return errorf("InvalidArgument", "The meta query mode must be basic or semantic.").with("ArgumentName", "mode").with("ArgumentValue", m)
	}
}

// metaQueryOf returns the bucket's open index, or MetaQueryNotExist.
func (s *server) metaQueryOf(rc *request) (*bucketconfig.MetaQuery, error) {
	c, err := s.eng.BucketConfigValue(rc.ctx, rc.op.Bucket, bucketconfig.KindMetaQuery)
	if errors.Is(err, engine.ErrNoSuchConfig) {
		return nil, errorf("MetaQueryNotExist", "")
	}
	if err != nil {
		return nil, err
	}
	return c.(*bucketconfig.MetaQuery), nil
}

func (s *server) openMetaQuery(rc *request) error {
	if err := metaQueryMode(rc); err != nil {
		return err
	}
	metaQueryMu.Lock()
	defer metaQueryMu.Unlock()
	switch _, err := s.eng.BucketConfigValue(rc.ctx, rc.op.Bucket, bucketconfig.KindMetaQuery); {
	case err == nil:
		return errorf("MetaQueryAlreadyExist", "")
	case !errors.Is(err, engine.ErrNoSuchConfig):
		return err
	}
	if err := s.eng.SetBucketConfig(rc.ctx, rc.op.Bucket, &bucketconfig.MetaQuery{Mode: "basic", Created: s.clock.Now()}); err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusOK)
}

// getMetaQueryStatus reports an open index as running and scanning
// incrementally: it has nothing to catch up on. UpdateTime is now.
func (s *server) getMetaQueryStatus(rc *request) error {
	mq, err := s.metaQueryOf(rc)
	if err != nil {
		return err
	}
	doc := &metaQueryStatusDoc{State: "Running", Phase: "IncrementalScanning",
		CreateTime: mq.Created.UTC().Format(time.RFC3339Nano), UpdateTime: s.clock.Now().UTC().Format(time.RFC3339Nano)}
	return rc.d.writeDoc(rc.w, http.StatusOK, "MetaQueryStatus", doc)
}

// closeMetaQuery answers 200 whether or not the index was open, as OSS
// documents.
func (s *server) closeMetaQuery(rc *request) error {
	metaQueryMu.Lock()
	defer metaQueryMu.Unlock()
	err := s.eng.DeleteBucketConfig(rc.ctx, rc.op.Bucket, string(bucketconfig.KindMetaQuery))
	if err != nil && !errors.Is(err, engine.ErrNoSuchConfig) {
		return err
	}
	return writeEmpty(rc, http.StatusOK)
}

// doMetaQueryAction refuses the dataset actions of AI content awareness
// the way OSS does for a bucket without it.
func (s *server) doMetaQueryAction(*request) error {
	return errorf("OperationNotSupported", "The operation is not supported for this resource")
}

func (s *server) doMetaQuery(rc *request) error {
	if err := metaQueryMode(rc); err != nil {
		return err
	}
	data, err := rc.readBody(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return err
	}
	var doc metaQueryRequestDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		return errorf("MalformedXML", "")
	}
	if _, err := s.metaQueryOf(rc); err != nil {
		return err
	}
	req := metaquery.Request{Sort: strings.TrimSpace(doc.Sort), Order: strings.TrimSpace(doc.Order), NextToken: strings.TrimSpace(doc.NextToken)}
	if m := strings.TrimSpace(doc.MaxResults); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil {
			return errorf("InvalidArgument", "MaxResults must be a number from 0 to %d.", metaquery.MaxResults).with("ArgumentName", "MaxResults").with("ArgumentValue", m)
		}
		req.MaxResults = n
	}
	if doc.Aggregations != nil {
		for _, a := range doc.Aggregations.Aggregation {
			req.Aggregations = append(req.Aggregations, metaquery.Aggregation{Field: strings.TrimSpace(a.Field), Operation: strings.TrimSpace(a.Operation)})
		}
	}
	if req.Query, err = metaquery.Parse(doc.Query); err != nil {
		return metaQueryError(err)
	}
	search, err := metaquery.New(req)
	if err != nil {
		return metaQueryError(err)
	}
	opts := engine.ListOptions{Prefix: req.Query.FilenamePrefix(), MaxKeys: engine.DefaultMaxKeys}
	// Sorted by name ascending, the listing's own order: start after the
	// token and stop once the page is full.
	inOrder := search.ListingOrder()
	if inOrder {
		opts.Marker = search.StartAfter()
	}
	var f metaquery.File
	for done := false; !done; {
		page, err := s.eng.ListObjects(rc.ctx, rc.op.Bucket, opts)
		if err != nil {
			return err
		}
		for i := range page.Objects {
			o := &page.Objects[i]
			// Under BucketOwnerEnforced (ACLs disabled) an object's ACL
			// is shown, and matched, as GetObjectAcl shows it.
			if o.Owner, o.ACL, err = s.enforcedACLShown(rc, o.Owner, o.ACL); err != nil {
				return err
			}
			metaQueryFile(rc, o, &f)
			search.Add(&f)
			if err := search.Err(); err != nil {
				return metaQueryError(err)
			}
			if inOrder && search.Full() {
				done = true
				break
			}
		}
		done = done || !page.IsTruncated
		opts.Marker, opts.Buffer = page.NextMarker, page.Objects
	}
	files, next, aggs := search.Result()
	out := &metaQueryResultDoc{NextToken: next}
	if len(req.Aggregations) == 0 {
		out.Files = &metaQueryFilesX{File: make([]metaQueryFileX, 0, len(files))}
		for _, f := range files {
			out.Files.File = append(out.Files.File, renderMetaQueryFile(f))
		}
	} else {
		out.Aggregations = &metaQueryAggsX{}
		for _, a := range aggs {
			x := metaQueryAggX{Field: a.Field, Operation: a.Operation}
			if a.Operation == "group" {
				x.Groups = &metaQueryGroupsX{}
				for _, g := range a.Groups {
					x.Groups.Group = append(x.Groups.Group, metaQueryGroupX{Value: g.Value, Count: g.Count})
				}
			} else {
				v := strconv.FormatFloat(a.Value, 'f', -1, 64)
				x.Value = &v
			}
			out.Aggregations.Aggregation = append(out.Aggregations.Aggregation, x)
		}
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "MetaQuery", out)
}

// metaQueryError turns a query the package refused into 400
// InvalidArgument with its reason.
func metaQueryError(err error) error {
	if errors.Is(err, metaquery.ErrInvalid) {
		return invalidArgument(err, metaquery.ErrInvalid)
	}
	return err
}

// metaQueryFile fills f with an object's values in OSS's notation. The
// Tags and UserMeta it sets are new for each object (the search may keep
// them); objects without tags or user metadata allocate nothing.
func metaQueryFile(rc *request, o *engine.ObjectInfo, f *metaquery.File) {
	*f = metaquery.File{
		Filename: o.Key, Size: o.Size, Modified: o.LastModified,
		ObjectType: o.Type.String(), StorageClass: ossStorageClass(o.StorageClass), ACL: ossACLName(o.ACL, true),
		ETag:        rc.d.etag(o.ETag),
		ContentType: o.ContentType, ContentEncoding: o.ContentEncoding, ContentLanguage: o.ContentLanguage,
		ContentDisposition: o.ContentDisposition, CacheControl: o.CacheControl,
	}
	if !o.NoCRC64 {
		f.CRC64 = strconv.FormatUint(o.CRC64, 10)
	}
	if e := o.Encryption; e != nil {
		switch {
		case e.Mode == engine.EncryptCustomer:
			f.SSECustomerAlgorithm = "AES256"
		case e.Mode == engine.EncryptKMS:
			f.SSE = "KMS"
		case e.Cipher == engine.CipherSM4:
			f.SSE = "SM4"
		default:
			f.SSE = "AES256"
		}
	}
	if len(o.Tags) > 0 {
		f.Tags = make([]metaquery.Tag, len(o.Tags))
		for i, t := range o.Tags {
			f.Tags[i] = metaquery.Tag{Key: t.Key, Value: t.Value}
		}
	}
	if len(o.User) > 0 {
		f.UserMeta = make(map[string]string, len(o.User))
		for k, v := range o.User {
			f.UserMeta["x-oss-meta-"+k] = v
		}
	}
}

func renderMetaQueryFile(f *metaquery.File) metaQueryFileX {
	x := metaQueryFileX{
		Filename: xmlText(f.Filename), Size: f.Size, FileModifiedTime: f.Modified.UTC().Format(time.RFC3339Nano),
		OSSObjectType: f.ObjectType, OSSStorageClass: f.StorageClass, ObjectACL: f.ACL, ETag: f.ETag, OSSCRC64: f.CRC64,
		OSSTaggingCount: len(f.Tags), ServerSideEncryption: f.SSE, ServerSideEncryptionCustomerAlgorithm: f.SSECustomerAlgorithm,
		ContentType: f.ContentType, ContentEncoding: f.ContentEncoding, ContentLanguage: f.ContentLanguage,
		ContentDisposition: f.ContentDisposition, CacheControl: f.CacheControl,
	}
	if len(f.Tags) > 0 {
		x.OSSTagging = &metaQueryTagsX{}
		for _, t := range f.Tags {
			x.OSSTagging.Tagging = append(x.OSSTagging.Tagging, metaQueryKVX{Key: t.Key, Value: t.Value})
		}
	}
	if len(f.UserMeta) > 0 {
		x.OSSUserMeta = &metaQueryMetaX{}
		for k, v := range f.UserMeta {
			x.OSSUserMeta.UserMeta = append(x.OSSUserMeta.UserMeta, metaQueryKVX{Key: k, Value: v})
		}
		// by name, so that answers are stable
		slices.SortFunc(x.OSSUserMeta.UserMeta, func(a, b metaQueryKVX) int { return strings.Compare(a.Key, b.Key) })
	}
	return x
}
