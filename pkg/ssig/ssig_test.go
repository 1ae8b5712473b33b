package ssig

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The computed examples of spec/sina api.md 2.5 (secret SECRETKEY).
func TestSpecVectors(t *testing.T) {
	for _, v := range []struct{ sts, full, ssig string }{
		{"GET\n\n\nSat, 20 Nov 2286 17:46:39 GMT\n/my-bucket/path/to/my/file.txt", "0QHzQqqhLepeLhtVIVTsQadMJig=", "qqhLepeLht"},
		{"GET\n\n\n1398873316\n/my-bucket/path/to/my/file.txt", "qPthvIFfcxy19xoPHKbKvn+jQcc=", "IFfcxy19xo"},
		{"PUT\n00fd4b4549a1094aae926ef62e9dbd3cdcc2e456\n\nSat, 20 Nov 2286 17:46:39 GMT\nx-amz-acl:private\n/my-bucket/path/to/myfile.txt?relax", "8sYeMmUMaK1JcIcGYViLHv0foq0=", "mUMaK1JcIc"},
		{"GET\n\n\nSat, 20 Nov 2286 17:46:39 GMT\n/my-bucket/?meta", "qfJRaVvpweKbJrJhmvYuR43KGmk=", "VvpweKbJrJ"},
	} {
		assert.Equal(t, v.full, Signature("SECRETKEY", v.sts))
		assert.Equal(t, v.ssig, Sign("SECRETKEY", v.sts))
	}
}

// The vectors' strings to sign are what StringToSign builds from the
// requests they describe.
func TestStringToSignOfRequests(t *testing.T) {
	r := httptest.NewRequest("PUT", "/my-bucket/path/to/myfile.txt?relax&formatter=json", nil)
	r.Header.Set("s-sina-sha1", "00fd4b4549a1094aae926ef62e9dbd3cdcc2e456")
	r.Header.Set("s-sina-length", "1122")
	r.Header.Set("x-amz-acl", "private")
	r.Header.Set("Date", "Sat, 20 Nov 2286 17:46:39 GMT")
	res := Resource{Bucket: "my-bucket", EscapedKey: "path/to/myfile.txt"}
	sts := StringToSign(r.Method, r.Header, r.Header.Get("Date"), CanonicalResource(res, r.URL.Query()))
	assert.Equal(t, "PUT\n00fd4b4549a1094aae926ef62e9dbd3cdcc2e456\n\nSat, 20 Nov 2286 17:46:39 GMT\nx-amz-acl:private\n/my-bucket/path/to/myfile.txt?relax", sts)

	r = httptest.NewRequest("GET", "/?meta&formatter=json", nil)
	assert.Equal(t, "/my-bucket/?meta", CanonicalResource(Resource{Bucket: "my-bucket"}, r.URL.Query()))
	assert.Equal(t, "/", CanonicalResource(Resource{}, nil))
	q, _ := url.ParseQuery("uploadId=7517c1c49a3b4b86a5f08858290c5cf6&partNumber=3&formatter=json&prefix=x")
	assert.Equal(t, "/my-bucket/big.zip?partNumber=3&uploadId=7517c1c49a3b4b86a5f08858290c5cf6", CanonicalResource(Resource{Bucket: "my-bucket", EscapedKey: "big.zip"}, q))
}

func TestCanonicalHeaders(t *testing.T) {
	h := http.Header{}
	h.Add("X-Sina-Info", "abc")
	h.Add("X-Amz-Meta-Foo", " bar ")
	h.Add("x-amz-acl", "public-read")
	h.Add("S-Sina-Sha1", "ignored")
	h.Add("X-Amz-Meta-Two", "a")
	h.Add("X-Amz-Meta-Two", "b")
	assert.Equal(t, "x-amz-acl:public-read\nx-amz-meta-foo:bar\nx-amz-meta-two:a,b\nx-sina-info:abc\n", CanonicalHeaders(h))
}

func TestContentHashOrder(t *testing.T) {
	h := http.Header{}
	h.Set("Content-MD5", "md5")
	assert.Equal(t, "md5", ContentHash(h))
	h.Set("s-sina-md5", "smd5")
	assert.Equal(t, "smd5", ContentHash(h))
	h.Set("s-sina-sha1", "sha")
	assert.Equal(t, "sha", ContentHash(h))
}

var secrets = SecretLookup(func(ak string) (string, bool) {
	if ak == "AKID" {
		return "SECRETKEY", true
	}
	return "", false
})

var now = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)

func TestHeaderRoundTrip(t *testing.T) {
	res := Resource{Bucket: "b", EscapedKey: "a%20b/c"}
	r := httptest.NewRequest("PUT", "/b/a%20b/c?acl&formatter=json", nil)
	r.Header.Set("Content-Type", "text/json")
	r.Header.Set("x-sina-info", "hi")
	SignRequest(r, res, "AKID", "SECRETKEY", now)
	a, err := Authenticate(r, res, now, secrets)
	require.NoError(t, err)
	assert.Equal(t, SchemeHeader, a.Scheme)
	assert.Equal(t, "AKID", a.AccessKey)

	// Signed headers and sub-resources are covered.
	r2 := r.Clone(r.Context())
	r2.Header.Set("x-sina-info", "changed")
	_, err = Authenticate(r2, res, now, secrets)
	var se *SignatureError
	require.ErrorAs(t, err, &se)
	assert.ErrorIs(t, err, ErrSignatureDoesNotMatch)
	r3 := httptest.NewRequest("PUT", "/b/a%20b/c?meta&formatter=json", nil)
	r3.Header = r.Header.Clone()
	_, err = Authenticate(r3, res, now, secrets)
	assert.ErrorIs(t, err, ErrSignatureDoesNotMatch)
	// formatter and listing parameters are not signed.
	r4 := httptest.NewRequest("PUT", "/b/a%20b/c?acl&prefix=x", nil)
	r4.Header = r.Header.Clone()
	_, err = Authenticate(r4, res, now, secrets)
	assert.NoError(t, err)
}

func TestHeaderDates(t *testing.T) {
	res := Resource{Bucket: "b"}
	sign := func(date string) *http.Request {
		r := httptest.NewRequest("GET", "/b/", nil)
		r.Header.Set("Date", date)
		SignRequest(r, res, "AKID", "SECRETKEY", time.Time{})
		return r
	}
	_, err := Authenticate(sign("Sat, 20 Nov 2286 17:46:39 GMT"), res, now, secrets)
	assert.NoError(t, err, "a far-future date is an expiry time")
	_, err = Authenticate(sign(now.Add(-MaxSkew+time.Second).Format(http.TimeFormat)), res, now, secrets)
	assert.NoError(t, err)
	_, err = Authenticate(sign(now.Add(-MaxSkew-time.Second).Format(http.TimeFormat)), res, now, secrets)
	assert.ErrorIs(t, err, ErrExpired)
	_, err = Authenticate(sign("yesterday"), res, now, secrets)
	assert.ErrorIs(t, err, ErrMalformedDate)

	// The SCS Go SDK (JuiceFS's scs storage) sends the current time as
	// Go's time.RFC1123 of a UTC time: the zone reads "UTC", as in SCS's
	// own JSON dates. It is the same instant as the GMT form.
	_, err = Authenticate(sign(now.Format(time.RFC1123)), res, now, secrets)
	assert.NoError(t, err, "an RFC 1123 date in UTC")
	_, err = Authenticate(sign(now.Add(-MaxSkew-time.Second).Format(time.RFC1123)), res, now, secrets)
	assert.ErrorIs(t, err, ErrExpired, "a UTC date is checked like a GMT one")
	for _, d := range []string{
		"Wed, 02 Dec 2026 12:00:00 PST",   // another zone is not converted
		"Wed, 02 Dec 2026 12:00:00 +0000", // nor a numeric offset
		"Wed, 02 Dec 2026 12:00:00 utc",
	} {
		_, err = Authenticate(sign(d), res, now, secrets)
		assert.ErrorIs(t, err, ErrMalformedDate, d)
	}
}

func TestQueryForm(t *testing.T) {
	res := Resource{Bucket: "my-bucket", EscapedKey: "path/to/my/file.txt"}
	q := PresignQuery("GET", res, nil, nil, "AKID", "SECRETKEY", time.Unix(1398873316, 0))
	assert.Equal(t, "IFfcxy19xo", q.Get("ssig"), "spec vector 2")
	assert.Equal(t, "sina,AKID", q.Get("KID"))
	r := httptest.NewRequest("GET", "/my-bucket/path/to/my/file.txt?"+q.Encode()+"&formatter=json", nil)
	_, err := Authenticate(r, res, time.Unix(1398873316, 0), secrets)
	assert.NoError(t, err)
	_, err = Authenticate(r, res, time.Unix(1398873317, 0), secrets)
	assert.ErrorIs(t, err, ErrExpired)

	sae := url.Values{"KID": {"sae,AKID"}, "Expires": {"1398873316"}, "ssig": {"IFfcxy19xo"}}
	r = httptest.NewRequest("GET", "/my-bucket/path/to/my/file.txt?"+sae.Encode(), nil)
	_, err = Authenticate(r, res, time.Unix(1398873000, 0), secrets)
	assert.NoError(t, err, "sae, accounts")

	for raw, want := range map[string]error{
		"KID=sina,AKID&Expires=1&ssig=":           ErrMissingQueryParameter,
		"KID=sina,AKID&ssig=IFfcxy19xo":           ErrMissingQueryParameter,
		"KID=aws,AKID&Expires=1&ssig=IFfcxy19xo":  ErrMalformedAuthorization,
		"KID=sina,AKID&Expires=x&ssig=IFfcxy19xo": ErrMalformedDate,
		"KID=sina,NOPE&Expires=9&ssig=IFfcxy19xo": ErrInvalidAccessKeyID,
		"KID=sina,AKID&Expires=9&ssig=IFfcxy19xX": ErrSignatureDoesNotMatch,
	} {
		r := httptest.NewRequest("GET", "/my-bucket/path/to/my/file.txt?"+raw, nil)
		_, err := Authenticate(r, res, time.Unix(0, 0), secrets)
		assert.True(t, errors.Is(err, want), "%s: %v", raw, err)
	}
}

func TestIPParameter(t *testing.T) {
	res := Resource{Bucket: "b", EscapedKey: "k"}
	sub := url.Values{"ip": {"1700000000,10.1."}}
	q := PresignQuery("GET", res, sub, nil, "AKID", "SECRETKEY", now.Add(time.Hour))
	q.Set("ip", sub.Get("ip"))
	r := httptest.NewRequest("GET", "/b/k?"+q.Encode(), nil)
	r.RemoteAddr = "10.1.2.3:5555"
	_, err := Authenticate(r, res, now, secrets)
	assert.NoError(t, err)
	r.RemoteAddr = "10.2.2.3:5555"
	_, err = Authenticate(r, res, now, secrets)
	assert.ErrorIs(t, err, ErrIPMismatch)
	q.Set("ip", "1700000000,10.")
	r = httptest.NewRequest("GET", "/b/k?"+q.Encode(), nil)
	r.RemoteAddr = "10.1.2.3:5555"
	_, err = Authenticate(r, res, now, secrets)
	assert.ErrorIs(t, err, ErrSignatureDoesNotMatch, "ip is signed")
}

// The Go SDK sorts bare and valued sub-resources together; both orders
// verify.
func TestSubresourceOrderVariants(t *testing.T) {
	res := Resource{Bucket: "b", EscapedKey: "k"}
	date := "Sat, 20 Nov 2286 17:46:39 GMT"
	for _, c := range []string{"/b/k?meta&ip=1.2", "/b/k?ip=1.2&meta"} {
		r := httptest.NewRequest("GET", "/b/k?meta&ip=1.2", nil)
		r.RemoteAddr = "1.2.3.4:1"
		r.Header.Set("Date", date)
		r.Header.Set("Authorization", "SINA AKID:"+Sign("SECRETKEY", "GET\n\n\n"+date+"\n"+c))
		_, err := Authenticate(r, res, now, secrets)
		assert.NoError(t, err, c)
	}
}

// Extra sub-resources are signed after the SCS ones.
func TestExtraSubresources(t *testing.T) {
	q, _ := url.ParseQuery("tagging&acl&formatter=json")
	res := Resource{Bucket: "b", EscapedKey: "k", Extra: []string{"tagging", "delete"}}
	assert.Equal(t, "/b/k?acl&tagging", CanonicalResource(res, q))
	assert.Equal(t, "/b/k?acl", CanonicalResource(Resource{Bucket: "b", EscapedKey: "k"}, q))
	// An extra one with a value is signed with it.
	q, _ = url.ParseQuery("versionId=v1&acl")
	res = Resource{Bucket: "b", EscapedKey: "k", Extra: []string{"versionId"}}
	assert.Equal(t, "/b/k?acl&versionId=v1", CanonicalResource(res, q))
}

func TestParse(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	a, err := Parse(r)
	require.NoError(t, err)
	assert.Equal(t, SchemeAnonymous, a.Scheme)
	r.Header.Set("Authorization", "AWS x:y")
	a, err = Parse(r)
	require.NoError(t, err)
	assert.Equal(t, SchemeAnonymous, a.Scheme, "other schemes are not Sina's")
	for _, bad := range []string{"SINA AKID:short", "SINA AKID", "SINA AKID:01234:6789"} {
		r.Header.Set("Authorization", bad)
		_, err = Parse(r)
		assert.ErrorIs(t, err, ErrMalformedAuthorization, bad)
	}
	r = httptest.NewRequest("GET", "/?ssig=0123456789&KID=sina,A&Expires=1", nil)
	r.Header.Set("Authorization", "SINA AKID:0123456789")
	_, err = Parse(r)
	assert.ErrorIs(t, err, ErrMalformedAuthorization)
}

func TestFormSignature(t *testing.T) {
	// HMAC-SHA1 of the Base64 policy, whole.
	assert.Equal(t, Signature("SECRETKEY", "eyJ9"), FormSignature("SECRETKEY", "eyJ9"))
	assert.Len(t, FormSignature("SECRETKEY", "eyJ9"), 28)
}
