package httpapi_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
)

// A bucket website on the path form /_website/<bucket>/, and a browser
// preflight answered by the development default of WithCORSAllowOrigins.
func ExampleWithWebsiteDomains() {
	eng, err := engine.Open("", nil) // in memory
	if err != nil {
		panic(err)
	}
	defer eng.Close()
	srv := httptest.NewServer(httpapi.New(eng, httpapi.WithPermissive(),
		httpapi.WithWebsiteDomains("s3-website.localhost"), // http://<bucket>.s3-website.localhost/
		httpapi.WithCORSAllowOrigins("http://localhost:5173")))
	defer srv.Close()

	do := func(method, path, body string, header ...string) *http.Response {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			panic(err)
		}
		return resp
	}
	do("PUT", "/site", "").Body.Close()
	do("PUT", "/site/index.html", "<h1>hello</h1>", "Content-Type", "text/html").Body.Close()
	do("PUT", "/site?website", `<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>`).Body.Close()

	resp := do("GET", "/_website/site/", "")
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(page))

	resp = do("OPTIONS", "/site/upload.bin", "", "Origin", "http://localhost:5173", "Access-Control-Request-Method", "PUT")
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	// Output:
	// 200 <h1>hello</h1>
	// 200 http://localhost:5173
}
