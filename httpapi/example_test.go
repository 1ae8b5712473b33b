package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
)

func ExampleNew() {
	eng, err := engine.Open("", nil) // in memory
	if err != nil {
		panic(err)
	}
	defer eng.Close()
	// A permissive server, as a test fake would run it: any credentials,
	// or none, are accepted.
	srv := httptest.NewServer(httpapi.New(eng, httpapi.WithPermissive()))
	defer srv.Close()

	for _, step := range []struct{ method, path, body string }{
		{"PUT", "/photos", ""},
		{"PUT", "/photos/a.txt", "hello world"},
		{"GET", "/photos/a.txt?tagging", ""},
		{"GET", "/photos?metadataTable", ""},
	} {
		req, _ := http.NewRequest(step.method, srv.URL+step.path, strings.NewReader(step.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(strings.TrimSpace(fmt.Sprint(step.method, " ", step.path, " ", resp.StatusCode, " ", resp.Header.Get("ETag"))))
	}
	// Output:
	// PUT /photos 200
	// PUT /photos/a.txt 200 "5eb63bbbe01eeed093cb22bb8f5acdc3"
	// GET /photos/a.txt?tagging 200
	// GET /photos?metadataTable 501
}

func ExampleCreateBucket() {
	eng, err := engine.Open("", nil) // in memory
	if err != nil {
		panic(err)
	}
	defer eng.Close()
	opts := []httpapi.Option{httpapi.WithPermissive(), httpapi.WithS3Defaults2023()}
	// A bucket made before serving starts with the defaults CreateBucket
	// would give it under the same options.
	if err := httpapi.CreateBucket(context.Background(), eng, "uploads", engine.BucketOptions{}, opts...); err != nil {
		panic(err)
	}
	srv := httptest.NewServer(httpapi.New(eng, opts...))
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/uploads?ownershipControls")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, strings.Contains(string(body), "<ObjectOwnership>BucketOwnerEnforced</ObjectOwnership>"))
	// Output:
	// 200 true
}
