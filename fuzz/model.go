package fuzz

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Outcome is what an operation produced, reduced to what the model
// predicts: the HTTP status, the error code, the ETag and a digest of the
// body (object bytes with Content-Range, a listing's pages, a tag set).
type Outcome struct {
	Status int
	// Code is the error code ("" on success and for bodiless errors: HEAD,
	// 304). The model may name several acceptable codes, "A|B", where S3
	// leaves the order of checks unspecified.
	Code string
	ETag string
	Body string
	// altETag is another acceptable ETag (a copy of a multipart object:
	// S3 gives the MD5 of the bytes, some stores keep the source's).
	altETag string
}

func (o Outcome) String() string {
	s := strconv.Itoa(o.Status)
	if o.Code != "" {
		s += " " + o.Code
	}
	if o.ETag != "" {
		s += " etag=" + o.ETag
	}
	if o.Body != "" {
		s += " body=" + o.Body
	}
	return s
}

// matches reports whether got is an outcome want allows.
func (want Outcome) matches(got Outcome) bool {
	etagOK := want.ETag == got.ETag || want.altETag != "" && want.altETag == got.ETag
	if want.Status != got.Status || !etagOK || want.Body != got.Body {
		return false
	}
	if want.Code == got.Code {
		return true
	}
	return got.Code != "" && slices.Contains(strings.Split(want.Code, "|"), got.Code)
}

// Made-up ETags for conditions: one for a key the model does not hold, one
// that no object has.
const (
	absentETag = `"00000000000000000000000000000001"`
	otherETag  = `"ffffffffffffffffffffffffffffffff"`
	emptyMD5   = `"d41d8cd98f00b204e9800998ecf8427e"`
)

type object struct {
	data []byte
	etag string
	tags []string // "k=v", sorted
}

type part struct {
	data []byte
	etag string
	md5  [16]byte
}

type upload struct {
	bucket int
	key    string
	parts  map[int]part
	live   bool
	// done is set by a successful Complete: S3 answers a retry with the
	// same parts with the same result (for an hour, longer than any run).
	done *completion
	// aborted is set by a successful Abort: S3 answers another Abort 204
	// for as long (Hadoop S3A's multipart uploader contract test).
	aborted bool
}

type completion struct {
	parts []int
	out   Outcome
}

// model is the reference: S3 semantics over plain maps.
type model struct {
	buckets    map[int]map[string]*object
	uploads    map[int]*upload
	minPart    int
	recreateOK bool // CreateBucket on one's own bucket answers 200 (us-east-1)
	// uploadsBlock makes pending multipart uploads keep DeleteBucket from
	// succeeding (Config.UploadsBlockDeleteBucket).
	uploadsBlock bool
	// oss applies OSS's rules (Config.OSSClient).
	oss bool
}

func newModel(recreateOK bool) *model {
	return &model{buckets: map[int]map[string]*object{}, uploads: map[int]*upload{}, recreateOK: recreateOK}
}

func (m *model) keys(b int) []string {
	var ks []string
	for k := range m.buckets[b] {
		ks = append(ks, k)
	}
	for _, u := range m.uploads {
		if u.live && u.bucket == b {
			ks = append(ks, u.key)
		}
	}
	slices.Sort(ks)
	return slices.Compact(ks)
}

func (m *model) liveBuckets() []int {
	var bs []int
	for b := range m.buckets {
		bs = append(bs, b)
	}
	slices.Sort(bs)
	return bs
}

func (m *model) liveUploads() []int {
	var ls []int
	for l, u := range m.uploads {
		if u.live {
			ls = append(ls, l)
		}
	}
	slices.Sort(ls)
	return ls
}

func (m *model) partNumbers(label int) []int {
	u := m.uploads[label]
	if u == nil {
		return nil
	}
	var ns []int
	for n := range u.parts {
		ns = append(ns, n)
	}
	slices.Sort(ns)
	return ns
}

// condETag is the ETag a step's condition names, from the state before the
// step.
func (m *model) condETag(s Step) string {
	switch s.Cond {
	case CondIfMatchOther, CondIfNoneMatchOther:
		return otherETag
	case CondIfNoneMatchStar:
		return "*"
	case CondNone:
		return ""
	}
	if o := m.buckets[s.Bucket][s.Key]; o != nil {
		return o.etag
	}
	return absentETag
}

func md5ETag(b []byte) (string, [16]byte) {
	sum := md5.Sum(b)
	return `"` + hex.EncodeToString(sum[:]) + `"`, sum
}

// etag is the ETag of a single-part body under the model's rules.
func (m *model) etag(b []byte) string {
	e, _ := md5ETag(b)
	if m.oss {
		return strings.ToUpper(e)
	}
	return e
}

func errOut(status int, code string) Outcome { return Outcome{Status: status, Code: code} }

// apply returns what S3 answers to s and updates the state.
func (m *model) apply(s Step) Outcome {
	objs, hasBucket := m.buckets[s.Bucket]
	noBucket := errOut(404, "NoSuchBucket")
	switch s.Op {
	case OpCreateBucket:
		if hasBucket {
			if m.recreateOK {
				return Outcome{Status: 200}
			}
			return errOut(409, "BucketAlreadyOwnedByYou")
		}
		m.buckets[s.Bucket] = map[string]*object{}
		return Outcome{Status: 200}
	case OpDeleteBucket:
		if !hasBucket {
			return noBucket
		}
		if len(objs) > 0 {
			return errOut(409, "BucketNotEmpty")
		}
		for _, u := range m.uploads {
			if m.uploadsBlock && u.live && u.bucket == s.Bucket {
				return errOut(409, "BucketNotEmpty")
			}
		}
		delete(m.buckets, s.Bucket)
		for _, u := range m.uploads {
			if u.bucket == s.Bucket {
				u.live = false    // pending uploads go with the bucket
				u.aborted = false // and so do the records of finished ones
				u.done = nil
			}
		}
		return Outcome{Status: 204}
	case OpPutObject:
		if !hasBucket {
			return noBucket
		}
		cur := objs[s.Key]
		switch s.Cond {
		case CondIfNoneMatchStar:
			if cur != nil && m.oss {
				return errOut(409, "FileAlreadyExists")
			}
			if cur != nil {
				return errOut(412, "PreconditionFailed")
			}
		case CondIfMatchCurrent, CondIfMatchOther:
			if cur == nil {
				return errOut(404, "NoSuchKey")
			}
			if s.Cond == CondIfMatchOther {
				return errOut(412, "PreconditionFailed")
			}
		}
		data := s.body()
		etag := m.etag(data)
		objs[s.Key] = &object{data: data, etag: etag}
		return Outcome{Status: 200, ETag: etag}
	case OpGetObject, OpHeadObject:
		head := s.Op == OpHeadObject
		miss := func(code string) Outcome {
			if head {
				return errOut(404, "")
			}
			return errOut(404, code)
		}
		if !hasBucket {
			return miss("NoSuchBucket")
		}
		o := objs[s.Key]
		if o == nil {
			return miss("NoSuchKey")
		}
		switch s.Cond {
		case CondIfMatchOther:
			if head {
				return errOut(412, "")
			}
			return errOut(412, "PreconditionFailed")
		case CondIfNoneMatchCurrent:
			return Outcome{Status: 304}
		}
		if head {
			return Outcome{Status: 200, ETag: o.etag, Body: fmt.Sprintf("len=%d", len(o.data))}
		}
		if s.Range == "" {
			return Outcome{Status: 200, ETag: o.etag, Body: digest(o.data, "")}
		}
		if n, suffix := strings.CutPrefix(s.Range, "bytes=-"); suffix && len(o.data) == 0 && atoiOr0(n) > 0 {
			// The last N bytes of an empty object are the whole of it,
			// answered unranged (RFC 9110 14.1.1, as S3 does).
			return Outcome{Status: 200, ETag: o.etag, Body: digest(o.data, "")}
		}
		first, last, ok := resolveRange(s.Range, len(o.data))
		if !ok {
			return errOut(416, "InvalidRange")
		}
		return Outcome{Status: 206, ETag: o.etag, Body: digest(o.data[first:last+1], fmt.Sprintf("bytes %d-%d/%d", first, last, len(o.data)))}
	case OpDeleteObject:
		if !hasBucket {
			return noBucket
		}
		delete(objs, s.Key)
		return Outcome{Status: 204}
	case OpCopyObject:
		src, hasSrc := m.buckets[s.SrcBucket]
		switch {
		case !hasBucket || !hasSrc:
			if hasSrc && src[s.SrcKey] == nil {
				return errOut(404, "NoSuchBucket|NoSuchKey")
			}
			return noBucket
		case src[s.SrcKey] == nil:
			return errOut(404, "NoSuchKey")
		case s.Bucket == s.SrcBucket && s.Key == s.SrcKey && !m.oss:
			return errOut(400, "InvalidRequest")
		}
		o := src[s.SrcKey]
		etag := m.etag(o.data)
		objs[s.Key] = &object{data: o.data, etag: etag, tags: o.tags}
		out := Outcome{Status: 200, ETag: etag}
		if strings.Contains(o.etag, "-") {
			out.altETag = o.etag
			// Whichever the endpoint picks, the model cannot know it for
			// later steps: conditions on this key use what it answered.
			objs[s.Key].etag = ""
		}
		return out
	case OpCreateMultipartUpload:
		if !hasBucket {
			return noBucket
		}
		m.uploads[s.Upload] = &upload{bucket: s.Bucket, key: s.Key, parts: map[int]part{}, live: true}
		return Outcome{Status: 200}
	case OpUploadPart, OpCompleteMultipartUpload, OpAbortMultipartUpload:
		u := m.uploads[s.Upload]
		if s.Op == OpCompleteMultipartUpload && u != nil && !u.live && u.done != nil && !m.oss &&
			m.buckets[u.bucket] != nil && slices.Equal(u.done.parts, s.Parts) {
			return u.done.out
		}
		if s.Op == OpAbortMultipartUpload && u != nil && !u.live && (u.done != nil || u.aborted) && !m.oss &&
			m.buckets[u.bucket] != nil {
			return Outcome{Status: 204} // a completed or aborted upload's abort, within the hour
		}
		if u == nil || !u.live {
			if u != nil && m.buckets[u.bucket] == nil || u == nil && !m.hasBucket(0) {
				return errOut(404, "NoSuchUpload|NoSuchBucket")
			}
			return errOut(404, "NoSuchUpload")
		}
		return m.multipart(s, u)
	case OpListObjectsV2:
		if !hasBucket {
			return noBucket
		}
		return Outcome{Status: 200, Body: renderPages(listPages(objs, s))}
	case OpPutObjectTagging, OpGetObjectTagging, OpPutObjectACL:
		if !hasBucket {
			return noBucket
		}
		o := objs[s.Key]
		if o == nil {
			return errOut(404, "NoSuchKey")
		}
		switch s.Op {
		case OpPutObjectTagging:
			o.tags = slices.Sorted(slices.Values(s.Tags))
		case OpGetObjectTagging:
			return Outcome{Status: 200, Body: strings.Join(o.tags, "&")}
		}
		return Outcome{Status: 200}
	}
	panic("fuzz: unknown op " + s.Op)
}

func (m *model) hasBucket(b int) bool { _, ok := m.buckets[b]; return ok }

func (m *model) multipart(s Step, u *upload) Outcome {
	switch s.Op {
	case OpUploadPart:
		data := s.body()
		_, sum := md5ETag(data)
		etag := m.etag(data)
		u.parts[s.Part] = part{data: data, etag: etag, md5: sum}
		return Outcome{Status: 200, ETag: etag}
	case OpAbortMultipartUpload:
		u.live, u.aborted = false, true
		return Outcome{Status: 204}
	}
	if len(s.Parts) == 0 {
		return errOut(400, "MalformedXML")
	}
	if m.oss {
		s.Parts = slices.Sorted(slices.Values(s.Parts)) // the SDK sorts them
	}
	ordered, missing := true, false
	for i, n := range s.Parts {
		if i > 0 && n <= s.Parts[i-1] {
			ordered = false
		}
		if _, ok := u.parts[n]; !ok {
			missing = true
		}
	}
	tooSmall := false // a part other than the last is under the minimum
	for i, n := range s.Parts {
		if p, ok := u.parts[n]; ok && i < len(s.Parts)-1 && len(p.data) < m.minPart {
			tooSmall = true
		}
	}
	// S3 does not say in which order it checks; accept any code that
	// applies.
	var codes []string
	if !ordered {
		codes = append(codes, "InvalidPartOrder")
	}
	if missing {
		codes = append(codes, "InvalidPart")
	}
	if tooSmall {
		codes = append(codes, "EntityTooSmall")
	}
	if len(codes) > 0 {
		return errOut(400, strings.Join(codes, "|"))
	}
	var data []byte
	var sums []byte
	for _, n := range s.Parts {
		p := u.parts[n]
		data = append(data, p.data...)
		sums = append(sums, p.md5[:]...)
	}
	sum := md5.Sum(sums)
	h := hex.EncodeToString(sum[:])
	if m.oss {
		// OSS: the MD5 of the parts' upper-case hex MD5s, concatenated.
		var hexes strings.Builder
		for _, n := range s.Parts {
			p := u.parts[n]
			hexes.WriteString(strings.ToUpper(hex.EncodeToString(p.md5[:])))
		}
		sum = md5.Sum([]byte(hexes.String()))
		h = strings.ToUpper(hex.EncodeToString(sum[:]))
	}
	etag := fmt.Sprintf(`"%s-%d"`, h, len(s.Parts))
	u.live = false
	u.done = &completion{parts: slices.Clone(s.Parts), out: Outcome{Status: 200, ETag: etag}}
	m.buckets[u.bucket][u.key] = &object{data: data, etag: etag}
	return Outcome{Status: 200, ETag: etag}
}

// learn records what the model could not predict but the endpoint chose
// within the rules: the ETag of a copied multipart object.
func (m *model) learn(s Step, want, got Outcome) {
	if s.Op == OpCopyObject && want.altETag != "" {
		if o := m.buckets[s.Bucket][s.Key]; o != nil {
			o.etag = got.ETag
		}
	}
}

// atoiOr0 is the integer s spells, or 0.
func atoiOr0(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// resolveRange applies a single-range header to an object of size bytes.
func resolveRange(h string, size int) (first, last int, ok bool) {
	spec := strings.TrimPrefix(h, "bytes=")
	a, b, _ := strings.Cut(spec, "-")
	if a == "" {
		n, _ := strconv.Atoi(b)
		if n == 0 || size == 0 {
			return 0, 0, false
		}
		return max(size-n, 0), size - 1, true
	}
	first, _ = strconv.Atoi(a)
	if first >= size {
		return 0, 0, false
	}
	last = size - 1
	if b != "" {
		l, _ := strconv.Atoi(b)
		last = min(l, size-1)
	}
	return first, last, true
}

func digest(b []byte, contentRange string) string {
	sum := md5.Sum(b)
	s := fmt.Sprintf("len=%d md5=%x", len(b), sum[:4])
	if contentRange != "" {
		s += " range=" + contentRange
	}
	return s
}

// page is one ListObjectsV2 response.
type page struct {
	keys      []string // "key size etag"
	prefixes  []string
	truncated bool
}

func listPages(objs map[string]*object, s Step) []page {
	type entry struct {
		name string
		obj  *object
	}
	var all []entry
	keys := make([]string, 0, len(objs))
	for k := range objs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !strings.HasPrefix(k, s.Prefix) || s.StartAfter != "" && k <= s.StartAfter {
			continue
		}
		if s.Delimiter != "" {
			if i := strings.Index(k[len(s.Prefix):], s.Delimiter); i >= 0 {
				cp := k[:len(s.Prefix)+i+len(s.Delimiter)]
				if s.StartAfter != "" && cp <= s.StartAfter {
					continue // a start-after inside a common prefix skips it (spec: [Observed])
				}
				if len(all) == 0 || all[len(all)-1].name != cp {
					all = append(all, entry{name: cp})
				}
				continue
			}
		}
		all = append(all, entry{name: k, obj: objs[k]})
	}
	limit := s.MaxKeys
	if limit == 0 {
		limit = 1000
	}
	var pages []page
	for {
		var p page
		n := min(limit, len(all))
		for _, e := range all[:n] {
			if e.obj == nil {
				p.prefixes = append(p.prefixes, e.name)
			} else {
				p.keys = append(p.keys, fmt.Sprintf("%s %d %s", e.name, len(e.obj.data), e.obj.etag))
			}
		}
		all = all[n:]
		p.truncated = len(all) > 0
		pages = append(pages, p)
		if !p.truncated {
			return pages
		}
	}
}

func renderPages(ps []page) string {
	var b strings.Builder
	for i, p := range ps {
		fmt.Fprintf(&b, "[page %d keys=%q prefixes=%q truncated=%v]", i+1, p.keys, p.prefixes, p.truncated)
	}
	return b.String()
}
