package sigv4

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestPublishedV2(t *testing.T) {
	tests := []struct {
		name, method, target, bucket string
		headers                      [][2]string
		sts, sig                     string
	}{
		{"GetObject", "GET", "http://awsexamplebucket1.us-west-1.s3.amazonaws.com/photos/puppy.jpg", "awsexamplebucket1",
			[][2]string{{"Date", "Tue, 27 Mar 2007 19:36:42 +0000"}},
			"GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/awsexamplebucket1/photos/puppy.jpg", "qgk2+6Sv9/oM7G3qLEjTH1a1l1g="},
		{"PutObject", "PUT", "http://awsexamplebucket1.us-west-1.s3.amazonaws.com/photos/puppy.jpg", "awsexamplebucket1",
			[][2]string{{"Date", "Tue, 27 Mar 2007 21:15:45 +0000"}, {"Content-Type", "image/jpeg"}},
			"PUT\n\nimage/jpeg\nTue, 27 Mar 2007 21:15:45 +0000\n/awsexamplebucket1/photos/puppy.jpg", "iqRzw+ileNPu1fhspnRs8nOjjIA="},
		{"List", "GET", "http://awsexamplebucket1.us-west-1.s3.amazonaws.com/?prefix=photos&max-keys=50&marker=puppy", "awsexamplebucket1",
			[][2]string{{"Date", "Tue, 27 Mar 2007 19:42:41 +0000"}},
			"GET\n\n\nTue, 27 Mar 2007 19:42:41 +0000\n/awsexamplebucket1/", "m0WP8eCtspQl5Ahe6L1SozdX9YA="},
		{"Acl", "GET", "http://awsexamplebucket1.us-west-1.s3.amazonaws.com/?acl", "awsexamplebucket1",
			[][2]string{{"Date", "Tue, 27 Mar 2007 19:44:46 +0000"}},
			"GET\n\n\nTue, 27 Mar 2007 19:44:46 +0000\n/awsexamplebucket1/?acl", "82ZHiFIjc+WbcwFKGUVEQspPn+0="},
		{"DeletePathStyle", "DELETE", "http://s3.us-west-1.amazonaws.com/awsexamplebucket1/photos/puppy.jpg", "",
			[][2]string{{"Date", "Tue, 27 Mar 2007 21:20:27 +0000"}, {"X-Amz-Date", "Tue, 27 Mar 2007 21:20:26 +0000"}},
			"DELETE\n\n\nTue, 27 Mar 2007 21:20:26 +0000\n/awsexamplebucket1/photos/puppy.jpg", "XbyTlbQdu9Xw5o8P4iMwPktxQd8="},
		{"Upload", "PUT", "http://static.awsexamplebucket1.net:8080/db-backup.dat.gz", "static.awsexamplebucket1.net",
			[][2]string{{"Date", "Tue, 27 Mar 2007 21:06:08 +0000"}, {"Content-MD5", "4gJE4saaMU4BqNR0kLY+lw=="}, {"content-type", "application/x-download"},
				{"x-amz-acl", "public-read"}, {"X-Amz-Meta-ReviewedBy", "joe@awsexamplebucket1.net"}, {"X-Amz-Meta-ReviewedBy", "jane@awsexamplebucket1.net"},
				{"X-Amz-Meta-FileChecksum", "0x02661779"}, {"X-Amz-Meta-ChecksumAlgorithm", "crc32"}},
			"PUT\n4gJE4saaMU4BqNR0kLY+lw==\napplication/x-download\nTue, 27 Mar 2007 21:06:08 +0000\nx-amz-acl:public-read\nx-amz-meta-checksumalgorithm:crc32\nx-amz-meta-filechecksum:0x02661779\nx-amz-meta-reviewedby:joe@awsexamplebucket1.net,jane@awsexamplebucket1.net\n/static.awsexamplebucket1.net/db-backup.dat.gz",
			"dKZcB+bz2EPXgSdXZp9ozGeOM4I="},
		{"ListBuckets", "GET", "http://s3.us-west-1.amazonaws.com/", "",
			[][2]string{{"Date", "Wed, 28 Mar 2007 01:29:59 +0000"}},
			"GET\n\n\nWed, 28 Mar 2007 01:29:59 +0000\n/", "qGdzdERIC03wnaRNKh6OqZehG9s="},
		{"Unicode", "GET", "http://s3.us-west-1.amazonaws.com/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re", "",
			[][2]string{{"Date", "Wed, 28 Mar 2007 01:49:49 +0000"}},
			"GET\n\n\nWed, 28 Mar 2007 01:49:49 +0000\n/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re", "DNEZGsoieTZ92F3bUfSPQcbGmlM="},
		{"Johnsmith", "GET", "http://johnsmith.s3.amazonaws.com/photos/puppy.jpg", "johnsmith",
			[][2]string{{"Date", "Tue, 27 Mar 2007 19:36:42 +0000"}},
			"GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg", "bWq2s1WEIj+Ydj0vQ697zp+IXMU="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, nil)
			for _, h := range tt.headers {
				r.Header.Add(h[0], h[1])
			}
			date, omit := r.Header.Get("Date"), false
			if v := r.Header.Get("X-Amz-Date"); v != "" {
				date, omit = v, true // the published example's form
			}
			sts := StringToSignV2(r, tt.bucket, date, omit)
			require.Equal(t, tt.sts, sts)
			require.Equal(t, tt.sig, SignatureV2(exampleSecret, sts))

			r.Header.Set("Authorization", "AWS "+exampleAKID+":"+tt.sig)
			now, _ := parseV2Time(r.Header.Get("Date"))
			res, err := Verify(r, exampleSecrets, now, VerifyOptions{VirtualHostBucket: tt.bucket})
			require.NoError(t, err)
			require.Equal(t, MethodV2Header, res.Method)
			require.Equal(t, exampleAKID, res.AccessKeyID)

			r.Header.Set("Authorization", "AWS "+exampleAKID+":"+"AAAA"+tt.sig[4:])
			_, err = Verify(r, exampleSecrets, now, VerifyOptions{VirtualHostBucket: tt.bucket})
			require.ErrorIs(t, err, ErrSignatureMismatch)
			_, err = Verify(r, exampleSecrets, now.Add(16*time.Minute), VerifyOptions{VirtualHostBucket: tt.bucket})
			require.ErrorIs(t, err, ErrRequestTimeTooSkewed)
		})
	}
}

func TestPublishedV2Query(t *testing.T) {
	r := httptest.NewRequest("GET", "http://johnsmith.s3.amazonaws.com/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1175139620&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D", nil)
	require.Equal(t, "GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg", StringToSignV2(r, "johnsmith", "1175139620", false))
	exp := time.Unix(1175139620, 0)
	res, err := Verify(r, exampleSecrets, exp, VerifyOptions{VirtualHostBucket: "johnsmith"})
	require.NoError(t, err)
	require.Equal(t, MethodV2Query, res.Method)
	_, err = Verify(r, exampleSecrets, exp.Add(time.Second), VerifyOptions{VirtualHostBucket: "johnsmith"})
	require.ErrorIs(t, err, ErrExpired)
	_, err = Verify(r, exampleSecrets, exp, VerifyOptions{VirtualHostBucket: "awsexamplebucket1"})
	require.ErrorIs(t, err, ErrSignatureMismatch)

	// The documentation-defect value for the other bucket.
	require.Equal(t, "1No4mq5ETf02z8aet9voy6gui6E=", SignatureV2(exampleSecret, "GET\n\n\n1175139620\n/awsexamplebucket1/photos/puppy.jpg"))
}

// A presigned SigV2 request's x-amz-* query parameters are amz headers of
// its string to sign, in place of headers of the same name (botocore's
// HmacV1QueryAuth and boto's generate_url sign a request's x-amz-*
// headers and move them into the query).
func TestV2QueryAmzParameters(t *testing.T) {
	r := httptest.NewRequest("PUT", "http://b.s3.amazonaws.com/k?X-Amz-Meta-Color=blue&x-amz-acl=public-read&x-amz-security-token=t%2B1&AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1175139620&Signature=x", nil)
	r.Header.Set("X-Amz-Meta-Color", "red")
	r.Header.Set("X-Amz-Meta-Size", "1")
	require.Equal(t, "PUT\n\n\n1175139620\nx-amz-acl:public-read\nx-amz-meta-color:blue\nx-amz-meta-size:1\nx-amz-security-token:t+1\n/b/k",
		StringToSignV2Query(r, "b", "1175139620"))
	require.Equal(t, "PUT\n\n\n1175139620\nx-amz-meta-color:red\nx-amz-meta-size:1\n/b/k", StringToSignV2(r, "b", "1175139620", false),
		"a header-signed request does not read its query")

	p := httptest.NewRequest("PUT", "http://b.s3.amazonaws.com/k?x-amz-meta-color=blue", nil)
	PresignV2(p, Credentials{AccessKeyID: exampleAKID, SecretAccessKey: exampleSecret, SessionToken: "tok"}, "b", time.Unix(1175139620, 0))
	require.Contains(t, p.URL.RawQuery, "x-amz-security-token=tok")
	v := httptest.NewRequest("PUT", "http://b.s3.amazonaws.com"+p.URL.RequestURI(), nil)
	_, err := Verify(v, exampleSecrets, time.Unix(1175139600, 0), VerifyOptions{VirtualHostBucket: "b"})
	require.NoError(t, err)
	v = httptest.NewRequest("PUT", "http://b.s3.amazonaws.com"+strings.Replace(p.URL.RequestURI(), "color=blue", "color=red", 1), nil)
	_, err = Verify(v, exampleSecrets, time.Unix(1175139600, 0), VerifyOptions{VirtualHostBucket: "b"})
	require.ErrorIs(t, err, ErrSignatureMismatch)
}

func TestV2SubResources(t *testing.T) {
	r := httptest.NewRequest("GET", "http://b.s3.amazonaws.com/k?versionId=v%2B1&prefix=x&uploads&response-content-type=text%2Fplain&acl", nil)
	require.Equal(t, "GET\n\n\n\n/b/k?acl&response-content-type=text/plain&uploads&versionId=v+1", StringToSignV2(r, "b", "", false))
}

func TestV2SignRoundTrip(t *testing.T) {
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	creds := Credentials{AccessKeyID: exampleAKID, SecretAccessKey: exampleSecret}
	for _, amz := range []bool{false, true} {
		r := httptest.NewRequest("PUT", "http://s3.local/bucket/a%20b?tagging", nil)
		r.Header.Set("Content-Type", "text/plain")
		r.Header.Set("X-Amz-Meta-A", "  one  ")
		if amz {
			r.Header.Set("X-Amz-Date", now.Format(TimeFormat))
		}
		SignRequestV2(r, creds, "", now)
		_, err := Verify(r, exampleSecrets, now, VerifyOptions{})
		require.NoError(t, err, amz)
	}
	r := httptest.NewRequest("GET", "http://bucket.s3.local/key?versionId=3", nil)
	PresignV2(r, creds, "bucket", now.Add(time.Hour))
	_, err := Verify(r, exampleSecrets, now, VerifyOptions{VirtualHostBucket: "bucket"})
	require.NoError(t, err)
}

// TestV2DateRules: an x-amz-date header present but empty is no date
// (Date is not used instead), and a date before the epoch is none either:
// both are ErrMissingDate (S3's AccessDenied), as ceph s3-tests'
// test_object_create_bad_date_empty_aws2 and _before_epoch_aws2 expect.
func TestV2DateRules(t *testing.T) {
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	creds := Credentials{AccessKeyID: exampleAKID, SecretAccessKey: exampleSecret}
	r := httptest.NewRequest("PUT", "http://s3.local/bucket/k", nil)
	SignRequestV2(r, creds, "", now)
	r.Header["X-Amz-Date"] = []string{""}
	_, err := Verify(r, exampleSecrets, now, VerifyOptions{})
	require.ErrorIs(t, err, ErrMissingDate)

	old := time.Date(1950, 7, 7, 21, 53, 4, 0, time.UTC)
	r = httptest.NewRequest("PUT", "http://s3.local/bucket/k", nil)
	r.Header.Set("X-Amz-Date", old.Format(http.TimeFormat))
	SignRequestV2(r, creds, "", old)
	_, err = Verify(r, exampleSecrets, now, VerifyOptions{})
	require.ErrorIs(t, err, ErrMissingDate)
}
