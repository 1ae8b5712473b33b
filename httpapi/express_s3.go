package httpapi

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/osslite/osslite/pkg/sigv4"
)

// S3 Express One Zone directory buckets (S3 dialect). A bucket whose name
// is <base>--<zone-id>--x-s3 is a directory bucket (the suffix is
// reserved: no general purpose bucket may take it), in the Availability
// Zone or Local Zone its name carries. Such a bucket:
//
//   - is made by CreateBucket with or without its CreateBucketConfiguration
//     (Location: the zone of the name, AvailabilityZone or LocalZone;
//     Bucket: Directory, SingleAvailabilityZone or SingleLocalZone), with
//     ACLs disabled (BucketOwnerEnforced), Block Public Access on and,
//     when a key service can seal data keys, SSE-S3 by default; ACL headers
//     and Object Lock are refused;
//   - serves the operations S3 serves on directory buckets (directoryOps);
//     any other is 501 NotImplemented after the request proved itself;
//   - stores its objects in the EXPRESS_ONEZONE class (any other named is
//     InvalidStorageClass, as EXPRESS_ONEZONE is for a general bucket);
//   - renames objects atomically (RenameObject, no data moves);
//   - is listed by ListDirectoryBuckets, not ListBuckets.
//
// CreateSession (GET /bucket?session) gives the caller a session for the
// bucket: an access key, secret and token valid for five minutes of the
// engine clock, ReadWrite or ReadOnly (x-amz-create-session-mode), as S3
// Express authorizes. Requests signed with them (SigV4, service
// "s3express" or "s3", the token in the signed x-amz-s3session-token
// header or presigned parameter) act as the user who made the session, in
// that bucket only: the session decides its data operations (sessionOps;
// a ReadOnly one only readOnlyOps), the user's own rights everything
// else; a user holds at most maxUserSessions at once. The SDKs
// make and renew sessions themselves (aws-sdk-go-v2 does for any bucket
// named as a directory bucket, the default). Pointed at an endpoint of
// its own (BaseEndpoint), aws-sdk-go-v2 asks for a session even before
// CreateBucket; so a signed CreateSession for a directory bucket name that
// does not exist yet is answered too: such a session grants nothing, its
// requests are decided as its user's (and one on a missing bucket is
// NoSuchBucket). A session granted on a bucket decides for that bucket
// only, not for one deleted and made again under its name.

const (
	directorySuffix = "--x-s3"
	expressClass    = "EXPRESS_ONEZONE"
	// expressSessionTTL is how long a session's credentials are valid.
	expressSessionTTL = 5 * time.Minute
	// maxExpressSessions bounds the sessions held at once; past it the
	// expired ones are dropped, and a CreateSession finding none to drop
	// is 503 SlowDown.
	maxExpressSessions = 10000
)

// zoneID matches Availability Zone IDs (usw2-az1) and Local Zone IDs
// (usw2-lax1-az1).
var zoneID = regexp.MustCompile(`^[a-z]+[0-9]+(-[a-z]+[0-9]+)?-az[0-9]+$`)

// isDirectoryBucket reports whether name is a directory bucket's.
func isDirectoryBucket(name string) bool { return strings.HasSuffix(name, directorySuffix) }

// directoryZone returns the zone ID a directory bucket's name carries.
func directoryZone(name string) string {
	rest := strings.TrimSuffix(name, directorySuffix)
	if i := strings.LastIndex(rest, "--"); i >= 0 {
		return rest[i+2:]
	}
	return ""
}

// zoneType is the location type of a zone ID.
func zoneType(zone string) string {
	if strings.Count(zone, "-") >= 2 {
		return "LocalZone"
	}
	return "AvailabilityZone"
}

// directoryBucketName applies S3's directory bucket naming rules:
// <base>--<zone-id>--x-s3, 3 to 63 characters of a-z, 0-9 and '-', the
// base name starting and ending with a letter or digit.
func directoryBucketName(name string) error {
	bad := func(why string) error {
		return errorf("InvalidBucketName", "The specified bucket is not valid: a directory bucket's name is <base>--<zone-id>--x-s3; %s.", why).
			with("BucketName", name)
	}
	if err := dnsLabelName(name, false); err != nil {
		return bad("3 to 63 characters of a-z, 0-9 and '-'")
	}
	zone := directoryZone(name)
	base := strings.TrimSuffix(strings.TrimSuffix(name, directorySuffix), "--"+zone)
	switch {
	case !zoneID.MatchString(zone):
		return bad("the zone ID " + strconv.Quote(zone) + " is not one")
	case base == "" || strings.Contains(base, "--") || !isAlnumByte(base[0]) || !isAlnumByte(base[len(base)-1]):
		return bad("the base name must begin and end with a letter or digit")
	}
	return nil
}

func isAlnumByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// directoryLocation and directoryBucket are CreateBucketConfiguration's
// elements for directory buckets.
type directoryLocation struct {
	Name string `xml:"Name"`
	Type string `xml:"Type"`
}

type directoryBucketInfo struct {
	DataRedundancy string `xml:"DataRedundancy"`
	Type           string `xml:"Type"`
}

// directoryBucket checks CreateBucket of a directory bucket (its name,
// configuration and headers) and returns the configurations it starts
// with; createBucket makes it.
func (s *server) directoryBucket(rc *request, acl *engine.ACL, c *createBucketConfiguration) ([]bucketconfig.Config, error) {
	name := rc.op.Bucket
	if err := directoryBucketName(name); err != nil {
		return nil, err
	}
	zone := directoryZone(name)
	typ := zoneType(zone)
	redundancy := "SingleAvailabilityZone"
	if typ == "LocalZone" {
		redundancy = "SingleLocalZone"
	}
	switch {
	case c.LocationConstraint != "" || c.StorageClass != "" || c.DataRedundancyType != "":
		// S3 answers a directory bucket's configuration with a
		// LocationConstraint MalformedXML (aws/aws-cli#8502, the
		// configuration of S3 Express's launch blog); OSS's elements
		// are in no S3 schema.
		return nil, errorf("MalformedXML", "")
	case c.Location != nil && (c.Location.Name != zone || c.Location.Type != typ):
		return nil, errorf("InvalidRequest", "The bucket's Location must be the %s %s its name carries.", typ, zone)
	case c.Bucket != nil && c.Bucket.Type != "Directory":
		return nil, errorf("InvalidRequest", "A bucket named as a directory bucket (--x-s3) must be of Type Directory.")
	case c.Bucket != nil && c.Bucket.DataRedundancy != "" && c.Bucket.DataRedundancy != redundancy:
		return nil, errorf("InvalidRequest", "A directory bucket in a %s stores data as %s.", typ, redundancy)
	case acl != nil:
		return nil, errorf("InvalidRequest", "ACLs are not supported for directory buckets.")
	case rc.header("bucket-object-lock-enabled") != "":
		return nil, errorf("InvalidRequest", "Object Lock is not supported for directory buckets.")
	}
	// Tags given at creation are the bucket's, as S3 Express takes them
	// ("You can tag S3 directory buckets when you create them").
	initial, err := createBucketTags(rc, c)
	if err != nil {
		return nil, err
	}
	initial = append(initial, &bucketconfig.Ownership{Rule: bucketconfig.OwnershipBucketOwnerEnforced}, bucketconfig.BlockAllPublicAccess(true))
	if s.eng.Options().Keys != nil {
		initial = append(initial, &bucketconfig.Encryption{Algorithm: "AES256"})
	}
	return initial, nil
}

// directoryOps are the operations S3 serves on directory buckets.
var directoryOps = setOf(
	"CreateBucket", "DeleteBucket", "HeadBucket", "CreateSession",
	"GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy",
	"GetBucketEncryption", "PutBucketEncryption", "DeleteBucketEncryption",
	"GetBucketLifecycleConfiguration", "PutBucketLifecycleConfiguration", "DeleteBucketLifecycle",
	"ListObjectsV2", "ListMultipartUploads", "CreateMultipartUpload", "UploadPart", "UploadPartCopy",
	"CompleteMultipartUpload", "AbortMultipartUpload", "ListParts",
	"PutObject", "GetObject", "HeadObject", "GetObjectAttributes", "CopyObject", "DeleteObject",
	"DeleteObjects", "RenameObject",
)

// refusesOnDirectory reports whether rc, routed to op, is an operation
// a directory bucket does not serve: one not in directoryOps, or any
// operation of a dialect without directory buckets (OSS, Sina), whose
// ACLs, tags and other settings would reach past S3 Express's rules. A
// CreateBucket of such a name is left to createBucket, which refuses
// the name (InvalidBucketName).
func refusesOnDirectory(d *dialect, bucket, op string) bool {
	if bucket == "" || !isDirectoryBucket(bucket) {
		return false
	}
	if !d.behave.directoryBuckets {
		return op != "CreateBucket"
	}
	return !directoryOps[op]
}

// directoryStorageClass checks the storage class a write into bucket
// names (sc, "" for none) and returns the one to store.
func directoryStorageClass(d *dialect, bucket, sc string) (string, error) {
	if !d.behave.directoryBuckets {
		return sc, nil
	}
	switch dir := isDirectoryBucket(bucket); {
	case dir && sc == "":
		return expressClass, nil
	case dir != (sc == expressClass) && sc != "":
		return "", d.badStorageClass(d, sc)
	}
	return sc, nil
}

// directoryHeaders are HeadBucket's headers of a directory bucket.
func directoryHeaders(rc *request, name string) {
	if !rc.d.behave.directoryBuckets || !isDirectoryBucket(name) {
		return
	}
	zone := directoryZone(name)
	rc.w.Header().Set(rc.d.h("bucket-location-name"), zone)
	rc.w.Header().Set(rc.d.h("bucket-location-type"), zoneType(zone))
}

// Sessions.

// expressSession is one CreateSession's credentials.
type expressSession struct {
	secret, token string
	// user and id are the access key and canonical ID it acts for.
	user, id string
	bucket   string
	// bucketID is the engine ID of the bucket the session was granted
	// on; 0 when it did not exist then, and the session's requests are
	// decided as its user's.
	bucketID uint64
	readOnly bool
	expires  time.Time // on the engine clock
}

// decides reports whether the session decides whether its request, op,
// may run in b: op is one of the data operations a session authorizes
// (sessionOps; managing the bucket takes the user's own rights), and the
// session was granted on this very bucket (not one deleted and made
// again since, nor one made after it).
func (x *expressSession) decides(b engine.BucketInfo, op string) bool {
	return x != nil && x.bucketID != 0 && x.bucketID == b.ID && sessionOps[op]
}

// sessionOps are the operations a session authorizes (S3 Express's
// zonal endpoint operations); readOnlyOps those of a ReadOnly session.
var (
	sessionOps = setOf("HeadBucket", "ListObjectsV2", "ListMultipartUploads", "CreateMultipartUpload", "UploadPart",
		"UploadPartCopy", "CompleteMultipartUpload", "AbortMultipartUpload", "ListParts", "PutObject", "GetObject",
		"HeadObject", "GetObjectAttributes", "CopyObject", "DeleteObject", "DeleteObjects", "RenameObject")
	readOnlyOps = setOf("HeadBucket", "ListObjectsV2", "ListMultipartUploads", "ListParts", "GetObject", "HeadObject",
		"GetObjectAttributes")
)

// expressSessions holds the sessions by access key, and how many each
// user holds.
type expressSessions struct {
	mu     sync.Mutex
	m      map[string]*expressSession
	byUser map[string]int
}

// maxUserSessions bounds the sessions one user holds at once, so that no
// user can take the others' (the SDKs hold one per bucket, renewed a
// minute before it expires).
const maxUserSessions = 100

func (x *expressSessions) get(ak string) (*expressSession, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	s, ok := x.m[ak]
	return s, ok
}

// add holds s under a new access key, which it returns; false when the
// sessions are at their bound and none has expired.
func (x *expressSessions) add(now time.Time, s *expressSession) (string, bool) {
	ak := "ASIA" + randomToken(12, base32Upper)
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.m == nil {
		x.m, x.byUser = map[string]*expressSession{}, map[string]int{}
	}
	if len(x.m) >= maxExpressSessions || x.byUser[s.id] >= maxUserSessions {
		for k, v := range x.m {
			if !now.Before(v.expires) {
				delete(x.m, k)
				if x.byUser[v.id]--; x.byUser[v.id] == 0 {
					delete(x.byUser, v.id)
				}
			}
		}
		if len(x.m) >= maxExpressSessions || x.byUser[s.id] >= maxUserSessions {
			return "", false
		}
	}
	x.m[ak] = s
	x.byUser[s.id]++
	return ak, true
}

var (
	base32Upper    = []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
	base64Alphabet = []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
)

// randomToken returns n random characters of alphabet (len a power of
// two up to 256).
func randomToken(n int, alphabet []byte) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

type createSessionResult struct {
	XMLName     xml.Name
	Credentials struct {
		SessionToken    string `xml:"SessionToken"`
		SecretAccessKey string `xml:"SecretAccessKey"`
		AccessKeyID     string `xml:"AccessKeyId"`
		Expiration      string `xml:"Expiration"`
	} `xml:"Credentials"`
}

// createSession is CreateSession.
func (s *server) createSession(rc *request) error {
	name := rc.op.Bucket
	if !isDirectoryBucket(name) {
		return errorf("InvalidRequest", "CreateSession is for directory buckets (<base>--<zone-id>--x-s3).")
	}
	if rc.who.anonymous || rc.who.session != nil {
		return errAccessDenied() // a session is made with long-term (or temporary) credentials
	}
	mode := rc.header("create-session-mode")
	switch mode {
	case "", "ReadWrite", "ReadOnly":
	default:
		return errorf("InvalidArgument", "x-amz-create-session-mode must be ReadWrite or ReadOnly.").
			with("ArgumentName", rc.d.h("create-session-mode")).with("ArgumentValue", mode)
	}
	b, err := s.bucketOf(rc)
	switch {
	case err == nil:
		// Decided as the writes (or reads) the session will make.
		route := *rc.route
		route.perm = permBucketWrite
		if mode == "ReadOnly" {
			route.perm = permBucketRead
		}
		rc.route = &route
		if err := s.authorizeAccess(rc); err != nil {
			return err
		}
	case !errors.Is(err, engine.ErrNoSuchBucket):
		return err
	}
	now := s.clock.Now()
	sess := &expressSession{secret: randomToken(40, base64Alphabet), token: randomToken(128, base64Alphabet),
		user: rc.who.accessKey, id: rc.who.id, bucket: name, readOnly: mode == "ReadOnly", expires: now.Add(expressSessionTTL)}
	if err == nil {
		sess.bucketID = b.ID
	}
	ak, ok := s.express.add(now, sess)
	if !ok {
		return errorf("SlowDown", "Too many sessions are open (at most %d a user); retry in a few minutes.", maxUserSessions)
	}
	var res createSessionResult
	res.Credentials.SessionToken, res.Credentials.SecretAccessKey = sess.token, sess.secret
	// S3 writes the Expiration in whole seconds (2024-01-29T18:53:01Z in
	// aws-sdk-rust's recorded express/list-objects-v2.json), not with
	// the milliseconds of other timestamps.
	res.Credentials.AccessKeyID, res.Credentials.Expiration = ak, sess.expires.UTC().Format("2006-01-02T15:04:05Z")
	if err == nil {
		if enc, err := s.encryptionConfigOf(rc, b.Name); err == nil && enc != nil {
			rc.w.Header().Set(rc.d.h("server-side-encryption"), enc.Algorithm)
		}
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "CreateSessionResult", &res)
}

// sessionToken is the S3 Express session token a request carries: the
// x-amz-s3session-token header, or a presigned URL's parameter.
func sessionToken(r *http.Request) string {
	if t := headerValue(r.Header, "X-Amz-S3session-Token"); t != "" {
		return t
	}
	for k, v := range r.URL.Query() {
		if strings.EqualFold(k, "x-amz-s3session-token") && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// sessionPrincipal is who a request signed with a session's key acts as:
// its user, once the token is the session's (constant time), unexpired on
// the engine clock, and the request within the session's bucket and
// mode.
func (s *server) sessionPrincipal(rc *request, res *sigv4.Result, sess *expressSession) (principal, error) {
	token := sessionToken(rc.r)
	switch {
	case res.Method != sigv4.MethodV4Header && res.Method != sigv4.MethodV4Query:
		return principal{}, errorf("InvalidAccessKeyId", "")
	case token == "" || res.SecurityToken != "" || headerValue(rc.r.Header, "X-Amz-Security-Token") != "":
		return principal{}, errorf("InvalidToken", "A session's requests carry its token in x-amz-s3session-token, and no other.")
	case subtle.ConstantTimeCompare([]byte(token), []byte(sess.token)) != 1:
		return principal{}, errorf("InvalidToken", "")
	case !s.clock.Now().Before(sess.expires):
		return principal{}, errorf("ExpiredToken", "")
	case rc.op.Bucket != sess.bucket:
		return principal{}, errorf("AccessDenied", "The session is for bucket %s.", sess.bucket)
	case sess.readOnly && !readOnlyOps[rc.route.op]:
		return principal{}, errorf("AccessDenied", "The session is read-only.")
	}
	return principal{accessKey: sess.user, id: sess.id, session: sess}, nil
}

// Listing directory buckets.

type listDirectoryBucketsResult struct {
	XMLName           xml.Name
	Buckets           []xmlBucket `xml:"Buckets>Bucket"`
	ContinuationToken string      `xml:"ContinuationToken,omitempty"`
}

// listDirectoryBuckets is ListDirectoryBuckets: the caller's directory
// buckets by name, max-directory-buckets (1 to 1,000, default 1,000) at a
// time, the next page named by an opaque continuation token.
func (s *server) listDirectoryBuckets(rc *request) error {
	after, err := bucketsAfter(rc)
	if err != nil {
		return err
	}
	max := 1000
	if v := rc.q.Get("max-directory-buckets"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1000 {
			return errorf("InvalidArgument", "max-directory-buckets must be an integer from 0 to 1000").
				with("ArgumentName", "max-directory-buckets").with("ArgumentValue", v)
		}
		if n > 0 {
			max = n
		}
	}
	all, err := s.callerBuckets(rc)
	if err != nil {
		return err
	}
	res := &listDirectoryBucketsResult{Buckets: []xmlBucket{}}
	for _, b := range all {
		if !isDirectoryBucket(b.Name) || !s.cfg.Permissive && !owns(rc.who, b.Owner) || b.Name <= after {
			continue
		}
		if len(res.Buckets) == max {
			res.ContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(res.Buckets[max-1].Name))
			break
		}
		res.Buckets = append(res.Buckets, xmlBucket{Name: b.Name, CreationDate: xmlTime(b.Created), BucketRegion: s.regionOf(b)})
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "ListAllMyDirectoryBucketsResult", res)
}

// bucketsAfter reads a bucket listing's continuation token: the name the
// page goes on after ("" for the first page).
func bucketsAfter(rc *request) (string, error) {
	tok := rc.q.Get("continuation-token")
	if tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", errorf("InvalidArgument", "The continuation token provided is incorrect").with("ArgumentName", "continuation-token")
	}
	return string(b), nil
}

// Renaming.

// renameObject is RenameObject: x-amz-rename-source names the object,
// URL-encoded, as its key alone (as Mountpoint for Amazon S3 sends it,
// and S3 Express renames so in its integration tests) or as
// [/]bucket/key with this bucket (a value starting with this bucket's
// name and a slash is read so: a key of that shape cannot be named
// alone); the x-amz-rename-source-if-* headers condition it, If-Match,
// If-None-Match, If-Modified-Since and If-Unmodified-Since the object
// the new name holds. A failed condition of either is 412 with the
// header's plain name in <Condition> (If-Match for a source ETag too, as
// S3 answers Mountpoint's rename_source_does_not_match). A retry with
// the x-amz-client-token of a rename done before is answered as that
// one was, without renaming again (renameTokens).
func (s *server) renameObject(rc *request) error {
	if !isDirectoryBucket(rc.op.Bucket) {
		return errorf("NotImplemented", "RenameObject is for directory buckets.")
	}
	tok := rc.header("client-token")
	if len(tok) > 64 || strings.IndexFunc(tok, func(r rune) bool { return r < 33 || r > 126 }) >= 0 {
		return errorf("InvalidArgument", "x-amz-client-token is at most 64 ASCII characters from 33 to 126.").
			with("ArgumentName", rc.d.h("client-token"))
	}
	raw := rc.header("rename-source")
	if raw == "" {
		return errorf("InvalidArgument", "RenameObject needs x-amz-rename-source.").with("ArgumentName", rc.d.h("rename-source"))
	}
	src, err := url.PathUnescape(raw)
	if err != nil {
		return errorf("InvalidArgument", "x-amz-rename-source is not URL-encoded.").with("ArgumentName", rc.d.h("rename-source"))
	}
	key, ok := strings.CutPrefix(strings.TrimPrefix(src, "/"), rc.op.Bucket+"/")
	if !ok {
		key = src
	}
	if key == "" {
		return errorf("InvalidArgument", "x-amz-rename-source must name an object of this bucket: <key> or %s/<key>.", rc.op.Bucket).
			with("ArgumentName", rc.d.h("rename-source"))
	}
	srcHeaders := []string{rc.d.headerKey("rename-source-if-match"), rc.d.headerKey("rename-source-if-none-match"),
		rc.d.headerKey("rename-source-if-modified-since"), rc.d.headerKey("rename-source-if-unmodified-since")}
	dstHeaders := []string{"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"}
	var done renameDone
	if tok != "" {
		params := []string{key, rc.op.Key}
		for _, h := range append(srcHeaders, dstHeaders...) {
			params = append(params, rc.r.Header.Get(h))
		}
		b, err := s.bucketOf(rc)
		if err != nil {
			return err
		}
		done = renameDone{bucket: strconv.FormatUint(b.ID, 10), token: tok, params: renameParamsDigest(params)}
		switch same, found := s.renames.lookup(s.clock.Now(), rc.who.id, done); {
		case found && same:
			return writeEmpty(rc, http.StatusOK)
		case found:
			return errorf("IdempotencyParameterMismatch", "")
		}
	}
	srcConds := conditions(rc.r.Header, srcHeaders[0], srcHeaders[1], srcHeaders[2], srcHeaders[3])
	dstConds := conditions(rc.r.Header, dstHeaders[0], dstHeaders[1], dstHeaders[2], dstHeaders[3])
	if _, err := s.eng.RenameObject(rc.ctx, rc.op.Bucket, key, rc.op.Key, engine.RenameOptions{Source: srcConds, Destination: dstConds}); err != nil {
		var ce *engine.ConditionError
		if errors.As(err, &ce) && errors.Is(err, engine.ErrPreconditionFailed) {
			e := errorf("PreconditionFailed", "").with("Condition", renameConditionNames[ce.Condition])
			e.Err = err
			return e
		}
		return err
	}
	if tok != "" {
		s.renames.add(s.clock.Now(), rc.who.id, done)
	}
	return writeEmpty(rc, http.StatusOK)
}

// renameConditionNames are the names RenameObject's 412 gives in
// <Condition> for the engine's Conditions fields, the same for the
// source's x-amz-rename-source-if-* headers and the destination's.
var renameConditionNames = map[string]string{
	"IfMatch": "If-Match", "IfNoneMatch": "If-None-Match",
	"IfModifiedSince": "If-Modified-Since", "IfUnmodifiedSince": "If-Unmodified-Since",
}

// renameTokens remembers the renames done with an x-amz-client-token
// for renameTokenTTL of the engine clock, at most maxRenameTokensPerUser
// of each requester's at once (past it their oldest is forgotten: a
// retry whose token was forgotten renames again, and finds its source
// gone), so no user's renames can push out another's, and at most
// maxRenameTokens in all: requesters are not a bounded set (permissive
// mode takes any access key), and one who never renames again must not
// keep their tokens past their expiry. As S3 documents
// RenameObject's token: a retry with the same token and the same
// parameters (source, destination, conditions) succeeds without doing
// anything more; with other parameters it is IdempotencyParameterMismatch.
// Tokens live in memory, per bucket (its ID: a bucket deleted and
// created again under its name starts with none) and per requester (its
// canonical ID: another user's token, even the same string, is another
// token, so no one learns of or takes over another's rename): a restart
// forgets them.
type renameTokens struct {
	mu sync.Mutex
	m  map[renameKey]renameDone
	// all holds every token added, oldest first; byUser each requester's
	// live ones, oldest first. An entry whose token was forgotten or
	// added again since (its seq is not the live one's) is stale:
	// skipped when it comes up, and a requester's queue is compacted
	// when most of it is stale.
	all    []renameTokenAt
	byUser map[string]*renameQueue
	seq    uint64
}

// renameQueue is a requester's tokens, oldest first, and how many of
// them are live.
type renameQueue struct {
	q    []renameTokenAt
	live int
}

// renameKey names a remembered token: its bucket's ID, its requester's
// canonical ID and the token.
type renameKey [3]string

// renameTokenAt is a token in a queue: its bucket, requester and token,
// the seq of its add, when it expires and who added it.
type renameTokenAt struct {
	key     renameKey
	seq     uint64
	expires time.Time
	user    string
}

// renameDone is a rename done with a client token: its bucket's ID, token,
// the digest of its parameters (renameParamsDigest) and when the token
// is forgotten.
type renameDone struct {
	bucket, token string
	params        [sha256.Size]byte
	expires       time.Time
	seq           uint64 // renameTokens.add's
	user          string // who renamed
}

// renameParamsDigest is the SHA-256 of a rename's parameters, each
// length-prefixed: a remembered token holds 32 bytes of them however
// long the keys and condition headers (up to the 8 KiB header section
// each), and no two lists of parameters run together into one (a key
// may hold a line break).
func renameParamsDigest(params []string) [sha256.Size]byte {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	for _, p := range params {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(p)))])
		h.Write([]byte(p))
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

const (
	// renameTokenTTL is how long a RenameObject client token is
	// remembered; S3 does not say, and SDK retries come within seconds.
	renameTokenTTL = 10 * time.Minute
	// maxRenameTokensPerUser bounds the client tokens remembered for one
	// requester (about 150 bytes each).
	maxRenameTokensPerUser = 1000
	// maxRenameTokens bounds the client tokens remembered in all (about
	// 40 MB at most with their queues).
	maxRenameTokens = 100_000
)

// lookup reports whether d's bucket and token name a rename the
// requester user did before that has not expired (found) and whether its
// parameters are d's (same).
func (x *renameTokens) lookup(now time.Time, user string, d renameDone) (same, found bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	prev, ok := x.m[renameKey{d.bucket, user, d.token}]
	if !ok || !now.Before(prev.expires) {
		return false, false
	}
	return prev.params == d.params, true
}

// add remembers the rename d, done at now by the requester user (a
// canonical ID). It forgets the expired tokens, user's oldest past
// maxRenameTokensPerUser and anyone's oldest past maxRenameTokens:
// amortized O(1) for each token added.
func (x *renameTokens) add(now time.Time, user string, d renameDone) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.m == nil {
		x.m = map[renameKey]renameDone{}
		x.byUser = map[string]*renameQueue{}
	}
	for len(x.all) > 0 && (len(x.all) >= maxRenameTokens || !now.Before(x.all[0].expires)) {
		x.forget(x.all[0])
		x.all = x.all[1:]
	}
	if uq := x.byUser[user]; uq != nil {
		for len(uq.q) > 0 && (len(uq.q) >= maxRenameTokensPerUser || !now.Before(uq.q[0].expires)) {
			x.forget(uq.q[0])
			uq.q = uq.q[1:]
		}
	}
	k := renameKey{d.bucket, user, d.token}
	if prev, ok := x.m[k]; ok {
		x.forget(renameTokenAt{key: k, seq: prev.seq, user: prev.user})
	}
	x.seq++
	d.expires, d.seq, d.user = now.Add(renameTokenTTL), x.seq, user
	x.m[k] = d
	at := renameTokenAt{key: k, seq: d.seq, expires: d.expires, user: user}
	x.all = append(x.all, at)
	uq := x.byUser[user]
	if uq == nil {
		uq = &renameQueue{}
		x.byUser[user] = uq
	}
	if len(uq.q) > 2*uq.live+8 {
		live := uq.q[:0:0]
		for _, e := range uq.q {
			if v, ok := x.m[e.key]; ok && v.seq == e.seq {
				live = append(live, e)
			}
		}
		uq.q = live
	}
	uq.q = append(uq.q, at)
	uq.live++
}

// forget drops the token at names, unless it is stale; a requester left
// with no live token is dropped too.
func (x *renameTokens) forget(at renameTokenAt) {
	v, ok := x.m[at.key]
	if !ok || v.seq != at.seq {
		return
	}
	delete(x.m, at.key)
	if uq := x.byUser[v.user]; uq != nil {
		if uq.live--; uq.live <= 0 {
			delete(x.byUser, v.user)
		}
	}
}

func init() {
	routes = append([]route{
		{method: http.MethodGet, target: targetService, params: []string{"x-id=ListDirectoryBuckets"}, op: "ListDirectoryBuckets",
			perm: permAuthenticated, handle: (*server).listDirectoryBuckets, only: "s3"},
		{method: http.MethodGet, target: targetBucket, params: []string{"session"}, op: "CreateSession",
			perm: permAuthenticated, handle: (*server).createSession, only: "s3"},
		{method: http.MethodPut, target: targetObject, params: []string{"renameObject"}, op: "RenameObject",
			perm: permBucketWrite, handle: (*server).renameObject, only: "s3"},
	}, routes...)
}
