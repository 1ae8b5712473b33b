package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

func TestReplicationTargetFlag(t *testing.T) {
	o, err := parseFlags([]string{"-replication-target", "arn:aws:s3:::backup=https://backup.example.com,AKID,SECRET"}, noEnv, io.Discard)
	require.NoError(t, err)
	eo := o.engineOptions(nil)
	require.Contains(t, eo.Replication.Targets, "arn:aws:s3:::backup")
	tg := eo.Replication.Targets["arn:aws:s3:::backup"].(*httpapi.S3ReplicationTarget)
	assert.Equal(t, "https://backup.example.com", tg.Endpoint)
	assert.Equal(t, "AKID", tg.AccessKeyID)
	assert.Equal(t, "SECRET", tg.SecretAccessKey)

	for _, bad := range []string{"backup=https://x,a,b", "arn:aws:s3:::b=ftp://x,a,b", "arn:aws:s3:::b=https://x,a"} {
		_, err := parseFlags([]string{"-replication-target", bad}, noEnv, io.Discard)
		assert.Error(t, err, bad)
	}
	_, err = parseFlags([]string{"-replication-target", "arn:aws:s3:::b=https://x,a,b", "-replication-target", "arn:aws:s3:::b=https://y,a,b"}, noEnv, io.Discard)
	assert.Error(t, err)

	// A target serves the -access-key account's buckets, and those of the
	// owners -replication-target-owner names (* for all).
	assert.Equal(t, map[string][]string{"arn:aws:s3:::backup": {ownerID(defaultAccessKey)}}, eo.Replication.TargetOwners)
	o, err = parseFlags([]string{"-replication-target", "arn:aws:s3:::a=https://x,a,b", "-replication-target", "arn:aws:s3:::b=https://x,a,b",
		"-replication-target-owner", "arn:aws:s3:::a=other", "-replication-target-owner", "arn:aws:s3:::b=*"}, noEnv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, map[string][]string{"arn:aws:s3:::a": {ownerID(defaultAccessKey), "other"}}, o.engineOptions(nil).Replication.TargetOwners)
	for _, bad := range []string{"arn:aws:s3:::none=x", "arn:aws:s3:::a", "arn:aws:s3:::a="} {
		_, err = parseFlags([]string{"-replication-target", "arn:aws:s3:::a=https://x,a,b", "-replication-target-owner", bad}, noEnv, io.Discard)
		assert.Error(t, err, bad)
	}
}

// Two servers: the first replicates a bucket to the second through
// -replication-target, in its background loop; the backlog gauge drains.
func TestReplicationBetweenServers(t *testing.T) {
	ctx := context.Background()
	backupURL, _, _ := start(t)
	backup := client(backupURL, defaultAccessKey, defaultSecretKey)
	url, _, _ := start(t, "-metrics", "-replication-target",
		"arn:aws:s3:::backup="+backupURL+","+defaultAccessKey+","+defaultSecretKey)
	c := client(url, defaultAccessKey, defaultSecretKey)
	for _, bc := range []struct {
		c *s3.Client
		b string
	}{{backup, "backup"}, {c, "src"}} {
		_, err := bc.c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bc.b)})
		require.NoError(t, err)
		_, err = bc.c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bc.b),
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
		require.NoError(t, err)
	}
	_, err := c.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: aws.String("src"),
		ReplicationConfiguration: &types.ReplicationConfiguration{Role: aws.String("arn:aws:iam::1:role/r"),
			Rules: []types.ReplicationRule{{Status: types.ReplicationRuleStatusEnabled, Priority: aws.Int32(1),
				Filter:                  &types.ReplicationRuleFilter{Prefix: aws.String("")},
				DeleteMarkerReplication: &types.DeleteMarkerReplication{Status: types.DeleteMarkerReplicationStatusDisabled},
				Destination:             &types.Destination{Bucket: aws.String("arn:aws:s3:::backup")}}}}})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String("k"), Body: strings.NewReader("across")})
	require.NoError(t, err)

	require.Eventually(t, func() bool {
		h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("src"), Key: aws.String("k")})
		return err == nil && h.ReplicationStatus == types.ReplicationStatusCompleted
	}, 15*time.Second, 100*time.Millisecond)
	out, err := backup.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("backup"), Key: aws.String("k")})
	require.NoError(t, err)
	b, err := io.ReadAll(out.Body)
	require.NoError(t, out.Body.Close())
	require.NoError(t, err)
	assert.Equal(t, "across", string(b))

	code, text := get(t, http.MethodGet, url+"/_osslite/metrics")
	require.Equal(t, http.StatusOK, code)
	assert.EqualValues(t, 0, metricValue(t, text, "osslite_replication_backlog"))
}
