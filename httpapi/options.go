package httpapi

import (
	"context"
	"crypto/rsa"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Config is the configuration New builds from its Options. The zero value
// (no Option at all) is a strict server: no credentials, so every signed
// request fails with InvalidAccessKeyId and only ACL-granted anonymous
// access works.
type Config struct {
	// Credentials maps access key IDs to secret keys: shorthand for Users
	// with default canonical IDs (hex SHA-256 of the key) and display
	// names (the key). Default: none.
	Credentials map[string]string
	// Permissive accepts any access key without checking signatures, and
	// lets anonymous requests act as the default owner (see Owner). Bodies
	// sent with aws-chunked are still decoded, and content hashes and
	// checksums (x-amz-content-sha256, Content-MD5, x-amz-checksum-*,
	// trailers) are still verified. Default false. Meant for test fakes.
	Permissive bool
	// Domains are the base domains of virtual-host addressing: a request
	// with Host "b.<domain>" addresses bucket b. "localhost" and
	// "127.0.0.1" are always included. Default: just those two.
	Domains []string
	// OSSDomains are base domains whose requests speak the OSS dialect even
	// when nothing else in them says so (an anonymous request without
	// x-oss-* headers). They are virtual-host domains too. Any Domains entry
	// that looks like an OSS endpoint (oss.<...>, oss-<region>.<...>,
	// *.aliyuncs.com) is added; hosts under aliyuncs.com are always OSS.
	OSSDomains []string
	// SinaDomains are base domains whose requests speak the Sina (SCS)
	// dialect even when nothing else in them says so; they are
	// virtual-host domains too. Any Domains entry whose first label starts
	// with "sina" (sinastorage.cn, sinacloud.net, sina.local) is added.
	SinaDomains []string
	// Region is the server's region: the location of buckets created
	// without a LocationConstraint. Default "us-east-1".
	Region string
	// Logger, when set, receives one Info line per request (method,
	// bucket, key, operation, status, bytes, duration, request id) and an
	// Error line for every internal error. Default: no logging.
	Logger *slog.Logger
	// Observer, when set, is called once per request after the response
	// is complete. Default: none.
	Observer func(Record)
	// Interceptor, when set, is called after routing and before
	// authentication; returning true means it wrote the response. Default:
	// none.
	Interceptor func(w http.ResponseWriter, r *http.Request, op Op) bool
	// Owner is the access key whose identity anonymous requests assume in
	// permissive mode. Default: the smallest configured access key
	// (Credentials and Users), or
	// "osslite" when none is configured.
	Owner string
	// MaxSkew is the largest allowed distance between a signed request's
	// time and the engine clock. Default 15 minutes.
	MaxSkew time.Duration
	// MaxXMLBody caps the small XML request documents (ACLs, tagging,
	// configurations), in bytes. Default 1 MiB.
	MaxXMLBody int64
	// MaxListDocument caps the documents that list many items and are
	// decoded as a stream: CompleteMultipartUpload (10,000 parts with
	// checksums) and DeleteObjects (1,000 keys of 1,024 bytes, each byte
	// possibly a character reference). Default 8 MiB.
	MaxListDocument int64
	// MinPartSize, when non-zero, replaces the dialect's smallest part
	// size (5 MiB for S3, 100 KiB for OSS) for every part but the last;
	// negative means no minimum. Meant for tests and development setups
	// that exercise many parts cheaply. Default 0: the dialect's.
	MinPartSize int64

	// RefuseSignatures are the HMAC-SHA1 signature schemes the server
	// refuses (SignatureSchemes): SigV2, OSS v1, Sina's ssig, each in
	// every form (header, URL, POST form), answered as the service
	// answers where it does not take the scheme, before anything else
	// of the request is read. The three sign nearly the same lines with
	// the same keys, so a request or URL signed in one verifies in
	// another; a server whose clients use one of them refuses the other
	// two, one whose clients all sign SigV4 / OSS v4 refuses all three
	// (SchemesHMACSHA1). Default: none refused (s3cmd
	// --signature-v2, boto 2, aws-sdk-js v2 with signatureVersion v2
	// and the OSS v1 SDKs still sign with them).
	RefuseSignatures SignatureSchemes

	// Limits against slow and greedy clients (see limits.go). Each is
	// filled by EnsureDefaults when zero; a negative value turns the
	// limit off.

	// MaxConcurrentRequests caps the requests served at once; one over
	// the cap is answered 503 SlowDown at once, never queued. Default
	// 1024.
	MaxConcurrentRequests int
	// MaxAnonymousRequests caps, within MaxConcurrentRequests, the
	// requests served at once that carry no credentials (no
	// Authorization header, no signature query parameter). Default 256.
	MaxAnonymousRequests int
	// MinBodyRate is the slowest a request body may arrive, in bytes per
	// second, averaged over BodyRateWindow: each window of reading must
	// bring MinBodyRate*BodyRateWindow bytes (or the end of the body).
	// The first window is the grace a client gets before the rate
	// counts. A body slower than this is answered 400 RequestTimeout and
	// nothing it was writing is stored. Default 1024 (1 KiB/s).
	MinBodyRate int64
	// BodyRateWindow is the window MinBodyRate is averaged over. Only
	// the time spent waiting for the client counts. Default 30 seconds.
	BodyRateWindow time.Duration
	// BodyIdleTimeout is the longest a request body may bring no byte
	// at all; RequestTimeout as for MinBodyRate. Default 20 seconds.
	BodyIdleTimeout time.Duration
	// WriteTimeout is the longest the writing of each MiB of an object
	// body (GetObject) may take: a client that stops reading is cut off
	// and frees its handler. Default 2 minutes (about 8.5 KiB/s).
	WriteTimeout time.Duration
	// MaxBucketsPerOwner caps the buckets one owner may hold (all
	// dialects, directory buckets included); CreateBucket past it is 400
	// TooManyBuckets. Every bucket is a record every ListBuckets reads,
	// so without a cap one user slows everyone's listings. Default
	// 10,000 (S3's default quota; OSS documents 100 per region).
	MaxBucketsPerOwner int
	// SelectMaxWorkPerByte bounds the work of evaluating a
	// SelectObjectContent or OSS SelectObject query, in units per input
	// byte read (sqlselect.RunOptions.MaxWorkPerByte: each record pays
	// 16 units per node of the statement, each string operation a unit
	// per byte); past it, plus 2^28, the query fails with
	// MaxOperatorsExceeded (OSS SqlExceedsMaxConditionCount). Zero or
	// negative: sqlselect.DefaultMaxWorkPerByte (256).
	SelectMaxWorkPerByte int

	// CORSAllowOrigins, when set, is a CORS rule for every bucket without
	// a CORS configuration of its own (and for requests naming no
	// bucket): these origins ("*" for any; one "*" wildcard each) may use
	// every method with any request header. For development setups;
	// default none (CORS is off until a bucket is configured).
	CORSAllowOrigins []string
	// WebsiteDomains are the base domains of static-website endpoints:
	// a request with Host "b.<domain>" is served by bucket b's website
	// configuration (anonymous GET and HEAD, HTML errors). The path form
	// /_website/<bucket>/<key> works on any host. Default none.
	WebsiteDomains []string
	// RTMPReadTimeout is how long an RTMP publisher (ListenRTMP) may send
	// nothing before its push is ended and its playlist finalised.
	// Default 30 seconds.
	RTMPReadTimeout time.Duration
	// Users are identities besides Credentials (which is shorthand for
	// users with default IDs and names): access key, secret, canonical
	// ID, display name, e-mail, OSS UID (see User). Default: none.
	Users []User
	// Directory, when set, replaces the directory New builds from
	// Credentials and Users: every access key, temporary credential and
	// grantee is looked up in it. Pass a *UserStore to add users and
	// temporary credentials (session / STS tokens) while serving.
	// Default: a UserStore of Credentials and Users.
	Directory Directory
	// S3Defaults2023 gives S3 buckets created without
	// x-amz-object-ownership the defaults S3 applies since April 2023:
	// Object Ownership BucketOwnerEnforced (ACLs disabled) and all four
	// Public Access Block settings on; and every new S3 bucket S3's
	// default encryption since January 2023, SSE-S3 (objects written
	// without encryption headers are encrypted and answered
	// x-amz-server-side-encryption: AES256; DeleteBucketEncryption resets
	// it to SSE-S3), when the engine has a key service. Default false: new
	// buckets have no ownership controls (ObjectWriter), no public access
	// block and no default encryption, so clients that set public ACLs
	// keep working and plain writes cost no encryption.
	S3Defaults2023 bool
	// OSSDefaults2025 gives OSS buckets the default OSS applies to new
	// buckets since October 2025: Block Public Access on (a public ACL
	// asked for at creation is then refused, AccessDenied). Default false,
	// as for S3Defaults2023: clients and tests that make public-read
	// buckets keep working.
	OSSDefaults2025 bool
	// RequireTLSForSSEC says when SSE-C requests (whose keys travel in
	// headers) must come over TLS. Default TLSUnlessLoopback: plain HTTP
	// is refused unless the client is on a loopback address (the fake's
	// in-memory transport counts as loopback).
	RequireTLSForSSEC TLSRequirement
	// MFADevices are the virtual MFA devices S3's MFA delete accepts
	// codes of (x-amz-mfa: serial, space, code; mfa.go): enabling MFA
	// delete on a bucket, and then changing its versioning or deleting
	// an object version, takes a current code of a device of the bucket
	// owner's account. With none, MFA delete cannot be enabled (and a
	// bucket that has it enabled refuses those requests). Default: none.
	MFADevices []MFADevice
	// RequireTLSForMFA says when requests carrying x-amz-mfa must come
	// over TLS (S3: always). Default TLSUnlessLoopback, as for
	// RequireTLSForSSEC.
	RequireTLSForMFA TLSRequirement
	// POST Object and OSS upload callbacks (postobject.go, osscallback.go).

	// MaxPostFormFields caps the bytes of a POST Object form before its
	// file part (field values, part headers, boundaries); each field
	// value is further capped at 20 KiB. Default 1 MiB.
	MaxPostFormFields int64
	// CallbackKey signs OSS upload callbacks. Default: an RSA 2048 key
	// generated when the first callback is sent (or its public key
	// fetched).
	CallbackKey *rsa.PrivateKey
	// CallbackTimeout bounds each callback request, answer included.
	// Default 5 seconds.
	CallbackTimeout time.Duration
	// CallbackTransport carries callback requests. Default: a transport
	// that dials loopback addresses only, unless CallbackHosts names
	// other hosts.
	CallbackTransport http.RoundTripper
	// CallbackHosts are the hosts callback URLs may name besides
	// loopback addresses and "localhost"; "*" allows any host but a
	// link-local address (169.254.0.0/16, fe80::/10, where clouds serve
	// instance metadata) or another cloud metadata address
	// (100.100.100.200, fd00:ec2::254), which only an entry naming that address allows,
	// by name and at each connection (the default transport). A callback
	// to any other host is refused with InvalidArgument. Default: none.
	CallbackHosts []string
	// DenyLoopbackOutbound refuses loopback addresses (and "localhost")
	// to the requests the server makes on a client's behalf: OSS upload
	// callbacks and mirror-back fetches, whatever CallbackHosts and
	// MirrorOrigins allow ("*" included) and whatever a name resolves to.
	// Set it on a server others reach: there a client could otherwise
	// make the server call services that listen on its own host's
	// loopback and read their answers. Default false: loopback is allowed
	// (tests and development run callback servers and origins there).
	DenyLoopbackOutbound bool
	// OSS mirror-back (mirror.go).

	// MirrorOrigins are the origins OSS mirror-back rules (RoutingRule
	// RedirectType Mirror) may fetch from besides loopback addresses and
	// "localhost", as URL prefixes: "https://img.example.com/" or
	// "http://10.0.0.7:8080/static/" allow URLs with the same scheme,
	// host and port whose path starts with the prefix's path; "*" allows
	// any origin but a link-local address (as CallbackHosts), which only
	// an origin of that address allows. A rule naming another origin is
	// answered 501
	// NotImplemented. Default: none; with none, every mirror connection
	// is checked to be to a loopback address (as for callbacks).
	MirrorOrigins []string
	// MirrorTimeout bounds connecting to a mirror origin, waiting for its
	// answer, and each wait for more of its body. Default 10 seconds
	// (DefaultMirrorTimeout, OSS's).
	MirrorTimeout time.Duration
	// MirrorTransport carries mirror fetches (redirects are followed by
	// the server, each hop checked against MirrorOrigins). Default: a
	// transport that dials loopback addresses only, unless MirrorOrigins
	// names others.
	MirrorTransport http.RoundTripper

	// LookupTXT answers the TXT records of a DNS name: PutCname binds a
	// custom domain only when the records of _dnsauth.<domain> hold the
	// bucket's ownership token (CreateCnameToken), as OSS checks.
	// Default: the system resolver, each lookup bounded by 5 seconds.
	LookupTXT func(ctx context.Context, name string) ([]string, error)

	// AccountQoS is every account's limits, as OSS's GetUserQoSInfo
	// answers them (Gbit/s and requests a second; -1 no limit, 0
	// nothing allowed): no bucket's QoS settings may exceed them, and,
	// when set, they are executed over all the requests to each
	// account's buckets, as a bucket's settings are over its own.
	// Default (nil): OSS's documented limits of an account in China
	// (Hangzhou), 20 Gbit/s of uploads and 100 Gbit/s of downloads, 20
	// of each over the internet, and no limit of requests: answered and
	// bounding bucket settings, but not metered (one osslite process
	// moves far less).
	AccountQoS *bucketconfig.QoS

	// shaping, when set, is the clock the QoS bandwidth meters read and
	// wait on instead of the wall clock: tests step one of their own
	// (export_test.go).
	shaping shapingClock

	// targetOpened, when set, runs when a read through a symlink has
	// opened its target, before the target's read is decided
	// (canReadTarget): tests overwrite the target there
	// (export_test.go).
	targetOpened func(bucket, target string)
}

// TLSRequirement is Config.RequireTLSForSSEC and Config.RequireTLSForMFA.
type TLSRequirement uint8

const (
	// TLSUnlessLoopback refuses SSE-C (x-amz-mfa) over plain HTTP from
	// other hosts.
	TLSUnlessLoopback TLSRequirement = iota
	// TLSAlways refuses SSE-C (x-amz-mfa) over plain HTTP from every
	// client.
	TLSAlways
	// TLSNever accepts SSE-C (x-amz-mfa) over plain HTTP (behind a proxy
	// that terminates TLS).
	TLSNever
)

// Option changes a Config.
type Option func(*Config)

// WithCredentials adds access key -> secret key pairs.
func WithCredentials(creds map[string]string) Option {
	return func(c *Config) {
		if c.Credentials == nil {
			c.Credentials = make(map[string]string, len(creds))
		}
		for k, v := range creds {
			c.Credentials[k] = v
		}
	}
}

// WithUsers adds users (see Config.Users).
func WithUsers(users ...User) Option {
	return func(c *Config) { c.Users = append(c.Users, users...) }
}

// WithDirectory sets the identity directory (see Config.Directory).
func WithDirectory(d Directory) Option { return func(c *Config) { c.Directory = d } }

// WithS3Defaults2023 gives new S3 buckets S3's 2023 defaults (see
// Config.S3Defaults2023).
func WithS3Defaults2023() Option { return func(c *Config) { c.S3Defaults2023 = true } }

// WithOSSDefaults2025 gives new OSS buckets OSS's default since October
// 2025, Block Public Access on (see Config.OSSDefaults2025).
func WithOSSDefaults2025() Option { return func(c *Config) { c.OSSDefaults2025 = true } }

// WithPermissive turns on permissive mode (see Config.Permissive).
func WithPermissive() Option { return func(c *Config) { c.Permissive = true } }

// WithDomains adds virtual-host base domains (see Config.Domains).
func WithDomains(domains ...string) Option {
	return func(c *Config) { c.Domains = append(c.Domains, domains...) }
}

// WithOSSDomains adds base domains served in the OSS dialect, for
// virtual-host addressing too (see Config.OSSDomains).
func WithOSSDomains(domains ...string) Option {
	return func(c *Config) { c.OSSDomains = append(c.OSSDomains, domains...) }
}

// WithSinaDomains adds base domains served in the Sina dialect, for
// virtual-host addressing too (see Config.SinaDomains).
func WithSinaDomains(domains ...string) Option {
	return func(c *Config) { c.SinaDomains = append(c.SinaDomains, domains...) }
}

// WithMinPartSize overrides the dialects' minimum part size (see
// Config.MinPartSize).
func WithMinPartSize(n int64) Option { return func(c *Config) { c.MinPartSize = n } }

// WithRegion sets the server region (see Config.Region).
func WithRegion(region string) Option { return func(c *Config) { c.Region = region } }

// WithLogger sets the request logger (see Config.Logger).
func WithLogger(l *slog.Logger) Option { return func(c *Config) { c.Logger = l } }

// WithObserver sets the per-request observer (see Config.Observer).
func WithObserver(fn func(Record)) Option { return func(c *Config) { c.Observer = fn } }

// WithInterceptor sets the fault-injection hook (see Config.Interceptor).
func WithInterceptor(fn func(w http.ResponseWriter, r *http.Request, op Op) bool) Option {
	return func(c *Config) { c.Interceptor = fn }
}

// WithRequestLimits caps the requests served at once, all and
// anonymous (see Config.MaxConcurrentRequests and
// Config.MaxAnonymousRequests; 0 keeps the default, negative is no cap).
func WithRequestLimits(maxRequests, maxAnonymous int) Option {
	return func(c *Config) { c.MaxConcurrentRequests, c.MaxAnonymousRequests = maxRequests, maxAnonymous }
}

// WithBodyTimeouts sets how slow a request body may arrive: at least
// minRate bytes per second over each window, and never idle for longer
// than idle (see Config.MinBodyRate, Config.BodyRateWindow and
// Config.BodyIdleTimeout; 0 keeps a default, negative turns it off).
func WithBodyTimeouts(minRate int64, window, idle time.Duration) Option {
	return func(c *Config) { c.MinBodyRate, c.BodyRateWindow, c.BodyIdleTimeout = minRate, window, idle }
}

// WithWriteTimeout sets the time allowed for writing each MiB of an
// object body (see Config.WriteTimeout).
func WithWriteTimeout(d time.Duration) Option { return func(c *Config) { c.WriteTimeout = d } }

// WithMaxBucketsPerOwner sets Config.MaxBucketsPerOwner (negative: no cap).
func WithMaxBucketsPerOwner(n int) Option { return func(c *Config) { c.MaxBucketsPerOwner = n } }

// WithSelectMaxWorkPerByte sets Config.SelectMaxWorkPerByte.
func WithSelectMaxWorkPerByte(n int) Option { return func(c *Config) { c.SelectMaxWorkPerByte = n } }

// WithRTMPReadTimeout sets Config.RTMPReadTimeout.
func WithRTMPReadTimeout(d time.Duration) Option { return func(c *Config) { c.RTMPReadTimeout = d } }

// WithRequireTLSForSSEC sets Config.RequireTLSForSSEC.
func WithRequireTLSForSSEC(r TLSRequirement) Option {
	return func(c *Config) { c.RequireTLSForSSEC = r }
}

// WithMFADevices adds virtual MFA devices (see Config.MFADevices).
func WithMFADevices(devices ...MFADevice) Option {
	return func(c *Config) { c.MFADevices = append(c.MFADevices, devices...) }
}

// WithRequireTLSForMFA sets Config.RequireTLSForMFA.
func WithRequireTLSForMFA(r TLSRequirement) Option {
	return func(c *Config) { c.RequireTLSForMFA = r }
}

// WithCallbacks sets how OSS upload callbacks are sent: the transport
// (nil: the default, loopback-only) and the hosts callback URLs may name
// besides loopback ones (see Config.CallbackTransport and
// Config.CallbackHosts).
func WithCallbacks(rt http.RoundTripper, hosts ...string) Option {
	return func(c *Config) { c.CallbackTransport, c.CallbackHosts = rt, append(c.CallbackHosts, hosts...) }
}

// WithAccountQoS sets Config.AccountQoS.
func WithAccountQoS(q bucketconfig.QoS) Option { return func(c *Config) { c.AccountQoS = &q } }

// WithLookupTXT sets Config.LookupTXT, the resolver PutCname asks.
func WithLookupTXT(lookup func(ctx context.Context, name string) ([]string, error)) Option {
	return func(c *Config) { c.LookupTXT = lookup }
}

// WithMirrorOrigins adds origins OSS mirror-back rules may fetch from
// (see Config.MirrorOrigins).
func WithMirrorOrigins(origins ...string) Option {
	return func(c *Config) { c.MirrorOrigins = append(c.MirrorOrigins, origins...) }
}

// WithRefuseSignatures adds schemes to Config.RefuseSignatures.
func WithRefuseSignatures(schemes SignatureSchemes) Option {
	return func(c *Config) { c.RefuseSignatures |= schemes }
}

// WithDenyLoopbackOutbound sets Config.DenyLoopbackOutbound.
func WithDenyLoopbackOutbound() Option {
	return func(c *Config) { c.DenyLoopbackOutbound = true }
}

// Defaults.
const (
	DefaultRegion     = "us-east-1"
	DefaultMaxSkew    = 15 * time.Minute
	DefaultMaxXMLBody = 1 << 20
	// DefaultMaxListDocument is the default of Config.MaxListDocument.
	DefaultMaxListDocument = 8 << 20
	defaultOwnerKey        = "osslite"

	// DefaultMaxConcurrentRequests is the default of
	// Config.MaxConcurrentRequests.
	DefaultMaxConcurrentRequests = 1024
	// DefaultMaxAnonymousRequests is the default of
	// Config.MaxAnonymousRequests.
	DefaultMaxAnonymousRequests = 256
	// DefaultMinBodyRate is the default of Config.MinBodyRate, bytes/s.
	DefaultMinBodyRate = 1024
	// DefaultBodyRateWindow is the default of Config.BodyRateWindow.
	DefaultBodyRateWindow = 30 * time.Second
	// DefaultBodyIdleTimeout is the default of Config.BodyIdleTimeout.
	DefaultBodyIdleTimeout = 20 * time.Second
	// DefaultWriteTimeout is the default of Config.WriteTimeout.
	DefaultWriteTimeout = 2 * time.Minute
	// DefaultMaxBucketsPerOwner is the default of Config.MaxBucketsPerOwner.
	DefaultMaxBucketsPerOwner = 10000
)

// EnsureDefaults fills zero fields with their defaults and returns c.
func (c *Config) EnsureDefaults() *Config {
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.LookupTXT == nil {
		c.LookupTXT = systemLookupTXT
	}
	if c.MaxSkew <= 0 {
		c.MaxSkew = DefaultMaxSkew
	}
	if c.MaxXMLBody <= 0 {
		c.MaxXMLBody = DefaultMaxXMLBody
	}
	if c.MaxListDocument <= 0 {
		c.MaxListDocument = DefaultMaxListDocument
	}
	if c.MaxConcurrentRequests == 0 {
		c.MaxConcurrentRequests = DefaultMaxConcurrentRequests
	}
	if c.MaxAnonymousRequests == 0 {
		c.MaxAnonymousRequests = DefaultMaxAnonymousRequests
	}
	if c.MinBodyRate == 0 {
		c.MinBodyRate = DefaultMinBodyRate
	}
	if c.BodyRateWindow <= 0 {
		c.BodyRateWindow = DefaultBodyRateWindow
	}
	if c.BodyIdleTimeout == 0 {
		c.BodyIdleTimeout = DefaultBodyIdleTimeout
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.MaxBucketsPerOwner == 0 {
		c.MaxBucketsPerOwner = DefaultMaxBucketsPerOwner
	}
	if c.RTMPReadTimeout <= 0 {
		c.RTMPReadTimeout = DefaultRTMPReadTimeout
	}
	if c.MaxPostFormFields <= 0 {
		c.MaxPostFormFields = DefaultMaxPostFormFields
	}
	if c.CallbackTimeout <= 0 {
		c.CallbackTimeout = DefaultCallbackTimeout
	}
	if c.MirrorTimeout <= 0 {
		c.MirrorTimeout = DefaultMirrorTimeout
	}
	ds := []string{"localhost", "127.0.0.1"}
	var oss []string
	for _, d := range c.OSSDomains {
		d = strings.ToLower(strings.Trim(d, "."))
		if d != "" && !slices.Contains(oss, d) {
			oss = append(oss, d)
		}
	}
	var sinas []string
	for _, d := range c.SinaDomains {
		d = strings.ToLower(strings.Trim(d, "."))
		if d != "" && !slices.Contains(sinas, d) {
			sinas = append(sinas, d)
		}
	}
	for _, d := range append(append(c.Domains, oss...), sinas...) {
		d = strings.ToLower(strings.Trim(d, "."))
		if d != "" && !slices.Contains(ds, d) {
			ds = append(ds, d)
		}
		if ossDomain(d) && !slices.Contains(oss, d) {
			oss = append(oss, d)
		}
		if sinaDomain(d) && !slices.Contains(sinas, d) {
			sinas = append(sinas, d)
		}
	}
	c.Domains, c.OSSDomains, c.SinaDomains = ds, oss, sinas
	if c.Owner == "" {
		c.Owner = defaultOwnerKey
		if len(c.Credentials)+len(c.Users) > 0 {
			keys := make([]string, 0, len(c.Credentials)+len(c.Users))
			for k := range c.Credentials {
				keys = append(keys, k)
			}
			for _, u := range c.Users {
				keys = append(keys, u.AccessKey)
			}
			c.Owner = slices.Min(keys)
		}
	}
	return c
}

// Record describes one served request; see WithObserver.
type Record struct {
	Method    string
	Operation string // AWS operation name, "Unknown" when unrouted
	Bucket    string
	Key       string
	Dialect   string // "s3", "oss" or "sina"
	RequestID string
	Status    int
	// Bytes is the number of response body bytes written.
	Bytes    int64
	Duration time.Duration
	// ErrorCode is the error code of a failed request, as the dialect
	// wrote it; EC is its OSS error class.
	ErrorCode, EC string
	// AccessKey is the access key the request was signed with ("" for
	// anonymous requests). Secrets are never recorded.
	AccessKey string
	// Subresource names the sub-resources of a request no operation
	// serves (Operation is then "Unknown").
	Subresource string
	// Aborted is set when the response was cut short (the client went
	// away, or the body failed after the status line).
	Aborted bool
	// UserDefinedLogFields is OSS's user_defined_log_fields of a request
	// to a bucket with user-defined log fields
	// (PutUserDefinedLogFieldsConfig): base64 of a JSON object
	// {"truncated":false,"headers":{...},"querys":{...}} with the named
	// headers and query parameters the request carried; "" when it
	// carried none or the bucket names none. OSS requests only.
	UserDefinedLogFields string
}
