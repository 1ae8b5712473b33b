package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

func TestMFADeviceFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []httpapi.MFADevice // nil: an error
	}{
		{[]string{"-mfa-device", "arn:aws:iam::1:mfa/root=JBSWY3DPEHPK3PXP"},
			[]httpapi.MFADevice{{Serial: "arn:aws:iam::1:mfa/root", Secret: "JBSWY3DPEHPK3PXP"}}},
		{[]string{"-mfa-device", "a=JBSWY3DPEHPK3PXP@alice", "-mfa-device", "b=KRSXG5CT"},
			[]httpapi.MFADevice{{Serial: "a", Secret: "JBSWY3DPEHPK3PXP", User: "alice"}, {Serial: "b", Secret: "KRSXG5CT"}}},
		{[]string{"-mfa-device", "a"}, nil},
		{[]string{"-mfa-device", "=JBSWY3DPEHPK3PXP"}, nil},
		{[]string{"-mfa-device", "a=not base32!"}, nil},
		{[]string{"-mfa-device", "a=JBSWY3DPEHPK3PXP@"}, nil},
		{[]string{"-mfa-device", "a=JBSWY3DPEHPK3PXP", "-mfa-device", "a=KRSXG5CT"}, nil},
	} {
		o, err := parseFlags(tc.args, noEnv, io.Discard)
		if tc.want == nil {
			require.Error(t, err, "%q", tc.args)
			continue
		}
		require.NoError(t, err, "%q", tc.args)
		require.Equal(t, tc.want, []httpapi.MFADevice(o.mfaDevices))
	}
}

// totpNow is the six-digit RFC 6238 code of a base32 secret at t,
// computed here independently of httpapi.
func totpNow(t *testing.T, secret string, at time.Time) string {
	key, err := base32.StdEncoding.DecodeString(secret)
	require.NoError(t, err)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(at.Unix()/30))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[19] & 0x0f
	return fmt.Sprintf("%06d", (binary.BigEndian.Uint32(sum[off:])&0x7fffffff)%1000000)
}

// TestRunMFADevice: with -mfa-device, the default account enables MFA
// delete with the device's current code and a version delete without one
// is refused.
func TestRunMFADevice(t *testing.T) {
	const serial, secret = "arn:aws:iam::000000000000:mfa/root", "JBSWY3DPEHPK3PXP"
	url, _, _ := start(t, "-addr", "127.0.0.1:19131", "-mfa-device", serial+"="+secret)
	ctx := context.Background()
	c := client(url, defaultAccessKey, defaultSecretKey)
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("mfa")})
	require.NoError(t, err)
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("mfa"), MFA: aws.String(serial + " " + totpNow(t, secret, time.Now())),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled, MFADelete: types.MFADeleteEnabled}})
	require.NoError(t, err)
	out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("mfa"), Key: aws.String("k")})
	require.NoError(t, err)
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("mfa"), Key: aws.String("k"), VersionId: out.VersionId})
	require.ErrorContains(t, err, "Mfa Authentication must be used for this request")
}
