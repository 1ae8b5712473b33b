package httpapi_test

// Regression tests of the twenty-second session's security review
// (outbound requests, presigned URLs, authorization decisions, Select):
// each failed before its fix.

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
)

// SEC3-1: a replication rule wrote into any other user's bucket: the
// destination was checked to exist and be versioned, never to be the
// source owner's, so a user could put objects and delete markers (OSS,
// unversioned: overwrite and delete objects) in a bucket they may not
// write. A rule to another owner's bucket is refused; a delivery to a
// destination that became another owner's (deleted and made again)
// writes nothing.
func TestReview22ReplicationStaysWithTheOwner(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	victim, attacker := f.client(), f.s3Client(true, otherAK, otherSK)
	enableVersioning(t, victim, "victim-dst")
	enableVersioning(t, attacker, "attacker-src", "attacker-dst")

	_, err := attacker.PutBucketReplication(ctx, replicationInput("attacker-src", "victim-dst"))
	require.Equal(t, "AccessDenied", apiCode(err), "a rule into another owner's bucket: %v", err)

	// A rule to the attacker's own bucket, whose name then passes to the victim.
	_, err = attacker.PutBucketReplication(ctx, replicationInput("attacker-src", "attacker-dst"))
	require.NoError(t, err)
	_, err = attacker.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("attacker-dst")})
	require.NoError(t, err)
	enableVersioning(t, victim, "attacker-dst")
	_, err = attacker.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("attacker-src"), Key: aws.String("docs/planted"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	_, err = f.eng.RunPending(ctx)
	require.NoError(t, err)
	for _, b := range []string{"victim-dst", "attacker-dst"} {
		out, err := victim.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(b)})
		require.NoError(t, err)
		require.Empty(t, out.Versions, "%s got a replica from another owner's bucket", b)
	}
}
