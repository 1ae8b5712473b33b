package httpapi_test

import (
	"testing"
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
