package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOpen37PartCopyRefusesLinkFirst: UploadPartCopy refuses an OSS
// symlink source, which a caller decides on the link's own record; the
// refusal came after the object read through the link, its target, was
// judged: a failed condition (ErrPreconditionFailed or the condition
// named), a range past its end (its size) or its archived state were
// answered instead, each telling of a target whose read nobody decided.
// Now the link is refused before any of them.
func TestOpen37PartCopyRefusesLinkFirst(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	for key, class := range map[string]string{"t": "", "cold": "GLACIER"} {
		_, err := e.PutObject(ctx, "bkt", key, strings.NewReader("the target"), 10, PutOptions{StorageClass: class})
		require.NoError(t, err)
		_, err = e.PutSymlink(ctx, "bkt", "l"+key, key, PutOptions{})
		require.NoError(t, err)
	}
	id, err := e.CreateMultipartUpload(ctx, "bkt", "dst", PutOptions{})
	require.NoError(t, err)
	for name, c := range map[string]struct {
		link string
		opts PartCopyOptions
	}{
		"no condition":         {"lt", PartCopyOptions{}},
		"if-match a guess":     {"lt", PartCopyOptions{Source: Conditions{IfMatch: `"0123"`}}},
		"if-none-match any":    {"lt", PartCopyOptions{Source: Conditions{IfNoneMatch: "*"}}},
		"a range past the end": {"lt", PartCopyOptions{Range: &ByteRange{Start: 100, End: 200}}},
		"an archived target":   {"lcold", PartCopyOptions{}},
	} {
		_, err := e.UploadPartCopy(ctx, "bkt", "dst", id, 1, "bkt", c.link, c.opts)
		assert.ErrorIs(t, err, ErrCopySourceSymlink, name)
	}
}
