package httpapi_test

import (
	"io"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"
)

// TestOSSBucketOverwriteConfig: OSS's overwrite protection is stored and
// read back (a rule without an ID gets one), and enforced: a write that
// would replace an object matched by a rule's prefix, suffix and
// principals is 409 FileAlreadyExists and changes nothing, whatever the
// write (PutObject, CopyObject, multipart, symlink); a first write, a key
// no rule matches and a writer no rule names go through; deleting the
// configuration lifts it (alibabacloud-oss-go-sdk-v2's
// TestBucketOverwriteConfig, plus the enforcement it does not check).
func TestOSSBucketOverwriteConfig(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c, other := f.ossV2(testAK, testSK), f.ossV2(otherAK, otherSK)
	const bk = "overwrite-rules"
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr(bk), Acl: oss2.BucketACLPublicReadWrite})
	require.NoError(t, err)
	_, err = c.GetBucketOverwriteConfig(bg, &oss2.GetBucketOverwriteConfigRequest{Bucket: oss2.Ptr(bk)})
	wantOSS(t, err, 404, "NoSuchOverwriteConfiguration", "")

	svc, err := other.ListBuckets(bg, &oss2.ListBucketsRequest{})
	require.NoError(t, err)
	otherUID := oss2.ToString(svc.Owner.ID)
	require.NotEmpty(t, otherUID)
	put := func(rules ...oss2.OverwriteRule) error {
		_, err := c.PutBucketOverwriteConfig(bg, &oss2.PutBucketOverwriteConfigRequest{Bucket: oss2.Ptr(bk),
			OverwriteConfiguration: &oss2.OverwriteConfiguration{Rules: rules}})
		return err
	}
	require.NoError(t, put(
		oss2.OverwriteRule{ID: oss2.Ptr("locked"), Action: oss2.Ptr("forbid"), Prefix: oss2.Ptr("locked/")},
		oss2.OverwriteRule{Action: oss2.Ptr("forbid"), Suffix: oss2.Ptr(".txt"), Principals: &oss2.OverwritePrincipals{Principals: []string{otherUID}}},
	))
	got, err := c.GetBucketOverwriteConfig(bg, &oss2.GetBucketOverwriteConfigRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err)
	rules := got.OverwriteConfiguration.Rules
	require.Len(t, rules, 2)
	require.Equal(t, "locked", oss2.ToString(rules[0].ID))
	require.Equal(t, "locked/", oss2.ToString(rules[0].Prefix))
	require.Len(t, oss2.ToString(rules[1].ID), 36, "a rule sent without an ID gets a UUID")
	require.Equal(t, []string{otherUID}, rules[1].Principals.Principals)

	putObj := func(cl *oss2.Client, key, body string) error {
		_, err := cl.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key), Body: strings.NewReader(body)})
		return err
	}
	read := func(key string) string {
		t.Helper()
		r, err := c.GetObject(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key)})
		require.NoError(t, err)
		defer r.Body.Close()
		b, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		return string(b)
	}
	require.NoError(t, putObj(c, "locked/a", "first"), "a first write replaces nothing")
	wantOSS(t, putObj(c, "locked/a", "second"), 409, "FileAlreadyExists", "0016-00000108")
	wantOSS(t, putObj(other, "locked/a", "third"), 409, "FileAlreadyExists", "")
	require.Equal(t, "first", read("locked/a"))
	_, err = c.CopyObject(bg, &oss2.CopyObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("locked/a"), SourceKey: oss2.Ptr("locked/a"),
		MetadataDirective: oss2.Ptr("REPLACE"), ContentType: oss2.Ptr("text/x-new")})
	wantOSS(t, err, 409, "FileAlreadyExists", "")
	_, err = c.InitiateMultipartUpload(bg, &oss2.InitiateMultipartUploadRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("locked/a")})
	wantOSS(t, err, 409, "FileAlreadyExists", "")
	_, err = c.PutSymlink(bg, &oss2.PutSymlinkRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("locked/a"), Target: oss2.Ptr("free")})
	wantOSS(t, err, 409, "FileAlreadyExists", "")
	require.Equal(t, "first", read("locked/a"))

	// The .txt rule binds only the other account.
	require.NoError(t, putObj(c, "notes.txt", "1"))
	require.NoError(t, putObj(c, "notes.txt", "2"), "the owner is not among the rule's principals")
	wantOSS(t, putObj(other, "notes.txt", "3"), 409, "FileAlreadyExists", "")
	require.NoError(t, putObj(other, "notes.md", "1"))
	require.NoError(t, putObj(other, "notes.md", "2"), "no rule matches the key")
	require.Equal(t, "2", read("notes.txt"))

	// Documents the protection refuses.
	require.Error(t, put(oss2.OverwriteRule{ID: oss2.Ptr("x"), Action: oss2.Ptr("allow")}))
	require.Error(t, put(oss2.OverwriteRule{ID: oss2.Ptr("x"), Action: oss2.Ptr("forbid")}, oss2.OverwriteRule{ID: oss2.Ptr("x"), Action: oss2.Ptr("forbid")}))
	many := make([]oss2.OverwriteRule, 101)
	for i := range many {
		many[i] = oss2.OverwriteRule{Action: oss2.Ptr("forbid")}
	}
	wantOSS(t, put(many...), 400, "InvalidArgument", "")
	_, err = other.PutBucketOverwriteConfig(bg, &oss2.PutBucketOverwriteConfigRequest{Bucket: oss2.Ptr(bk),
		OverwriteConfiguration: &oss2.OverwriteConfiguration{Rules: []oss2.OverwriteRule{{Action: oss2.Ptr("forbid")}}}})
	wantOSS(t, err, 403, "AccessDenied", "")
	got, err = c.GetBucketOverwriteConfig(bg, &oss2.GetBucketOverwriteConfigRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err)
	require.Len(t, got.OverwriteConfiguration.Rules, 2, "a refused document changes nothing")

	del, err := c.DeleteBucketOverwriteConfig(bg, &oss2.DeleteBucketOverwriteConfigRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err)
	require.Equal(t, 204, del.StatusCode)
	require.NoError(t, putObj(c, "locked/a", "after"))
	require.Equal(t, "after", read("locked/a"))
	_, err = c.GetBucketOverwriteConfig(bg, &oss2.GetBucketOverwriteConfigRequest{Bucket: oss2.Ptr(bk + "-missing")})
	wantOSS(t, err, 404, "NoSuchBucket", "0015-00000101")
}

// TestOSSBucketArchiveDirectRead: with real-time access of Archive
// objects enabled, GetObject reads an Archive object without a restore;
// ColdArchive still needs one, and turning the setting off restores the
// refusal (alibabacloud-oss-go-sdk-v2's TestBucketArchiveDirectRead,
// plus the reads it does not check).
func TestOSSBucketArchiveDirectRead(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	const bk = "archive-direct"
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err)
	get := func() bool {
		t.Helper()
		r, err := c.GetBucketArchiveDirectRead(bg, &oss2.GetBucketArchiveDirectReadRequest{Bucket: oss2.Ptr(bk)})
		require.NoError(t, err)
		return oss2.ToBool(r.ArchiveDirectReadConfiguration.Enabled)
	}
	set := func(on bool) {
		t.Helper()
		_, err := c.PutBucketArchiveDirectRead(bg, &oss2.PutBucketArchiveDirectReadRequest{Bucket: oss2.Ptr(bk),
			ArchiveDirectReadConfiguration: &oss2.ArchiveDirectReadConfiguration{Enabled: oss2.Ptr(on)}})
		require.NoError(t, err)
	}
	read := func(key string) (string, error) {
		r, err := c.GetObject(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key)})
		if err != nil {
			return "", err
		}
		defer r.Body.Close()
		b, err := io.ReadAll(r.Body)
		return string(b), err
	}
	for key, class := range map[string]oss2.StorageClassType{"archive": oss2.StorageClassArchive, "cold": oss2.StorageClassColdArchive} {
		_, err := c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key), Body: strings.NewReader("frozen " + key), StorageClass: class})
		require.NoError(t, err)
	}
	require.False(t, get(), "off until enabled")
	_, err = read("archive")
	wantOSS(t, err, 403, "InvalidObjectState", "")

	set(true)
	require.True(t, get())
	body, err := read("archive")
	require.NoError(t, err)
	require.Equal(t, "frozen archive", body)
	_, err = read("cold")
	wantOSS(t, err, 403, "InvalidObjectState", "")

	set(false)
	require.False(t, get())
	_, err = read("archive")
	wantOSS(t, err, 403, "InvalidObjectState", "")

	_, err = c.PutBucketArchiveDirectRead(bg, &oss2.PutBucketArchiveDirectReadRequest{Bucket: oss2.Ptr(bk + "-missing"),
		ArchiveDirectReadConfiguration: &oss2.ArchiveDirectReadConfiguration{Enabled: oss2.Ptr(true)}})
	wantOSS(t, err, 404, "NoSuchBucket", "0015-00000101")
}
