package sigv4

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const goodAuth = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"

func TestParseAuthorization(t *testing.T) {
	a, err := ParseAuthorization(goodAuth)
	require.NoError(t, err)
	require.Equal(t, "AKIAIOSFODNN7EXAMPLE", a.Credential.AccessKeyID)
	require.Equal(t, Scope{"20130524", "us-east-1", "s3"}, a.Credential.Scope)
	require.Equal(t, "host;range;x-amz-content-sha256;x-amz-date", strings.Join(a.SignedHeaders, ";"))
	require.Equal(t, goodAuth, a.String())

	spaced := "AWS4-HMAC-SHA256 Signature=F0E8BDB87C964420E857BD35B5D6ED310BD44F0170ABA48DD91039C6036BDB41, Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date"
	b, err := ParseAuthorization(spaced)
	require.NoError(t, err)
	require.Equal(t, goodAuth, b.String())
}

func TestParseAuthorizationMalformed(t *testing.T) {
	const cred = "Credential=AKID/20130524/us-east-1/s3/aws4_request"
	const sh = "SignedHeaders=host;x-amz-date"
	const sig = "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
	tests := []struct {
		name, header string
		want         error
		msg          string // S3's message, when the case checks it
	}{
		{"empty", "", ErrUnsupportedAuthorizationType, "Authorization header is invalid -- one and only one ' ' (space) required."},
		{"v2", "AWS AKID:abc", ErrUnsupportedAuthorizationType, "Unsupported Authorization Type"},
		{"sigv4a", "AWS4-ECDSA-P256-SHA256 " + cred + "," + sh + "," + sig, ErrUnsupportedAlgorithm, ""},
		{"no space", "AWS4-HMAC-SHA256" + cred, ErrUnsupportedAuthorizationType, "Authorization header is invalid -- one and only one ' ' (space) required."},
		{"missing credential", "AWS4-HMAC-SHA256 " + sh + "," + sig, ErrMalformedAuthorization, "The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature."},
		{"missing signed headers", "AWS4-HMAC-SHA256 " + cred + "," + sig, ErrMalformedAuthorization, ""},
		{"missing signature", "AWS4-HMAC-SHA256 " + cred + "," + sh, ErrMalformedAuthorization, ""},
		{"signature twice", "AWS4-HMAC-SHA256 " + cred + "," + sig + "," + sig, ErrMalformedAuthorization, "The authorization header is malformed; the authorization component \"" + sig + "\" is malformed."},
		{"duplicate", "AWS4-HMAC-SHA256 " + cred + "," + cred + "," + sh + "," + sig, ErrMalformedAuthorization, ""},
		{"unknown component instead of one", "AWS4-HMAC-SHA256 missing_creds=AKID/20130524/us-east-1/s3/aws4_request," + sh + "," + sig, ErrMalformedAuthorization, "The authorization header is malformed; missing Credential."},
		{"no equals", "AWS4-HMAC-SHA256 " + cred + "," + sh + ",Signature", ErrMalformedAuthorization, `The authorization header is malformed; the authorization component "Signature" is malformed.`},
		{"trailing comma", "AWS4-HMAC-SHA256 " + cred + "," + sh + "," + sig + ",", ErrMalformedAuthorization, ""},
		{"credential 4 parts", "AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3," + sh + "," + sig, ErrMalformedAuthorization, `The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`},
		{"credential 6 parts", "AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request/x," + sh + "," + sig, ErrMalformedAuthorization, ""},
		{"bad terminator", "AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws5_request," + sh + "," + sig, ErrMalformedAuthorization, `The authorization header is malformed; incorrect terminal "aws5_request". This endpoint uses "aws4_request".`},
		{"bad date", "AWS4-HMAC-SHA256 Credential=AKID/20131324/us-east-1/s3/aws4_request," + sh + "," + sig, ErrMalformedAuthorization, `The authorization header is malformed; incorrect date format "20131324". This date in the credential must be in the format "yyyyMMdd".`},
		{"short date", "AWS4-HMAC-SHA256 Credential=AKID/2013052/us-east-1/s3/aws4_request," + sh + "," + sig, ErrMalformedAuthorization, ""},
		{"empty akid", "AWS4-HMAC-SHA256 Credential=/20130524/us-east-1/s3/aws4_request," + sh + "," + sig, ErrMalformedAuthorization, ""},
		{"empty region", "AWS4-HMAC-SHA256 Credential=AKID/20130524//s3/aws4_request," + sh + "," + sig, ErrMalformedAuthorization, ""},
		{"empty service", "AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1//aws4_request," + sh + "," + sig, ErrMalformedAuthorization, ""},
		{"empty signed headers", "AWS4-HMAC-SHA256 " + cred + ",SignedHeaders=," + sig, ErrMalformedAuthorization, ""},
		{"empty header name", "AWS4-HMAC-SHA256 " + cred + ",SignedHeaders=host;;x-amz-date," + sig, ErrMalformedAuthorization, ""},
		{"bad header name", "AWS4-HMAC-SHA256 " + cred + ",SignedHeaders=ho st," + sig, ErrMalformedAuthorization, ""},
		{"short signature", "AWS4-HMAC-SHA256 " + cred + "," + sh + ",Signature=abc", ErrMalformedAuthorization, ""},
		{"non-hex signature", "AWS4-HMAC-SHA256 " + cred + "," + sh + ",Signature=" + strings.Repeat("g", 64), ErrMalformedAuthorization, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAuthorization(tt.header)
			require.ErrorIs(t, err, tt.want)
			if tt.msg != "" {
				var we *Error
				require.ErrorAs(t, err, &we)
				require.Equal(t, tt.msg, we.Message)
			}
		})
	}
}

func presignedQuery() url.Values {
	return url.Values{
		"X-Amz-Algorithm":     {"AWS4-HMAC-SHA256"},
		"X-Amz-Credential":    {"AKID/20130524/us-east-1/s3/aws4_request"},
		"X-Amz-Date":          {"20130524T000000Z"},
		"X-Amz-Expires":       {"86400"},
		"X-Amz-SignedHeaders": {"host"},
		"X-Amz-Signature":     {"aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"},
	}
}

func TestParsePresigned(t *testing.T) {
	p, err := ParsePresigned(presignedQuery())
	require.NoError(t, err)
	require.Equal(t, 24*time.Hour, p.Expires)
	require.Equal(t, exampleTime, p.Time)
	require.Equal(t, UnsignedPayload, p.PayloadHash)

	tests := []struct {
		name   string
		modify func(url.Values)
		want   error
	}{
		{"expires 1", func(q url.Values) { q.Set("X-Amz-Expires", "1") }, nil},
		{"expires max", func(q url.Values) { q.Set("X-Amz-Expires", "604800") }, nil},
		{"expires over", func(q url.Values) { q.Set("X-Amz-Expires", "604801") }, ErrMalformedPresigned},
		{"expires zero", func(q url.Values) { q.Set("X-Amz-Expires", "0") }, nil}, // parsed; CheckTime calls it expired
		{"expires negative", func(q url.Values) { q.Set("X-Amz-Expires", "-5") }, ErrMalformedPresigned},
		{"expires plus", func(q url.Values) { q.Set("X-Amz-Expires", "+5") }, ErrMalformedPresigned},
		{"expires text", func(q url.Values) { q.Set("X-Amz-Expires", "soon") }, ErrMalformedPresigned},
		{"expires huge", func(q url.Values) { q.Set("X-Amz-Expires", "99999999999999999999") }, ErrMalformedPresigned},
		{"no algorithm", func(q url.Values) { q.Del("X-Amz-Algorithm") }, ErrMalformedPresigned},
		{"no credential", func(q url.Values) { q.Del("X-Amz-Credential") }, ErrMalformedPresigned},
		{"no date", func(q url.Values) { q.Del("X-Amz-Date") }, ErrMalformedPresigned},
		{"no expires", func(q url.Values) { q.Del("X-Amz-Expires") }, ErrMalformedPresigned},
		{"no signed headers", func(q url.Values) { q.Del("X-Amz-SignedHeaders") }, ErrMalformedPresigned},
		{"no signature", func(q url.Values) { q.Del("X-Amz-Signature") }, ErrMalformedPresigned},
		{"two signatures", func(q url.Values) { q.Add("X-Amz-Signature", "x") }, ErrMalformedPresigned},
		{"sigv4a", func(q url.Values) { q.Set("X-Amz-Algorithm", AlgorithmECDSA) }, ErrUnsupportedAlgorithm},
		{"other algorithm", func(q url.Values) { q.Set("X-Amz-Algorithm", "HMAC") }, ErrMalformedPresigned},
		{"bad credential", func(q url.Values) { q.Set("X-Amz-Credential", "AKID/20130524/us-east-1/s3") }, ErrMalformedPresigned},
		{"bad date", func(q url.Values) { q.Set("X-Amz-Date", "2013-05-24T00:00:00Z") }, ErrMalformedPresigned},
		{"date mismatch", func(q url.Values) { q.Set("X-Amz-Date", "20130525T000000Z") }, ErrMalformedPresigned},
		{"bad signature", func(q url.Values) { q.Set("X-Amz-Signature", "zz") }, ErrMalformedPresigned},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := presignedQuery()
			tt.modify(q)
			_, err := ParsePresigned(q)
			if tt.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tt.want)
			}
		})
	}
}

func TestVerifyErrors(t *testing.T) {
	now := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	creds := Credentials{AccessKeyID: exampleAKID, SecretAccessKey: exampleSecret}
	signed := func(modify func(*http.Request)) *http.Request {
		r := httptest.NewRequest("GET", "http://bucket.s3.local/key", nil)
		if _, err := SignRequest(r, creds, "us-east-1", "s3", now, EmptySHA256); err != nil {
			t.Fatal(err)
		}
		if modify != nil {
			modify(r)
		}
		return r
	}
	resign := func(r *http.Request, payload string) {
		r.Header.Del("X-Amz-Content-Sha256")
		s, err := SignRequest(r, creds, "us-east-1", "s3", now, payload)
		require.NoError(t, err)
		_ = s
	}
	tests := []struct {
		name string
		r    *http.Request
		now  time.Time
		opts VerifyOptions
		want error
	}{
		{"ok", signed(nil), now, VerifyOptions{}, nil},
		{"ok strict region", signed(nil), now, VerifyOptions{Region: "us-east-1"}, nil},
		{"skew edge", signed(nil), now.Add(15 * time.Minute), VerifyOptions{}, nil},
		{"skew late", signed(nil), now.Add(15*time.Minute + time.Second), VerifyOptions{}, ErrRequestTimeTooSkewed},
		{"skew early", signed(nil), now.Add(-16 * time.Minute), VerifyOptions{}, ErrRequestTimeTooSkewed},
		{"wrong region", signed(nil), now, VerifyOptions{Region: "eu-west-1"}, ErrWrongRegion},
		{"wrong service", signed(nil), now, VerifyOptions{Service: "iam"}, ErrMalformedAuthorization},
		{"anonymous", httptest.NewRequest("GET", "/", nil), now, VerifyOptions{}, ErrNoAuth},
		{"unknown key", signed(func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), exampleAKID, "NOPE", 1))
		}), now, VerifyOptions{}, ErrInvalidAccessKeyID},
		{"missing content sha", signed(func(r *http.Request) { r.Header.Del("X-Amz-Content-Sha256") }), now, VerifyOptions{}, ErrMissingContentSHA256},
		{"invalid content sha", signed(func(r *http.Request) { resign(r, "SOMETHING") }), now, VerifyOptions{}, ErrInvalidContentSHA256},
		{"sigv4a streaming", signed(func(r *http.Request) { resign(r, "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD") }), now, VerifyOptions{}, ErrUnsupportedAlgorithm},
		{"streaming ok", signed(func(r *http.Request) { resign(r, StreamingUnsignedPayloadTrailer) }), now, VerifyOptions{}, nil},
		{"missing date", signed(func(r *http.Request) { r.Header.Del("X-Amz-Date") }), now, VerifyOptions{}, ErrMissingDate},
		{"bad date", signed(func(r *http.Request) { r.Header.Set("X-Amz-Date", "yesterday") }), now, VerifyOptions{}, ErrMissingDate},
		{"scope date mismatch", signed(func(r *http.Request) { r.Header.Set("X-Amz-Date", "20240602T000100Z") }), now.Add(12 * time.Hour), VerifyOptions{}, ErrMalformedAuthorization},
		{"host not signed", signed(func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "SignedHeaders=host;", "SignedHeaders=", 1))
		}), now, VerifyOptions{}, ErrMalformedAuthorization},
		{"tampered header", signed(func(r *http.Request) { r.Header.Set("X-Amz-Content-Sha256", UnsignedPayload) }), now, VerifyOptions{}, ErrSignatureMismatch},
		{"tampered path", signed(func(r *http.Request) { r.URL.Path = "/other"; r.RequestURI = "/other" }), now, VerifyOptions{}, ErrSignatureMismatch},
		{"multiple auth", signed(func(r *http.Request) { r.URL.RawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256" }), now, VerifyOptions{}, ErrMultipleAuth},
		{"sigv4a header", signed(func(r *http.Request) { r.Header.Set("Authorization", "AWS4-ECDSA-P256-SHA256 Credential=x") }), now, VerifyOptions{}, ErrUnsupportedAlgorithm},
		{"unknown scheme", signed(func(r *http.Request) { r.Header.Set("Authorization", "Bearer x") }), now, VerifyOptions{}, ErrUnsupportedAuthorizationType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Verify(tt.r, exampleSecrets, tt.now, tt.opts)
			if tt.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tt.want)
			}
		})
	}
}

func TestDateHeaderOnly(t *testing.T) {
	// x-amz-date absent: the Date header supplies the timestamp, in the
	// HTTP form or RFC 1123 with a numeric zone (botocore, which signs
	// with Date when a caller sets it, writes email.utils.formatdate's
	// "-0000": ceph s3-tests' test_object_create_date_and_amz_date).
	for _, date := range []string{"Sat, 01 Jun 2024 12:00:00 GMT", "Sat, 01 Jun 2024 12:00:00 -0000", "Sat, 01 Jun 2024 14:00:00 +0200"} {
		t.Run(date, func(t *testing.T) { testDateHeaderOnly(t, date) })
	}
}

func testDateHeaderOnly(t *testing.T, date string) {
	now := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	r := httptest.NewRequest("GET", "http://bucket.s3.local/key", nil)
	r.Header.Set("Date", date)
	r.Header.Set("X-Amz-Content-Sha256", EmptySHA256)
	signed := []string{"date", "host", "x-amz-content-sha256"}
	scope := Scope{"20240601", "us-east-1", "s3"}
	sts := StringToSign(CanonicalRequest(r, signed, EmptySHA256, false), "20240601T120000Z", scope)
	sig := Signature(SigningKey(exampleSecret, scope.Date, scope.Region, scope.Service), sts)
	r.Header.Set("Authorization", Authorization{Credential{exampleAKID, scope}, signed, sig}.String())
	res, err := Verify(r, exampleSecrets, now, VerifyOptions{})
	require.NoError(t, err)
	require.Equal(t, "20240601T120000Z", res.Timestamp)
}

func TestUriEncode(t *testing.T) {
	tests := []struct{ in, slashKept, slashEncoded string }{
		{"", "", ""},
		{"AZaz09-_.~", "AZaz09-_.~", "AZaz09-_.~"},
		{"a b+c", "a%20b%2Bc", "a%20b%2Bc"},
		{"/a/b//c", "/a/b//c", "%2Fa%2Fb%2F%2Fc"},
		{"test$file.text", "test%24file.text", "test%24file.text"},
		{"é!*'()", "%C3%A9%21%2A%27%28%29", "%C3%A9%21%2A%27%28%29"},
		{"%2F", "%252F", "%252F"},
		{"../.", "../.", "..%2F."},
	}
	for _, tt := range tests {
		require.Equal(t, tt.slashKept, UriEncode(tt.in, false), tt.in)
		require.Equal(t, tt.slashEncoded, UriEncode(tt.in, true), tt.in)
	}
}

func TestCanonicalQueryAndHeaders(t *testing.T) {
	r := httptest.NewRequest("GET", "http://h/?b=2&a=2&a=1&c&empty=&sp=a+b&pct=a%20b&sl=a%2Fb&semi=x;y", nil)
	r.Header.Add("X-Amz-Meta-A", "  one   two  ")
	r.Header.Add("X-Amz-Meta-A", "three")
	cr := CanonicalRequest(r, []string{"x-amz-meta-a", "host"}, "P", false)
	require.Equal(t, "GET\n/\na=1&a=2&b=2&c=&empty=&pct=a%20b&semi=x%3By&sl=a%2Fb&sp=a%20b\nhost:h\nx-amz-meta-a:one two,three\n\nhost;x-amz-meta-a\nP", cr)
}
