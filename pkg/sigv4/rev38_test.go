package sigv4

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// checkSignedByScan is the rule checkSigned keeps, written as plainly as
// it reads: every x-amz-* name (lowered as strings.ToLower lowers it)
// that is not exempt must equal one of the signed names, lowered; the
// list is scanned, not searched, so neither its order nor duplicates in
// it matter.
func checkSignedByScan(h http.Header, signed []string, presigned bool) []string {
	var missing []string
	for name := range h {
		l := strings.ToLower(name)
		if len(name) < 6 || !strings.EqualFold(name[:6], "x-amz-") {
			continue
		}
		switch {
		case l == "x-amz-date" && !presigned:
			continue
		case l == "x-amz-decoded-content-length" && presigned:
		case unsignedAllowed[l]:
			continue
		}
		if !slices.ContainsFunc(signed, func(s string) bool { return strings.ToLower(s) == l }) {
			missing = append(missing, l)
		}
	}
	slices.Sort(missing)
	return slices.Compact(missing)
}

// FuzzCheckSigned compares checkSigned (names lowered on the stack,
// the normalized list searched without a string) with the scan above
// and with the lower-case copy it replaced (checkSignedByCopy), over
// header names of any bytes and case (one per line; past the 64-byte
// buffer, non-ASCII, invalid UTF-8, twice in two spellings) and signed
// lists with duplicates, upper case, empty entries and any order.
func FuzzCheckSigned(f *testing.F) {
	f.Add("X-Amz-Date\nX-Amz-Acl\nx-amz-acl", "host;x-amz-date", false)
	f.Add("X-Amz-Date-Foo\nX-Amz-Date", "x-amz-date;host;x-amz-date", true)
	f.Add("X-Amz-Meta-"+strings.Repeat("Ab", 40)+"\nX-Amz-Meta-\u212a\nX-AMZ-COPY-SOURCE", "HOST;X-AMZ-COPY-SOURCE;;x-amz-meta-k", false)
	f.Add("x-amz-decoded-content-length\nX-Amz-Content-Sha256\nX-Amz-Cf-Id\nx-amz-\xff", "host", true)
	f.Fuzz(func(t *testing.T, names, signedList string, presigned bool) {
		h := http.Header{}
		for _, n := range strings.Split(names, "\n") {
			h[n] = append(h[n], "v")
		}
		signed := normalizeSignedHeaders(strings.Split(signedList, ";"))
		want := checkSignedByScan(h, signed, presigned)
		if byCopy := checkSignedByCopy(h, signed, presigned); !slices.Equal(byCopy, want) {
			t.Fatalf("the reference by copy %q, by scan %q", byCopy, want)
		}
		err := checkSigned(&http.Request{Header: h}, signed, presigned)
		if len(want) == 0 {
			if err != nil {
				t.Fatalf("%v, want none missing", err)
			}
			return
		}
		var hns *HeadersNotSignedError
		if !errors.As(err, &hns) || !slices.Equal(hns.Headers, want) {
			t.Fatalf("%v, want %q missing", err, want)
		}
	})
}

// detectByQuery is Detect as written before it skipped an empty query:
// the query parsed on every request.
func detectByQuery(r *http.Request) (Method, error) {
	auth := header(r.Header, "Authorization")
	q := r.URL.Query()
	query := MethodNone
	switch {
	case q.Has("X-Amz-Algorithm") || q.Has("X-Amz-Credential") || q.Has("X-Amz-Signature"):
		query = MethodV4Query
	case q.Has("AWSAccessKeyId") || q.Has("Signature") && q.Has("Expires"):
		query = MethodV2Query
	}
	if auth == "" {
		return query, nil
	}
	if query != MethodNone {
		return MethodNone, ErrMultipleAuth
	}
	switch {
	case strings.HasPrefix(auth, Algorithm+" "):
		return MethodV4Header, nil
	case strings.HasPrefix(auth, AlgorithmECDSA):
		return MethodNone, ErrUnsupportedAlgorithm
	case strings.HasPrefix(auth, "AWS "):
		return MethodV2Header, nil
	}
	return MethodNone, unsupportedAuthorization(auth)
}

// FuzzDetect compares Detect with the form that always parsed the query,
// over any Authorization value and raw query (parameters twice, in lower
// case, escaped, a trailing '&', semicolons, a lone '?').
func FuzzDetect(f *testing.F) {
	f.Add("", "")
	f.Add("", "X-Amz-Signature=a&X-Amz-Signature=b")
	f.Add("", "x-amz-signature=a&")
	f.Add("AWS4-HMAC-SHA256 Credential=a", "&")
	f.Add("AWS a:b", "X-Amz-Credential=a;b")
	f.Add("Bearer x", "Signature=a&Expires=1&")
	f.Fuzz(func(t *testing.T, auth, rawQuery string) {
		r := &http.Request{URL: &url.URL{Path: "/b/k", RawQuery: rawQuery}, Header: http.Header{}}
		if auth != "" {
			r.Header["Authorization"] = []string{auth}
		}
		m, err := Detect(r)
		wm, werr := detectByQuery(r)
		if m != wm || (err == nil) != (werr == nil) || err != nil && !errors.Is(err, werr) && err.Error() != werr.Error() {
			t.Fatalf("Detect %v %v, before %v %v", m, err, wm, werr)
		}
	})
}

// TestRev38UnsignedAmzHeadersRefused: a header-signed and a presigned
// request that verify refuse every unsigned x-amz-* header added after
// signing, whatever its spelling (lower, upper, mixed case, longer than
// checkSigned's buffer, non-ASCII, a signed name's prefix or extension,
// sent twice, or in two spellings), and the name is reported lowered.
func TestRev38UnsignedAmzHeadersRefused(t *testing.T) {
	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	creds := Credentials{AccessKeyID: exampleAKID, SecretAccessKey: exampleSecret}
	long := "X-Amz-Meta-" + strings.Repeat("Long", 20)
	for _, tc := range []struct {
		names []string
		want  []string
	}{
		{[]string{"x-amz-acl"}, []string{"x-amz-acl"}},
		{[]string{"X-AMZ-ACL"}, []string{"x-amz-acl"}},
		{[]string{"x-Amz-CoPy-Source"}, []string{"x-amz-copy-source"}},
		{[]string{long}, []string{strings.ToLower(long)}},
		{[]string{"X-Amz-Meta-\u00c9t\u00c9"}, []string{"x-amz-meta-\u00e9t\u00e9"}},
		{[]string{"X-Amz-Meta-Signed-Foo"}, []string{"x-amz-meta-signed-foo"}},
		{[]string{"X-Amz-Meta-Signe"}, []string{"x-amz-meta-signe"}},
		{[]string{"X-Amz-Date-Foo"}, []string{"x-amz-date-foo"}},
		{[]string{"X-Amz-Acl", "x-amz-acl"}, []string{"x-amz-acl"}},
		{[]string{"X-Amz-Meta-Signed"}, nil}, // signed, sent again in its own spelling
	} {
		for _, presigned := range []bool{false, true} {
			r := httptest.NewRequest("PUT", "http://s3.local/bucket/key", nil)
			want := tc.want
			var err error
			if presigned {
				// Presign signs host alone: every x-amz-* header is unsigned.
				_, err = Presign(r, creds, "us-east-1", "s3", now, time.Hour)
				if want == nil {
					want = []string{"x-amz-meta-signed"}
				}
			} else {
				r.Header.Set("X-Amz-Meta-Signed", "1")
				_, err = SignRequest(r, creds, "us-east-1", "s3", now, UnsignedPayload)
			}
			require.NoError(t, err)
			_, err = Verify(r, exampleSecrets, now, VerifyOptions{})
			require.NoError(t, err, "%v presigned %v", tc.names, presigned)
			for _, n := range tc.names {
				r.Header[n] = append(r.Header[n], "public-read")
			}
			_, err = Verify(r, exampleSecrets, now, VerifyOptions{})
			if want == nil {
				// Not refused as unsigned: the signature covers the
				// header's values and now fails.
				require.NotErrorIs(t, err, ErrHeadersNotSigned, "%v presigned %v", tc.names, presigned)
				require.Error(t, err, "%v presigned %v", tc.names, presigned)
				continue
			}
			var hns *HeadersNotSignedError
			require.ErrorAs(t, err, &hns, "%v presigned %v", tc.names, presigned)
			require.Equal(t, want, hns.Headers, "%v presigned %v", tc.names, presigned)
		}
	}
}
