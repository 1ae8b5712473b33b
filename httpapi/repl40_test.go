package httpapi_test

import (
	"context"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
)

// OSS allows one replication rule between a source bucket and a
// destination bucket: PutBucketReplication of a second rule to a
// destination a rule already names is refused with 400
// BucketReplicationAlreadyExist (OSS's "HTTP 400 errors" page; EC
// 0031-00000044) and changes nothing; another destination is accepted.
// Before, both rules were kept.
func TestRepl40OSSSecondRuleToSameDestination(t *testing.T) {
	srv := fake.New(t, fake.WithEngineOptions(engine.Options{CompactInterval: -1}))
	c := fakeOSSClient(srv)
	ctx := context.Background()
	for _, b := range []string{"oss-src", "oss-dst", "oss-dst2"} {
		v2Bucket(t, c, b)
		_, err := c.PutBucketVersioning(ctx, &oss2.PutBucketVersioningRequest{Bucket: oss2.Ptr(b),
			VersioningConfiguration: &oss2.VersioningConfiguration{Status: oss2.VersionEnabled}})
		ok(t, err)
	}
	add := func(dest, prefix string) error {
		_, err := c.PutBucketReplication(ctx, &oss2.PutBucketReplicationRequest{Bucket: oss2.Ptr("oss-src"),
			ReplicationConfiguration: &oss2.ReplicationConfiguration{Rules: []oss2.ReplicationRule{{
				PrefixSet:   &oss2.ReplicationPrefixSet{Prefixs: []string{prefix}},
				Destination: &oss2.ReplicationDestination{Bucket: oss2.Ptr(dest), Location: oss2.Ptr("oss-cn-hangzhou")},
			}}}})
		return err
	}
	ok(t, add("oss-dst", "a/"))
	e := wantOSS(t, add("oss-dst", "b/"), 400, "BucketReplicationAlreadyExist", "0031-00000044")
	assert.Equal(t, "Bucket replication already exists", e.message)
	ok(t, add("oss-dst2", "b/"))
	got, err := c.GetBucketReplication(ctx, &oss2.GetBucketReplicationRequest{Bucket: oss2.Ptr("oss-src")})
	ok(t, err)
	require.Len(t, got.ReplicationConfiguration.Rules, 2)
	assert.Equal(t, []string{"a/"}, got.ReplicationConfiguration.Rules[0].PrefixSet.Prefixs)
	assert.Equal(t, "oss-dst2", oss2.ToString(got.ReplicationConfiguration.Rules[1].Destination.Bucket))
}
