package sigv4

import (
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestV2BucketResource checks that a bucket-level SigV2 request verifies
// whether the client signed /bucket or /bucket/ (botocore signs /bucket/ and
// sends /bucket), path style and virtual-hosted, header and query forms.
func TestV2BucketResource(t *testing.T) {
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	date := now.Format("Mon, 02 Jan 2006 15:04:05 GMT")
	tests := []struct {
		name, target, vhost, signed string
		ok                          bool
	}{
		{"path sends /b signs /b/", "http://s3.local/b?acl", "", "/b/?acl", true},
		{"path sends /b signs /b", "http://s3.local/b?acl", "", "/b?acl", true},
		{"path sends /b/ signs /b", "http://s3.local/b/", "", "/b", true},
		{"path sends /b/ signs /b/", "http://s3.local/b/", "", "/b/", true},
		{"vhost sends / signs /b/", "http://b.s3.local/", "b", "/b/", true},
		{"vhost sends / signs /b", "http://b.s3.local/?location", "b", "/b?location", true},
		{"object keeps its slash", "http://s3.local/b/k", "", "/b/k/", false},
		{"other bucket", "http://s3.local/b", "", "/c/", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tt.target, nil)
			r.Header.Set("Date", date)
			sig := SignatureV2(exampleSecret, "GET\n\n\n"+date+"\n"+tt.signed)
			r.Header.Set("Authorization", "AWS "+exampleAKID+":"+sig)
			_, err := Verify(r, exampleSecrets, now, VerifyOptions{VirtualHostBucket: tt.vhost})
			if !tt.ok {
				require.ErrorIs(t, err, ErrSignatureMismatch)
				return
			}
			require.NoError(t, err)

			exp := "1704168245" // now + 1h
			r = httptest.NewRequest("GET", tt.target, nil)
			sig = SignatureV2(exampleSecret, "GET\n\n\n"+exp+"\n"+tt.signed)
			auth := "AWSAccessKeyId=" + exampleAKID + "&Expires=" + exp + "&Signature=" + url.QueryEscape(sig)
			if r.URL.RawQuery != "" {
				auth = r.URL.RawQuery + "&" + auth
			}
			r.URL.RawQuery = auth
			_, err = Verify(r, exampleSecrets, now, VerifyOptions{VirtualHostBucket: tt.vhost})
			require.NoError(t, err)
		})
	}
}
