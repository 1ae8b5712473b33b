package ossauth

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Vectors from /work/shared/spec/oss/auth.md. The unmasked key id and secret
// are the ones the spec reconstructs from its 4.4 and PostObject examples.
const (
	specAccessKeyID = "44CF9590006BF252F707"
	specSecret      = "OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV"
)

func specHeaderRequest(contentMD5 string) *http.Request {
	r := httptest.NewRequest("PUT", "http://oss-example.oss-cn-hangzhou.aliyuncs.com/nelson", nil)
	r.Header.Set("Content-MD5", contentMD5)
	r.Header.Set("Content-Type", "text/html")
	r.Header.Set("Date", "Thu, 17 Nov 2005 18:49:58 GMT")
	r.Header["X-OSS-Meta-Author"] = []string{"foo@bar.com"} // non-canonical case, as in the spec
	r.Header["X-OSS-Magic"] = []string{"abracadabra"}
	return r
}

var specDate = time.Date(2005, 11, 17, 18, 49, 58, 0, time.UTC)

// auth.md 2.7: the golden header-signing test.
func TestSpecHeaderExample(t *testing.T) {
	tests := []struct {
		name, md5, wantSTS, wantSig string
	}{
		{
			name:    "published masked result (first row)",
			md5:     "ODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=",
			wantSTS: "PUT\nODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=\ntext/html\nThu, 17 Nov 2005 18:49:58 GMT\nx-oss-magic:abracadabra\nx-oss-meta-author:foo@bar.com\n/oss-example/nelson",
			wantSig: "26NBxoKdsyly4EDv6inkoDft/yA=",
		},
		{
			name:    "Content-MD5 the request really carries (second row)",
			md5:     "eB5eJF1ptWaXm4bijSPyxw==",
			wantSTS: "PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\nThu, 17 Nov 2005 18:49:58 GMT\nx-oss-magic:abracadabra\nx-oss-meta-author:foo@bar.com\n/oss-example/nelson",
			wantSig: "hD208RWMpg77svXkQRwWXS+V5KQ=",
		},
	}
	res := Resource{Bucket: "oss-example", Key: "nelson"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := specHeaderRequest(tc.md5)
			sts := StringToSignV1(r, res, DateV1(r.Header))
			assert.Equal(t, tc.wantSTS, sts)
			assert.Equal(t, tc.wantSig, SignV1(specSecret, sts))

			r.Header.Set("Authorization", "OSS "+specAccessKeyID+":"+tc.wantSig)
			a, err := Authenticate(r, res, specDate, func(id string) (string, bool) {
				return specSecret, id == specAccessKeyID
			})
			require.NoError(t, err)
			assert.Equal(t, SchemeV1Header, a.Scheme)
			assert.Equal(t, specAccessKeyID, a.AccessKeyID)

			// The client signer reproduces the header byte for byte.
			r2 := specHeaderRequest(tc.md5)
			SignRequestV1(r2, res, Credentials{AccessKeyID: specAccessKeyID, AccessKeySecret: specSecret}, specDate)
			assert.Equal(t, "OSS 44CF9590006BF252F707:"+tc.wantSig, r2.Header.Get("Authorization"))
		})
	}
}

// auth.md 4.4: the URL-signing example, with the signature the spec computed
// from the published Python code.
func TestSpecURLExample(t *testing.T) {
	res := Resource{Bucket: "oss-example", Key: "oss-api.pdf"}
	r := httptest.NewRequest("GET", "http://oss-example.oss-cn-hangzhou.aliyuncs.com/oss-api.pdf?OSSAccessKeyId=44CF9590006BF252F707&Expires=1141889120&Signature=EwaNTn1erJGkimiJ9WmXgwnANLc%3D", nil)
	assert.Equal(t, "GET\n\n\n1141889120\n/oss-example/oss-api.pdf", StringToSignV1(r, res, "1141889120"))
	assert.Equal(t, "EwaNTn1erJGkimiJ9WmXgwnANLc=", SignV1(specSecret, "GET\n\n\n1141889120\n/oss-example/oss-api.pdf"))

	a, err := Parse(r)
	require.NoError(t, err)
	assert.Equal(t, SchemeV1Query, a.Scheme)
	assert.Equal(t, "EwaNTn1erJGkimiJ9WmXgwnANLc=", a.Signature)
	require.NoError(t, a.Verify(r, res, specSecret, time.Unix(1141889060, 0)))

	// PresignV1 produces the same signature.
	r2 := httptest.NewRequest("GET", "http://oss-example.oss-cn-hangzhou.aliyuncs.com/oss-api.pdf", nil)
	PresignV1(r2, res, Credentials{AccessKeyID: specAccessKeyID, AccessKeySecret: specSecret}, time.Unix(1141889120, 0))
	assert.Equal(t, "Expires=1141889120&OSSAccessKeyId=44CF9590006BF252F707&Signature=EwaNTn1erJGkimiJ9WmXgwnANLc%3D", r2.URL.RawQuery)

	// The URL printed in the source belongs to another key pair (auth.md
	// 4.4): with this secret it must not verify.
	r3 := httptest.NewRequest("GET", "http://oss-example.oss-cn-hangzhou.aliyuncs.com/oss-api.pdf?OSSAccessKeyId=nz2pc56s936**9l&Expires=1141889120&Signature=vjbyPxybdZaNmGa%2ByT272YEAiv4%3D", nil)
	a3, err := Parse(r3)
	require.NoError(t, err)
	err = a3.Verify(r3, res, specSecret, time.Unix(1141889060, 0))
	var se *SignatureError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "vjbyPxybdZaNmGa+yT272YEAiv4=", se.SignatureProvided)
	assert.Equal(t, "GET\n\n\n1141889120\n/oss-example/oss-api.pdf", se.StringToSign)
}

// auth.md 2.8: <StringToSignBytes> is the lower-case, space-separated hex of
// the string to sign.
func TestSpecStringToSignBytes(t *testing.T) {
	se := &SignatureError{StringToSign: "GET\n\n\nWed, 11 May 2011 07:59:25 GMT\n/usrealtest?acl"}
	assert.Equal(t, "47 45 54 0a 0a 0a 57 65 64 2c 20 31 31 20 4d 61 79 20 32 30 31 31 20 30 37 3a 35 39 3a 32 35 20 47 4d 54 0a 2f 75 73 72 65 61 6c 74 65 73 74 3f 61 63 6c", se.StringToSignBytes())
	assert.True(t, errors.Is(se, ErrSignatureDoesNotMatch))
	assert.Equal(t, "", (&SignatureError{}).CanonicalRequestBytes())
}

// auth.md 2.3: the normalisation rules, including the examples of the notes.
func TestSpecCanonicalizedOSSHeaders(t *testing.T) {
	tests := []struct {
		name string
		h    http.Header
		want string
	}{
		{"none", http.Header{"Content-Type": {"x"}, "Host": {"h"}}, ""},
		{"one", http.Header{"X-Oss-Meta-A": {"a"}}, "x-oss-meta-a:a\n"},
		{"sorted", http.Header{"X-Oss-Meta-C": {"c"}, "X-Oss-Meta-A": {"a"}, "X-Oss-Meta-B": {"b"}}, "x-oss-meta-a:a\nx-oss-meta-b:b\nx-oss-meta-c:c\n"},
		{"lower-cased name, value untouched", http.Header{"X-OSS-Meta-Name": {"TaoBao"}}, "x-oss-meta-name:TaoBao\n"},
		{"spaces around value trimmed", http.Header{"X-Oss-Meta-Name": {"  TaoBao "}}, "x-oss-meta-name:TaoBao\n"},
		{"repeated joined with comma", http.Header{"X-Oss-Meta-A": {"a1", " a2"}}, "x-oss-meta-a:a1,a2\n"},
		{"keys differing in case merged in key order", http.Header{"x-oss-meta-a": {"a2"}, "X-Oss-Meta-A": {"a1"}}, "x-oss-meta-a:a1,a2\n"},
		{"security token signed", http.Header{"X-Oss-Security-Token": {"tok"}, "X-Oss-Date": {"d"}}, "x-oss-date:d\nx-oss-security-token:tok\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, CanonicalizedOSSHeaders(tc.h))
		})
	}
}
