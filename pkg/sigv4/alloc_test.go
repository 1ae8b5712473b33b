package sigv4

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// lookupLower must find exactly what Header.Values finds for a lower-case
// name, whatever the name holds.
func TestLookupLower(t *testing.T) {
	h := http.Header{}
	h.Add("X-Amz-Date", "d")
	h.Add("X-Amz-Meta-A1", "m1")
	h.Add("X-Amz-Meta-A1", "m2")
	h.Add("Content-Md5", "md5")
	h["x_odd"] = []string{"kept as sent"}
	h.Add("X-Amz-Meta-"+string(make([]byte, 70)), "long")
	for _, name := range []string{"x-amz-date", "x-amz-meta-a1", "content-md5", "x_odd", "x-amz-missing", "-x", "x--y", "1-a", "",
		"x-amz-meta-" + string(make([]byte, 70))} {
		require.Equal(t, h.Values(name), lookupLower(h, name), "%q", name)
	}
}

// TestVerifyAllocations keeps header-signed verification allocation-light:
// the canonical request, string to sign and signature are built in pooled
// buffers with a pooled HMAC, so what remains is the parsed Authorization,
// the canonical URI and the Result.
func TestVerifyAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts differ under -race")
	}
	now := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	r := httptest.NewRequest("GET", "http://127.0.0.1:9000/bucket/some/key.txt", nil)
	creds := Credentials{AccessKeyID: exampleAKID, SecretAccessKey: exampleSecret}
	_, err := SignRequest(r, creds, "us-east-1", "s3", now, UnsignedPayload)
	require.NoError(t, err)
	keys := &KeyCache{}
	opts := VerifyOptions{Keys: keys}
	_, err = Verify(r, exampleSecrets, now, opts)
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := Verify(r, exampleSecrets, now, opts); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%.0f allocations per verification", allocs)
	require.LessOrEqual(t, allocs, 12.0)

	// A wrong signature still explains itself.
	bad := r.Clone(r.Context())
	bad.Header.Set("X-Amz-Date", "20240601T120001Z")
	_, err = Verify(bad, exampleSecrets, now, opts)
	var mm *MismatchError
	require.ErrorAs(t, err, &mm)
	require.Contains(t, mm.StringToSign, "AWS4-HMAC-SHA256\n20240601T120001Z\n20240601/us-east-1/s3/aws4_request\n")
	require.Contains(t, mm.CanonicalRequest, "x-amz-date:20240601T120001Z\n")
}

// TestVerifyAltService: a scope of the alternative service (S3 Express
// One Zone signs as "s3express") verifies only when the caller accepts
// it; any other service is refused, naming the expected one.
func TestVerifyAltService(t *testing.T) {
	now := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	creds := Credentials{AccessKeyID: exampleAKID, SecretAccessKey: exampleSecret}
	for _, tc := range []struct {
		service, alt string
		ok           bool
	}{
		{"s3express", "s3express", true},
		{"s3", "s3express", true},
		{"s3express", "", false},
		{"ec2", "s3express", false},
	} {
		r := httptest.NewRequest("GET", "http://127.0.0.1:9000/bucket--usw2-az1--x-s3/key", nil)
		_, err := SignRequest(r, creds, "us-east-1", tc.service, now, UnsignedPayload)
		require.NoError(t, err)
		res, err := Verify(r, exampleSecrets, now, VerifyOptions{AltService: tc.alt})
		if !tc.ok {
			require.Error(t, err, "%+v", tc)
			require.Contains(t, err.Error(), `This endpoint belongs to "s3"`)
			continue
		}
		require.NoError(t, err, "%+v", tc)
		require.Equal(t, tc.service, res.Scope.Service)
	}
}
