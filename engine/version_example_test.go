package engine_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

func ExampleEngine_ListObjectVersions() {
	ctx := context.Background()
	eng, err := engine.Open("", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()
	if err := eng.CreateBucket(ctx, "docs", engine.BucketOptions{}); err != nil {
		log.Fatal(err)
	}
	if err := eng.SetBucketConfig(ctx, "docs", &bucketconfig.Versioning{Status: "Enabled"}); err != nil {
		log.Fatal(err)
	}
	var first string
	for _, body := range []string{"draft", "final"} {
		info, err := eng.PutObject(ctx, "docs", "report.txt", strings.NewReader(body), int64(len(body)), engine.PutOptions{})
		if err != nil {
			log.Fatal(err)
		}
		if first == "" {
			first = info.VersionID
		}
	}
	// A delete without a version ID leaves a delete marker.
	if _, err := eng.DeleteObjectVersion(ctx, "docs", "report.txt", engine.DeleteOptions{}); err != nil {
		log.Fatal(err)
	}
	_, err = eng.HeadObject(ctx, "docs", "report.txt")
	var marker *engine.DeleteMarkerError
	fmt.Println(errors.Is(err, engine.ErrNoSuchKey), errors.As(err, &marker))

	// Older versions stay readable by ID.
	obj, err := eng.GetObject(ctx, "docs", "report.txt", engine.GetOptions{VersionID: first})
	if err != nil {
		log.Fatal(err)
	}
	b, _ := io.ReadAll(obj)
	obj.Close()
	fmt.Println(string(b))

	page, err := eng.ListObjectVersions(ctx, "docs", engine.VersionListOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, v := range page.Versions {
		fmt.Println(v.Key, v.DeleteMarker, v.IsLatest, v.Size)
	}
	// Output:
	// true true
	// draft
	// report.txt true true 0
	// report.txt false false 5
	// report.txt false false 5
}
