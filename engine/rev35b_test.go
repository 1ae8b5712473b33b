package engine

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRev35bUpdatePinned: ObjectUpdate.Pin binds an update to the object
// the caller authorized it against. A pin made from what HeadObjectVersion
// (or GetSymlinkVersion, for a link) answered matches at once, latest or
// version, in an unversioned and a versioned bucket; once the key holds
// another object the update fails with ErrObjectChanged and changes
// nothing; a pin of a missing object fails on an object that appeared.
// AnnotationOptions.Pin (and AnnotationListOptions.Pin) bind annotation
// operations the same way.
func TestRev35bUpdatePinned(t *testing.T) {
	e := openTest(t, nil)
	ctx := context.Background()
	pin := func(i ObjectInfo) *SourcePin {
		return &SourcePin{Found: true, VersionID: i.VersionID, ETag: i.ETag, LastModified: i.LastModified}
	}
	private := ACL{Canned: "private"}
	public := ACL{Canned: "public-read"}
	for _, versioned := range []bool{false, true} {
		b := "pin-plain"
		if versioned {
			b = "pin-versioned"
		}
		require.NoError(t, e.CreateBucket(ctx, b, BucketOptions{}))
		if versioned {
			setVersioning(t, e, b, "Enabled")
		}
		putString(t, e, b, "k", "first")
		first, err := e.HeadObjectVersion(ctx, b, "k", "")
		require.NoError(t, err)
		_, err = e.UpdateObject(ctx, b, "k", ObjectUpdate{ACL: &private, Pin: pin(first)})
		require.NoError(t, err, "the object decided")

		putString(t, e, b, "k", "second")
		_, err = e.UpdateObject(ctx, b, "k", ObjectUpdate{ACL: &public, Pin: pin(first)})
		require.ErrorIs(t, err, ErrObjectChanged, "versioned %v", versioned)
		now, err := e.HeadObject(ctx, b, "k")
		require.NoError(t, err)
		assert.NotEqual(t, "public-read", now.ACL.Canned, "nothing changed")
		if versioned {
			_, err = e.UpdateObject(ctx, b, "k", ObjectUpdate{ACL: &public, VersionID: first.VersionID, Pin: pin(first)})
			require.NoError(t, err, "the version decided, by its ID")
		}
		_, err = e.UpdateObject(ctx, b, "k", ObjectUpdate{ACL: &public, Pin: &SourcePin{}})
		require.ErrorIs(t, err, ErrObjectChanged, "decided missing, found")

		_, err = e.PutSymlink(ctx, b, "link", "k", PutOptions{})
		require.NoError(t, err)
		link, err := e.GetSymlinkVersion(ctx, b, "link", "")
		require.NoError(t, err)
		_, err = e.UpdateObject(ctx, b, "link", ObjectUpdate{ACL: &public, Pin: pin(link)})
		require.NoError(t, err, "a link, decided on its own record")

		// Annotations alike: put, get, list and delete.
		cur, err := e.HeadObjectVersion(ctx, b, "k", "")
		require.NoError(t, err)
		_, err = e.PutObjectAnnotation(ctx, b, "k", "n", []byte("v"), AnnotationOptions{Pin: pin(cur)})
		require.NoError(t, err)
		_, _, err = e.GetObjectAnnotation(ctx, b, "k", "n", AnnotationOptions{Pin: pin(cur)})
		require.NoError(t, err)
		_, err = e.ListObjectAnnotations(ctx, b, "k", AnnotationListOptions{Pin: pin(cur)})
		require.NoError(t, err)
		for _, p := range []*SourcePin{pin(first), {}} {
			_, err = e.PutObjectAnnotation(ctx, b, "k", "n", []byte("w"), AnnotationOptions{Pin: p})
			require.ErrorIs(t, err, ErrObjectChanged)
			_, _, err = e.GetObjectAnnotation(ctx, b, "k", "n", AnnotationOptions{Pin: p})
			require.ErrorIs(t, err, ErrObjectChanged)
			_, err = e.ListObjectAnnotations(ctx, b, "k", AnnotationListOptions{Pin: p})
			require.ErrorIs(t, err, ErrObjectChanged)
			_, err = e.DeleteObjectAnnotation(ctx, b, "k", "n", AnnotationOptions{Pin: p})
			require.ErrorIs(t, err, ErrObjectChanged)
		}
		_, payload, err := e.GetObjectAnnotation(ctx, b, "k", "n", AnnotationOptions{})
		require.NoError(t, err)
		assert.Equal(t, "v", string(payload), "nothing changed")
		_, err = e.DeleteObjectAnnotation(ctx, b, "k", "n", AnnotationOptions{Pin: pin(cur)})
		require.NoError(t, err)
	}
}
