package ossauth

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const hex64 = "e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe"

func TestParseAuthorizationValid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Auth
	}{
		{"v1", "OSS ak:c2ln", Auth{Scheme: SchemeV1Header, AccessKeyID: "ak", Signature: "c2ln"}},
		{"v1 base64 with / + =", "OSS 44CF9590006BF252F707:26NBxoKdsyly4EDv6inkoDft/yA=", Auth{Scheme: SchemeV1Header, AccessKeyID: "44CF9590006BF252F707", Signature: "26NBxoKdsyly4EDv6inkoDft/yA="}},
		{"v4 minimal", "OSS4-HMAC-SHA256 Credential=ak/20250101/cn-hangzhou/oss/aliyun_v4_request,Signature=" + hex64,
			Auth{Scheme: SchemeV4Header, AccessKeyID: "ak", Signature: hex64, Scope: Scope{"20250101", "cn-hangzhou", "oss"}}},
		{"v4 additional headers lower-cased", "OSS4-HMAC-SHA256 Credential=ak/20250101/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=Host;x-custom,Signature=" + hex64,
			Auth{Scheme: SchemeV4Header, AccessKeyID: "ak", Signature: hex64, Scope: Scope{"20250101", "cn-hangzhou", "oss"}, AdditionalHeaders: []string{"host", "x-custom"}}},
		{"v4 spaces after commas, any order", "OSS4-HMAC-SHA256 Signature=" + hex64 + ", Credential=ak/20250101/cn-hangzhou/oss-cloudbox/aliyun_v4_request",
			Auth{Scheme: SchemeV4Header, AccessKeyID: "ak", Signature: hex64, Scope: Scope{"20250101", "cn-hangzhou", "oss-cloudbox"}}},
		{"v2", "OSS2 AccessKeyId:ak,Signature:c2ln", Auth{Scheme: SchemeV2Header, AccessKeyID: "ak", Signature: "c2ln"}},
		{"v2 additional headers", "OSS2 AccessKeyId:ak,AdditionalHeaders:Cache-Control;x-custom,Signature:26NBxoKdsyly4EDv6inkoDft/yA=",
			Auth{Scheme: SchemeV2Header, AccessKeyID: "ak", Signature: "26NBxoKdsyly4EDv6inkoDft/yA=", AdditionalHeaders: []string{"cache-control", "x-custom"}}},
		{"v4 empty AdditionalHeaders", "OSS4-HMAC-SHA256 Credential=ak/20250101/r/oss/aliyun_v4_request,AdditionalHeaders=,Signature=" + hex64,
			Auth{Scheme: SchemeV4Header, AccessKeyID: "ak", Signature: hex64, Scope: Scope{"20250101", "r", "oss"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseAuthorization(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, *a)
		})
	}
}

func TestParseAuthorizationMalformed(t *testing.T) {
	cred := "Credential=ak/20250101/cn-hangzhou/oss/aliyun_v4_request"
	tests := []struct {
		name, in string
	}{
		{"empty", ""},
		{"scheme only", "OSS"},
		{"v1 no space", "OSSak:sig"},
		{"v1 two spaces", "OSS  ak:sig"},
		{"v1 lower-case scheme", "oss ak:sig"},
		{"v1 no colon", "OSS aksig"},
		{"v1 empty key id", "OSS :sig"},
		{"v1 empty signature", "OSS ak:"},
		{"v1 two colons", "OSS ak:si:g"},
		{"v1 space in signature", "OSS ak:si g"},
		{"v1 trailing space", "OSS ak:sig "},
		{"v1 non-ASCII key id", "OSS äk:sig"},
		{"v2 no fields", "OSS2 "},
		{"v2 missing signature", "OSS2 AccessKeyId:ak"},
		{"v2 missing key id", "OSS2 Signature:sig"},
		{"v2 field without colon", "OSS2 AccessKeyId:ak,Signature"},
		{"v2 unknown field", "OSS2 AccessKeyId:ak,Credential:x,Signature:sig"},
		{"v2 repeated field", "OSS2 AccessKeyId:ak,AccessKeyId:ak,Signature:sig"},
		{"v2 v4 syntax", "OSS2 AccessKeyId=ak,Signature=sig"},
		{"AWS scheme", "AWS4-HMAC-SHA256 Credential=ak/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=" + hex64},
		{"v4 no fields", "OSS4-HMAC-SHA256 "},
		{"v4 missing signature", "OSS4-HMAC-SHA256 " + cred},
		{"v4 missing credential", "OSS4-HMAC-SHA256 Signature=" + hex64},
		{"v4 field without =", "OSS4-HMAC-SHA256 " + cred + ",Signature"},
		{"v4 unknown field", "OSS4-HMAC-SHA256 " + cred + ",SignedHeaders=host,Signature=" + hex64},
		{"v4 repeated field", "OSS4-HMAC-SHA256 " + cred + ",Signature=" + hex64 + ",Signature=" + hex64},
		{"v4 short signature", "OSS4-HMAC-SHA256 " + cred + ",Signature=abcd"},
		{"v4 non-hex signature", "OSS4-HMAC-SHA256 " + cred + ",Signature=" + strings.Repeat("z", 64)},
		{"v4 credential 4 parts", "OSS4-HMAC-SHA256 Credential=ak/20250101/cn-hangzhou/oss,Signature=" + hex64},
		{"v4 credential 6 parts", "OSS4-HMAC-SHA256 Credential=a/k/20250101/cn-hangzhou/oss/aliyun_v4_request,Signature=" + hex64},
		{"v4 bad terminator", "OSS4-HMAC-SHA256 Credential=ak/20250101/cn-hangzhou/oss/aws4_request,Signature=" + hex64},
		{"v4 bad date", "OSS4-HMAC-SHA256 Credential=ak/2025-01-01/cn-hangzhou/oss/aliyun_v4_request,Signature=" + hex64},
		{"v4 impossible date", "OSS4-HMAC-SHA256 Credential=ak/20251301/cn-hangzhou/oss/aliyun_v4_request,Signature=" + hex64},
		{"v4 empty region", "OSS4-HMAC-SHA256 Credential=ak/20250101//oss/aliyun_v4_request,Signature=" + hex64},
		{"v4 empty key id", "OSS4-HMAC-SHA256 Credential=/20250101/cn-hangzhou/oss/aliyun_v4_request,Signature=" + hex64},
		{"v4 empty additional header name", "OSS4-HMAC-SHA256 " + cred + ",AdditionalHeaders=host;;x,Signature=" + hex64},
		{"v4 scheme without space", "OSS4-HMAC-SHA256" + cred},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseAuthorization(tc.in)
			require.ErrorIs(t, err, ErrMalformedAuthorization)
			assert.Nil(t, a)
			assert.True(t, strings.HasPrefix(err.Error(), "ossauth: "), err.Error())
		})
	}
}

func TestParseDispatch(t *testing.T) {
	v4q := "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=ak%2F20250101%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20250101T000000Z&x-oss-expires=60&x-oss-signature=" + hex64
	tests := []struct {
		name    string
		query   string
		authz   string
		scheme  Scheme
		wantErr error
	}{
		{"anonymous", "acl", "", SchemeAnonymous, nil},
		{"anonymous with unrelated params", "prefix=a&max-keys=3", "", SchemeAnonymous, nil},
		{"v1 header", "", "OSS ak:sig", SchemeV1Header, nil},
		{"v4 header", "", "OSS4-HMAC-SHA256 Credential=ak/20250101/r/oss/aliyun_v4_request,Signature=" + hex64, SchemeV4Header, nil},
		{"v1 query", "OSSAccessKeyId=ak&Expires=1&Signature=sig", "", SchemeV1Query, nil},
		{"v1 query, first occurrence wins", "OSSAccessKeyId=ak&OSSAccessKeyId=other&Expires=1&Signature=sig", "", SchemeV1Query, nil},
		{"v4 query", v4q, "", SchemeV4Query, nil},
		{"v1 query missing Signature", "OSSAccessKeyId=ak&Expires=1", "", 0, ErrMissingQueryParameter},
		{"v1 query missing Expires", "OSSAccessKeyId=ak&Signature=s", "", 0, ErrMissingQueryParameter},
		{"v1 query missing key id", "Expires=1&Signature=s", "", 0, ErrMissingQueryParameter},
		{"v1 query empty key id", "OSSAccessKeyId=&Expires=1&Signature=s", "", 0, ErrMissingQueryParameter},
		{"Expires alone", "Expires=1", "", 0, ErrMissingQueryParameter},
		{"v4 query missing date", strings.Replace(v4q, "x-oss-date=", "x-oss-datex=", 1), "", 0, ErrMissingQueryParameter},
		{"v4 query missing version", strings.Replace(v4q, "x-oss-signature-version=", "v=", 1), "", 0, ErrMissingQueryParameter},
		{"v4 query wrong version", strings.Replace(v4q, "OSS4-HMAC-SHA256", "OSS3", 1), "", 0, ErrMalformedAuthorization},
		{"v2 query", "x-oss-signature-version=OSS2&x-oss-access-key-id=ak&x-oss-expires=1&x-oss-signature=sig", "", SchemeV2Query, nil},
		{"v2 query missing key id", "x-oss-signature-version=OSS2&x-oss-expires=1&x-oss-signature=sig", "", 0, ErrMissingQueryParameter},
		{"v2 query missing expires", "x-oss-signature-version=OSS2&x-oss-access-key-id=ak&x-oss-signature=sig", "", 0, ErrMissingQueryParameter},
		{"v2 header", "", "OSS2 AccessKeyId:ak,Signature:sig", SchemeV2Header, nil},
		{"v2 header and v2 query", "x-oss-signature-version=OSS2&x-oss-access-key-id=ak&x-oss-expires=1&x-oss-signature=sig", "OSS2 AccessKeyId:ak,Signature:sig", 0, ErrAmbiguousSignature},
		{"v4 query bad credential", strings.Replace(v4q, "aliyun_v4_request", "x", 1), "", 0, ErrMalformedAuthorization},
		{"v4 query bad signature", strings.Replace(v4q, hex64, "zz", 1), "", 0, ErrMalformedAuthorization},
		{"header and v1 query", "OSSAccessKeyId=ak", "OSS ak:sig", 0, ErrAmbiguousSignature},
		{"header and Signature only", "Signature=x", "OSS ak:sig", 0, ErrAmbiguousSignature},
		{"header and v4 query", v4q, "OSS ak:sig", 0, ErrAmbiguousSignature},
		{"malformed header", "", "Basic Zm9vOmJhcg==", 0, ErrMalformedAuthorization},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "http://b.example/k?"+tc.query, nil)
			if tc.authz != "" {
				r.Header.Set("Authorization", tc.authz)
			}
			a, err := Parse(r)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.scheme, a.Scheme)
			if tc.scheme != SchemeAnonymous {
				assert.Equal(t, "ak", a.AccessKeyID)
			}
		})
	}
}

func TestParseV1QueryUnescapedPlus(t *testing.T) {
	// A '+' sent unescaped decodes to a space; it is restored.
	r := httptest.NewRequest("GET", "http://b.example/k?OSSAccessKeyId=ak&Expires=1&Signature=a+b/c=", nil)
	a, err := Parse(r)
	require.NoError(t, err)
	assert.Equal(t, "a+b/c=", a.Signature)
}

func TestAuthorizationHeaderRoundTrip(t *testing.T) {
	for _, in := range []string{
		"OSS ak:sig=",
		"OSS4-HMAC-SHA256 Credential=ak/20250101/cn-hangzhou/oss/aliyun_v4_request,Signature=" + hex64,
		"OSS4-HMAC-SHA256 Credential=ak/20250101/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=host;x-a,Signature=" + hex64,
	} {
		a, err := ParseAuthorization(in)
		require.NoError(t, err)
		assert.Equal(t, in, a.AuthorizationHeader())
	}
	assert.Equal(t, "", (&Auth{Scheme: SchemeV1Query}).AuthorizationHeader())
	assert.Equal(t, "", (&Auth{}).AuthorizationHeader())
}

func TestSchemeString(t *testing.T) {
	assert.Equal(t, "anonymous", SchemeAnonymous.String())
	assert.Equal(t, "v1-header", SchemeV1Header.String())
	assert.Equal(t, "v1-query", SchemeV1Query.String())
	assert.Equal(t, "v4-header", SchemeV4Header.String())
	assert.Equal(t, "v4-query", SchemeV4Query.String())
	assert.Equal(t, "Scheme(9)", Scheme(9).String())
}

func TestParseSecurityToken(t *testing.T) {
	tests := []struct {
		name, query, header, authz, want string
	}{
		{"v1 header", "", "h", "OSS ak:sig", "h"},
		{"v1 query param", "OSSAccessKeyId=ak&Expires=1&Signature=s&security-token=q", "h", "", "q"},
		{"v1 query header fallback", "OSSAccessKeyId=ak&Expires=1&Signature=s", "h", "", "h"},
		{"v4 query param", "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=ak%2F20250101%2Fr%2Foss%2Faliyun_v4_request&x-oss-date=20250101T000000Z&x-oss-expires=60&x-oss-signature=" + hex64 + "&x-oss-security-token=q", "", "", "q"},
		{"none", "OSSAccessKeyId=ak&Expires=1&Signature=s", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "http://b.example/k?"+tc.query, nil)
			if tc.header != "" {
				r.Header.Set("X-Oss-Security-Token", tc.header)
			}
			if tc.authz != "" {
				r.Header.Set("Authorization", tc.authz)
			}
			a, err := Parse(r)
			require.NoError(t, err)
			assert.Equal(t, tc.want, a.SecurityToken)
		})
	}
}
