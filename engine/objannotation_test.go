package engine

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/stretchr/testify/require"
)

// TestObjectAnnotations: a version holds at most MaxObjectAnnotations
// (replacing one does not count), a payload is sealed at rest when the
// engine has a key service, an object encrypted with a customer key
// takes none, and the annotations of a replaced version are unreachable
// at once and swept later.
func TestObjectAnnotations(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.Keys = testKMS(t)
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "ann", BucketOptions{}))
	put(t, e, "ann", "k", []byte("body"))

	secret := []byte("a payload that must not be stored in clear")
	a, err := e.PutObjectAnnotation(ctx, "ann", "k", "secret", secret, AnnotationOptions{})
	require.NoError(t, err)
	require.NotNil(t, a.Encryption)
	require.Equal(t, EncryptManaged, a.Encryption.Mode)
	it, err := e.db.NewIter(&pebble.IterOptions{})
	require.NoError(t, err)
	for ok := it.First(); ok; ok = it.Next() {
		require.False(t, bytes.Contains(it.Value(), secret), "stored in clear under %q", it.Key())
	}
	require.NoError(t, it.Close())
	_, got, err := e.GetObjectAnnotation(ctx, "ann", "k", "secret", AnnotationOptions{})
	require.NoError(t, err)
	require.Equal(t, secret, got)

	for i := 1; i < MaxObjectAnnotations; i++ {
		_, err := e.PutObjectAnnotation(ctx, "ann", "k", fmt.Sprintf("n%04d", i), []byte("v"), AnnotationOptions{})
		require.NoError(t, err)
	}
	_, err = e.PutObjectAnnotation(ctx, "ann", "k", "one-too-many", []byte("v"), AnnotationOptions{})
	require.ErrorIs(t, err, ErrTooManyAnnotations)
	_, err = e.PutObjectAnnotation(ctx, "ann", "k", "n0001", []byte("replaced"), AnnotationOptions{})
	require.NoError(t, err, "replacing one is not one more")
	page, err := e.ListObjectAnnotations(ctx, "ann", "k", AnnotationListOptions{Prefix: "n", After: "n0997"})
	require.NoError(t, err)
	require.Len(t, page.Annotations, 2)
	require.Equal(t, "n0998", page.Annotations[0].Name)
	page, err = e.ListObjectAnnotations(ctx, "ann", "k", AnnotationListOptions{Max: 10})
	require.NoError(t, err)
	require.Len(t, page.Annotations, 10)
	require.Equal(t, "n0010", page.Next)

	// A copy under a KMS key takes them, sealed under that key; one
	// without CopyAnnotations takes none.
	cp, err := e.CopyObject(ctx, "ann", "k", "ann", "kms-copy", CopyOptions{CopyAnnotations: true,
		Encryption: Encryption{Mode: EncryptKMS, KeyID: "alias/app", Context: map[string]string{"c": "d"}}})
	require.NoError(t, err)
	require.Equal(t, EncryptKMS, cp.Encryption.Mode)
	ca, got, err := e.GetObjectAnnotation(ctx, "ann", "kms-copy", "secret", AnnotationOptions{})
	require.NoError(t, err)
	require.Equal(t, secret, got)
	require.Equal(t, EncryptKMS, ca.Encryption.Mode)
	require.Equal(t, map[string]string{"c": "d"}, ca.Encryption.Context)
	page, err = e.ListObjectAnnotations(ctx, "ann", "kms-copy", AnnotationListOptions{})
	require.NoError(t, err)
	require.Len(t, page.Annotations, MaxObjectAnnotations)
	_, err = e.CopyObject(ctx, "ann", "k", "ann", "bare-copy", CopyOptions{})
	require.NoError(t, err)
	page, err = e.ListObjectAnnotations(ctx, "ann", "bare-copy", AnnotationListOptions{})
	require.NoError(t, err)
	require.Empty(t, page.Annotations)
	for _, k := range []string{"kms-copy", "bare-copy"} {
		require.NoError(t, e.DeleteObject(ctx, "ann", k, DeleteOptions{}))
	}

	// A new body: the old annotations are unreachable now, swept later.
	put(t, e, "ann", "k", []byte("another body"))
	_, _, err = e.GetObjectAnnotation(ctx, "ann", "k", "secret", AnnotationOptions{})
	require.ErrorIs(t, err, ErrNoSuchAnnotation)
	_, err = e.PutObjectAnnotation(ctx, "ann", "k", "fresh", []byte("v"), AnnotationOptions{})
	require.NoError(t, err, "the stale ones do not count against the limit")
	n, err := e.sweepObjAnnotations(ctx)
	require.NoError(t, err)
	require.Equal(t, MaxObjectAnnotations, n, "the deleted kms-copy's; the put removed k's stale ones")
	page, err = e.ListObjectAnnotations(ctx, "ann", "k", AnnotationListOptions{})
	require.NoError(t, err)
	require.Len(t, page.Annotations, 1)

	// Deleting the object leaves its annotations to the sweep.
	require.NoError(t, e.DeleteObject(ctx, "ann", "k", DeleteOptions{}))
	n, err = e.sweepObjAnnotations(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	// A customer key: no annotations.
	key := bytes.Repeat([]byte{7}, 32)
	_, err = e.PutObject(ctx, "ann", "c", bytes.NewReader([]byte("x")), 1, PutOptions{Encryption: Encryption{Mode: EncryptCustomer, CustomerKey: key}})
	require.NoError(t, err)
	_, err = e.PutObjectAnnotation(ctx, "ann", "c", "x", []byte("v"), AnnotationOptions{})
	require.ErrorIs(t, err, ErrCustomerKeyAnnotation)

	// Payload and name limits.
	for _, p := range [][]byte{nil, []byte("\xff"), bytes.Repeat([]byte("x"), MaxObjectAnnotationSize+1)} {
		_, err = e.PutObjectAnnotation(ctx, "ann", "c", "x", p, AnnotationOptions{})
		require.ErrorIs(t, err, ErrInvalidArgument)
	}

	// The bucket's deletion takes what is left.
	put(t, e, "ann", "last", []byte("x"))
	_, err = e.PutObjectAnnotation(ctx, "ann", "last", "x", []byte("v"), AnnotationOptions{})
	require.NoError(t, err)
	for _, k := range []string{"last", "c"} {
		require.NoError(t, e.DeleteObject(ctx, "ann", k, DeleteOptions{}))
	}
	require.NoError(t, e.DeleteBucket(ctx, "ann", DeleteBucketOptions{}))
	for _, p := range []string{prefixObjAnnotation, prefixObjPayload} {
		empty, err := e.emptyRange([]byte(p))
		require.NoError(t, err)
		require.True(t, empty, "nothing left under %s", p)
	}
}

// TestAnnotationsReplicate: a version's annotations go with its replica
// to a local destination, sealed again there; one put after the
// replication follows it; a removal does not (S3 replicates additions
// and updates of annotations, not their removal).
func TestAnnotationsReplicate(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.Keys = testKMS(t)
	e := openTest(t, opts)
	versionedBuckets(t, e, "src", "dst")
	require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("dst", false)))
	v, err := e.PutObject(ctx, "src", "docs/a", bytes.NewReader([]byte("body")), 4, PutOptions{})
	require.NoError(t, err)
	_, err = e.PutObjectAnnotation(ctx, "src", "docs/a", "before", []byte("one"), AnnotationOptions{})
	require.NoError(t, err)
	_, err = e.PutObjectAnnotation(ctx, "src", "docs/a", "gone", []byte("x"), AnnotationOptions{})
	require.NoError(t, err)
	_, err = e.DeleteObjectAnnotation(ctx, "src", "docs/a", "gone", AnnotationOptions{})
	require.NoError(t, err)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	_, got, err := e.GetObjectAnnotation(ctx, "dst", "docs/a", "before", AnnotationOptions{VersionID: v.VersionID})
	require.NoError(t, err)
	require.Equal(t, "one", string(got))

	_, err = e.PutObjectAnnotation(ctx, "src", "docs/a", "after", []byte("two"), AnnotationOptions{})
	require.NoError(t, err)
	_, got, err = e.GetObjectAnnotation(ctx, "dst", "docs/a", "after", AnnotationOptions{})
	require.NoError(t, err, "put after the replication")
	require.Equal(t, "two", string(got))
	_, err = e.DeleteObjectAnnotation(ctx, "src", "docs/a", "after", AnnotationOptions{})
	require.NoError(t, err)
	page, err := e.ListObjectAnnotations(ctx, "dst", "docs/a", AnnotationListOptions{})
	require.NoError(t, err)
	require.Len(t, page.Annotations, 2, "removals are not replicated")
}
