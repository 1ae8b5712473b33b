package httpapi

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestUserStore(t *testing.T) {
	st, err := NewUserStore(User{AccessKey: "alice", SecretKey: "a", Email: "Alice@Example.com"}, User{AccessKey: "bob", SecretKey: "b", OSSUID: "42"})
	require.NoError(t, err)
	c, ok := st.Lookup("alice")
	require.True(t, ok)
	require.Equal(t, ownerID("alice"), c.User.CanonicalID, "default canonical ID")
	require.Equal(t, c.User.CanonicalID, c.User.DisplayName, "default display name: the ID, never the access key")
	require.Equal(t, c.User.CanonicalID, c.User.OSSUID, "default OSS UID")
	u, ok := st.UserByEmail("alice@example.COM")
	require.True(t, ok)
	require.Equal(t, "alice", u.AccessKey)
	u, ok = st.UserByID("42")
	require.True(t, ok)
	require.Equal(t, "bob", u.AccessKey)

	require.ErrorIs(t, st.AddUser(User{SecretKey: "x"}), ErrInvalidUser)
	require.ErrorIs(t, st.AddUser(User{AccessKey: "carol", Email: "alice@example.com"}), ErrInvalidUser)
	require.ErrorIs(t, st.AddUser(User{AccessKey: "carol", CanonicalID: ownerID("alice")}), ErrInvalidUser)

	exp := time.Unix(1e9, 0)
	require.ErrorIs(t, st.AddTemporary(TemporaryCredential{AccessKey: "t1", SecretKey: "s", Token: "tok", User: "nobody"}), ErrNoSuchUser)
	require.ErrorIs(t, st.AddTemporary(TemporaryCredential{AccessKey: "t1", SecretKey: "s", User: "alice"}), ErrInvalidUser)
	require.ErrorIs(t, st.AddTemporary(TemporaryCredential{AccessKey: "bob", SecretKey: "s", Token: "tok", User: "alice"}), ErrInvalidUser)
	require.NoError(t, st.AddTemporary(TemporaryCredential{AccessKey: "t1", SecretKey: "s", Token: "tok", Expires: exp, User: "alice"}))
	require.NoError(t, st.AddTemporary(TemporaryCredential{AccessKey: "t2", SecretKey: "s", Token: "tok", User: ownerID("alice")}))
	require.ErrorIs(t, st.AddUser(User{AccessKey: "t1", SecretKey: "x"}), ErrInvalidUser)
	c, ok = st.Lookup("t1")
	require.True(t, ok)
	require.Equal(t, Credential{User: u0(st, "alice"), Secret: "s", Token: "tok", Expires: exp}, c)
	require.Len(t, st.Users(), 2)

	// Replacing a user updates its sessions and forgets its old names.
	require.NoError(t, st.AddUser(User{AccessKey: "alice", SecretKey: "a2", DisplayName: "Alice", Email: "new@example.com"}))
	c, _ = st.Lookup("t1")
	require.Equal(t, "Alice", c.User.DisplayName)
	_, ok = st.UserByEmail("alice@example.com")
	require.False(t, ok)
	st.RemoveTemporary("t1")
	st.RemoveTemporary("alice") // not temporary: kept
	_, ok = st.Lookup("t1")
	require.False(t, ok)
	_, ok = st.Lookup("alice")
	require.True(t, ok)
}

func u0(st *UserStore, ak string) User {
	c, _ := st.Lookup(ak)
	return c.User
}

func TestIdentify(t *testing.T) {
	st, err := NewUserStore(User{AccessKey: "alice", SecretKey: "a"})
	require.NoError(t, err)
	now := time.Unix(2e9, 0)
	require.NoError(t, st.AddTemporary(TemporaryCredential{AccessKey: "t", SecretKey: "s", Token: "tok", Expires: now.Add(time.Second), User: "alice"}))
	require.NoError(t, st.AddTemporary(TemporaryCredential{AccessKey: "forever", SecretKey: "s", Token: "tok", User: "alice"}))
	clock := &fixedClock{t: now}
	s := &server{dir: st, clock: clock}
	code := func(ak, token string) string {
		_, err := s.identify(ak, token)
		if err == nil {
			return ""
		}
		return err.(*Error).Code
	}
	require.Equal(t, "", code("alice", ""))
	require.Equal(t, "InvalidToken", code("alice", "tok"))
	require.Equal(t, "", code("t", "tok"))
	require.Equal(t, "InvalidToken", code("t", "tok2"))
	require.Equal(t, "InvalidAccessKeyId", code("t", ""))
	require.Equal(t, "InvalidAccessKeyId", code("nobody", ""))
	who, err := s.identify("t", "tok")
	require.NoError(t, err)
	require.Equal(t, principal{accessKey: "t", id: ownerID("alice")}, who)
	clock.t = now.Add(time.Second)
	require.Equal(t, "ExpiredToken", code("t", "tok"))
	require.Equal(t, "", code("forever", "tok"))
}

type fixedClock struct{ t time.Time }

func (c *fixedClock) Now() time.Time { return c.t }
