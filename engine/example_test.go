package engine_test

import (
	"context"
	"fmt"
	"io"
	"log"
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
