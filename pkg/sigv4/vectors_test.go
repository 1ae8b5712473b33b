package sigv4

import (
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	exampleAKID   = "AKIAIOSFODNN7EXAMPLE"
	exampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

var exampleTime = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

func exampleSecrets(akid string) (string, bool) {
	if akid == exampleAKID {
		return exampleSecret, true
	}
	return "", false
}

func TestSigningKeyVector(t *testing.T) {
	k := SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")
	require.Equal(t, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d", hex.EncodeToString(k))
	var c KeyCache
	k2 := c.Get("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Scope{"20120215", "us-east-1", "iam"})
	k3 := c.Get("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Scope{"20120215", "us-east-1", "iam"})
	require.Equal(t, hex.EncodeToString(k), hex.EncodeToString(k2))
	require.Same(t, &k2[0], &k3[0], "cached")
}

func TestGetVanilla(t *testing.T) {
	r := httptest.NewRequest("GET", "http://example.amazonaws.com/", nil)
	r.Header.Set("X-Amz-Date", "20150830T123600Z")
	cr := CanonicalRequest(r, []string{"host", "x-amz-date"}, EmptySHA256, false)
	require.Equal(t, "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"+EmptySHA256, cr)
	sts := StringToSign(cr, "20150830T123600Z", Scope{"20150830", "us-east-1", "service"})
	require.Equal(t, "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63", sts[strings.LastIndexByte(sts, '\n')+1:])
	key := SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "service")
	require.Equal(t, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", Signature(key, sts))
}

type headerVector struct {
	name      string
	method    string
	target    string
	headers   [][2]string
	signed    string
	payload   string
	canonical string
	crHash    string
	sig       string
}

var headerVectors = []headerVector{
	{
		name: "GetObject", method: "GET", target: "http://examplebucket.s3.amazonaws.com/test.txt",
		headers: [][2]string{{"Range", "bytes=0-9"}},
		signed:  "host;range;x-amz-content-sha256;x-amz-date", payload: EmptySHA256,
		canonical: "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		crHash:    "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
		sig:       "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
	},
	{
		name: "PutObject", method: "PUT", target: "http://examplebucket.s3.amazonaws.com/test$file.text",
		headers: [][2]string{{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"X-Amz-Storage-Class", "REDUCED_REDUNDANCY"}},
		signed:  "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
		payload: "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
		canonical: "PUT\n/test%24file.text\n\ndate:Fri, 24 May 2013 00:00:00 GMT\nhost:examplebucket.s3.amazonaws.com\nx-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072\nx-amz-date:20130524T000000Z\nx-amz-storage-class:REDUCED_REDUNDANCY\n\n" +
			"date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class\n44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
		crHash: "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d",
		sig:    "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
	},
	{
		name: "GetBucketLifecycle", method: "GET", target: "http://examplebucket.s3.amazonaws.com/?lifecycle",
		signed: "host;x-amz-content-sha256;x-amz-date", payload: EmptySHA256,
		canonical: "GET\n/\nlifecycle=\nhost:examplebucket.s3.amazonaws.com\nx-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-amz-date:20130524T000000Z\n\nhost;x-amz-content-sha256;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		crHash:    "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca",
		sig:       "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
	},
	{
		name: "ListObjects", method: "GET", target: "http://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J",
		signed: "host;x-amz-content-sha256;x-amz-date", payload: EmptySHA256,
		canonical: "GET\n/\nmax-keys=2&prefix=J\nhost:examplebucket.s3.amazonaws.com\nx-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-amz-date:20130524T000000Z\n\nhost;x-amz-content-sha256;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		crHash:    "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7",
		sig:       "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
	},
	{
		name: "StreamingSeed", method: "PUT", target: "http://s3.amazonaws.com/examplebucket/chunkObject.txt",
		headers: [][2]string{{"X-Amz-Storage-Class", "REDUCED_REDUNDANCY"}, {"Content-Encoding", "aws-chunked"}, {"X-Amz-Decoded-Content-Length", "66560"}, {"Content-Length", "66824"}},
		signed:  "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class",
		payload: StreamingPayload,
		canonical: "PUT\n/examplebucket/chunkObject.txt\n\ncontent-encoding:aws-chunked\ncontent-length:66824\nhost:s3.amazonaws.com\nx-amz-content-sha256:STREAMING-AWS4-HMAC-SHA256-PAYLOAD\nx-amz-date:20130524T000000Z\nx-amz-decoded-content-length:66560\nx-amz-storage-class:REDUCED_REDUNDANCY\n\n" +
			"content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class\nSTREAMING-AWS4-HMAC-SHA256-PAYLOAD",
		crHash: "cee3fed04b70f867d036f722359b0b1f2f0e5dc0efadbc082b76c4c60e316455",
		sig:    "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
	},
	{
		name: "StreamingTrailerSeed", method: "PUT", target: "http://s3.amazonaws.com/examplebucket/chunkObject.txt",
		headers: [][2]string{{"X-Amz-Storage-Class", "REDUCED_REDUNDANCY"}, {"Content-Encoding", "aws-chunked"}, {"X-Amz-Decoded-Content-Length", "66560"}, {"X-Amz-Trailer", "x-amz-checksum-crc32c"}},
		signed:  "content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer",
		payload: StreamingPayloadTrailer,
		canonical: "PUT\n/examplebucket/chunkObject.txt\n\ncontent-encoding:aws-chunked\nhost:s3.amazonaws.com\nx-amz-content-sha256:STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER\nx-amz-date:20130524T000000Z\nx-amz-decoded-content-length:66560\nx-amz-storage-class:REDUCED_REDUNDANCY\nx-amz-trailer:x-amz-checksum-crc32c\n\n" +
			"content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer\nSTREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
		crHash: "44d48b8c2f70eae815a0198cc73d7a546a73a93359c070abbaa5e6c7de112559",
		sig:    "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e",
	},
}

func (v headerVector) request() *http.Request {
	r := httptest.NewRequest(v.method, v.target, nil)
	r.Header.Set("X-Amz-Date", "20130524T000000Z")
	r.Header.Set("X-Amz-Content-Sha256", v.payload)
	for _, h := range v.headers {
		r.Header.Set(h[0], h[1])
	}
	return r
}

func TestPublishedHeaderVectors(t *testing.T) {
	scope := Scope{"20130524", "us-east-1", "s3"}
	for _, v := range headerVectors {
		t.Run(v.name, func(t *testing.T) {
			r := v.request()
			cr := CanonicalRequest(r, strings.Split(v.signed, ";"), v.payload, false)
			require.Equal(t, v.canonical, cr)
			sts := StringToSign(cr, "20130524T000000Z", scope)
			require.Equal(t, "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"+v.crHash, sts)
			key := SigningKey(exampleSecret, "20130524", "us-east-1", "s3")
			require.Equal(t, v.sig, Signature(key, sts))

			// The same request, verified end to end through its header.
			auth := Authorization{Credential{exampleAKID, scope}, strings.Split(v.signed, ";"), v.sig}
			r.Header.Set("Authorization", auth.String())
			res, err := Verify(r, exampleSecrets, exampleTime.Add(time.Minute), VerifyOptions{Region: "us-east-1"})
			require.NoError(t, err)
			require.Equal(t, MethodV4Header, res.Method)
			require.Equal(t, v.sig, res.Signature)
			require.Equal(t, "20130524T000000Z", res.Timestamp)
			require.Equal(t, hex.EncodeToString(key), hex.EncodeToString(res.SigningKey))

			// Any change to a signed part breaks it, with details.
			r.Header.Set("X-Amz-Date", "20130524T000001Z")
			_, err = Verify(r, exampleSecrets, exampleTime, VerifyOptions{})
			require.ErrorIs(t, err, ErrSignatureMismatch)
			var me *MismatchError
			if !errors.As(err, &me) || !strings.Contains(me.CanonicalRequest, "x-amz-date:20130524T000001Z") || me.SignatureProvided != v.sig {
				t.Fatalf("mismatch details: %#v", me)
			}
		})
	}
}

func TestPublishedPresigned(t *testing.T) {
	const url = "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
	r := httptest.NewRequest("GET", url, nil)
	cr := CanonicalRequest(r, []string{"host"}, UnsignedPayload, true)
	require.Equal(t, "GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD", cr)
	sts := StringToSign(cr, "20130524T000000Z", Scope{"20130524", "us-east-1", "s3"})
	require.Equal(t, "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04", sts)

	tests := []struct {
		name string
		now  time.Time
		want error
	}{
		{"at signing", exampleTime, nil},
		{"last valid second", exampleTime.Add(86400 * time.Second), nil},
		{"one ns late", exampleTime.Add(86400*time.Second + 1), ErrExpired},
		{"a day late", exampleTime.Add(48 * time.Hour), ErrExpired},
		{"within skew before", exampleTime.Add(-15 * time.Minute), nil},
		{"not yet valid", exampleTime.Add(-16 * time.Minute), ErrNotYetValid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Verify(r, exampleSecrets, tt.now, VerifyOptions{})
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
				return
			}
			require.NoError(t, err)
			require.Equal(t, MethodV4Query, res.Method)
			require.Equal(t, UnsignedPayload, res.PayloadHash)
		})
	}

	// Our presigner reproduces the published URL.
	c := httptest.NewRequest("GET", "https://examplebucket.s3.amazonaws.com/test.txt", nil)
	s, err := Presign(c, Credentials{AccessKeyID: exampleAKID, SecretAccessKey: exampleSecret}, "us-east-1", "s3", exampleTime, 24*time.Hour)
	require.NoError(t, err)
	require.Equal(t, "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404", s.Authorization.Signature)
	require.Equal(t, url, c.URL.String())
}

func TestPublishedPostPolicy(t *testing.T) {
	const policy = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"
	key := SigningKey(exampleSecret, "20151229", "us-east-1", "s3")
	require.Equal(t, "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e", Signature(key, policy))
}
