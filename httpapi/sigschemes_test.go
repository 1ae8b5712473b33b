package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/ossauth"
	"github.com/osslite/osslite/pkg/sigv4"
	"github.com/osslite/osslite/pkg/ssig"
)

// sigV2Unsupported is S3's answer to SigV2 where it does not take it.
const sigV2Unsupported = "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."

func TestParseSignatureSchemes(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want httpapi.SignatureSchemes
		str  string
		err  bool
	}{
		{name: "empty", in: "", want: 0, str: "none"},
		{name: "none", in: "none", want: 0, str: "none"},
		{name: "one", in: "sigv2", want: httpapi.SchemeSigV2, str: "sigv2"},
		{name: "case and spaces", in: " SigV2 , OSS-V1", want: httpapi.SchemeSigV2 | httpapi.SchemeOSSV1, str: "sigv2,oss-v1"},
		{name: "all", in: "sina,oss-v1,sigv2", want: httpapi.SchemesHMACSHA1, str: "sigv2,oss-v1,sina"},
		{name: "repeated", in: "sina,sina", want: httpapi.SchemeSinaSSIG, str: "sina"},
		{name: "unknown", in: "sigv2,sigv4", err: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := httpapi.ParseSignatureSchemes(c.in)
			if c.err {
				require.ErrorIs(t, err, httpapi.ErrUnknownSignatureScheme)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
			assert.Equal(t, c.str, got.String())
			again, err := httpapi.ParseSignatureSchemes(got.String())
			require.NoError(t, err)
			assert.Equal(t, got, again, "String reads back")
		})
	}
}

// presignedV2 is a SigV2 presigned URL (path and query) for method path.
func (f *fixture) presignedV2(t *testing.T, method, path string) string {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, nil)
	require.NoError(t, err)
	sigv4.PresignV2(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "", f.clock.Now().Add(time.Hour))
	return req.URL.RequestURI()
}

// TestRefuseSigV2 checks Config.RefuseSignatures with SchemeSigV2: every
// SigV2 form (header, presigned URL, POST form) is answered as S3
// answers SigV2 where it does not take it, 400 InvalidRequest, whether
// its signature is good or not and before anything is written
// (versitygw's Authentication_sigv2_not_supported and
// PresignedAuth_sigv2_not_supported); SigV4 and the other dialects'
// schemes still work.
func TestRefuseSigV2(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithRefuseSignatures(httpapi.SchemeSigV2)}})
	seedBucket(t, f, "v2off")
	ctx := context.Background()
	refused := func(t *testing.T, r rawResponse) {
		t.Helper()
		assert.Equal(t, http.StatusBadRequest, r.StatusCode, "%s", r.body)
		assert.Equal(t, "InvalidRequest", r.errCode())
		assert.Contains(t, string(r.body), "<Message>"+sigV2Unsupported+"</Message>")
	}

	t.Run("header", func(t *testing.T) {
		refused(t, f.do(t, raw{method: "PUT", path: "/v2off/h", body: []byte("x"), sign: "v2"}))
		refused(t, f.do(t, raw{method: "GET", path: "/v2off", sign: "v2", sk: "wrong", ak: testAK}))
		// versitygw's Authentication_sigv2_not_supported: any "AWS " header.
		refused(t, f.do(t, raw{method: "GET", path: "/v2off", sign: "keep", header: hdr("Authorization", "AWS "+testAK+":bm90IGEgc2lnbmF0dXJl")}))
	})
	t.Run("presigned", func(t *testing.T) {
		refused(t, f.do(t, raw{method: "PUT", path: f.presignedV2(t, "PUT", "/v2off/p"), body: []byte("x"), sign: "anon"}))
		// versitygw's PresignedAuth_sigv2_not_supported: a made-up signature.
		refused(t, f.do(t, raw{method: "PUT", path: "/v2off/p?AWSAccessKeyId=" + testAK + "&Expires=4102444800&Signature=my-signature", sign: "anon"}))
	})
	t.Run("minio-go SignatureV2", func(t *testing.T) {
		u, _ := url.Parse(f.srv.URL)
		for _, v2 := range []bool{true, false} {
			creds := miniocreds.NewStaticV4(testAK, testSK, "")
			if v2 {
				creds = miniocreds.NewStaticV2(testAK, testSK, "")
			}
			c, err := minio.New(u.Host, &minio.Options{Creds: creds, Transport: f.httpClient().Transport, Region: "us-east-1"})
			require.NoError(t, err)
			_, err = c.PutObject(ctx, "v2off", "minio", strings.NewReader("m"), 1, minio.PutObjectOptions{})
			if !v2 {
				require.NoError(t, err, "SigV4 still works")
				continue
			}
			var er minio.ErrorResponse
			require.True(t, errors.As(err, &er), "%v", err)
			assert.Equal(t, "InvalidRequest", er.Code)
			assert.Equal(t, sigV2Unsupported, er.Message)
			assert.Equal(t, http.StatusBadRequest, er.StatusCode)
		}
	})
	t.Run("POST form", func(t *testing.T) {
		now := f.clock.Now()
		policy := policyDoc(t, now.Add(time.Hour), map[string]string{"bucket": "v2off"}, []any{"eq", "$key", "form"})
		v2 := []field{{"key", "form"}, {"AWSAccessKeyId", testAK}, {"policy", policy}, {"signature", sigv4.SignatureV2(testSK, policy)}}
		refused(t, f.post(t, "/v2off", "", multipartForm{fields: v2, content: "abc"}))
		p4 := policyDoc(t, now.Add(time.Hour), append(v4Conds(now), map[string]string{"bucket": "v2off"}, []any{"eq", "$key", "form"})...)
		r := f.post(t, "/v2off", "", multipartForm{fields: append([]field{{"key", "form"}}, v4Form(now, p4)...), content: "abc"})
		assert.Equal(t, http.StatusNoContent, r.StatusCode, "a SigV4 form still works: %s", r.body)
	})
	// Nothing a refused request sent was stored.
	for _, k := range []string{"h", "p"} {
		_, err := f.client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("v2off"), Key: aws.String(k)})
		assert.Error(t, err, k)
	}
	// The other schemes are untouched.
	for _, sign := range []string{"v4", "oss-v1", "oss-v4", "sina"} {
		r := f.do(t, raw{method: "GET", path: "/v2off", sign: sign})
		assert.Equal(t, http.StatusOK, r.StatusCode, "%s: %s", sign, r.body)
	}
}

// TestRefuseOSSV1 checks Config.RefuseSignatures with SchemeOSSV1: OSS
// v1 requests (the v1 SDK's header signature, a v1 URL, a v1 POST form)
// are answered 403 AccessDenied with the EC OSS gives V1 signatures
// since it stopped taking them, before the bucket is looked up (OSS
// otherwise reports a missing bucket first); OSS v4 (the v2 SDK), OSS v2
// and the other dialects still work.
func TestRefuseOSSV1(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithRefuseSignatures(httpapi.SchemeOSSV1)}})
	seedBucket(t, f, "v1off")
	ctx := context.Background()
	const ec = "0002-00000080"
	refused := func(t *testing.T, r rawResponse) {
		t.Helper()
		assert.Equal(t, http.StatusForbidden, r.StatusCode, "%s", r.body)
		assert.Equal(t, "AccessDenied", r.errCode())
		assert.Equal(t, ec, r.Header.Get("x-oss-ec"))
		assert.Contains(t, string(r.body), "OSS V1 signature is not accepted")
	}

	t.Run("v1 SDK", func(t *testing.T) {
		c := f.ossV1(t, testAK, testSK)
		b, err := c.Bucket("v1off")
		require.NoError(t, err)
		wantOSS(t, b.PutObject("v1", strings.NewReader("x")), http.StatusForbidden, "AccessDenied", ec)
		_, err = c.GetBucketInfo("missing-bucket")
		wantOSS(t, err, http.StatusForbidden, "AccessDenied", ec)
	})
	t.Run("raw", func(t *testing.T) {
		refused(t, f.do(t, raw{method: "GET", path: "/v1off", sign: "oss-v1", sk: "wrong", ak: testAK}))
		req, err := http.NewRequest("GET", f.srv.URL+"/v1off/v1", nil)
		require.NoError(t, err)
		ossauth.PresignV1(req, ossauth.Resource{Bucket: "v1off", Key: "v1"}, ossauth.Credentials{AccessKeyID: testAK, AccessKeySecret: testSK}, f.clock.Now().Add(time.Hour))
		refused(t, f.do(t, raw{method: "GET", path: req.URL.RequestURI(), sign: "anon"}))
	})
	t.Run("POST form", func(t *testing.T) {
		now := f.clock.Now()
		policy := policyDoc(t, now.Add(time.Hour), map[string]string{"bucket": "v1off"})
		v1 := []field{{"key", "form"}, {"OSSAccessKeyId", testAK}, {"policy", policy}, {"Signature", ossauth.SignV1(testSK, policy)}}
		refused(t, f.post(t, "/v1off", "", multipartForm{fields: v1, content: "abc"}))
	})
	t.Run("v2 SDK (OSS v4)", func(t *testing.T) {
		_, err := f.ossV2(testAK, testSK).PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("v1off"), Key: oss2.Ptr("v4"), Body: strings.NewReader("4")})
		require.NoError(t, err)
	})
	for _, sign := range []string{"v4", "v2", "oss-v4", "sina"} {
		r := f.do(t, raw{method: "GET", path: "/v1off", sign: sign})
		assert.Equal(t, http.StatusOK, r.StatusCode, "%s: %s", sign, r.body)
	}
	_, err := f.client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("v1off"), Key: aws.String("v1")})
	assert.Error(t, err, "the refused PutObject stored nothing")
}

// TestRefuseSinaSSIG checks Config.RefuseSignatures with SchemeSinaSSIG:
// ssig requests (header, URL, POST form) are answered 403 AccessDenied
// in Sina's error document; anonymous Sina requests and the other
// dialects' schemes still work.
func TestRefuseSinaSSIG(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithRefuseSignatures(httpapi.SchemeSinaSSIG), httpapi.WithSinaDomains("sinastorage.test")}})
	seedBucket(t, f, "ssigoff")
	refused := func(t *testing.T, r rawResponse) {
		t.Helper()
		assert.Equal(t, http.StatusForbidden, r.StatusCode, "%s", r.body)
		assert.Equal(t, "AccessDenied", r.Header.Get("X-Error-Code"))
		assert.Contains(t, string(r.body), "ssig signatures are not accepted")
	}
	refused(t, f.do(t, raw{method: "PUT", path: "/ssigoff/s", body: []byte("x"), sign: "sina"}))
	refused(t, f.do(t, raw{method: "GET", path: "/ssigoff/s?KID=sina," + testAK + "&Expires=4102444800&ssig=0123456789", sign: "anon"}))
	now := f.clock.Now()
	policy := policyDoc(t, now.Add(time.Hour), map[string]string{"bucket": "ssigoff"})
	form := []field{{"AWSAccessKeyId", testAK}, {"key", "form"}, {"Policy", policy}, {"Signature", ssig.FormSignature(testSK, policy)}}
	refused(t, f.post(t, "/", "ssigoff.sinastorage.test", multipartForm{fields: form, content: "abc"}))

	// Anonymous Sina requests are judged by the ACLs, as before.
	r := f.do(t, raw{method: "GET", path: "/ssigoff/s", host: "ssigoff.sinastorage.test", sign: "anon"})
	assert.Equal(t, http.StatusForbidden, r.StatusCode, "%s", r.body)
	assert.NotContains(t, string(r.body), "ssig signatures are not accepted")
	for _, sign := range []string{"v4", "v2", "oss-v1", "oss-v4"} {
		r := f.do(t, raw{method: "GET", path: "/ssigoff", sign: sign})
		assert.Equal(t, http.StatusOK, r.StatusCode, "%s: %s", sign, r.body)
	}
}

// TestRefuseSignaturesCrossSchemeReplay replays a SigV2 presigned GET
// of the object "x y" (sent /cross/x%20y) as OSS v1 (AWSAccessKeyId
// renamed OSSAccessKeyId: the same HMAC-SHA1 over the same lines; OSS v1
// signs the decoded key, so the path /cross/x%2520y, the object named
// "x%20y", has the signed string of SigV2's raw path) and as Sina's ssig
// (characters 5 to 15 of the signature, KID for the key). By default
// both replays read an object (docs/sdk-suites.md, "Cross-scheme
// replay"); with SigV2 and OSS v1 refused the SigV2 URL and its OSS
// replay fail, and with ssig refused too so does the Sina one.
func TestRefuseSignaturesCrossSchemeReplay(t *testing.T) {
	for _, tc := range []struct {
		name   string
		refuse httpapi.SignatureSchemes
	}{
		{"default", 0},
		{"sigv2,oss-v1", httpapi.SchemeSigV2 | httpapi.SchemeOSSV1},
		{"all", httpapi.SchemesHMACSHA1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithRefuseSignatures(tc.refuse)}})
			seedBucket(t, f, "cross")
			for key, body := range map[string]string{"x y": "spaced", "x%20y": "escaped"} {
				_, err := f.client().PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("cross"), Key: aws.String(key), Body: strings.NewReader(body)})
				require.NoError(t, err)
			}
			v2 := f.presignedV2(t, "GET", "/cross/x%20y")
			q, err := url.ParseQuery(v2[strings.Index(v2, "?")+1:])
			require.NoError(t, err)
			sig := q.Get("Signature")

			r := f.do(t, raw{method: "GET", path: v2, sign: "anon"})
			// OSS v1 signs the decoded key: "/cross/x%20y" is the key
			// "x%20y" sent escaped.
			asOSS := f.do(t, raw{method: "GET", path: strings.Replace(strings.Replace(v2, "AWSAccessKeyId=", "OSSAccessKeyId=", 1), "x%20y", "x%2520y", 1), sign: "anon"})
			asSina := f.do(t, raw{method: "GET", path: "/cross/x%20y?KID=sina," + testAK + "&Expires=" + q.Get("Expires") + "&ssig=" + url.QueryEscape(sig[5:15]), sign: "anon"})
			if tc.refuse == 0 {
				assert.Equal(t, "spaced", string(r.body), "SigV2")
				assert.Equal(t, "escaped", string(asOSS.body), "the OSS v1 replay reads x%%20y")
				assert.Equal(t, "spaced", string(asSina.body), "the ssig replay")
				return
			}
			assert.Equal(t, http.StatusBadRequest, r.StatusCode, "SigV2 refused: %s", r.body)
			assert.Equal(t, http.StatusForbidden, asOSS.StatusCode, "OSS v1 replay refused: %s", asOSS.body)
			assert.Equal(t, "0002-00000080", asOSS.Header.Get("x-oss-ec"))
			if tc.refuse&httpapi.SchemeSinaSSIG != 0 {
				assert.Equal(t, http.StatusForbidden, asSina.StatusCode, "ssig replay refused: %s", asSina.body)
				assert.Equal(t, "AccessDenied", asSina.Header.Get("X-Error-Code"))
			} else {
				assert.Equal(t, "spaced", string(asSina.body), "ssig is not refused")
			}
		})
	}
}
