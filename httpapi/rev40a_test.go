package httpapi_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
)

// TestRev40aOSSReplicationRulesAddedAtOnce: OSS's PutBucketReplication
// adds one rule to the bucket's rules (POST ?replication&comp=add). Rules
// added at once to different destinations are all kept, and of rules
// added at once to one destination exactly one is accepted, the others
// refused with BucketReplicationAlreadyExist (OSS allows one rule between
// a source and a destination bucket). The handler read the rules and
// stored them changed in two steps, so two requests that read the same
// rules each stored their own: one rule was lost, or two rules to one
// destination were both accepted and kept.
func TestRev40aOSSReplicationRulesAddedAtOnce(t *testing.T) {
	srv := fake.New(t, fake.WithEngineOptions(engine.Options{CompactInterval: -1}))
	c := fakeOSSClient(srv)
	ctx := context.Background()
	const n = 8
	buckets := []string{"rev40a-src", "rev40a-one"}
	for i := range n {
		buckets = append(buckets, fmt.Sprintf("rev40a-dst%d", i))
	}
	for _, b := range buckets {
		v2Bucket(t, c, b)
		_, err := c.PutBucketVersioning(ctx, &oss2.PutBucketVersioningRequest{Bucket: oss2.Ptr(b),
			VersioningConfiguration: &oss2.VersioningConfiguration{Status: oss2.VersionEnabled}})
		ok(t, err)
	}
	add := func(dest, prefix string) error {
		_, err := c.PutBucketReplication(ctx, &oss2.PutBucketReplicationRequest{Bucket: oss2.Ptr("rev40a-src"),
			ReplicationConfiguration: &oss2.ReplicationConfiguration{Rules: []oss2.ReplicationRule{{
				PrefixSet:   &oss2.ReplicationPrefixSet{Prefixs: []string{prefix}},
				Destination: &oss2.ReplicationDestination{Bucket: oss2.Ptr(dest), Location: oss2.Ptr("oss-cn-hangzhou")},
			}}}})
		return err
	}
	rules := func() []oss2.ReplicationRule {
		got, err := c.GetBucketReplication(ctx, &oss2.GetBucketReplicationRequest{Bucket: oss2.Ptr("rev40a-src")})
		ok(t, err)
		return got.ReplicationConfiguration.Rules
	}

	clear := func() {
		var ids []string
		for _, r := range rules() {
			ids = append(ids, oss2.ToString(r.ID))
		}
		_, err := c.DeleteBucketReplication(ctx, &oss2.DeleteBucketReplicationRequest{Bucket: oss2.Ptr("rev40a-src"),
			ReplicationRules: &oss2.ReplicationRules{IDs: ids}})
		ok(t, err)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for round := range 5 {
		// Different destinations at once: every rule is kept.
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = add(fmt.Sprintf("rev40a-dst%d", i), fmt.Sprintf("p%d/", i))
			}()
		}
		wg.Wait()
		for _, err := range errs {
			ok(t, err)
		}
		require.Equal(t, n, len(rules()), "round %d: a rule added at once with others was lost", round)
		clear()

		// One destination at once: one rule accepted and kept.
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = add("rev40a-one", fmt.Sprintf("q%d/", i))
			}()
		}
		wg.Wait()
		accepted := 0
		for _, err := range errs {
			if err == nil {
				accepted++
				continue
			}
			wantOSS(t, err, 400, "BucketReplicationAlreadyExist", "0031-00000044")
		}
		assert.Equal(t, 1, accepted, "round %d", round)
		one := 0
		for _, r := range rules() {
			if oss2.ToString(r.Destination.Bucket) == "rev40a-one" {
				one++
			}
		}
		require.Equal(t, 1, one, "round %d: rules to one destination", round)
		clear()
	}
}
