package fake

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/osslite/osslite/httpapi"
)

// WithUsers adds users besides the server's own credentials (AccessKey,
// SecretKey): each signs with its own keys and owns what it creates, and
// grants name it by canonical ID (httpapi.User.CanonicalID, default hex
// SHA-256 of the access key; see Server.UserID) or e-mail address. Build
// SDK clients for a user with its AccessKey and SecretKey.
func WithUsers(users ...httpapi.User) Option {
	return func(c *config) { c.users = append(c.users, users...) }
}

// newUserStore is the directory of a fake: its own credentials and the
// WithUsers users.
func newUserStore(cfg config) (*httpapi.UserStore, error) {
	st, err := httpapi.NewUserStore(append([]httpapi.User{{AccessKey: cfg.accessKey, SecretKey: cfg.secretKey}}, cfg.users...)...)
	if err != nil {
		return nil, fmt.Errorf("fake: users: %w", err)
	}
	return st, nil
}

// Users returns the server's identity directory: add users and temporary
// credentials to it while the server runs.
func (s *Server) Users() *httpapi.UserStore { return s.users }

// UserID returns the canonical user ID of a user by access key ("" when
// the server does not know the key).
func (s *Server) UserID(accessKey string) string {
	c, ok := s.users.Lookup(accessKey)
	if !ok {
		return ""
	}
	return c.User.CanonicalID
}

// AddTemporaryCredential registers a temporary credential (S3 session
// token, OSS STS token). Its User defaults to the server's AccessKey;
// Expires is on the server's Clock (zero never expires).
func (s *Server) AddTemporaryCredential(t httpapi.TemporaryCredential) error {
	if t.User == "" {
		t.User = s.AccessKey
	}
	return s.users.AddTemporary(t)
}

// NewSession registers a fresh temporary credential acting as the user
// with access key user ("" for the server's AccessKey), valid for ttl on
// the server's Clock, and returns it: give an SDK client its AccessKey,
// SecretKey and Token (session token, SecurityToken).
func (s *Server) NewSession(user string, ttl time.Duration) (httpapi.TemporaryCredential, error) {
	t := httpapi.TemporaryCredential{AccessKey: "STS." + randomHex(8), SecretKey: randomHex(20), Token: randomHex(32),
		Expires: s.clock.Now().Add(ttl), User: user}
	if err := s.AddTemporaryCredential(t); err != nil {
		return httpapi.TemporaryCredential{}, err
	}
	if t.User == "" {
		t.User = s.AccessKey
	}
	return t, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
