// Package metaquery evaluates OSS scalar retrieval (DoMetaQuery in basic
// mode): the JSON query language over object metadata, the order of the
// results, the paging token and the aggregations. It knows nothing of
// storage: the caller feeds it every object of the bucket as a File and
// it keeps what a page and the aggregations need, in memory bounded by
// the page size (and, for distinct and group, by the distinct values).
package metaquery

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Limits of a query.
const (
	// MaxResults is the largest page (and the page when none is given).
	MaxResults = 100
	// MaxNodes bounds the conditions of one query, nesting included.
	MaxNodes = 100
	// MaxDepth bounds the nesting of and/or/not.
	MaxDepth = 10
	// MaxAggregations bounds the aggregations of one query.
	MaxAggregations = 20
	// MaxGroups bounds the groups a group aggregation returns (the most
	// frequent values first).
	MaxGroups = 1000
)

// MaxDistinctBytes bounds the values the distinct and group aggregations
// of one query keep, together (each value's bytes plus distinctOverhead):
// they keep every distinct value of the files scanned, so twenty of them
// over the file names of a large bucket would hold the names twenty
// times. A variable so that tests can make it small.
var MaxDistinctBytes int64 = 64 << 20

// distinctOverhead is what a kept value costs besides its bytes (its map
// entry and string header), roughly.
const distinctOverhead = 48

// ErrInvalid is wrapped by every error about a query's content.
var ErrInvalid = errors.New("metaquery: invalid query")

// Tag is one object tag.
type Tag struct{ Key, Value string }

// File is one object as a query sees it, with its values in OSS's
// notation.
type File struct {
	Filename string
	Size     int64
	Modified time.Time
	// ObjectType is Normal, Appendable, Multipart or Symlink.
	ObjectType string
	// StorageClass is Standard, IA, Archive, ColdArchive or
	// DeepColdArchive.
	StorageClass string
	// ACL is default, private, public-read or public-read-write.
	ACL string
	// ETag is quoted, as OSS returns it.
	ETag  string
	CRC64 string
	// SSE is AES256, KMS or SM4 ("": none); SSECustomerAlgorithm the
	// algorithm of a customer key.
	SSE, SSECustomerAlgorithm string
	Tags                      []Tag
	// UserMeta holds user metadata by lower-case name with its
	// x-oss-meta- prefix.
	UserMeta map[string]string
	// The stored headers, returned with the file and not searchable.
	ContentType, ContentEncoding, ContentLanguage, ContentDisposition, CacheControl string
}

type kind uint8

const (
	kindString kind = iota
	kindNumber
	kindTime
)

// fieldSpec says what a field supports (OSS's table of fields and
// operators for scalar retrieval).
type fieldSpec struct {
	kind   kind
	match  bool // match (fuzzy: substring)
	prefix bool // prefix
	numAgg bool // min, max, sum, average
	cntAgg bool // count, distinct, group
	sort   bool
}

var fields = map[string]fieldSpec{
	"ETag":                                  {kind: kindString, prefix: true, cntAgg: true, sort: true},
	"FileModifiedTime":                      {kind: kindTime, cntAgg: true, sort: true},
	"Filename":                              {kind: kindString, match: true, prefix: true, cntAgg: true, sort: true},
	"ObjectACL":                             {kind: kindString, prefix: true, cntAgg: true, sort: true},
	"OSSCRC64":                              {kind: kindString, prefix: true, cntAgg: true, sort: true},
	"OSSObjectType":                         {kind: kindString, prefix: true, cntAgg: true, sort: true},
	"OSSStorageClass":                       {kind: kindString, prefix: true, cntAgg: true, sort: true},
	"OSSTaggingCount":                       {kind: kindNumber, numAgg: true, cntAgg: true, sort: true},
	"ServerSideEncryption":                  {kind: kindString, prefix: true, cntAgg: true, sort: true},
	"ServerSideEncryptionCustomerAlgorithm": {kind: kindString, prefix: true, cntAgg: true, sort: true},
	"Size":                                  {kind: kindNumber, numAgg: true, cntAgg: true, sort: true},
}

// The fields named by a key: OSSTagging.<tag key>, OSSUserMeta.<name>.
const (
	tagField  = "OSSTagging."
	metaField = "OSSUserMeta."
)

// field is a resolved field name.
type field struct {
	name string
	spec fieldSpec
	key  string // the tag key or the user metadata name
}

func lookupField(name string) (field, error) {
	if spec, ok := fields[name]; ok {
		return field{name: name, spec: spec}, nil
	}
	for _, p := range [...]string{tagField, metaField} {
		if k, ok := strings.CutPrefix(name, p); ok && k != "" {
			if p == metaField {
				k = strings.ToLower(k) // user metadata names are case-insensitive
			}
			return field{name: name, spec: fieldSpec{kind: kindString, prefix: true}, key: k}, nil
		}
	}
	return field{}, fmt.Errorf("%w: unknown field %q", ErrInvalid, name)
}

// value is a field's value in a file.
type value struct {
	s string
	n float64
	t time.Time
}

// get returns f's value of the field; ok is false when the file has none
// (a tag or user metadata it does not carry).
func (fd *field) get(f *File) (v value, ok bool) {
	switch fd.name {
	case "ETag":
		return value{s: normETag(f.ETag)}, true
	case "FileModifiedTime":
		return value{t: f.Modified}, true
	case "Filename":
		return value{s: f.Filename}, true
	case "ObjectACL":
		return value{s: f.ACL}, true
	case "OSSCRC64":
		return value{s: f.CRC64}, true
	case "OSSObjectType":
		return value{s: f.ObjectType}, true
	case "OSSStorageClass":
		return value{s: f.StorageClass}, true
	case "OSSTaggingCount":
		return value{n: float64(len(f.Tags))}, true
	case "ServerSideEncryption":
		return value{s: f.SSE}, true
	case "ServerSideEncryptionCustomerAlgorithm":
		return value{s: f.SSECustomerAlgorithm}, true
	case "Size":
		return value{n: float64(f.Size)}, true
	}
	if strings.HasPrefix(fd.name, tagField) {
		for _, t := range f.Tags {
			if t.Key == fd.key {
				return value{s: t.Value}, true
			}
		}
		return value{}, false
	}
	v2, ok := f.UserMeta[fd.key]
	return value{s: v2}, ok
}

// normETag compares ETags without quotes and without regard to case.
func normETag(s string) string { return strings.ToUpper(strings.Trim(s, `"`)) }

func (fd *field) compare(a, b value) int {
	switch fd.spec.kind {
	case kindNumber:
		switch {
		case a.n < b.n:
			return -1
		case a.n > b.n:
			return 1
		}
		return 0
	case kindTime:
		return a.t.Compare(b.t)
	}
	return strings.Compare(a.s, b.s)
}

// parseValue reads a condition's or a token's value for the field.
func (fd *field) parseValue(s string) (value, error) {
	switch fd.spec.kind {
	case kindNumber:
		n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
			return value{}, fmt.Errorf("%w: %s needs a number, not %q", ErrInvalid, fd.name, s)
		}
		return value{n: n}, nil
	case kindTime:
		t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
		if err != nil {
			return value{}, fmt.Errorf("%w: %s needs an RFC 3339 time, not %q", ErrInvalid, fd.name, s)
		}
		return value{t: t}, nil
	}
	if fd.name == "ETag" {
		return value{s: normETag(s)}, nil
	}
	return value{s: s}, nil
}

func (fd *field) format(v value) string {
	switch fd.spec.kind {
	case kindNumber:
		return strconv.FormatFloat(v.n, 'f', -1, 64)
	case kindTime:
		return v.t.UTC().Format(time.RFC3339Nano)
	}
	return v.s
}

// Query is a parsed condition: a comparison of one field, or and, or,
// not of sub-queries.
type Query struct {
	op    string
	field field
	val   value
	subs  []*Query
}

// queryJSON is the JSON form of a query.
type queryJSON struct {
	Field      string      `json:"Field"`
	Value      string      `json:"Value"`
	Operation  string      `json:"Operation"`
	SubQueries []queryJSON `json:"SubQueries"`
}

// Parse reads a query: {"Field": "Size", "Value": "1048576",
// "Operation": "gt"}, or {"Operation": "and", "SubQueries": [...]}. An
// empty string matches every file.
func Parse(s string) (*Query, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var j queryJSON
	if err := json.Unmarshal([]byte(s), &j); err != nil { // trailing data included
		return nil, fmt.Errorf("%w: the query is not a JSON condition: %v", ErrInvalid, err)
	}
	nodes := 0
	return build(&j, 0, &nodes)
}

func build(j *queryJSON, depth int, nodes *int) (*Query, error) {
	*nodes++
	if *nodes > MaxNodes {
		return nil, fmt.Errorf("%w: more than %d conditions", ErrInvalid, MaxNodes)
	}
	q := &Query{op: j.Operation}
	switch j.Operation {
	case "and", "or", "not":
		if depth >= MaxDepth {
			return nil, fmt.Errorf("%w: conditions nest deeper than %d", ErrInvalid, MaxDepth)
		}
		if len(j.SubQueries) == 0 || j.Operation == "not" && len(j.SubQueries) != 1 {
			return nil, fmt.Errorf("%w: %s needs SubQueries (not takes exactly one)", ErrInvalid, j.Operation)
		}
		for i := range j.SubQueries {
			sub, err := build(&j.SubQueries[i], depth+1, nodes)
			if err != nil {
				return nil, err
			}
			q.subs = append(q.subs, sub)
		}
		return q, nil
	case "eq", "gt", "gte", "lt", "lte", "match", "prefix":
	case "":
		return nil, fmt.Errorf("%w: a condition needs an Operation", ErrInvalid)
	default:
		return nil, fmt.Errorf("%w: unknown operation %q", ErrInvalid, j.Operation)
	}
	if len(j.SubQueries) > 0 {
		return nil, fmt.Errorf("%w: %s takes no SubQueries", ErrInvalid, j.Operation)
	}
	fd, err := lookupField(j.Field)
	if err != nil {
		return nil, err
	}
	if j.Operation == "match" && !fd.spec.match || j.Operation == "prefix" && !fd.spec.prefix {
		return nil, fmt.Errorf("%w: the field %s does not support %s", ErrInvalid, fd.name, j.Operation)
	}
	q.field = fd
	if q.val, err = fd.parseValue(j.Value); err != nil {
		return nil, err
	}
	return q, nil
}

// Match reports whether f satisfies q (a nil query matches everything).
// A comparison of a tag or user metadata the file does not carry is
// false.
func (q *Query) Match(f *File) bool {
	if q == nil {
		return true
	}
	switch q.op {
	case "and":
		for _, s := range q.subs {
			if !s.Match(f) {
				return false
			}
		}
		return true
	case "or":
		for _, s := range q.subs {
			if s.Match(f) {
				return true
			}
		}
		return false
	case "not":
		return !q.subs[0].Match(f)
	}
	v, ok := q.field.get(f)
	if !ok {
		return false
	}
	switch q.op {
	case "match":
		return strings.Contains(v.s, q.val.s)
	case "prefix":
		return strings.HasPrefix(v.s, q.val.s)
	}
	c := q.field.compare(v, q.val)
	switch q.op {
	case "eq":
		return c == 0
	case "gt":
		return c > 0
	case "gte":
		return c >= 0
	case "lt":
		return c < 0
	}
	return c <= 0 // lte
}

// FilenamePrefix returns a prefix every matching file's name has ("" for
// any): the caller lists only under it.
func (q *Query) FilenamePrefix() string {
	if q == nil {
		return ""
	}
	switch q.op {
	case "prefix", "eq":
		if q.field.name == "Filename" {
			return q.val.s
		}
	case "and":
		best := ""
		for _, s := range q.subs {
			if p := s.FilenamePrefix(); len(p) > len(best) {
				best = p
			}
		}
		return best
	}
	return ""
}
