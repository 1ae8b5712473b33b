package engine

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestOwn35DialectMarkIsKept: an object records the wire dialect of the
// write that gave it its owner (ObjectInfo.Dialect), which decides in
// httpapi whether the writer or the bucket owner owns it. Every write
// keeps the mark it is given (put, content put, append, symlink, copy,
// multipart), a read through a symlink carries the link's, updates keep
// it, each version has its own, and a record without the field (every
// record of earlier builds) reads as DialectUnknown and encodes without
// it.
func TestOwn35DialectMarkIsKept(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	if err := e.CreateBucket(ctx, "own", BucketOptions{Owner: "owner"}); err != nil {
		t.Fatal(err)
	}
	mark := func(key, versionID string) Dialect {
		t.Helper()
		info, err := e.HeadObjectVersion(ctx, "own", key, versionID)
		if err != nil {
			t.Fatal(err)
		}
		return info.Dialect
	}
	put := func(key string, d Dialect) ObjectInfo {
		t.Helper()
		info, err := e.PutObject(ctx, "own", key, strings.NewReader(key), int64(len(key)), PutOptions{Owner: "writer", Dialect: d})
		if err != nil {
			t.Fatal(err)
		}
		return info
	}
	put("s3", DialectS3)
	put("oss", DialectOSS)
	put("sina", DialectSina)
	put("old", DialectUnknown)
	for key, want := range map[string]Dialect{"s3": DialectS3, "oss": DialectOSS, "sina": DialectSina, "old": DialectUnknown} {
		if got := mark(key, ""); got != want {
			t.Errorf("%s: mark %d, want %d", key, got, want)
		}
	}

	// A copy is the copier's write: its mark, not the source's.
	if _, err := e.CopyObject(ctx, "own", "s3", "own", "copied", CopyOptions{Owner: "writer", Dialect: DialectOSS}); err != nil {
		t.Fatal(err)
	}
	if got := mark("copied", ""); got != DialectOSS {
		t.Errorf("copy: mark %d, want the copy's %d", got, DialectOSS)
	}
	// An appendable object keeps its first append's.
	for i, d := range []Dialect{DialectOSS, DialectS3} {
		if _, err := e.AppendObject(ctx, "own", "appended", int64(i), strings.NewReader("x"), 1, PutOptions{Owner: "writer", Dialect: d}); err != nil {
			t.Fatal(err)
		}
	}
	if got := mark("appended", ""); got != DialectOSS {
		t.Errorf("append: mark %d, want the first append's %d", got, DialectOSS)
	}
	// A multipart object takes its upload's (the initiation's).
	id, err := e.CreateMultipartUpload(ctx, "own", "mp", PutOptions{Owner: "writer", Dialect: DialectSina})
	if err != nil {
		t.Fatal(err)
	}
	part, err := e.UploadPart(ctx, "own", "mp", id, 1, strings.NewReader("part"), 4, PartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.CompleteMultipartUpload(ctx, "own", "mp", id, []CompletePart{{PartNumber: 1, ETag: part.ETag}}, CompleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := mark("mp", ""); got != DialectSina {
		t.Errorf("multipart: mark %d, want the upload's %d", got, DialectSina)
	}
	// A symlink has its own; reading through it, the link's (as its owner).
	if _, err := e.PutSymlink(ctx, "own", "link", "s3", PutOptions{Owner: "owner", Dialect: DialectOSS}); err != nil {
		t.Fatal(err)
	}
	obj, err := e.GetObject(ctx, "own", "link", GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	obj.Close()
	if obj.Info.Dialect != DialectOSS || obj.Info.Owner != "owner" {
		t.Errorf("through the link: owner %q mark %d, want the link's (owner, %d)", obj.Info.Owner, obj.Info.Dialect, DialectOSS)
	}
	// Updates (ACL, tags) keep it.
	if _, err := e.UpdateObject(ctx, "own", "s3", ObjectUpdate{ACL: &ACL{Canned: "public-read"}, Tags: &[]Tag{{"a", "1"}}}); err != nil {
		t.Fatal(err)
	}
	if got := mark("s3", ""); got != DialectS3 {
		t.Errorf("after an update: mark %d, want %d", got, DialectS3)
	}

	// Versions: each its own.
	versionedBuckets(t, e, "ver")
	v1, err := e.PutObject(ctx, "ver", "k", strings.NewReader("1"), 1, PutOptions{Owner: "writer", Dialect: DialectS3})
	if err != nil {
		t.Fatal(err)
	}
	v2, err := e.PutObject(ctx, "ver", "k", strings.NewReader("2"), 1, PutOptions{Owner: "writer", Dialect: DialectOSS})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		vid  string
		want Dialect
	}{{v1.VersionID, DialectS3}, {v2.VersionID, DialectOSS}, {"", DialectOSS}} {
		info, err := e.HeadObjectVersion(ctx, "ver", "k", c.vid)
		if err != nil || info.Dialect != c.want {
			t.Errorf("version %q: mark %d (%v), want %d", c.vid, info.Dialect, err, c.want)
		}
	}

	// The encoding: absent when unknown, so that an unmarked record is
	// what earlier builds wrote and read.
	for _, d := range []Dialect{DialectUnknown, DialectS3, DialectOSS, DialectSina} {
		r := objectRecord{info: ObjectInfo{Size: 1, ETag: "e", Owner: "writer", Dialect: d}, inline: []byte("x")}
		enc := r.encode()
		got, err := decodeObject(enc, true)
		if err != nil || got.info.Dialect != d || got.info.Owner != "writer" {
			t.Errorf("dialect %d: decoded %d owner %q (%v)", d, got.info.Dialect, got.info.Owner, err)
		}
		unmarked := r
		unmarked.info.Dialect = DialectUnknown
		if has := hasTag(t, enc, fDialect); has != (d != DialectUnknown) {
			t.Errorf("dialect %d: field present %v", d, has)
		}
		if d != DialectUnknown && len(enc) != len(unmarked.encode())+3 {
			t.Errorf("dialect %d: %d bytes, want the unmarked record's %d and 3", d, len(enc), len(unmarked.encode()))
		}
		if d == DialectUnknown && !bytes.Equal(enc, unmarked.encode()) {
			t.Error("an unmarked record encodes differently")
		}
	}
}

// hasTag reports whether the object record b holds a field tagged tag.
func hasTag(t *testing.T, b []byte, tag uint64) bool {
	t.Helper()
	d := decoder{b: b}
	d.version()
	for {
		got, _, ok := d.next()
		if !ok {
			if d.err != nil {
				t.Fatal(d.err)
			}
			return false
		}
		if got == tag {
			return true
		}
	}
}

// TestOwn35OldStoreObjectsAreUnmarked: every object of the store the
// oldest build wrote (testdata/upg33) reads as DialectUnknown, so that
// httpapi keeps the asking dialect's rule for them; an object written on
// that store afterwards records its mark, and an old record updated in
// place stays unmarked.
func TestOwn35OldStoreObjectsAreUnmarked(t *testing.T) {
	ctx := context.Background()
	e, _ := upg33Open(t)
	defer func() { e.Close() }()
	for _, w := range upg33Objects {
		info, err := e.HeadObject(ctx, w.bucket, w.key)
		if err != nil {
			t.Fatalf("%s/%s: %v", w.bucket, w.key, err)
		}
		if info.Dialect != DialectUnknown {
			t.Errorf("%s/%s: mark %d, want unknown", w.bucket, w.key, info.Dialect)
		}
	}
	if _, err := e.UpdateObject(ctx, "fx-s3", "small.txt", ObjectUpdate{ACL: &ACL{Canned: "private"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.PutObject(ctx, "fx-s3", "new", strings.NewReader("n"), 1, PutOptions{Owner: "w", Dialect: DialectS3}); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]Dialect{"small.txt": DialectUnknown, "new": DialectS3} {
		if info, err := e.HeadObject(ctx, "fx-s3", key); err != nil || info.Dialect != want {
			t.Errorf("%s: mark %d (%v), want %d", key, info.Dialect, err, want)
		}
	}
}
