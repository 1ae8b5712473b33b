package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/httpapi"
)

func replicationClient(srv *fake.Server) *s3.Client {
	return s3.New(s3.Options{
		Region:       srv.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		HTTPClient:   srv.HTTPClient(),
	})
}

func enableVersioning(t *testing.T, c *s3.Client, buckets ...string) {
	t.Helper()
	for _, b := range buckets {
		_, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
		_, err = c.PutBucketVersioning(context.Background(), &s3.PutBucketVersioningInput{Bucket: aws.String(b),
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
		require.NoError(t, err)
	}
}

func replicationInput(src, dest string) *s3.PutBucketReplicationInput {
	return &s3.PutBucketReplicationInput{Bucket: aws.String(src), ReplicationConfiguration: &types.ReplicationConfiguration{
		Role: aws.String("arn:aws:iam::123456789012:role/replication"),
		Rules: []types.ReplicationRule{{
			ID: aws.String("docs"), Priority: aws.Int32(1), Status: types.ReplicationRuleStatusEnabled,
			Filter:                  &types.ReplicationRuleFilter{Prefix: aws.String("docs/")},
			DeleteMarkerReplication: &types.DeleteMarkerReplication{Status: types.DeleteMarkerReplicationStatusEnabled},
			Destination:             &types.Destination{Bucket: aws.String("arn:aws:s3:::" + dest), StorageClass: types.StorageClassStandardIa},
		}},
	}}
}

// Replication to a local bucket through aws-sdk-go-v2: configuration
// round trip and validation, PENDING -> COMPLETED on the source, REPLICA
// with the same version ID on the destination, delete markers.
func TestReplicationLocalSDK(t *testing.T) {
	srv := fake.New(t, fake.WithEngineOptions(engine.Options{CompactInterval: -1}))
	c := replicationClient(srv)
	ctx := context.Background()

	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("plain")})
	require.NoError(t, err)
	_, err = c.PutBucketReplication(ctx, replicationInput("plain", "plain"))
	assert.Equal(t, "InvalidRequest", apiCode(err))
	require.ErrorContains(t, err, "Versioning must be 'Enabled' on the bucket to apply a replication configuration")

	enableVersioning(t, c, "src", "dst")
	_, err = c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String("src")})
	assert.Equal(t, "ReplicationConfigurationNotFoundError", apiCode(err))
	_, err = c.PutBucketReplication(ctx, replicationInput("src", "nowhere"))
	assert.Equal(t, "InvalidRequest", apiCode(err))
	_, err = c.PutBucketReplication(ctx, replicationInput("src", "plain"))
	assert.Equal(t, "InvalidRequest", apiCode(err))

	_, err = c.PutBucketReplication(ctx, replicationInput("src", "dst"))
	require.NoError(t, err)
	got, err := c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String("src")})
	require.NoError(t, err)
	require.Len(t, got.ReplicationConfiguration.Rules, 1)
	r := got.ReplicationConfiguration.Rules[0]
	assert.Equal(t, "docs", aws.ToString(r.ID))
	assert.Equal(t, "docs/", aws.ToString(r.Filter.Prefix))
	assert.Equal(t, "arn:aws:s3:::dst", aws.ToString(r.Destination.Bucket))
	assert.Equal(t, types.DeleteMarkerReplicationStatusEnabled, r.DeleteMarkerReplication.Status)
	assert.Equal(t, "arn:aws:iam::123456789012:role/replication", aws.ToString(got.ReplicationConfiguration.Role))

	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String("docs/a.txt"),
		Body: strings.NewReader("replicate me"), Metadata: map[string]string{"color": "blue"}})
	require.NoError(t, err)
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("src"), Key: aws.String("docs/a.txt")})
	require.NoError(t, err)
	assert.Equal(t, types.ReplicationStatusPending, head.ReplicationStatus)
	n, err := srv.Engine().ReplicationBacklog(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	st, err := srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Replication.Replicated)
	head, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("src"), Key: aws.String("docs/a.txt")})
	require.NoError(t, err)
	assert.Equal(t, types.ReplicationStatusCompleted, head.ReplicationStatus)

	rep, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("dst"), Key: aws.String("docs/a.txt")})
	require.NoError(t, err)
	body, err := io.ReadAll(rep.Body)
	require.NoError(t, rep.Body.Close())
	require.NoError(t, err)
	assert.Equal(t, "replicate me", string(body))
	assert.Equal(t, types.ReplicationStatusReplica, rep.ReplicationStatus)
	assert.Equal(t, aws.ToString(put.VersionId), aws.ToString(rep.VersionId))
	assert.Equal(t, "blue", rep.Metadata["color"])
	assert.Equal(t, types.StorageClassStandardIa, rep.StorageClass)

	del, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("src"), Key: aws.String("docs/a.txt")})
	require.NoError(t, err)
	_, err = srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("dst"), Key: aws.String("docs/a.txt")})
	require.Error(t, err)
	vs, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("dst")})
	require.NoError(t, err)
	require.Len(t, vs.DeleteMarkers, 1)
	assert.Equal(t, aws.ToString(del.VersionId), aws.ToString(vs.DeleteMarkers[0].VersionId))

	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("src"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}})
	assert.Equal(t, "InvalidBucketState", apiCode(err))

	_, err = c.DeleteBucketReplication(ctx, &s3.DeleteBucketReplicationInput{Bucket: aws.String("src")})
	require.NoError(t, err)
	_, err = c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String("src")})
	assert.Equal(t, "ReplicationConfigurationNotFoundError", apiCode(err))
}

// Replication to a second osslite server over real HTTP, through
// httpapi.S3ReplicationTarget; a remote that is down leaves the version
// FAILED after the retries, and a later success completes it.
func TestReplicationRemoteServer(t *testing.T) {
	ctx := context.Background()
	remote := fake.New(t)
	rc := s3.New(s3.Options{
		Region:       remote.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(remote.AccessKey, remote.SecretKey, ""),
		BaseEndpoint: aws.String(remote.URL),
		UsePathStyle: true,
		HTTPClient:   &http.Client{},
	})
	enableVersioning(t, rc, "backup")

	target := &httpapi.S3ReplicationTarget{Endpoint: remote.URL, AccessKeyID: remote.AccessKey,
		SecretAccessKey: "wrong", Clock: remote.Clock()}
	srv := fake.New(t, fake.WithEngineOptions(engine.Options{CompactInterval: -1,
		Replication: engine.ReplicationOptions{Attempts: 2,
			Targets: map[string]engine.ReplicationTarget{"arn:aws:s3:::backup": target}}}))
	c := replicationClient(srv)
	enableVersioning(t, c, "src")
	_, err := c.PutBucketReplication(ctx, replicationInput("src", "backup"))
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String("docs/r.txt"),
		Body: strings.NewReader(strings.Repeat("remote ", 20000)), ContentType: aws.String("text/plain")})
	require.NoError(t, err)

	status := func() types.ReplicationStatus {
		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("src"), Key: aws.String("docs/r.txt")})
		require.NoError(t, err)
		return head.ReplicationStatus
	}
	// Wrong credentials: the remote refuses, twice.
	st, err := srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Replication.Failed)
	srv.Clock().Advance(time.Second) // the default first backoff
	_, err = srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, types.ReplicationStatusFailed, status())

	target.SecretAccessKey = remote.SecretKey
	srv.Clock().Advance(time.Hour) // the default MaxBackoff
	st, err = srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Replication.Replicated)
	assert.Equal(t, types.ReplicationStatusCompleted, status())

	out, err := rc.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("backup"), Key: aws.String("docs/r.txt")})
	require.NoError(t, err)
	body, err := io.ReadAll(out.Body)
	require.NoError(t, out.Body.Close())
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("remote ", 20000), string(body))
	assert.Equal(t, "text/plain", aws.ToString(out.ContentType))
	assert.Equal(t, types.StorageClassStandardIa, out.StorageClass)

	// Tag changes of the replicated version reach the remote's newest
	// version of the key, which is the replica.
	remoteTags := func() []types.Tag {
		t.Helper()
		out, err := rc.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String("backup"), Key: aws.String("docs/r.txt")})
		require.NoError(t, err)
		return out.TagSet
	}
	_, err = c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String("src"), Key: aws.String("docs/r.txt"),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("k"), Value: aws.String("v w+x")}}}})
	require.NoError(t, err)
	assert.Equal(t, types.ReplicationStatusPending, status())
	st, err = srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Replication.Replicated)
	assert.Equal(t, types.ReplicationStatusCompleted, status())
	require.Len(t, remoteTags(), 1)
	assert.Equal(t, "v w+x", aws.ToString(remoteTags()[0].Value))
	_, err = c.DeleteObjectTagging(ctx, &s3.DeleteObjectTaggingInput{Bucket: aws.String("src"), Key: aws.String("docs/r.txt")})
	require.NoError(t, err)
	_, err = srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	assert.Empty(t, remoteTags())
	assert.Equal(t, types.ReplicationStatusCompleted, status())

	// A delete marker travels as a DELETE.
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("src"), Key: aws.String("docs/r.txt")})
	require.NoError(t, err)
	st, err = srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Replication.Replicated)
	_, err = rc.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("backup"), Key: aws.String("docs/r.txt")})
	require.Error(t, err)
}

// TestReplicationRemoteEmptyContentType: a version stored with an empty
// Content-Type reaches the remote with it empty, not given the remote's
// default: S3 replication copies the object's metadata.
func TestReplicationRemoteEmptyContentType(t *testing.T) {
	ctx := context.Background()
	remote := fake.New(t)
	rc := replicationClient(remote)
	enableVersioning(t, rc, "backup")
	target := &httpapi.S3ReplicationTarget{Endpoint: remote.URL, AccessKeyID: remote.AccessKey,
		SecretAccessKey: remote.SecretKey, Clock: remote.Clock(), Client: remote.HTTPClient()}
	srv := fake.New(t, fake.WithEngineOptions(engine.Options{CompactInterval: -1,
		Replication: engine.ReplicationOptions{Targets: map[string]engine.ReplicationTarget{"arn:aws:s3:::backup": target}}}))
	c := replicationClient(srv)
	enableVersioning(t, c, "src")
	_, err := c.PutBucketReplication(ctx, replicationInput("src", "backup"))
	require.NoError(t, err)
	for key, ct := range map[string]string{"docs/empty": "", "docs/typed": "text/plain"} {
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String(key),
			Body: strings.NewReader("<html>x</html>"), ContentType: aws.String(ct)})
		require.NoError(t, err)
	}
	st, err := srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, st.Replication.Replicated)
	for key, want := range map[string]string{"docs/empty": "", "docs/typed": "text/plain"} {
		out, err := rc.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("backup"), Key: aws.String(key)})
		require.NoError(t, err)
		require.NotNil(t, out.ContentType, key)
		assert.Equal(t, want, *out.ContentType, key)
	}
}

// S3 ExistingObjectReplication Enabled replicates the objects already
// in the bucket that the rule selects, as OSS historical replication does.
func TestReplicationExistingObjectsSDK(t *testing.T) {
	srv := fake.New(t, fake.WithEngineOptions(engine.Options{CompactInterval: -1}))
	c := replicationClient(srv)
	ctx := context.Background()
	enableVersioning(t, c, "exist-src", "exist-dst")
	for _, k := range []string{"docs/a", "other/b"} {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("exist-src"), Key: aws.String(k), Body: strings.NewReader(k)})
		require.NoError(t, err)
	}
	in := replicationInput("exist-src", "exist-dst")
	in.ReplicationConfiguration.Rules[0].ExistingObjectReplication = &types.ExistingObjectReplication{Status: types.ExistingObjectReplicationStatusEnabled}
	_, err := c.PutBucketReplication(ctx, in)
	require.NoError(t, err)
	_, err = srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("exist-dst"), Key: aws.String("docs/a")})
	require.NoError(t, err)
	assert.Equal(t, types.ReplicationStatusReplica, head.ReplicationStatus)
	head, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("exist-src"), Key: aws.String("docs/a")})
	require.NoError(t, err)
	assert.Equal(t, types.ReplicationStatusCompleted, head.ReplicationStatus)
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("exist-dst"), Key: aws.String("other/b")})
	require.Error(t, err)
}

// TestReplicationSSEKMSSelection: SourceSelectionCriteria's
// SseKmsEncryptedObjects and the destination's ReplicaKmsKeyID are taken
// together (one without the other is InvalidRequest) and read back; an
// SSE-KMS object is replicated only under such a rule (S3 leaves them out
// otherwise); ReplicaModifications is read back.
func TestReplicationSSEKMSSelection(t *testing.T) {
	srv := fake.New(t, fake.WithEngineOptions(engine.Options{CompactInterval: -1}))
	c := replicationClient(srv)
	ctx := context.Background()
	enableVersioning(t, c, "ksrc", "kdst")
	in := replicationInput("ksrc", "kdst")
	rule := &in.ReplicationConfiguration.Rules[0]

	// Without the selection: an SSE-KMS object is not replicated.
	_, err := c.PutBucketReplication(ctx, in)
	require.NoError(t, err)
	put := func(key string) *s3.PutObjectOutput {
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("ksrc"), Key: aws.String(key), Body: strings.NewReader("secret"),
			ServerSideEncryption: types.ServerSideEncryptionAwsKms})
		require.NoError(t, err)
		return out
	}
	put("docs/kms-skipped")
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("ksrc"), Key: aws.String("docs/kms-skipped")})
	require.NoError(t, err)
	assert.Empty(t, head.ReplicationStatus)

	rule.SourceSelectionCriteria = &types.SourceSelectionCriteria{SseKmsEncryptedObjects: &types.SseKmsEncryptedObjects{Status: types.SseKmsEncryptedObjectsStatusEnabled}}
	_, err = c.PutBucketReplication(ctx, in)
	assert.Equal(t, "InvalidRequest", apiCode(err), "the selection needs a replica key")
	rule.Destination.EncryptionConfiguration = &types.EncryptionConfiguration{ReplicaKmsKeyID: aws.String("alias/aws/s3")}
	_, err = c.PutBucketReplication(ctx, in)
	require.NoError(t, err)
	got, err := c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String("ksrc")})
	require.NoError(t, err)
	r := got.ReplicationConfiguration.Rules[0]
	require.NotNil(t, r.SourceSelectionCriteria)
	assert.Equal(t, types.SseKmsEncryptedObjectsStatusEnabled, r.SourceSelectionCriteria.SseKmsEncryptedObjects.Status)
	assert.Equal(t, "alias/aws/s3", aws.ToString(r.Destination.EncryptionConfiguration.ReplicaKmsKeyID))

	put("docs/kms")
	head, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("ksrc"), Key: aws.String("docs/kms")})
	require.NoError(t, err)
	assert.Equal(t, types.ReplicationStatusPending, head.ReplicationStatus)
	_, err = srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	obj, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("kdst"), Key: aws.String("docs/kms")})
	require.NoError(t, err)
	body, err := io.ReadAll(obj.Body)
	obj.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, "secret", string(body))
	assert.Equal(t, types.ServerSideEncryptionAwsKms, obj.ServerSideEncryption)

	rule.SourceSelectionCriteria.ReplicaModifications = &types.ReplicaModifications{Status: types.ReplicaModificationsStatusEnabled}
	_, err = c.PutBucketReplication(ctx, in)
	require.NoError(t, err)
	got, err = c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String("ksrc")})
	require.NoError(t, err)
	crit := got.ReplicationConfiguration.Rules[0].SourceSelectionCriteria
	require.NotNil(t, crit)
	require.NotNil(t, crit.ReplicaModifications)
	assert.Equal(t, types.ReplicaModificationsStatusEnabled, crit.ReplicaModifications.Status)
	assert.Equal(t, types.SseKmsEncryptedObjectsStatusEnabled, crit.SseKmsEncryptedObjects.Status)
	rule.SourceSelectionCriteria.ReplicaModifications.Status = "On"
	_, err = c.PutBucketReplication(ctx, in)
	assert.Equal(t, "MalformedXML", apiCode(err))
}

// TestReplicationMetadataChanges: a replicated version's later tag, ACL
// and legal-hold changes reach its replica (S3 replicates them), the
// source going PENDING until they do; a replica's own changes go back to
// its source only under a rule of the replica's bucket with
// ReplicaModifications (S3's replica modification sync), and never
// bounce back again.
func TestReplicationMetadataChanges(t *testing.T) {
	srv := fake.New(t, fake.WithEngineOptions(engine.Options{CompactInterval: -1}))
	c := replicationClient(srv)
	ctx := context.Background()
	for _, b := range []string{"msrc", "mdst"} {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b), ObjectLockEnabledForBucket: aws.Bool(true)})
		require.NoError(t, err)
	}
	_, err := c.PutBucketReplication(ctx, replicationInput("msrc", "mdst"))
	require.NoError(t, err)
	run := func() {
		t.Helper()
		_, err := srv.Engine().RunPending(ctx)
		require.NoError(t, err)
		n, err := srv.Engine().ReplicationBacklog(ctx)
		require.NoError(t, err)
		require.Zero(t, n, "nothing left queued (no change bounces back and forth)")
	}
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("msrc"), Key: aws.String("docs/a"), Body: strings.NewReader("a"),
		Tagging: aws.String("stage=draft")})
	require.NoError(t, err)
	vid := put.VersionId
	run()
	status := func(bucket string) types.ReplicationStatus {
		t.Helper()
		h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("docs/a"), VersionId: vid})
		require.NoError(t, err)
		return h.ReplicationStatus
	}
	tags := func(bucket string) map[string]string {
		t.Helper()
		out, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String("docs/a"), VersionId: vid})
		require.NoError(t, err)
		m := map[string]string{}
		for _, tg := range out.TagSet {
			m[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
		return m
	}
	require.Equal(t, types.ReplicationStatusCompleted, status("msrc"))
	require.Equal(t, map[string]string{"stage": "draft"}, tags("mdst"))

	// Tags, ACL and legal hold of the source version reach the replica.
	_, err = c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String("msrc"), Key: aws.String("docs/a"), VersionId: vid,
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("stage"), Value: aws.String("final")}}}})
	require.NoError(t, err)
	_, err = c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("msrc"), Key: aws.String("docs/a"), VersionId: vid, ACL: types.ObjectCannedACLPublicRead})
	require.NoError(t, err)
	_, err = c.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: aws.String("msrc"), Key: aws.String("docs/a"), VersionId: vid,
		LegalHold: &types.ObjectLockLegalHold{Status: types.ObjectLockLegalHoldStatusOn}})
	require.NoError(t, err)
	assert.Equal(t, types.ReplicationStatusPending, status("msrc"))
	assert.Equal(t, map[string]string{"stage": "draft"}, tags("mdst"), "not before the replication pass")
	run()
	assert.Equal(t, types.ReplicationStatusCompleted, status("msrc"))
	assert.Equal(t, types.ReplicationStatusReplica, status("mdst"))
	assert.Equal(t, map[string]string{"stage": "final"}, tags("mdst"))
	acl, err := c.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String("mdst"), Key: aws.String("docs/a"), VersionId: vid})
	require.NoError(t, err)
	assert.Len(t, acl.Grants, 2, "owner FULL_CONTROL and AllUsers READ")
	hold, err := c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: aws.String("mdst"), Key: aws.String("docs/a"), VersionId: vid})
	require.NoError(t, err)
	assert.Equal(t, types.ObjectLockLegalHoldStatusOn, hold.LegalHold.Status)
	_, err = c.DeleteObjectTagging(ctx, &s3.DeleteObjectTaggingInput{Bucket: aws.String("msrc"), Key: aws.String("docs/a"), VersionId: vid})
	require.NoError(t, err)
	run()
	assert.Empty(t, tags("mdst"))

	// A replica's change stays there without ReplicaModifications...
	back := replicationInput("mdst", "msrc")
	back.ReplicationConfiguration.Rules[0].Destination.StorageClass = ""
	_, err = c.PutBucketReplication(ctx, back)
	require.NoError(t, err)
	tagReplica := func(v string) {
		t.Helper()
		_, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String("mdst"), Key: aws.String("docs/a"), VersionId: vid,
			Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("by"), Value: aws.String(v)}}}})
		require.NoError(t, err)
	}
	tagReplica("replica")
	run()
	assert.Empty(t, tags("msrc"))
	assert.Equal(t, types.ReplicationStatusReplica, status("mdst"))

	// ... and goes back to the source with it, which keeps COMPLETED.
	back.ReplicationConfiguration.Rules[0].SourceSelectionCriteria = &types.SourceSelectionCriteria{
		ReplicaModifications: &types.ReplicaModifications{Status: types.ReplicaModificationsStatusEnabled}}
	_, err = c.PutBucketReplication(ctx, back)
	require.NoError(t, err)
	tagReplica("replica2")
	assert.Equal(t, types.ReplicationStatusReplica, status("mdst"))
	run()
	assert.Equal(t, map[string]string{"by": "replica2"}, tags("msrc"))
	assert.Equal(t, types.ReplicationStatusCompleted, status("msrc"))
	assert.Equal(t, types.ReplicationStatusReplica, status("mdst"))
	body, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("msrc"), Key: aws.String("docs/a"), VersionId: vid})
	require.NoError(t, err)
	b, err := io.ReadAll(body.Body)
	body.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, "a", string(b), "the source keeps its body")

	// A version never replicated takes no change anywhere.
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("msrc"), Key: aws.String("other/b"), Body: strings.NewReader("b")})
	require.NoError(t, err)
	_, err = c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String("msrc"), Key: aws.String("other/b"),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}})
	require.NoError(t, err)
	h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("msrc"), Key: aws.String("other/b")})
	require.NoError(t, err)
	assert.Empty(t, h.ReplicationStatus)
	run()
}

// TestReplicationTimeMetricsOwner: a rule's ReplicationTime (S3 RTC),
// Metrics and AccessControlTranslation are stored and read back as put
// (they were dropped, so GetBucketReplication answered another
// configuration than the one put), with S3's checks: an event threshold
// only under an enabled ReplicationTime, which needs Metrics; 15 minutes;
// an owner override names the destination account.
func TestReplicationTimeMetricsOwner(t *testing.T) {
	srv := fake.New(t, fake.WithEngineOptions(engine.Options{CompactInterval: -1}))
	c := replicationClient(srv)
	ctx := context.Background()
	enableVersioning(t, c, "tsrc", "tdst")
	in := replicationInput("tsrc", "tdst")
	d := in.ReplicationConfiguration.Rules[0].Destination
	d.Account = aws.String("123456789012")
	d.AccessControlTranslation = &types.AccessControlTranslation{Owner: types.OwnerOverrideDestination}
	d.ReplicationTime = &types.ReplicationTime{Status: types.ReplicationTimeStatusEnabled, Time: &types.ReplicationTimeValue{Minutes: aws.Int32(15)}}
	d.Metrics = &types.Metrics{Status: types.MetricsStatusEnabled, EventThreshold: &types.ReplicationTimeValue{Minutes: aws.Int32(15)}}
	_, err := c.PutBucketReplication(ctx, in)
	require.NoError(t, err)
	got, err := c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String("tsrc")})
	require.NoError(t, err)
	gd := got.ReplicationConfiguration.Rules[0].Destination
	require.NotNil(t, gd.AccessControlTranslation)
	assert.Equal(t, types.OwnerOverrideDestination, gd.AccessControlTranslation.Owner)
	assert.Equal(t, "123456789012", aws.ToString(gd.Account))
	require.NotNil(t, gd.ReplicationTime)
	assert.Equal(t, types.ReplicationTimeStatusEnabled, gd.ReplicationTime.Status)
	assert.Equal(t, int32(15), aws.ToInt32(gd.ReplicationTime.Time.Minutes))
	require.NotNil(t, gd.Metrics)
	assert.Equal(t, types.MetricsStatusEnabled, gd.Metrics.Status)
	require.NotNil(t, gd.Metrics.EventThreshold)
	assert.Equal(t, int32(15), aws.ToInt32(gd.Metrics.EventThreshold.Minutes))

	// Metrics alone, as the console sets them, are taken and read back.
	d.ReplicationTime = nil
	d.Metrics = &types.Metrics{Status: types.MetricsStatusEnabled}
	_, err = c.PutBucketReplication(ctx, in)
	require.NoError(t, err)
	got, err = c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String("tsrc")})
	require.NoError(t, err)
	gd = got.ReplicationConfiguration.Rules[0].Destination
	assert.Nil(t, gd.ReplicationTime)
	require.NotNil(t, gd.Metrics)
	assert.Nil(t, gd.Metrics.EventThreshold)

	refused := func(what string) {
		t.Helper()
		_, err := c.PutBucketReplication(ctx, in)
		assert.Equal(t, "InvalidArgument", apiCode(err), what)
	}
	d.Metrics.EventThreshold = &types.ReplicationTimeValue{Minutes: aws.Int32(15)}
	refused("an event threshold without ReplicationTime")
	d.ReplicationTime = &types.ReplicationTime{Status: types.ReplicationTimeStatusEnabled, Time: &types.ReplicationTimeValue{Minutes: aws.Int32(15)}}
	d.Metrics = nil
	refused("ReplicationTime without Metrics")
	d.Metrics = &types.Metrics{Status: types.MetricsStatusEnabled, EventThreshold: &types.ReplicationTimeValue{Minutes: aws.Int32(15)}}
	d.ReplicationTime.Time.Minutes = aws.Int32(10)
	refused("10 minutes")
	d.ReplicationTime.Time.Minutes = aws.Int32(15)
	d.Account = nil
	refused("an owner override without the account")
	// Nothing refused changed the configuration.
	got, err = c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String("tsrc")})
	require.NoError(t, err)
	assert.Nil(t, got.ReplicationConfiguration.Rules[0].Destination.ReplicationTime)
}

// TestReplicationExclusions: a rule's Filter Not (S3's replication
// exclusions: one Prefix, one Tag, or an Or of prefixes and tags, beside
// the rule's own prefix and tags in an And) is stored, read back as put
// and honoured: an excluded object is not replicated. It was dropped
// silently, so excluded objects were replicated and GetBucketReplication
// answered another filter. A Not of two elements outside an Or, or
// beside a Filter's Prefix, is MalformedXML.
func TestReplicationExclusions(t *testing.T) {
	srv := fake.New(t, fake.WithEngineOptions(engine.Options{CompactInterval: -1}))
	c := replicationClient(srv)
	ctx := context.Background()
	enableVersioning(t, c, "xsrc", "xdst")
	in := replicationInput("xsrc", "xdst")
	rule := &in.ReplicationConfiguration.Rules[0]
	rule.Filter = &types.ReplicationRuleFilter{And: &types.ReplicationRuleAndOperator{Prefix: aws.String("docs/"),
		Not: &types.ReplicationRuleNotOperator{Or: &types.ReplicationRuleOrOperator{Prefixes: []string{"docs/tmp/", "docs/cache/"},
			Tags: []types.Tag{{Key: aws.String("replicate"), Value: aws.String("no")}}}}}}
	_, err := c.PutBucketReplication(ctx, in)
	require.NoError(t, err)
	got, err := c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String("xsrc")})
	require.NoError(t, err)
	f := got.ReplicationConfiguration.Rules[0].Filter
	require.NotNil(t, f.And)
	assert.Equal(t, "docs/", aws.ToString(f.And.Prefix))
	require.NotNil(t, f.And.Not)
	require.NotNil(t, f.And.Not.Or)
	assert.Equal(t, []string{"docs/tmp/", "docs/cache/"}, f.And.Not.Or.Prefixes)
	require.Len(t, f.And.Not.Or.Tags, 1)
	assert.Equal(t, "no", aws.ToString(f.And.Not.Or.Tags[0].Value))

	put := func(key, tagging string) {
		t.Helper()
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("xsrc"), Key: aws.String(key), Body: strings.NewReader("x"),
			Tagging: aws.String(tagging)})
		require.NoError(t, err)
	}
	put("docs/a", "")
	put("docs/tmp/b", "")
	put("docs/c", "replicate=no")
	put("docs/d", "replicate=yes")
	_, err = srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	for key, want := range map[string]bool{"docs/a": true, "docs/tmp/b": false, "docs/c": false, "docs/d": true} {
		_, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("xdst"), Key: aws.String(key)})
		assert.Equal(t, want, err == nil, key)
	}

	// A Not alone stands in the Filter; a Not of one tag reads back so.
	rule.Filter = &types.ReplicationRuleFilter{Not: &types.ReplicationRuleNotOperator{Tag: &types.Tag{Key: aws.String("k"), Value: aws.String("v")}}}
	_, err = c.PutBucketReplication(ctx, in)
	require.NoError(t, err)
	got, err = c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String("xsrc")})
	require.NoError(t, err)
	f = got.ReplicationConfiguration.Rules[0].Filter
	require.NotNil(t, f.Not)
	require.NotNil(t, f.Not.Tag)
	assert.Equal(t, "k", aws.ToString(f.Not.Tag.Key))
	assert.Nil(t, f.Not.Or)
	assert.Nil(t, f.And)

	rule.Filter.Not.Prefix = aws.String("p/")
	_, err = c.PutBucketReplication(ctx, in)
	assert.Equal(t, "MalformedXML", apiCode(err), "a Not of a tag and a prefix outside an Or")
	rule.Filter = &types.ReplicationRuleFilter{Prefix: aws.String("docs/"), Not: &types.ReplicationRuleNotOperator{Prefix: aws.String("docs/tmp/")}}
	_, err = c.PutBucketReplication(ctx, in)
	assert.Equal(t, "MalformedXML", apiCode(err), "a Not beside the Filter's Prefix")
}

// TestReplicationSourceMultiRegionKey: the destination's
// EncryptionConfiguration UseSourceMultiRegionKey is read back as put
// (it was dropped) and honoured: a replica of an SSE-KMS version is
// sealed under the related multi-Region key of the destination's region,
// for a local destination the source version's own key, not the
// ReplicaKmsKeyID.
func TestReplicationSourceMultiRegionKey(t *testing.T) {
	srv := fake.New(t, fake.WithEngineOptions(engine.Options{CompactInterval: -1}))
	c := replicationClient(srv)
	ctx := context.Background()
	enableVersioning(t, c, "msrc", "mdst")
	in := replicationInput("msrc", "mdst")
	rule := &in.ReplicationConfiguration.Rules[0]
	rule.SourceSelectionCriteria = &types.SourceSelectionCriteria{SseKmsEncryptedObjects: &types.SseKmsEncryptedObjects{Status: types.SseKmsEncryptedObjectsStatusEnabled}}
	rule.Destination.EncryptionConfiguration = &types.EncryptionConfiguration{ReplicaKmsKeyID: aws.String("alias/aws/s3"),
		UseSourceMultiRegionKey: &types.UseSourceMultiRegionKey{Status: types.UseSourceMultiRegionKeyStatusEnabled}}
	_, err := c.PutBucketReplication(ctx, in)
	require.NoError(t, err)
	got, err := c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String("msrc")})
	require.NoError(t, err)
	enc := got.ReplicationConfiguration.Rules[0].Destination.EncryptionConfiguration
	require.NotNil(t, enc)
	require.NotNil(t, enc.UseSourceMultiRegionKey)
	assert.Equal(t, types.UseSourceMultiRegionKeyStatusEnabled, enc.UseSourceMultiRegionKey.Status)
	assert.Equal(t, "alias/aws/s3", aws.ToString(enc.ReplicaKmsKeyID))

	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("msrc"), Key: aws.String("docs/k"), Body: strings.NewReader("secret"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String("alias/test-key")})
	require.NoError(t, err)
	_, err = srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	rep, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("mdst"), Key: aws.String("docs/k")})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(put.SSEKMSKeyId), aws.ToString(rep.SSEKMSKeyId))

	rule.Destination.EncryptionConfiguration.UseSourceMultiRegionKey.Status = "On"
	_, err = c.PutBucketReplication(ctx, in)
	assert.Equal(t, "MalformedXML", apiCode(err))
}
