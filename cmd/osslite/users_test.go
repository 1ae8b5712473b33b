package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

func TestLoadUsers(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	want := []httpapi.User{
		{AccessKey: "alice", SecretKey: "alice-secret", DisplayName: "Alice", Email: "alice@example.com", OSSUID: "1001"},
		{AccessKey: "bob", SecretKey: "bob-secret", CanonicalID: "b0b"},
	}
	got, err := loadUsers(write("u.json", `{"users": [
		{"accessKey": "alice", "secretKey": "alice-secret", "displayName": "Alice", "email": "alice@example.com", "ossUid": "1001"},
		{"accessKey": "bob", "secretKey": "bob-secret", "canonicalId": "b0b"}]}`))
	require.NoError(t, err)
	require.Equal(t, want, got)
	got, err = loadUsers(write("u.yaml", `users:
  - accessKey: alice
    secretKey: alice-secret
    displayName: Alice
    email: alice@example.com
    ossUid: "1001"
  - {accessKey: bob, secretKey: bob-secret, canonicalId: b0b}
`))
	require.NoError(t, err)
	require.Equal(t, want, got)

	for name, content := range map[string]string{
		"typo.json":  `{"users": [{"accessKey": "a", "secret_key": "s"}]}`,
		"typo.yml":   "users:\n  - accessKey: a\n    secret_key: s\n",
		"nosec.json": `{"users": [{"accessKey": "a"}]}`,
		"dup.json":   `{"users": [{"accessKey": "a", "secretKey": "s", "email": "x@y"}, {"accessKey": "b", "secretKey": "s", "email": "X@Y"}]}`,
		"users.txt":  `{}`,
	} {
		_, err := loadUsers(write(name, content))
		require.Error(t, err, name)
	}
	_, err = loadUsers(filepath.Join(dir, "missing.json"))
	require.Error(t, err)
}

func TestRunUsersFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "users.json")
	require.NoError(t, os.WriteFile(p, []byte(`{"users": [{"accessKey": "alice", "secretKey": "alice-secret"}]}`), 0o600))
	env := func(k string) (string, bool) {
		if k == "OSSLITE_USERS" {
			return p, true
		}
		return "", false
	}
	url, _, _ := startEnv(t, env)
	ctx := context.Background()
	a := client(url, "alice", "alice-secret")
	_, err := a.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("alices")})
	require.NoError(t, err)
	// The default user still signs, and does not see Alice's bucket.
	l, err := client(url, defaultAccessKey, defaultSecretKey).ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err)
	require.Empty(t, l.Buckets)
	_, err = client(url, "alice", "wrong").ListBuckets(ctx, &s3.ListBucketsInput{})
	require.Error(t, err)
}
