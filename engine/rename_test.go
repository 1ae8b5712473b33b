package engine

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// TestRenameObject: a rename moves the record (body, metadata, time)
// to the new name atomically, honours source and destination
// conditions, and changes nothing when refused.
func TestRenameObject(t *testing.T) {
	ctx := context.Background()
	e, err := Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.CreateBucket(ctx, "bkt", BucketOptions{}); err != nil {
		t.Fatal(err)
	}
	put := func(key, body string) ObjectInfo {
		t.Helper()
		info, err := e.PutObject(ctx, "bkt", key, strings.NewReader(body), int64(len(body)), PutOptions{Metadata: Metadata{ContentType: "text/x-" + key}})
		if err != nil {
			t.Fatal(err)
		}
		return info
	}
	read := func(key string) (string, error) {
		r, err := e.GetObject(ctx, "bkt", key, GetOptions{})
		if err != nil {
			return "", err
		}
		defer r.Close()
		b, err := io.ReadAll(r)
		return string(b), err
	}
	big := strings.Repeat("x", 300<<10) // in the blob log, not inline
	src := put("old", big)
	time.Sleep(10 * time.Millisecond)
	got, err := e.RenameObject(ctx, "bkt", "old", "new", RenameOptions{Source: Conditions{IfMatch: src.ETag}})
	if err != nil {
		t.Fatal(err)
	}
	e.audit(t)
	if got.Key != "new" || got.ETag != src.ETag || !got.LastModified.Equal(src.LastModified) || got.ContentType != "text/x-old" {
		t.Fatalf("renamed: %+v, source %+v", got, src)
	}
	if _, err := read("old"); !errors.Is(err, ErrNoSuchKey) {
		t.Fatalf("old name: %v", err)
	}
	if body, err := read("new"); err != nil || body != big {
		t.Fatalf("new name: %d bytes, %v", len(body), err)
	}

	put("other", "o")
	for name, opts := range map[string]RenameOptions{
		"dest exists":      {Destination: Conditions{IfNoneMatch: "*"}},
		"source etag":      {Source: Conditions{IfMatch: `"0123"`}},
		"dest etag":        {Destination: Conditions{IfMatch: `"0123"`}},
		"source unchanged": {Source: Conditions{IfNoneMatch: src.ETag}},
	} {
		if _, err := e.RenameObject(ctx, "bkt", "new", "other", opts); !errors.Is(err, ErrPreconditionFailed) {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if _, err := e.RenameObject(ctx, "bkt", "new", "absent", RenameOptions{Destination: Conditions{IfMatch: "*"}}); !errors.Is(err, ErrPreconditionFailed) {
		t.Fatalf("If-Match on a missing destination: %v", err)
	}
	if _, err := e.RenameObject(ctx, "bkt", "missing", "x", RenameOptions{}); !errors.Is(err, ErrNoSuchKey) {
		t.Fatalf("missing source: %v", err)
	}
	if _, err := e.RenameObject(ctx, "bkt", "new", "dir/", RenameOptions{}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("a directory name: %v", err)
	}
	if body, err := read("new"); err != nil || body != big {
		t.Fatalf("refused renames changed the source: %v", err)
	}
	// Onto an existing name: it is replaced.
	if _, err := e.RenameObject(ctx, "bkt", "new", "other", RenameOptions{}); err != nil {
		t.Fatal(err)
	}
	if body, err := read("other"); err != nil || body != big {
		t.Fatalf("replaced destination: %v", err)
	}
	// The blobs stay referenced once: deleting the new name frees them
	// and compaction finds nothing dangling.
	if err := e.DeleteObject(ctx, "bkt", "other", DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	e.audit(t) // references, usage and blobs agree
}
