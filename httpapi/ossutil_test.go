package httpapi_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// Found by running Aliyun's ossutil 1.7.19 against cmd/osslite
// (docs/sdk-suites.md, "Aliyun's ossutil"). ossutil prints the service's
// Message; OSS names a missing lifecycle configuration NoSuchLifecycle,
// "No Row found in Lifecycle Table." (the GetBucketLifecycle reference's
// sample), and a missing replication configuration
// NoSuchReplicationConfiguration. Both came back with an empty Message:
// the names are OSS's own spelling of an S3 code, and the message was
// looked up under the new name, which has no row of its own.
func TestOSSRenamedErrorsKeepTheirMessage(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	ok(t, c.CreateBucket("renamed-errors"))

	_, err := c.GetBucketLifecycle("renamed-errors")
	e := wantOSS(t, err, 404, "NoSuchLifecycle", "")
	if e.message != "No Row found in Lifecycle Table." {
		t.Errorf("NoSuchLifecycle message %q", e.message)
	}
	_, err = c.GetBucketReplication("renamed-errors")
	e = wantOSS(t, err, 404, "NoSuchReplicationConfiguration", "")
	if e.message != "The replication configuration does not exist." {
		t.Errorf("NoSuchReplicationConfiguration message %q", e.message)
	}
}

// OSS's restore priority (JobParameters/Tier) is Expedited, Standard or
// Bulk; any other value is refused (EC 0016-00000703). ossutil's suite
// restores a Cold Archive object with <Tier>xxx</Tier> and expects the
// error; osslite ignored the element and restored.
func TestOSSRestoreRefusesUnknownTier(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	b := v1Bucket(t, c, "restore-tier")
	ok(t, b.PutObject("cold", strings.NewReader("abc"), oss1.ObjectStorageClass(oss1.StorageColdArchive)))

	body := `<RestoreRequest><Days>2</Days><JobParameters><Tier>%s</Tier></JobParameters></RestoreRequest>`
	e := wantOSS(t, b.RestoreObjectXML("cold", fmt.Sprintf(body, "xxx")), 400, "InvalidArgument", "0016-00000703")
	if !strings.Contains(e.message, "xxx") {
		t.Errorf("message %q does not name the tier", e.message)
	}
	ok(t, b.RestoreObjectXML("cold", fmt.Sprintf(body, "Bulk")))
}

// OSS keeps a restored Archive object for 1 to 7 days (EC 0016-00000708)
// and a Cold or Deep Cold Archive one for 1 to 365 (EC 0016-00000704);
// ossutil's suite restores Archive objects for longer and expects the
// refusal.
func TestOSSRestoreDaysByClass(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	b := v1Bucket(t, c, "restore-days")
	ok(t, b.PutObject("archive", strings.NewReader("abc"), oss1.ObjectStorageClass(oss1.StorageArchive)))
	ok(t, b.PutObject("cold", strings.NewReader("abc"), oss1.ObjectStorageClass(oss1.StorageColdArchive)))
	days := func(n int) string { return fmt.Sprintf("<RestoreRequest><Days>%d</Days></RestoreRequest>", n) }

	e := wantOSS(t, b.RestoreObjectXML("archive", days(8)), 400, "InvalidArgument", "0016-00000708")
	if !strings.Contains(e.message, "7") {
		t.Errorf("message %q does not give the bound", e.message)
	}
	wantOSS(t, b.RestoreObjectXML("cold", days(366)), 400, "InvalidArgument", "0016-00000704")
	wantOSS(t, b.RestoreObjectXML("cold", days(0)), 400, "InvalidArgument", "0016-00000704")
	ok(t, b.RestoreObjectXML("archive", days(7)))
	ok(t, b.RestoreObjectXML("cold", days(30)))
}

// A read through a symlink answers the link's version ID: that is the
// version the request named (or got as the latest), and the one a client
// passes back to GetSymlink or GetObject with versionId. ossutil's suite
// (TestSymlinkVersioning) stats a link and reads that version back with
// read-symlink; osslite answered the target's version ID, which names no
// version of the link (404 NoSuchVersion).
func TestOSSReadThroughSymlinkAnswersTheLinksVersion(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	b := v1Bucket(t, c, "symlink-versions")
	ok(t, c.SetBucketVersioning("symlink-versions", oss1.VersioningConfig{Status: "Enabled"}))
	ok(t, b.PutObject("target", strings.NewReader("target body")))
	var put http.Header
	ok(t, b.PutSymlink("link", "target", oss1.GetResponseHeader(&put)))
	linkVersion := put.Get("X-Oss-Version-Id")
	if linkVersion == "" {
		t.Fatal("PutSymlink answered no version ID")
	}

	head, err := b.GetObjectDetailedMeta("link")
	ok(t, err)
	if got := head.Get("X-Oss-Version-Id"); got != linkVersion {
		t.Fatalf("HEAD through the link answered version %q, the link's is %q", got, linkVersion)
	}
	meta, err := b.GetSymlink("link", oss1.VersionId(head.Get("X-Oss-Version-Id")))
	ok(t, err)
	if got := meta.Get("X-Oss-Symlink-Target"); got != "target" {
		t.Errorf("GetSymlink of that version: target %q", got)
	}
	var got http.Header
	body, err := b.GetObject("link", oss1.VersionId(linkVersion), oss1.GetResponseHeader(&got))
	ok(t, err)
	data, err := io.ReadAll(body)
	body.Close()
	ok(t, err)
	if string(data) != "target body" || got.Get("X-Oss-Version-Id") != linkVersion {
		t.Errorf("GET link?versionId: body %q, version %q", data, got.Get("X-Oss-Version-Id"))
	}
}
