package httpapi_test

import (
	"bufio"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"

	"github.com/osslite/osslite/httpapi"
)

// TestGolden replays raw exchanges from testdata/*.txt (datadriven files:
// "request [anon|v2|oss-v1|oss-v4|sina]" with the request as input, the response as expected
// output). Regenerate with: go test ./httpapi -run TestGolden -rewrite
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	must(t, err)
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			clock := &testClock{fixed: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)}
			f := newFixture(t, fixtureOptions{clock: clock, opts: []httpapi.Option{httpapi.WithMFADevices(httpapi.MFADevice{
				Serial: "arn:aws:iam::000000000000:mfa/golden", Secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", User: testAK})}})
			datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
				switch d.Cmd {
				case "request":
					q := parseRaw(t, d.Input)
					switch {
					case d.HasArg("anon"):
						q.sign = "anon"
					case d.HasArg("v2"):
						q.sign = "v2"
					case d.HasArg("oss-v1"):
						q.sign = "oss-v1"
					case d.HasArg("oss-v4"):
						q.sign = "oss-v4"
					case d.HasArg("sina"):
						q.sign = "sina"
					}
					return renderResponse(f.do(t, q))
				case "advance":
					var s string
					d.ScanArgs(t, "by", &s)
					dur, err := time.ParseDuration(s)
					must(t, err)
					clock.Advance(dur)
					return ""
				}
				t.Fatalf("unknown command %q", d.Cmd)
				return ""
			})
		})
	}
}

// parseRaw reads "METHOD PATH", header lines, a blank line and a body.
func parseRaw(t *testing.T, in string) raw {
	head, body, _ := strings.Cut(in, "\n\n")
	sc := bufio.NewScanner(strings.NewReader(head))
	sc.Scan()
	method, path, _ := strings.Cut(sc.Text(), " ")
	q := raw{method: method, path: path, header: http.Header{}}
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			t.Fatalf("bad header line %q", sc.Text())
		}
		q.header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	if body != "" {
		q.body = []byte(body)
	}
	return q
}

var (
	reqIDRe  = regexp.MustCompile(`<RequestId>(?:[0-9A-F]{16}|[0-9A-F]{24})</RequestId>`)
	hostIDRe = regexp.MustCompile(`<HostId>[^<]*</HostId>`)
	// OSS documents name the server's own address and random upload ids.
	endpointRe = regexp.MustCompile(`<(Extranet|Intranet)Endpoint>[^<]*</`)
	uploadIDRe = regexp.MustCompile(`<UploadId>[0-9a-f]{32}</UploadId>`)
	// Website error pages (HTML).
	htmlIDRe = regexp.MustCompile(`<li>(RequestId|HostId): [^<]*</li>`)
	// LiveChannel URLs name the server's loopback address.
	loopbackRe = regexp.MustCompile(`127\.0\.0\.1:[0-9]+`)
	// Sina JSON documents.
	jsonReqIDRe    = regexp.MustCompile(`"RequestId":"[0-9A-F]{32}"`)
	jsonUploadIDRe = regexp.MustCompile(`"UploadId":"[0-9a-f]{32}"`)
)

// renderResponse prints status, headers (sorted, ids masked) and body.
func renderResponse(r rawResponse) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", r.Status)
	var names []string
	for k := range r.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := strings.Join(r.Header[k], ", ")
		switch k {
		case "X-Amz-Request-Id":
			v = "<request-id>"
		case "X-Amz-Id-2":
			v = "<host-id>"
		case "X-Oss-Request-Id", "X-Requestid":
			v = "<request-id>"
		case "X-Oss-Err":
			v = "<base64 error document>"
		}
		fmt.Fprintf(&b, "%s: %s\n", k, v)
	}
	if len(r.body) > 0 {
		body := reqIDRe.ReplaceAllString(string(r.body), "<RequestId><request-id></RequestId>")
		body = hostIDRe.ReplaceAllString(body, "<HostId><host-id></HostId>")
		body = htmlIDRe.ReplaceAllString(body, "<li>${1}: <id></li>")
		body = endpointRe.ReplaceAllString(body, "<${1}Endpoint><host:port></")
		body = uploadIDRe.ReplaceAllString(body, "<UploadId><upload-id></UploadId>")
		body = loopbackRe.ReplaceAllString(body, "127.0.0.1:<port>")
		body = jsonReqIDRe.ReplaceAllString(body, `"RequestId":"<request-id>"`)
		body = jsonUploadIDRe.ReplaceAllString(body, `"UploadId":"<upload-id>"`)
		fmt.Fprintf(&b, "\n%s\n", body)
	}
	return b.String()
}
