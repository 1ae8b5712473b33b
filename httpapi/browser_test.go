package httpapi_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/osslite/osslite/engine"
	"github.com/stretchr/testify/require"
)

// findChromium returns the path of a Chromium (or Chrome) binary, or "".
// OSSLITE_CHROMIUM overrides the search.
func findChromium() string {
	if p := os.Getenv("OSSLITE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless_shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// chromiumDOM loads url in a headless Chromium, lets its scripts run
// (fetches included: virtual time waits for the network) and returns the
// DOM as serialized after them.
func chromiumDOM(t *testing.T, chromium, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--no-default-browser-check", "--disable-extensions", "--user-data-dir="+t.TempDir(),
		"--virtual-time-budget=15000", "--dump-dom", url)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "chromium: %s\n%s", out, stderr.String())
	return string(out)
}

// TestBrowserCORSUpload is the end-to-end check of CORS and websites: a
// real headless Chromium loads a page from a bucket's website (origin
// http://localhost:PORT, the /_website/ path form), and the page's
// script uploads a file with fetch() to the REST endpoint on another
// origin (http://127.0.0.1:PORT) through a presigned PUT URL. The
// browser sends the preflight itself and refuses the answer unless the
// CORS headers allow it; the test then finds the object in the store.
func TestBrowserCORSUpload(t *testing.T) {
	chromium := findChromium()
	if chromium == "" {
		t.Skip("no chromium binary found (install the Debian package chromium, or set OSSLITE_CHROMIUM): the browser CORS test cannot run")
	}
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	port := f.srv.URL[strings.LastIndex(f.srv.URL, ":")+1:]
	pageOrigin := "http://localhost:" + port
	apiOrigin := "http://127.0.0.1:" + port

	// The uploads bucket accepts PUTs from the page's origin.
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/uploads"}).StatusCode)
	putCORS(t, f, "uploads", `<CORSConfiguration><CORSRule><AllowedOrigin>`+pageOrigin+`</AllowedOrigin>`+
		`<AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader></CORSRule></CORSConfiguration>`)
	presigned, err := s3.NewPresignClient(f.client()).PresignPutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("uploads"), Key: aws.String("from-browser.txt")}, s3.WithPresignExpires(10*time.Minute))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(presigned.URL, apiOrigin+"/uploads/"), presigned.URL)

	// The page lives in a public-read bucket with a website configuration.
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/site", header: hdr("x-amz-acl", "public-read")}).StatusCode)
	page := fmt.Sprintf(`<!doctype html><html><head><title>pending</title></head><body><p id="out">pending</p><script>
(async () => {
  const out = document.getElementById("out");
  try {
    const resp = await fetch(%q, {method: "PUT", headers: {"Content-Type": "application/octet-stream"},
      body: new Blob(["uploaded by chromium"], {type: "application/octet-stream"})});
    out.textContent = "status=" + resp.status + " etag=" + resp.headers.get("ETag");
  } catch (e) {
    out.textContent = "error=" + e;
  }
  document.title = "done";
})();
</script></body></html>`, presigned.URL)
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/site/index.html", body: []byte(page),
		header: hdr("x-amz-acl", "public-read", "Content-Type", "text/html")}).StatusCode)
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/site?website",
		body: []byte(`<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>`)}).StatusCode)

	dom := chromiumDOM(t, chromium, pageOrigin+"/_website/site/")
	require.Contains(t, dom, `status=200 etag="`, "the page's fetch failed: %s", dom)

	obj, err := f.eng.GetObject(ctx, "uploads", "from-browser.txt", engine.GetOptions{})
	require.NoError(t, err, "the object did not land")
	defer obj.Close()
	buf := make([]byte, 64)
	n, _ := obj.Read(buf)
	require.Equal(t, "uploaded by chromium", string(buf[:n]))

	// The browser sent a preflight (PUT with a non-simple Content-Type
	// from another origin), then the upload.
	f.mu.Lock()
	defer f.mu.Unlock()
	var ops []string
	for _, r := range f.records {
		if r.Bucket == "uploads" || r.Bucket == "site" && r.Key != "" {
			ops = append(ops, fmt.Sprintf("%s %d", r.Operation, r.Status))
		}
	}
	require.Subset(t, ops, []string{"WebsiteGetObject 200", "OptionsObject 200", "PutObject 200"})
}

// TestBrowserPresignedPost is the browser upload the README describes: a
// page served by the website feature posts a file to the REST endpoint
// on another origin with a presigned POST form (aws-sdk-go-v2's
// PresignPostObject), through CORS (a form POST is a simple request: no
// preflight, but the page can read the answer only with the CORS
// headers), and the object lands.
func TestBrowserPresignedPost(t *testing.T) {
	chromium := findChromium()
	if chromium == "" {
		t.Skip("no chromium binary found (install the Debian package chromium, or set OSSLITE_CHROMIUM): the browser POST test cannot run")
	}
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	port := f.srv.URL[strings.LastIndex(f.srv.URL, ":")+1:]
	pageOrigin := "http://localhost:" + port

	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/inbox"}).StatusCode)
	putCORS(t, f, "inbox", `<CORSConfiguration><CORSRule><AllowedOrigin>`+pageOrigin+`</AllowedOrigin>`+
		`<AllowedMethod>POST</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader></CORSRule></CORSConfiguration>`)
	post, err := s3.NewPresignClient(f.client()).PresignPostObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("inbox"), Key: aws.String("posted.txt")}, func(o *s3.PresignPostOptions) { o.Expires = 10 * time.Minute })
	require.NoError(t, err)
	fields := ""
	for k, v := range post.Values {
		fields += fmt.Sprintf("  fd.append(%q, %q);\n", k, v)
	}

	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/site2", header: hdr("x-amz-acl", "public-read")}).StatusCode)
	page := fmt.Sprintf(`<!doctype html><html><head><title>pending</title></head><body><p id="out">pending</p><script>
(async () => {
  const out = document.getElementById("out");
  try {
    const fd = new FormData();
%s    fd.append("file", new Blob(["posted by chromium"], {type: "text/plain"}), "posted.txt");
    const resp = await fetch(%q, {method: "POST", body: fd});
    out.textContent = "status=" + resp.status + " etag=" + resp.headers.get("ETag");
  } catch (e) {
    out.textContent = "error=" + e;
  }
})();
</script></body></html>`, fields, post.URL)
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/site2/index.html", body: []byte(page),
		header: hdr("x-amz-acl", "public-read", "Content-Type", "text/html")}).StatusCode)
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/site2?website",
		body: []byte(`<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>`)}).StatusCode)

	dom := chromiumDOM(t, chromium, pageOrigin+"/_website/site2/")
	require.Contains(t, dom, `status=204 etag="`, "the page's POST failed: %s", dom)
	obj, err := f.eng.GetObject(ctx, "inbox", "posted.txt", engine.GetOptions{})
	require.NoError(t, err, "the object did not land")
	defer obj.Close()
	buf := make([]byte, 64)
	n, _ := obj.Read(buf)
	require.Equal(t, "posted by chromium", string(buf[:n]))
}
