package fuzz

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Op names an operation of a Step (the AWS API name).
type Op string

// The operations the generator produces.
const (
	OpCreateBucket            Op = "CreateBucket"
	OpDeleteBucket            Op = "DeleteBucket"
	OpPutObject               Op = "PutObject"
	OpGetObject               Op = "GetObject"
	OpHeadObject              Op = "HeadObject"
	OpDeleteObject            Op = "DeleteObject"
	OpCopyObject              Op = "CopyObject"
	OpCreateMultipartUpload   Op = "CreateMultipartUpload"
	OpUploadPart              Op = "UploadPart"
	OpCompleteMultipartUpload Op = "CompleteMultipartUpload"
	OpAbortMultipartUpload    Op = "AbortMultipartUpload"
	OpListObjectsV2           Op = "ListObjectsV2"
	OpPutObjectTagging        Op = "PutObjectTagging"
	OpGetObjectTagging        Op = "GetObjectTagging"
	OpPutObjectACL            Op = "PutObjectAcl"
)

// AllOps lists every operation, in the order of their generation weights.
var AllOps = []Op{
	OpCreateBucket, OpDeleteBucket, OpPutObject, OpGetObject, OpHeadObject, OpDeleteObject, OpCopyObject,
	OpCreateMultipartUpload, OpUploadPart, OpCompleteMultipartUpload, OpAbortMultipartUpload,
	OpListObjectsV2, OpPutObjectTagging, OpGetObjectTagging, OpPutObjectACL,
}

// weights are the relative frequencies of AllOps.
var weights = map[Op]int{
	OpCreateBucket: 3, OpDeleteBucket: 2, OpPutObject: 16, OpGetObject: 12, OpHeadObject: 5, OpDeleteObject: 6,
	OpCopyObject: 5, OpCreateMultipartUpload: 4, OpUploadPart: 8, OpCompleteMultipartUpload: 4,
	OpAbortMultipartUpload: 2, OpListObjectsV2: 10, OpPutObjectTagging: 3, OpGetObjectTagging: 3, OpPutObjectACL: 2,
}

// Cond is the conditional header a read or write sends.
type Cond int

// The conditions. "Current" is the ETag the model holds for the key (a
// made-up ETag when the key is absent); "Other" is an ETag no object has.
const (
	CondNone Cond = iota
	CondIfMatchCurrent
	CondIfMatchOther
	CondIfNoneMatchCurrent
	CondIfNoneMatchOther
	CondIfNoneMatchStar // PutObject only: create, never overwrite
)

// Step is one operation of a sequence. Buckets are named by index (the
// run's bucket names are prefix-0, prefix-1, ...); multipart uploads by the
// Upload label their CreateMultipartUpload step gave them, so that a
// sequence stays meaningful when the shrinker removes steps.
type Step struct {
	Op     Op
	Bucket int
	Key    string
	// Size and Fill make the body of PutObject and UploadPart: Size bytes
	// derived from Fill.
	Size int
	Fill uint32
	// Range is GetObject's Range header ("" for none).
	Range string
	Cond  Cond
	// SrcBucket and SrcKey are CopyObject's source.
	SrcBucket int
	SrcKey    string
	// Upload labels a multipart upload; Part is UploadPart's part number;
	// Parts the part numbers CompleteMultipartUpload lists, in order.
	Upload int
	Part   int
	Parts  []int
	// ListObjectsV2 parameters (MaxKeys 0: not sent).
	Prefix, Delimiter, StartAfter string
	MaxKeys                       int
	// Tags are PutObjectTagging's tags, "key=value" each.
	Tags []string
	// ACL is PutObjectAcl's canned ACL.
	ACL string
}

// GoString renders the step as a Go composite literal, zero fields left out.
func (s Step) GoString() string {
	var f []string
	name := "fuzz.Op" + string(s.Op)
	if s.Op == OpPutObjectACL {
		name = "fuzz.OpPutObjectACL"
	} else if _, ok := weights[s.Op]; !ok {
		name = "fuzz.Op(" + strconv.Quote(string(s.Op)) + ")"
	}
	f = append(f, "Op: "+name)
	add := func(name string, v any, zero bool) {
		if !zero {
			f = append(f, fmt.Sprintf("%s: %#v", name, v))
		}
	}
	add("Bucket", s.Bucket, s.Bucket == 0)
	add("Key", s.Key, s.Key == "")
	add("Size", s.Size, s.Size == 0)
	add("Fill", s.Fill, s.Fill == 0)
	add("Range", s.Range, s.Range == "")
	if s.Cond != CondNone {
		f = append(f, fmt.Sprintf("Cond: %d", s.Cond))
	}
	add("SrcBucket", s.SrcBucket, s.SrcBucket == 0)
	add("SrcKey", s.SrcKey, s.SrcKey == "")
	add("Upload", s.Upload, s.Upload == 0)
	add("Part", s.Part, s.Part == 0)
	add("Parts", s.Parts, s.Parts == nil)
	add("Prefix", s.Prefix, s.Prefix == "")
	add("Delimiter", s.Delimiter, s.Delimiter == "")
	add("StartAfter", s.StartAfter, s.StartAfter == "")
	add("MaxKeys", s.MaxKeys, s.MaxKeys == 0)
	add("Tags", s.Tags, s.Tags == nil)
	add("ACL", s.ACL, s.ACL == "")
	return "{" + strings.Join(f, ", ") + "}"
}

// body returns the bytes of a PutObject or UploadPart step.
func (s Step) body() []byte {
	b := make([]byte, s.Size)
	x := uint64(s.Fill)*0x9E3779B97F4A7C15 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return b
}

// keyAlphabet is what keys are made of: ASCII, a slash (so delimiters
// matter), a dot, two-byte and three-byte UTF-8.
var keyAlphabet = []string{"a", "b", "/", ".", "é", "中", "-"}

// generator makes steps from a seeded source, steered by the model so that
// most steps touch things that exist.
type generator struct {
	rnd      *rand.Rand
	buckets  int
	partSize int
	ops      []Op
	total    int
	uploads  int  // labels handed out
	oss      bool // OSS rules: see Config.OSSClient
}

func newGenerator(seed int64, buckets, partSize int, ops []Op) *generator {
	g := &generator{rnd: rand.New(rand.NewPCG(uint64(seed), 0x6f73736c697465)), buckets: buckets, partSize: partSize, ops: ops}
	for _, op := range ops {
		g.total += weights[op]
	}
	return g
}

func (g *generator) pick(n int) int      { return g.rnd.IntN(n) }
func (g *generator) chance(pct int) bool { return g.rnd.IntN(100) < pct }

func (g *generator) newKey() string {
	for {
		var b strings.Builder
		for range 1 + g.pick(5) {
			b.WriteString(keyAlphabet[g.pick(len(keyAlphabet))])
		}
		// OSS refuses a new object whose name starts with '/' or '\'
		// (InvalidObjectName, EC 0016-00000005): such keys are S3's
		// only, which the model does not tell apart by operation.
		if k := b.String(); !g.oss || !strings.HasPrefix(k, "/") && !strings.HasPrefix(k, `\`) {
			return k
		}
	}
}

// key mostly reuses a key the model knows in bucket b.
func (g *generator) key(m *model, b int) string {
	if keys := m.keys(b); len(keys) > 0 && g.chance(70) {
		return keys[g.pick(len(keys))]
	}
	return g.newKey()
}

func (g *generator) bucket(m *model) int {
	if live := m.liveBuckets(); len(live) > 0 && g.chance(90) {
		return live[g.pick(len(live))]
	}
	return g.pick(g.buckets)
}

func (g *generator) size() int {
	switch g.pick(10) {
	case 0:
		return 0
	case 1:
		return 1 + g.pick(70000)
	default:
		return 1 + g.pick(300)
	}
}

func (g *generator) cond(put bool) Cond {
	if !g.chance(25) {
		return CondNone
	}
	if put && g.oss {
		return CondIfNoneMatchStar // the OSS SDK sends no If-Match on PUT
	}
	if put {
		return []Cond{CondIfNoneMatchStar, CondIfMatchCurrent, CondIfMatchOther}[g.pick(3)]
	}
	return Cond(1 + g.pick(4))
}

func (g *generator) rangeHeader() string {
	if !g.chance(35) {
		return ""
	}
	n := func() int { return g.pick(400) }
	switch g.pick(5) {
	case 0:
		return fmt.Sprintf("bytes=%d-", n())
	case 1:
		return fmt.Sprintf("bytes=-%d", n())
	case 2:
		return "bytes=0-0"
	default:
		a := n()
		return fmt.Sprintf("bytes=%d-%d", a, a+g.pick(300))
	}
}

// next makes one step for the model's current state.
func (g *generator) next(m *model) Step {
	w := g.pick(g.total)
	op := g.ops[0]
	for _, o := range g.ops {
		if w < weights[o] {
			op = o
			break
		}
		w -= weights[o]
	}
	s := Step{Op: op}
	switch op {
	case OpCreateBucket, OpDeleteBucket:
		s.Bucket = g.pick(g.buckets)
	case OpPutObject:
		s.Bucket, s.Size, s.Fill, s.Cond = g.bucket(m), g.size(), g.rnd.Uint32(), g.cond(true)
		s.Key = g.key(m, s.Bucket)
	case OpGetObject:
		s.Bucket = g.bucket(m)
		s.Key, s.Range, s.Cond = g.key(m, s.Bucket), g.rangeHeader(), g.cond(false)
	case OpHeadObject:
		s.Bucket = g.bucket(m)
		s.Key, s.Cond = g.key(m, s.Bucket), g.cond(false)
	case OpDeleteObject, OpGetObjectTagging:
		s.Bucket = g.bucket(m)
		s.Key = g.key(m, s.Bucket)
	case OpCopyObject:
		s.Bucket, s.SrcBucket = g.bucket(m), g.bucket(m)
		s.SrcKey, s.Key = g.key(m, s.SrcBucket), g.key(m, s.Bucket)
	case OpCreateMultipartUpload:
		g.uploads++
		s.Bucket, s.Upload = g.bucket(m), g.uploads
		s.Key = g.key(m, s.Bucket)
	case OpUploadPart:
		s.Upload = g.upload(m)
		s.Part = 1 + g.pick(4)
		s.Size = g.partSize
		if g.chance(40) {
			s.Size = 1 + g.pick(100) // a short part: fine only as the last
		}
		s.Fill = g.rnd.Uint32()
	case OpCompleteMultipartUpload:
		s.Upload = g.upload(m)
		parts := m.partNumbers(s.Upload)
		switch {
		case g.chance(10) && len(parts) > 1:
			parts[0], parts[1] = parts[1], parts[0] // out of order
		case g.chance(10):
			parts = append(parts, 1+g.pick(6)) // maybe a part never uploaded
		case g.chance(20) && len(parts) > 1:
			parts = parts[:len(parts)-1] // leave the last one out
		}
		if len(parts) == 0 && g.oss {
			// What OSS answers to an empty list is not documented
			// (osslite: 200 and an empty object; S3: MalformedXML).
			parts = []int{1}
		}
		s.Parts = parts
	case OpAbortMultipartUpload:
		s.Upload = g.upload(m)
	case OpListObjectsV2:
		s.Bucket = g.bucket(m)
		if g.chance(40) {
			s.Prefix = g.key(m, s.Bucket)
			s.Prefix = s.Prefix[:g.pick(len(s.Prefix)+1)]
		}
		if g.chance(50) {
			s.Delimiter = []string{"/", "/", "a", "é"}[g.pick(4)]
		}
		if g.chance(20) {
			s.StartAfter = g.key(m, s.Bucket)
		}
		if g.chance(60) {
			s.MaxKeys = 1 + g.pick(4)
		}
	case OpPutObjectTagging:
		s.Bucket = g.bucket(m)
		s.Key = g.key(m, s.Bucket)
		for i := range g.pick(4) {
			s.Tags = append(s.Tags, fmt.Sprintf("t%d=%s", i, g.newKey()))
		}
	case OpPutObjectACL:
		s.Bucket = g.bucket(m)
		acls := []string{"private", "public-read", "authenticated-read"}
		if g.oss {
			acls[2] = "public-read-write"
		}
		s.Key, s.ACL = g.key(m, s.Bucket), acls[g.pick(3)]
	}
	return s
}

// upload mostly picks a label of an upload the model holds.
func (g *generator) upload(m *model) int {
	if live := m.liveUploads(); len(live) > 0 && g.chance(90) {
		return live[g.pick(len(live))]
	}
	return 1 + g.pick(g.uploads+1)
}

// Generate returns the steps a Run with this seed sends (Config.Steps of
// them), without contacting any endpoint.
func Generate(cfg Config) []Step {
	cfg.ensureDefaults()
	g := newGenerator(cfg.Seed, cfg.Buckets, int(cfg.PartSize), cfg.Ops)
	m := cfg.newModel()
	g.oss = m.oss
	steps := make([]Step, 0, cfg.Steps)
	for range cfg.Steps {
		s := g.next(m)
		m.apply(s)
		steps = append(steps, s)
	}
	return steps
}
