package sigv4_test

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/osslite/osslite/pkg/sigv4"
)

func ExampleVerify() {
	now := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	creds := sigv4.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}
	secrets := func(akid string) (string, bool) { return "secret", akid == "AKID" }

	r := httptest.NewRequest("GET", "http://bucket.s3.local/key.txt", nil)
	if _, err := sigv4.SignRequest(r, creds, "us-east-1", "s3", now, sigv4.EmptySHA256); err != nil {
		panic(err)
	}
	res, err := sigv4.Verify(r, secrets, now, sigv4.VerifyOptions{})
	fmt.Println(res.Method, res.AccessKeyID, res.Scope.Region, err)

	r.Header.Set("X-Amz-Date", "20240601T120001Z")
	_, err = sigv4.Verify(r, secrets, now, sigv4.VerifyOptions{})
	var me *sigv4.MismatchError
	fmt.Println(errors.Is(err, sigv4.ErrSignatureMismatch), errors.As(err, &me))
	// Output:
	// v4-header AKID us-east-1 <nil>
	// true true
}

func ExampleParseAuthorization() {
	a, err := sigv4.ParseAuthorization("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
	fmt.Println(a.Credential.AccessKeyID, a.Credential.Scope, a.SignedHeaders, err)
	_, err = sigv4.ParseAuthorization("AWS4-HMAC-SHA256 Credential=AKID/2013/us-east-1/s3/aws4_request")
	fmt.Println(errors.Is(err, sigv4.ErrMalformedAuthorization))
	// Output:
	// AKIAIOSFODNN7EXAMPLE 20130524/us-east-1/s3/aws4_request [host x-amz-date] <nil>
	// true
}

func ExamplePresign() {
	r := httptest.NewRequest("GET", "https://examplebucket.s3.amazonaws.com/test.txt", nil)
	creds := sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	s, _ := sigv4.Presign(r, creds, "us-east-1", "s3", time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC), 24*time.Hour)
	fmt.Println(s.Authorization.Signature)
	// Output: aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404
}

func ExampleSigningKey() {
	key := sigv4.SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")
	fmt.Printf("%x\n", key)
	// Output: f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d
}
