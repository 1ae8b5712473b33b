package fake_test

import (
	"bytes"
	"fmt"
	"log"
	"mime/multipart"
	"net/url"

	"github.com/osslite/osslite/fake"
)

// A presigned browser upload: the fields a web page puts in its form,
// then the file part, POSTed to form.URL.
func ExampleServer_PresignPost() {
	srv, err := fake.Start(fake.WithBuckets("uploads"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	form, err := srv.PresignPost("uploads", "in/${filename}", fake.PostOptions{KeyPrefix: "in/", MaxSize: 1024})
	if err != nil {
		log.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for name, value := range form.Fields {
		mw.WriteField(name, value)
	}
	fw, _ := mw.CreateFormFile("file", "hello.txt")
	fw.Write([]byte("hello"))
	mw.Close()

	resp, err := srv.HTTPClient().Post(form.URL, mw.FormDataContentType(), &body)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	// Location names the key form-encoded, as S3 writes it.
	fmt.Println(resp.StatusCode, resp.Header.Get("Location") == form.URL+"/"+url.QueryEscape("in/hello.txt"))
	// Output: 204 true
}
