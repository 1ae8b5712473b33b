package httpapi

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/internal/totp"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// MFA delete (S3). A bucket whose versioning configuration says
// MfaDelete Enabled takes, for changing its versioning configuration
// and for deleting an object version for good (DeleteObject with a
// versionId, DeleteObjects entries with a VersionId), the x-amz-mfa
// header: a device's serial number, a space, and the six-digit code the
// device shows. So does the PutBucketVersioning that enables it. Only the
// bucket owner may send it, with a device of the bucket owner's account
// (S3: the root account's).
//
// Devices are virtual: a serial and a base32 TOTP secret (RFC 6238,
// HMAC-SHA1, 30-second steps, six digits) configured with
// Config.MFADevices. Codes are checked on the engine clock; the step of
// now and one either side are accepted, and each code once per device
// (RFC 6238 section 5.2: a step accepted once is not accepted again, nor
// any earlier one). The steps used are kept in memory: a restart forgets
// them.
//
// OSS has no MFA delete; the OSS and Sina dialects never read the header,
// so on a bucket with MFA delete enabled (through S3) their version
// deletes and versioning changes are refused, as S3's are without it.

// MFADevice is a virtual MFA device (an authenticator app's TOTP
// secret).
type MFADevice struct {
	// Serial is what x-amz-mfa names the device by: an ARN such as
	// arn:aws:iam::123456789012:mfa/root-account-mfa-device, or any
	// string without spaces. Required, unique.
	Serial string `json:"serial" yaml:"serial"`
	// Secret is the device's TOTP seed in base32 (RFC 4648; case, spaces
	// and padding do not matter), as IAM's Base32StringSeed and
	// authenticator apps show it. Required.
	Secret string `json:"secret" yaml:"secret"`
	// User is the account the device belongs to: an access key or a
	// canonical user ID. Only buckets this account owns accept the
	// device's codes. Default: Config.Owner.
	User string `json:"user,omitempty" yaml:"user,omitempty"`
}

// ErrInvalidMFADevice is returned for an MFA device without a serial
// (or with a space in it), with a secret that is not base32, or with a
// serial used twice.
var ErrInvalidMFADevice = errors.New("httpapi: invalid MFA device")

// Validate checks d's fields (not whether its serial is unique).
func (d MFADevice) Validate() error {
	if d.Serial == "" || strings.ContainsAny(d.Serial, " \t") {
		return fmt.Errorf("%w: the serial %q is empty or holds a space", ErrInvalidMFADevice, d.Serial)
	}
	if _, err := totp.DecodeSecret(d.Secret); err != nil {
		return fmt.Errorf("%w: %s: the secret is not base32", ErrInvalidMFADevice, d.Serial)
	}
	return nil
}

// mfaDevices holds the configured devices and the last step each has
// accepted.
type mfaDevices struct {
	bySerial map[string]mfaDevice
	mu       sync.Mutex
	used     map[string]uint64 // serial -> last step accepted
}

type mfaDevice struct {
	key     []byte
	account string // canonical user ID
}

// newMFADevices builds the devices of c, their accounts looked up in dir.
func newMFADevices(c *Config, dir Directory) (*mfaDevices, error) {
	m := &mfaDevices{bySerial: make(map[string]mfaDevice, len(c.MFADevices)), used: map[string]uint64{}}
	for _, d := range c.MFADevices {
		if err := d.Validate(); err != nil {
			return nil, err
		}
		if _, dup := m.bySerial[d.Serial]; dup {
			return nil, fmt.Errorf("%w: the serial %q is used twice", ErrInvalidMFADevice, d.Serial)
		}
		key, _ := totp.DecodeSecret(d.Secret)
		user := d.User
		if user == "" {
			user = c.Owner
		}
		m.bySerial[d.Serial] = mfaDevice{key: key, account: accountID(dir, user)}
	}
	return m, nil
}

// accountID is the canonical user ID of an access key or canonical ID:
// the directory's, else the default one of an access key (permissive
// servers take keys the directory does not know).
func accountID(dir Directory, user string) string {
	if c, ok := dir.Lookup(user); ok {
		return c.userID(user)
	}
	if u, ok := dir.UserByID(user); ok {
		return u.CanonicalID
	}
	return ownerID(user)
}

// hasDevice reports whether an account has a device.
func (m *mfaDevices) hasDevice(account string) bool {
	for _, d := range m.bySerial {
		if account == "" || d.account == account {
			return true
		}
	}
	return false
}

// MFA errors, made fresh for each request (the handler adds to them).
// S3 documents that a request without the header fails; the code and
// message of a missing header, of a malformed one, of a non-owner and of
// a lifecycle conflict are the ones S3 answers (seen in the field); the
// others are ours, in the same codes.
func errMFARequired() *Error {
	return errorf("AccessDenied", "Mfa Authentication must be used for this request")
}

func errMFANotOwner() *Error {
	return errorf("AccessDenied", "This operation may only be performed by the bucket owner")
}

func errMFAInvalid() *Error {
	return errorf("AccessDenied", "The MFA serial number or authentication code is not valid.")
}

func errMFAReused() *Error {
	return errorf("AccessDenied", "The MFA authentication code was used already: wait for the next one.")
}

func errMFANoDevice() *Error {
	return errorf("AccessDenied", "MFA delete needs an MFA device of the bucket owner's account, and this server has none "+
		"(httpapi.WithMFADevices; osslite -mfa-device).")
}

func errMFAOverHTTP() *Error {
	return errorf("InvalidRequest", "Requests that include x-amz-mfa must use HTTPS.")
}

func errMFALifecycle() *Error {
	return errorf("InvalidBucketState", "Mfa Authentication is not supported on a bucket with lifecycle configuration. "+
		"Delete lifecycle configuration before enabling Mfa Authentication.")
}

func errLifecycleMFADelete() *Error {
	return errorf("InvalidBucketState", "Lifecycle configuration is not supported on a bucket with Mfa Authentication enabled.")
}

func errMFAMalformed(v string) *Error {
	return errorf("InvalidArgument", "Mfa header is invalid -- the header should be formatted as {serialNumber}(space){tokenCode}").
		with("ArgumentName", "x-amz-mfa").with("ArgumentValue", v)
}

// versioningOf is the bucket's stored versioning configuration (nil:
// never configured).
func (s *server) versioningOf(rc *request) (*bucketconfig.Versioning, error) {
	c, err := s.eng.BucketConfigValue(rc.ctx, rc.op.Bucket, bucketconfig.KindVersioning)
	if errors.Is(err, engine.ErrNoSuchConfig) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return c.(*bucketconfig.Versioning), nil
}

// mfaDeleteOn reports whether the bucket's versioning configuration
// says MfaDelete Enabled.
func (s *server) mfaDeleteOn(rc *request) (bool, error) {
	v, err := s.versioningOf(rc)
	return v != nil && v.MFADelete == "Enabled", err
}

// mfaHeader is the request's x-amz-mfa ("" in dialects without MFA
// delete).
func (rc *request) mfaHeader() string {
	if !rc.d.behave.mfaDelete {
		return ""
	}
	return rc.r.Header.Get("x-amz-mfa")
}

// checkMFA authenticates the request's x-amz-mfa for the bucket, and
// uses the code up. Nothing is changed when it fails.
func (s *server) checkMFA(rc *request) error {
	b, err := s.bucketOf(rc)
	if err != nil {
		return err
	}
	if !s.mfa.hasDevice(b.Owner) {
		return errMFANoDevice()
	}
	v := rc.mfaHeader()
	if v == "" {
		return errMFARequired()
	}
	if !s.tlsOK(rc, s.cfg.RequireTLSForMFA) {
		return errMFAOverHTTP()
	}
	f := strings.Fields(v)
	if len(f) != 2 {
		return errMFAMalformed(v)
	}
	if !s.cfg.Permissive && !owns(rc.who, b.Owner) {
		return errMFANotOwner()
	}
	d, ok := s.mfa.bySerial[f[0]]
	if !ok || (b.Owner != "" && d.account != b.Owner) {
		return errMFAInvalid()
	}
	step, ok := totp.Match(d.key, f[1], s.clock.Now())
	if !ok {
		return errMFAInvalid()
	}
	s.mfa.mu.Lock()
	defer s.mfa.mu.Unlock()
	if last, seen := s.mfa.used[f[0]]; seen && step <= last {
		return errMFAReused()
	}
	s.mfa.used[f[0]] = step
	return nil
}

// tlsOK reports whether the request's transport satisfies req: TLS, or
// plain HTTP where req allows it.
func (s *server) tlsOK(rc *request, req TLSRequirement) bool {
	if rc.r.TLS != nil || req == TLSNever {
		return true
	}
	if req == TLSUnlessLoopback {
		host, _, err := net.SplitHostPort(rc.r.RemoteAddr)
		if err != nil {
			host = rc.r.RemoteAddr
		}
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			return true
		}
	}
	return false
}

// versioningMFA decides a PutBucketVersioning of next (parsed, not yet
// stored; named: its document has MfaDelete). S3 requires x-amz-mfa to
// enable MFA delete, and, once it is enabled, for every change of the
// versioning configuration (turning it off included); a document naming
// MfaDelete Disabled on a bucket without it needs none (AWS's own SDK
// examples send one), though a header it carries is checked. Enabling
// needs a bucket without a lifecycle configuration. A document without
// MfaDelete keeps the stored setting.
func (s *server) versioningMFA(rc *request, next *bucketconfig.Versioning, named bool) error {
	cur, err := s.versioningOf(rc)
	if err != nil {
		return err
	}
	on := cur != nil && cur.MFADelete == "Enabled"
	if !named && cur != nil {
		next.MFADelete = cur.MFADelete
	}
	enabling := !on && next.MFADelete == "Enabled"
	if !on && !enabling {
		if named && rc.mfaHeader() != "" {
			return s.checkMFA(rc)
		}
		return nil
	}
	if enabling {
		if _, err := s.eng.BucketConfigValue(rc.ctx, rc.op.Bucket, bucketconfig.KindLifecycle); err == nil {
			return errMFALifecycle()
		} else if !errors.Is(err, engine.ErrNoSuchConfig) {
			return err
		}
	}
	return s.checkMFA(rc)
}

// lifecycleMFA refuses a lifecycle configuration on a bucket with MFA
// delete enabled, as S3 does ("Lifecycle configuration on MFA-enabled
// buckets is not supported"): its expirations would delete versions no
// one authenticated.
func (s *server) lifecycleMFA(rc *request) error {
	on, err := s.mfaDeleteOn(rc)
	if err != nil {
		return err
	}
	if on {
		return errLifecycleMFADelete()
	}
	return nil
}

// mfaForDelete authenticates a delete in a bucket with MFA delete on:
// one that deletes versions for good (versions) needs x-amz-mfa, and any
// that carries it has it checked. Elsewhere it passes.
func (s *server) mfaForDelete(rc *request, versions bool) error {
	if !versions && rc.mfaHeader() == "" {
		return nil
	}
	on, err := s.mfaDeleteOn(rc)
	if err != nil || !on {
		return err
	}
	return s.checkMFA(rc)
}
