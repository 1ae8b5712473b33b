package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/sigv4"
)

// Identities. A server knows users (access key, secret, canonical user ID,
// display name, e-mail, OSS UID) and temporary credentials (an access key
// and secret with a session token and an expiry, acting as one of the
// users). Authentication looks the access key of a request up in the
// Directory; ACL grants name users by canonical ID or e-mail address.

// User is one identity the server knows.
type User struct {
	// AccessKey and SecretKey are the user's long-term credentials.
	// AccessKey is required; a user without SecretKey cannot sign (it can
	// still be named in grants).
	AccessKey string `json:"accessKey" yaml:"accessKey"`
	SecretKey string `json:"secretKey" yaml:"secretKey"`
	// CanonicalID is the S3 canonical user ID that owns buckets and
	// objects and that grants name. Default: hex SHA-256 of AccessKey.
	CanonicalID string `json:"canonicalId,omitempty" yaml:"canonicalId,omitempty"`
	// DisplayName is shown next to the ID in owners and grants, to
	// whoever reads the document (a public OSS bucket's listing
	// included). Default: CanonicalID, which discloses nothing the ID
	// beside it does not (the access key did: an access key ID shown to
	// strangers). S3 stopped returning DisplayName in November 2025; OSS
	// shows its ID as DisplayName.
	DisplayName string `json:"displayName,omitempty" yaml:"displayName,omitempty"`
	// Email resolves emailAddress= grants (x-amz-grant-*) and
	// AmazonCustomerByEmail grantees to this user. Default: none.
	Email string `json:"email,omitempty" yaml:"email,omitempty"`
	// OSSUID is the user's ID as the OSS dialect shows it (owner IDs of
	// ListBuckets, GetBucketAcl, listings). Default: CanonicalID.
	OSSUID string `json:"ossUid,omitempty" yaml:"ossUid,omitempty"`
}

// withDefaults fills the derived fields of u.
func (u User) withDefaults() User {
	if u.CanonicalID == "" {
		u.CanonicalID = ownerID(u.AccessKey)
	}
	if u.DisplayName == "" {
		u.DisplayName = u.CanonicalID
	}
	if u.OSSUID == "" {
		u.OSSUID = u.CanonicalID
	}
	return u
}

// TemporaryCredential is a session: an access key and secret that sign
// as User (S3 session token, OSS STS token) until Expires. Requests
// signed with it must carry Token (x-amz-security-token or
// x-oss-security-token, header or signed URL).
type TemporaryCredential struct {
	AccessKey string
	SecretKey string
	Token     string
	// Expires is when the credential stops working, on the engine clock.
	// Zero never expires.
	Expires time.Time
	// User is the access key (or canonical ID) of the user the session
	// acts as.
	User string
}

// Credential is what a Directory knows about an access key.
type Credential struct {
	// User is the identity requests signed with the key act as.
	User   User
	Secret string
	// Token is the session token the key's requests must carry; "" for a
	// long-term key, whose requests must carry none.
	Token string
	// Expires is when a temporary key stops working; zero never.
	Expires time.Time
}

// Directory looks identities up. Implementations must be safe for
// concurrent use; Lookup is on every signed request's path. UserStore is
// the directory New builds from Config.Credentials and Config.Users.
type Directory interface {
	// Lookup returns the credential of an access key. A User without a
	// CanonicalID acts as the default one, hex SHA-256 of its AccessKey.
	Lookup(accessKey string) (Credential, bool)
	// UserByID returns the user with a canonical user ID (or OSS UID).
	UserByID(id string) (User, bool)
	// UserByEmail returns the user with an e-mail address (case
	// insensitive).
	UserByEmail(email string) (User, bool)
}

// Errors of UserStore.
var (
	// ErrInvalidUser is returned for a user or credential that lacks a
	// required field or clashes with one already known.
	ErrInvalidUser = errors.New("httpapi: invalid user")
	// ErrNoSuchUser is returned for a temporary credential naming an
	// unknown user.
	ErrNoSuchUser = errors.New("httpapi: no such user")
)

// UserStore is a Directory held in memory: users and temporary
// credentials, added and removed at run time. It is safe for concurrent
// use.
type UserStore struct {
	mu      sync.RWMutex
	keys    map[string]Credential // access key -> credential
	byID    map[string]User       // canonical ID and OSS UID -> user
	byEmail map[string]User       // lower-case e-mail -> user
	// byAccount maps the 12-digit account IDs of users (policyAccount
	// of the canonical ID) to their access keys.
	byAccount map[string]string
	// bySina maps the SCS user IDs of users (sinaUserID of the canonical
	// ID, as Sina documents show them) to their access keys.
	bySina map[string]string
}

// NewUserStore returns a store holding users.
func NewUserStore(users ...User) (*UserStore, error) {
	s := &UserStore{keys: map[string]Credential{}, byID: map[string]User{}, byEmail: map[string]User{}, byAccount: map[string]string{}, bySina: map[string]string{}}
	for _, u := range users {
		if err := s.AddUser(u); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// AddUser adds a user, or replaces the user with the same access key. A
// canonical ID, OSS UID or e-mail address another user has already is
// ErrInvalidUser, and so is a canonical ID whose account ID (the 12
// digits bucket policies, aws:PrincipalAccount and
// x-amz-expected-bucket-owner name a user by) is another user's: two
// hex IDs sharing their first 16 digits were one account to policies.
// So is a canonical ID whose SCS user ID (Sina's documents and grants) is
// another user's: a literal "SINA" and 16 hex digits is the SCS ID of
// every hex ID starting with those digits.
func (s *UserStore) AddUser(u User) error {
	if u.AccessKey == "" {
		return fmt.Errorf("%w: a user needs an access key", ErrInvalidUser)
	}
	u = u.withDefaults()
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.keys[u.AccessKey]; ok && c.Token != "" {
		return fmt.Errorf("%w: access key %q is a temporary credential", ErrInvalidUser, u.AccessKey)
	}
	if other, ok := s.byID[u.CanonicalID]; ok && other.AccessKey != u.AccessKey {
		return fmt.Errorf("%w: canonical ID %q is taken by %q", ErrInvalidUser, u.CanonicalID, other.AccessKey)
	}
	// An OSS UID names a user in OSS policies and documents as a
	// canonical ID does in S3's: one shared would make two users one.
	if other, ok := s.byID[u.OSSUID]; ok && other.AccessKey != u.AccessKey {
		return fmt.Errorf("%w: OSS UID %q is taken by %q", ErrInvalidUser, u.OSSUID, other.AccessKey)
	}
	account := policyAccount(u.CanonicalID)
	if other, ok := s.byAccount[account]; ok && other != u.AccessKey {
		return fmt.Errorf("%w: canonical ID %q is account %s, taken by %q", ErrInvalidUser, u.CanonicalID, account, other)
	}
	sid := sinaUserID(u.CanonicalID)
	if other, ok := s.bySina[sid]; ok && other != u.AccessKey {
		return fmt.Errorf("%w: canonical ID %q is SCS user %s, taken by %q", ErrInvalidUser, u.CanonicalID, sid, other)
	}
	email := strings.ToLower(u.Email)
	if other, ok := s.byEmail[email]; ok && email != "" && other.AccessKey != u.AccessKey {
		return fmt.Errorf("%w: e-mail %q is taken by %q", ErrInvalidUser, u.Email, other.AccessKey)
	}
	if old, ok := s.keys[u.AccessKey]; ok { // replaced: forget its old names
		delete(s.byID, old.User.CanonicalID)
		delete(s.byID, old.User.OSSUID)
		delete(s.byEmail, strings.ToLower(old.User.Email))
		delete(s.byAccount, policyAccount(old.User.CanonicalID))
		delete(s.bySina, sinaUserID(old.User.CanonicalID))
	}
	s.keys[u.AccessKey] = Credential{User: u, Secret: u.SecretKey}
	s.byID[u.CanonicalID] = u
	s.byID[u.OSSUID] = u
	s.byAccount[account] = u.AccessKey
	s.bySina[sid] = u.AccessKey
	if email != "" {
		s.byEmail[email] = u
	}
	return nil
}

// AddTemporary registers a temporary credential (S3 session, OSS STS
// token), replacing one with the same access key. Its user must be known.
func (s *UserStore) AddTemporary(t TemporaryCredential) error {
	if t.AccessKey == "" || t.SecretKey == "" || t.Token == "" {
		return fmt.Errorf("%w: a temporary credential needs an access key, a secret and a token", ErrInvalidUser)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.keys[t.AccessKey]; ok && c.Token == "" {
		return fmt.Errorf("%w: access key %q belongs to a user", ErrInvalidUser, t.AccessKey)
	}
	u, ok := s.byID[t.User]
	if c, isKey := s.keys[t.User]; !ok && isKey && c.Token == "" {
		u, ok = c.User, true
	}
	if !ok {
		return fmt.Errorf("%w: %q", ErrNoSuchUser, t.User)
	}
	s.keys[t.AccessKey] = Credential{User: u, Secret: t.SecretKey, Token: t.Token, Expires: t.Expires}
	return nil
}

// RemoveTemporary revokes a temporary credential.
func (s *UserStore) RemoveTemporary(accessKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.keys[accessKey]; ok && c.Token != "" {
		delete(s.keys, accessKey)
	}
}

// Users returns the users (not the temporary credentials), in no order.
func (s *UserStore) Users() []User {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []User
	for _, c := range s.keys {
		if c.Token == "" {
			out = append(out, c.User)
		}
	}
	return out
}

// Lookup implements Directory. A temporary credential carries its user
// as the user is now (AddUser may have replaced it).
func (s *UserStore) Lookup(accessKey string) (Credential, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.keys[accessKey]
	if ok && c.Token != "" {
		if u, isUser := s.keys[c.User.AccessKey]; isUser {
			c.User = u.User
		}
	}
	return c, ok
}

// UserByID implements Directory.
func (s *UserStore) UserByID(id string) (User, bool) {
	s.mu.RLock()
	u, ok := s.byID[id]
	s.mu.RUnlock()
	return u, ok
}

// UserByEmail implements Directory.
func (s *UserStore) UserByEmail(email string) (User, bool) {
	s.mu.RLock()
	u, ok := s.byEmail[strings.ToLower(email)]
	s.mu.RUnlock()
	return u, ok
}

// buildDirectory is the directory of a configuration: Config.Directory,
// or a UserStore of Config.Credentials and Config.Users.
func buildDirectory(c *Config) (Directory, error) {
	if c.Directory != nil {
		return c.Directory, nil
	}
	st, err := NewUserStore(c.Users...)
	if err != nil {
		return nil, err
	}
	for ak, sk := range c.Credentials {
		if _, ok := st.Lookup(ak); ok {
			continue // a Users entry says more
		}
		if err := st.AddUser(User{AccessKey: ak, SecretKey: sk}); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// ownerID is the default canonical user ID of an access key: hex SHA-256
// of it (operations.md A.6).
func ownerID(accessKey string) string {
	h := sha256.Sum256([]byte(accessKey))
	return hex.EncodeToString(h[:])
}

// secret looks up the secret key of an access key (the signature
// verifiers' lookup).
func (s *server) secret(ak string) (string, bool) {
	c, ok := s.dir.Lookup(ak)
	if !ok || c.Secret == "" {
		if sess, ok := s.express.get(ak); ok { // an S3 Express session (express_s3.go)
			return sess.secret, true
		}
		return "", false
	}
	return c.Secret, true
}

// identify turns a verified access key and the session token its request
// carried into the principal. The token is part of the signed request (an
// x-amz-/x-oss- header the signature covers, or a signed query
// parameter): a temporary key must bring its own token, unexpired on the
// engine clock; a long-term key must bring none.
func (s *server) identify(ak, token string) (principal, error) {
	c, ok := s.dir.Lookup(ak)
	if !ok {
		return principal{}, errorf("InvalidAccessKeyId", "")
	}
	switch {
	case c.Token == "" && token != "":
		return principal{}, errorf("InvalidToken", "")
	case c.Token != "" && token == "":
		// The temporary key is unknown without its token (as in S3 and OSS).
		return principal{}, errorf("InvalidAccessKeyId", "")
	case c.Token != "" && subtle.ConstantTimeCompare([]byte(c.Token), []byte(token)) != 1:
		return principal{}, errorf("InvalidToken", "")
	case c.Token != "" && !c.Expires.IsZero() && !s.clock.Now().Before(c.Expires):
		return principal{}, errorf("ExpiredToken", "")
	}
	return principal{accessKey: ak, id: c.userID(ak)}, nil
}

// userID is the canonical user ID the requests of a credential found by
// access key ak act as: its user's, or, from a Directory that leaves it
// empty, the default ID of the user's access key (of ak when that is
// empty too), as UserStore fills it in. Never "": an owner of "" is every
// authenticated caller (owns), so such a user's buckets and objects were
// everyone's.
func (c Credential) userID(ak string) string {
	switch {
	case c.User.CanonicalID != "":
		return c.User.CanonicalID
	case c.User.AccessKey != "":
		return ownerID(c.User.AccessKey)
	}
	return ownerID(ak)
}

// displayName returns the display name of a canonical ID: the user's,
// else the ID itself (never an access key: DisplayName is shown to
// anyone who may list, read an ACL or read a public OSS bucket).
func (s *server) displayName(id string) string {
	if s.dir != nil {
		if u, ok := s.dir.UserByID(id); ok {
			return u.DisplayName
		}
	}
	return id
}

// userName is the friendly name a policy reads as aws:username: the
// user's display name when one was set, else its access key. It is
// evaluated, never shown (displayName no longer defaults to the key).
func (s *server) userName(who principal) string {
	if s.dir != nil {
		if u, ok := s.dir.UserByID(who.id); ok {
			if u.DisplayName != "" && u.DisplayName != u.CanonicalID {
				return u.DisplayName
			}
			if u.AccessKey != "" {
				return u.AccessKey
			}
		}
	}
	return who.accessKey
}

// s3SessionToken is the session token of a verified S3 request. The
// signature covers it: SigV4 signs every x-amz-* header it accepts
// (sigv4.Verify refuses unsigned ones) and the whole query of a presigned
// URL; SigV2 signs every x-amz-* header. A SigV2 presigned URL carries it
// as the x-amz-security-token parameter, which SigV2 does not sign; the
// token must still match the key's.
func s3SessionToken(r *http.Request, res *sigv4.Result) string {
	if res.SecurityToken != "" {
		return res.SecurityToken
	}
	if t := headerValue(r.Header, "X-Amz-Security-Token"); t != "" {
		return t
	}
	if res.Method == sigv4.MethodV2Query {
		return queryToken(r)
	}
	return ""
}

// queryToken is a presigned request's session token: SigV4's
// X-Amz-Security-Token parameter, or SigV2's as it is signed, an amz
// header from the query with its name in any case.
func queryToken(r *http.Request) string {
	if v := sigv4.QueryAmzHeaders(r)["x-amz-security-token"]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// knownUser refuses a canonical ID no account has, as S3 does in ACLs:
// 400 InvalidArgument "Invalid id", the argument named "id" in a grant
// header (fromHeader) and "CanonicalUser/ID" in an AccessControlPolicy.
// (Permissive mode makes users as it meets them, so any ID may be one
// later; without a user directory there is nothing to check against.)
func (s *server) knownUser(id string, fromHeader bool) error {
	if s.cfg.Permissive || s.dir == nil {
		return nil
	}
	if _, ok := s.dir.UserByID(id); ok {
		return nil
	}
	name := "CanonicalUser/ID"
	if fromHeader {
		name = "id"
	}
	return errorf("InvalidArgument", "Invalid id").with("ArgumentName", name).with("ArgumentValue", id)
}

// resolveGrants turns grants to e-mail addresses into grants to the
// users with those addresses (as S3 stores them), in place. An address
// no user has is UnresolvableGrantByEmailAddress, an unknown canonical ID
// InvalidArgument (knownUser; fromHeader says the grants came from
// x-amz-grant-* headers).
func (s *server) resolveGrants(grants []engine.Grant, fromHeader bool) error {
	for i, g := range grants {
		if g.GranteeType == "CanonicalUser" {
			if err := s.knownUser(g.ID, fromHeader); err != nil {
				return err
			}
			continue
		}
		if g.GranteeType != "AmazonCustomerByEmail" {
			continue
		}
		var u User
		ok := false
		if s.dir != nil {
			u, ok = s.dir.UserByEmail(g.Email)
		}
		if !ok {
			return errorf("UnresolvableGrantByEmailAddress", "")
		}
		grants[i] = engine.Grant{GranteeType: "CanonicalUser", ID: u.CanonicalID, DisplayName: u.DisplayName, Permission: g.Permission}
	}
	return nil
}

// shownID is a canonical user ID as dialect d shows it: the user's OSS
// UID where the dialect shows those, else d.userID's form.
func (s *server) shownID(d *dialect, canonical string) string {
	if d.showsOSSUID {
		return s.ossUID(canonical)
	}
	return d.userID(canonical)
}

// ossUID is the OSS UID of the user with a canonical ID (the ID itself
// for users the directory does not know).
func (s *server) ossUID(canonical string) string {
	if s.dir != nil {
		if u, ok := s.dir.UserByID(canonical); ok {
			return u.OSSUID
		}
	}
	return canonical
}

// ownerDoc is the Owner element of a user in dialect d's documents: the
// canonical ID, or the OSS UID where the dialect shows those.
func (s *server) ownerDoc(d *dialect, canonical string) owner {
	id := canonical
	if d.showsOSSUID {
		id = s.ossUID(canonical)
	}
	return owner{ID: id, DisplayName: s.displayName(canonical)}
}
