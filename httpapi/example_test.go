package httpapi_test

import (
	"fmt"
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
