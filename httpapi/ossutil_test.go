package httpapi_test

import (
	"fmt"
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
