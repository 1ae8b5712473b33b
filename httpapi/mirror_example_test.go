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

// An OSS mirror-back rule: a GET of a missing key under img/ is fetched
// from the origin, answered and stored, so it is served once the origin
// is gone. Loopback origins are allowed by default; WithMirrorOrigins
// allows others.
func ExampleWithMirrorOrigins() {
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "origin's %s", r.URL.Path)
	}))
	eng, err := engine.Open("", nil) // in memory
	if err != nil {
		panic(err)
	}
	defer eng.Close()
	srv := httptest.NewServer(httpapi.New(eng, httpapi.WithPermissive(),
		httpapi.WithMirrorOrigins("https://img.example.com/")))
	defer srv.Close()

	do := func(method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Host = "oss-cn-hangzhou.aliyuncs.com" // the OSS dialect, path-style
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	do("PUT", "/site", "")
	do("PUT", "/site?website", `<WebsiteConfiguration><RoutingRules><RoutingRule><RuleNumber>1</RuleNumber>
<Condition><KeyPrefixEquals>img/</KeyPrefixEquals><HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals></Condition>
<Redirect><RedirectType>Mirror</RedirectType><MirrorURL>`+origin.URL+`/</MirrorURL></Redirect>
</RoutingRule></RoutingRules></WebsiteConfiguration>`)

	fmt.Println(do("GET", "/site/img/cat.txt", ""))
	origin.Close()
	fmt.Println(do("GET", "/site/img/cat.txt", ""))
	// Output:
	// 200 origin's /img/cat.txt
	// 200 origin's /img/cat.txt
}
