package sigv4

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var keyAlphabet = []string{"a", "Z", "0", "-", "_", ".", "~", " ", "+", "$", "!", "*", "'", "(", ")", "%", "é", "日", "/", "?", "#", "&", "=", ";", ":", "@", ",", "[", "]"}

func randString(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(keyAlphabet[rng.IntN(len(keyAlphabet))])
	}
	return b.String()
}

// TestRoundTripWire signs random requests with SignRequest and Presign and
// verifies them on a real HTTP server, so the server sees the path and
// query exactly as net/http puts them on the wire.
func TestRoundTripWire(t *testing.T) {
	now := time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC)
	creds := Credentials{AccessKeyID: "AKIDROUNDTRIP", SecretAccessKey: "secret/with+chars"}
	secrets := func(k string) (string, bool) { return creds.SecretAccessKey, k == creds.AccessKeyID }
	var keys KeyCache
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, err := Verify(r, secrets, now.Add(time.Minute), VerifyOptions{Region: "eu-central-1", Keys: &keys})
		if err != nil {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, "%v\n", err)
			if me, ok := err.(*MismatchError); ok {
				fmt.Fprintf(w, "%s\n---\n%s", me.CanonicalRequest, me.StringToSign)
			}
			return
		}
		fmt.Fprint(w, res.Method)
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)

	rng := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 150; i++ {
		key := randString(rng, 1+rng.IntN(12))
		u := &url.URL{Scheme: "http", Host: base.Host, Path: "/bucket/" + key}
		q := url.Values{}
		for j := rng.IntN(4); j > 0; j-- {
			q.Add(randString(rng, 1+rng.IntN(4)), randString(rng, rng.IntN(5)))
		}
		u.RawQuery = q.Encode()
		method := []string{"GET", "PUT", "DELETE", "HEAD"}[rng.IntN(4)]
		req, err := http.NewRequest(method, u.String(), nil)
		require.NoError(t, err)
		presign := i%3 == 0
		if presign {
			_, err = Presign(req, creds, "eu-central-1", "s3", now, time.Duration(60+rng.IntN(3600))*time.Second)
		} else {
			req.Header.Set("X-Amz-Meta-Note", "  "+randString(rng, 3)+"  x ")
			req.Header.Set("Content-Type", "application/octet-stream")
			_, err = SignRequest(req, creds, "eu-central-1", "s3", now, UnsignedPayload)
		}
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d %s %q (wire %q): %d\n%s", i, method, key, req.URL.RequestURI(), resp.StatusCode, body)
		}
	}
}

func TestSignRequestSessionToken(t *testing.T) {
	now := time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC)
	creds := Credentials{AccessKeyID: exampleAKID, SecretAccessKey: exampleSecret, SessionToken: "tok/en+"}
	r := httptest.NewRequest("GET", "http://b.s3.local/k", nil)
	s, err := SignRequest(r, creds, "us-east-1", "s3", now, "")
	require.NoError(t, err)
	require.True(t, strings.Contains(strings.Join(s.Authorization.SignedHeaders, ";"), "x-amz-security-token"))
	res, err := Verify(r, exampleSecrets, now, VerifyOptions{})
	require.NoError(t, err)
	require.Equal(t, "tok/en+", res.SecurityToken)
	require.Equal(t, UnsignedPayload, res.PayloadHash)

	p := httptest.NewRequest("GET", "http://b.s3.local/k", nil)
	_, err = Presign(p, creds, "us-east-1", "s3", now, time.Hour)
	require.NoError(t, err)
	res, err = Verify(p, exampleSecrets, now, VerifyOptions{})
	require.NoError(t, err)
	require.Equal(t, "tok/en+", res.SecurityToken)

	_, err = Presign(p, creds, "us-east-1", "s3", now, MaxPresignExpires+time.Second)
	require.ErrorIs(t, err, ErrMalformedPresigned)
}

// TestSignRequestNonCanonicalHeader: a header put in r.Header under a
// name net/http would not write it as (lower case, by map index) is signed
// with its value, once, and verifies as a server reads it.
func TestSignRequestNonCanonicalHeader(t *testing.T) {
	now := time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC)
	creds := Credentials{AccessKeyID: exampleAKID, SecretAccessKey: exampleSecret}
	r := httptest.NewRequest("PUT", "http://b.s3.local/k", nil)
	r.Header["x-amz-checksum-xxhash3"] = []string{"1Eex6kDmmIs="}
	r.Header["x-amz-meta-a"] = []string{"1"}
	r.Header["X-Amz-Meta-A"] = []string{"2"}
	s, err := SignRequest(r, creds, "us-east-1", "s3", now, "")
	require.NoError(t, err)
	require.Equal(t, []string{"host", "x-amz-checksum-xxhash3", "x-amz-content-sha256", "x-amz-date", "x-amz-meta-a"}, s.Authorization.SignedHeaders)
	// What a server sees: every name canonical.
	wire := httptest.NewRequest("PUT", "http://b.s3.local/k", nil)
	for k, vs := range r.Header {
		for _, v := range vs {
			wire.Header.Add(k, v)
		}
	}
	require.Len(t, wire.Header.Values("X-Amz-Meta-A"), 2)
	_, err = Verify(wire, exampleSecrets, now, VerifyOptions{})
	require.NoError(t, err)
}

func FuzzParseAuthorization(f *testing.F) {
	f.Add(goodAuth)
	f.Add("AWS4-HMAC-SHA256 Credential=a/20130524/r/s3/aws4_request, SignedHeaders=host, Signature=" + strings.Repeat("0", 64))
	f.Add("AWS4-HMAC-SHA256 ")
	f.Add("AWS4-ECDSA-P256-SHA256 x")
	f.Add("AWS4-HMAC-SHA256 Credential=,,,=")
	f.Fuzz(func(t *testing.T, header string) {
		a, err := ParseAuthorization(header)
		if err != nil {
			return
		}
		// Round trip: the rendered form parses to the same value.
		b, err := ParseAuthorization(a.String())
		if err != nil {
			t.Fatalf("re-parse of %q: %v", a.String(), err)
		}
		if a.String() != b.String() {
			t.Fatalf("round trip %q != %q", a.String(), b.String())
		}
	})
}
