package engine_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/osslite/osslite/engine"
)

func ExampleOpen() {
	ctx := context.Background()
	eng, err := engine.Open("", nil) // in memory
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()

	if err := eng.CreateBucket(ctx, "photos", engine.BucketOptions{}); err != nil {
		log.Fatal(err)
	}
	body := "a cat"
	info, err := eng.PutObject(ctx, "photos", "cats/tom.txt", strings.NewReader(body), int64(len(body)),
		engine.PutOptions{Metadata: engine.Metadata{ContentType: "text/plain"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.ETag, info.Size)

	obj, err := eng.GetObject(ctx, "photos", "cats/tom.txt", engine.GetOptions{Range: &engine.ByteRange{Start: 2, End: -1}})
	if err != nil {
		log.Fatal(err)
	}
	defer obj.Close()
	b, _ := io.ReadAll(obj)
	fmt.Println(string(b), obj.Info.ContentType)

	page, err := eng.ListObjects(ctx, "photos", engine.ListOptions{Delimiter: "/"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page.CommonPrefixes)
	// Output:
	// c1d0e44b09d5ac52f90f463fe410fc88 5
	// cat text/plain
	// [cats/]
}

func ExampleEngine_CompleteMultipartUpload() {
	ctx := context.Background()
	eng, _ := engine.Open("", nil)
	defer eng.Close()
	_ = eng.CreateBucket(ctx, "backups", engine.BucketOptions{})

	id, _ := eng.CreateMultipartUpload(ctx, "backups", "db.tar", engine.PutOptions{})
	var parts []engine.CompletePart
	for i, p := range []string{"first part ", "second part"} {
		info, err := eng.UploadPart(ctx, "backups", "db.tar", id, i+1, strings.NewReader(p), int64(len(p)), engine.PartOptions{})
		if err != nil {
			log.Fatal(err)
		}
		parts = append(parts, engine.CompletePart{PartNumber: i + 1, ETag: info.ETag})
	}
	// Parts are tiny here, so lift S3's 5 MiB minimum.
	info, err := eng.CompleteMultipartUpload(ctx, "backups", "db.tar", id, parts, engine.CompleteOptions{MinPartSize: -1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Size, info.Type, strings.HasSuffix(info.ETag, "-2"))
	// Output: 22 Multipart true
}

// An Object is an io.ReadSeeker, so http.ServeContent answers Range
// requests from it, reading only the chunks the ranges touch.
func ExampleObject_Seek() {
	ctx := context.Background()
	eng, _ := engine.Open("", nil)
	defer eng.Close()
	_ = eng.CreateBucket(ctx, "site", engine.BucketOptions{})
	body := "0123456789abcdefghij"
	_, _ = eng.PutObject(ctx, "site", "digits.txt", strings.NewReader(body), int64(len(body)), engine.PutOptions{})

	obj, err := eng.GetObject(ctx, "site", "digits.txt", engine.GetOptions{}) // unranged: Seek addresses the whole object
	if err != nil {
		log.Fatal(err)
	}
	defer obj.Close()
	req := httptest.NewRequest("GET", "/digits.txt", nil)
	req.Header.Set("Range", "bytes=10-15")
	rec := httptest.NewRecorder()
	http.ServeContent(rec, req, "digits.txt", obj.Info.LastModified, obj)
	fmt.Println(rec.Code, rec.Header().Get("Content-Range"), rec.Body.String())
	// Output: 206 bytes 10-15/20 abcdef
}

// An Object is an io.ReaderAt, so archive/zip reads a stored archive in
// place: only the central directory and the members opened are read.
func ExampleObject_ReadAt() {
	ctx := context.Background()
	eng, _ := engine.Open("", nil)
	defer eng.Close()
	_ = eng.CreateBucket(ctx, "archives", engine.BucketOptions{})
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	f, _ := zw.Create("hello.txt")
	_, _ = f.Write([]byte("hello from inside a zip"))
	_ = zw.Close()
	_, _ = eng.PutObject(ctx, "archives", "a.zip", &buf, int64(buf.Len()), engine.PutOptions{})

	obj, err := eng.GetObject(ctx, "archives", "a.zip", engine.GetOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer obj.Close()
	zr, err := zip.NewReader(obj, obj.Length)
	if err != nil {
		log.Fatal(err)
	}
	rc, _ := zr.File[0].Open()
	b, _ := io.ReadAll(rc)
	rc.Close()
	fmt.Println(zr.File[0].Name, string(b))
	// Output: hello.txt hello from inside a zip
}

func ExampleEngine_NewWriter() {
	ctx := context.Background()
	eng, _ := engine.Open("", nil)
	defer eng.Close()
	_ = eng.CreateBucket(ctx, "logs", engine.BucketOptions{})

	w, err := eng.NewWriter(ctx, "logs", "today.log", engine.PutOptions{Metadata: engine.Metadata{ContentType: "text/plain"}})
	if err != nil {
		log.Fatal(err)
	}
	for i := range 3 {
		fmt.Fprintf(w, "line %d\n", i)
	}
	// Nothing is visible until Close commits; on error, nothing is stored.
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(w.Info().Size, w.Info().ContentType)
	// Output: 21 text/plain
}

func ExampleEngine_Objects() {
	ctx := context.Background()
	eng, _ := engine.Open("", nil)
	defer eng.Close()
	_ = eng.CreateBucket(ctx, "docs", engine.BucketOptions{})
	for _, k := range []string{"a.txt", "b.txt", "c.txt", "old/d.txt"} {
		_, _ = eng.PutObject(ctx, "docs", k, strings.NewReader(k), int64(len(k)), engine.PutOptions{})
	}
	// MaxKeys is the page size; the iterator fetches the pages.
	for obj, err := range eng.Objects(ctx, "docs", engine.ListOptions{MaxKeys: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(obj.Key, obj.Size)
	}
	// Output:
	// a.txt 5
	// b.txt 5
	// c.txt 5
	// old/d.txt 9
}

func ExampleEngine_Entries() {
	ctx := context.Background()
	eng, _ := engine.Open("", nil)
	defer eng.Close()
	_ = eng.CreateBucket(ctx, "docs", engine.BucketOptions{})
	for _, k := range []string{"a.txt", "img/1.png", "img/2.png", "z.txt"} {
		_, _ = eng.PutObject(ctx, "docs", k, strings.NewReader(k), int64(len(k)), engine.PutOptions{})
	}
	for en, err := range eng.Entries(ctx, "docs", engine.ListOptions{Delimiter: "/"}) {
		if err != nil {
			log.Fatal(err)
		}
		if en.IsPrefix() {
			fmt.Println("dir ", en.Prefix)
		} else {
			fmt.Println("file", en.Object.Key)
		}
	}
	// Output:
	// file a.txt
	// dir  img/
	// file z.txt
}

func ExampleEngine_Uploads() {
	ctx := context.Background()
	eng, _ := engine.Open("", nil)
	defer eng.Close()
	_ = eng.CreateBucket(ctx, "backups", engine.BucketOptions{})
	for _, k := range []string{"db.tar", "logs.tar"} {
		_, _ = eng.CreateMultipartUpload(ctx, "backups", k, engine.PutOptions{})
	}
	for u, err := range eng.Uploads(ctx, "backups", engine.ListUploadsOptions{}) {
		if err != nil {
			log.Fatal(err)
		}
		// Abort every upload in progress.
		fmt.Println(u.Key, eng.AbortMultipartUpload(ctx, "backups", u.Key, u.UploadID))
	}
	// Output:
	// db.tar <nil>
	// logs.tar <nil>
}

func ExampleEngine_Parts() {
	ctx := context.Background()
	eng, _ := engine.Open("", nil)
	defer eng.Close()
	_ = eng.CreateBucket(ctx, "backups", engine.BucketOptions{})
	id, _ := eng.CreateMultipartUpload(ctx, "backups", "db.tar", engine.PutOptions{})
	for n, p := range []string{"one", "two", "three"} {
		_, _ = eng.UploadPart(ctx, "backups", "db.tar", id, n+1, strings.NewReader(p), int64(len(p)), engine.PartOptions{})
	}
	for p, err := range eng.Parts(ctx, "backups", "db.tar", id, engine.ListPartsOptions{}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(p.PartNumber, p.Size)
	}
	// Output:
	// 1 3
	// 2 3
	// 3 5
}

func ExampleEngine_DeleteObject() {
	ctx := context.Background()
	eng, _ := engine.Open("", nil)
	defer eng.Close()
	_ = eng.CreateBucket(ctx, "photos", engine.BucketOptions{})
	info, _ := eng.PutObject(ctx, "photos", "cat.jpg", strings.NewReader("v1"), 2, engine.PutOptions{})

	// Delete only the version we read: the check and the delete are atomic.
	err := eng.DeleteObject(ctx, "photos", "cat.jpg", engine.DeleteOptions{IfMatch: "not-the-etag"})
	fmt.Println(errors.Is(err, engine.ErrPreconditionFailed))
	err = eng.DeleteObject(ctx, "photos", "cat.jpg", engine.DeleteOptions{IfMatch: info.ETag})
	fmt.Println(err)
	err = eng.DeleteObject(ctx, "photos", "cat.jpg", engine.DeleteOptions{IfMatch: info.ETag})
	fmt.Println(errors.Is(err, engine.ErrNoSuchKey))
	// Output:
	// true
	// <nil>
	// true
}

func ExampleEngine_Recovery() {
	eng, err := engine.Open("", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()
	for _, t := range eng.Recovery().Truncations {
		log.Printf("segment %d: dropped %d torn bytes", t.Segment, t.DroppedBytes)
	}
	fmt.Println(len(eng.Recovery().Truncations))
	// Output: 0
}
