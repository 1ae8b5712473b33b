package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/internal/totp"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

const (
	mfaSerial      = "arn:aws:iam::123456789012:mfa/root-account-mfa-device"
	mfaSecret      = "JBSWY3DPEHPK3PXP"
	otherMFASerial = "arn:aws:iam::210987654321:mfa/other"
	otherMFASecret = "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF"
)

// mfaFixture serves testAK's device and otherAK's, and makes versioned
// bucket bk owned by testAK.
func mfaFixture(t *testing.T, bk string, opts ...httpapi.Option) (*fixture, *s3.Client) {
	t.Helper()
	opts = append([]httpapi.Option{httpapi.WithMFADevices(
		httpapi.MFADevice{Serial: mfaSerial, Secret: mfaSecret, User: testAK},
		httpapi.MFADevice{Serial: otherMFASerial, Secret: otherMFASecret, User: otherAK},
	)}, opts...)
	f := newFixture(t, fixtureOptions{opts: opts})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bk),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	return f, c
}

// mfaCode is the x-amz-mfa value of a device at the server's now.
func mfaCode(t *testing.T, f *fixture, serial, secret string) *string {
	t.Helper()
	key, err := totp.DecodeSecret(secret)
	require.NoError(t, err)
	return aws.String(serial + " " + totp.Code(key, totp.Counter(f.clock.Now()), totp.Digits))
}

func requireMFAError(t *testing.T, err error, code string, status int, msg string) {
	t.Helper()
	gotCode, gotStatus, gotMsg := apiError(t, err)
	assert.Equal(t, code, gotCode)
	assert.Equal(t, status, gotStatus)
	assert.Contains(t, gotMsg, msg)
}

// TestMFADeleteSDK drives MFA delete through aws-sdk-go-v2's MFA
// parameters: enabling it, then versioning changes and version deletes need a
// current, unused code of the bucket owner's device; delete markers do
// not; nothing changes when the check fails.
func TestMFADeleteSDK(t *testing.T) {
	const bk = "mfa-sdk"
	f, c := mfaFixture(t, bk)
	ctx := context.Background()
	put := func(key, body string) string {
		t.Helper()
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String(key), Body: strings.NewReader(body)})
		require.NoError(t, err)
		return aws.ToString(out.VersionId)
	}
	exists := func(key, vid string) bool {
		t.Helper()
		_, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bk), Key: aws.String(key), VersionId: aws.String(vid)})
		return err == nil
	}
	mfaState := func() types.MFADeleteStatus {
		t.Helper()
		gv, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bk)})
		require.NoError(t, err)
		return gv.MFADelete
	}
	enable := func(mfa *string) error {
		_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bk), MFA: mfa,
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled, MFADelete: types.MFADeleteEnabled}})
		return err
	}
	v1, v2 := put("k", "one"), put("k", "two")
	keep := put("keep", "x")

	// Enabling: missing, malformed, wrong serial, wrong code, another
	// account's device; nothing stored.
	requireMFAError(t, enable(nil), "AccessDenied", http.StatusForbidden, "Mfa Authentication must be used for this request")
	requireMFAError(t, enable(aws.String("123456")), "InvalidArgument", http.StatusBadRequest, "Mfa header is invalid")
	good := mfaCode(t, f, mfaSerial, mfaSecret)
	code := strings.Fields(*good)[1]
	requireMFAError(t, enable(aws.String("arn:aws:iam::123456789012:mfa/nope "+code)), "AccessDenied", http.StatusForbidden, "not valid")
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	requireMFAError(t, enable(aws.String(mfaSerial+" "+wrong)), "AccessDenied", http.StatusForbidden, "not valid")
	requireMFAError(t, enable(mfaCode(t, f, otherMFASerial, otherMFASecret)), "AccessDenied", http.StatusForbidden, "not valid")
	assert.Empty(t, mfaState())

	// MfaDelete Disabled on a bucket without MFA delete takes no header
	// (AWS's SDK examples send it so).
	_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bk),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled, MFADelete: types.MFADeleteDisabled}})
	require.NoError(t, err)
	assert.Equal(t, types.MFADeleteStatusDisabled, mfaState())

	require.NoError(t, enable(good))
	assert.Equal(t, types.MFADeleteStatusEnabled, mfaState())

	// Each code once: the same step again is refused.
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), VersionId: aws.String(v1), MFA: good})
	requireMFAError(t, err, "AccessDenied", http.StatusForbidden, "used already")
	assert.True(t, exists("k", v1))

	// Version deletes: without the header refused, with the next code
	// done.
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), VersionId: aws.String(v1)})
	requireMFAError(t, err, "AccessDenied", http.StatusForbidden, "Mfa Authentication must be used for this request")
	assert.True(t, exists("k", v1))
	f.clock.Advance(totp.Step)
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), VersionId: aws.String(v1),
		MFA: mfaCode(t, f, mfaSerial, mfaSecret)})
	require.NoError(t, err)
	assert.False(t, exists("k", v1))

	// A code from 90 seconds ago (three steps) is past the window.
	stale := mfaCode(t, f, mfaSerial, mfaSecret)
	f.clock.Advance(3 * totp.Step)
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), VersionId: aws.String(v2), MFA: stale})
	requireMFAError(t, err, "AccessDenied", http.StatusForbidden, "not valid")
	assert.True(t, exists("k", v2))

	// Delete markers need no MFA.
	dm, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("k")})
	require.NoError(t, err)
	assert.True(t, aws.ToBool(dm.DeleteMarker))

	// DeleteObjects: an entry naming a version without the header fails
	// the whole request (the other entry is not deleted either); an
	// invalid header fails it even without versions; without versions
	// and without the header it works.
	del := func(mfa *string, ids ...types.ObjectIdentifier) error {
		_, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bk), MFA: mfa, Delete: &types.Delete{Objects: ids}})
		return err
	}
	err = del(nil, types.ObjectIdentifier{Key: aws.String("keep"), VersionId: aws.String(keep)}, types.ObjectIdentifier{Key: aws.String("gone")})
	requireMFAError(t, err, "AccessDenied", http.StatusForbidden, "Mfa Authentication must be used for this request")
	assert.True(t, exists("keep", keep))
	err = del(aws.String(mfaSerial+" "+wrong), types.ObjectIdentifier{Key: aws.String("nothing")})
	requireMFAError(t, err, "AccessDenied", http.StatusForbidden, "")
	require.NoError(t, del(nil, types.ObjectIdentifier{Key: aws.String("nothing")}))
	f.clock.Advance(totp.Step)
	require.NoError(t, del(mfaCode(t, f, mfaSerial, mfaSecret), types.ObjectIdentifier{Key: aws.String("keep"), VersionId: aws.String(keep)}))
	assert.False(t, exists("keep", keep))

	// No lifecycle configuration on an MFA delete bucket.
	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(bk),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{ID: aws.String("r"),
			Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")},
			NoncurrentVersionExpiration: &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(1)}}}}})
	requireMFAError(t, err, "InvalidBucketState", http.StatusConflict, "Lifecycle configuration is not supported")

	// Suspending takes the header too, and keeps MFA delete on.
	suspend := &s3.PutBucketVersioningInput{Bucket: aws.String(bk),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}}
	_, err = c.PutBucketVersioning(ctx, suspend)
	requireMFAError(t, err, "AccessDenied", http.StatusForbidden, "Mfa Authentication must be used for this request")
	f.clock.Advance(totp.Step)
	suspend.MFA = mfaCode(t, f, mfaSerial, mfaSecret)
	_, err = c.PutBucketVersioning(ctx, suspend)
	require.NoError(t, err)
	gv, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	assert.Equal(t, types.BucketVersioningStatusSuspended, gv.Status)
	assert.Equal(t, types.MFADeleteStatusEnabled, gv.MFADelete)

	// Disabling it, then a lifecycle configuration, then enabling it
	// again: refused while the lifecycle configuration is there.
	f.clock.Advance(totp.Step)
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bk), MFA: mfaCode(t, f, mfaSerial, mfaSecret),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled, MFADelete: types.MFADeleteDisabled}})
	require.NoError(t, err)
	assert.Equal(t, types.MFADeleteStatusDisabled, mfaState())
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), VersionId: aws.String(v2)})
	require.NoError(t, err)
	r := f.do(t, raw{method: "PUT", path: "/" + bk + "?lifecycle",
		body: []byte(`<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule></LifecycleConfiguration>`)})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	f.clock.Advance(totp.Step)
	requireMFAError(t, enable(mfaCode(t, f, mfaSerial, mfaSecret)), "InvalidBucketState", http.StatusConflict, "Delete lifecycle configuration before enabling")
	assert.Equal(t, types.MFADeleteStatusDisabled, mfaState())
}

// TestMFADeleteRefusals: x-amz-mfa over plain HTTP where TLS is
// required, a server without devices, a bucket whose stored
// configuration says Enabled (from before enforcement), and the OSS
// dialect, which cannot carry the header.
func TestMFADeleteRefusals(t *testing.T) {
	ctx := context.Background()
	enabled := &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled, MFADelete: types.MFADeleteEnabled}

	t.Run("plain HTTP", func(t *testing.T) {
		f, c := mfaFixture(t, "mfa-tls", httpapi.WithRequireTLSForMFA(httpapi.TLSAlways))
		_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("mfa-tls"), MFA: mfaCode(t, f, mfaSerial, mfaSecret),
			VersioningConfiguration: enabled})
		requireMFAError(t, err, "InvalidRequest", http.StatusBadRequest, "must use HTTPS")
	})

	t.Run("no device", func(t *testing.T) {
		f := newFixture(t, fixtureOptions{})
		c := f.client()
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("mfa-none")})
		require.NoError(t, err)
		_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("mfa-none"), MFA: mfaCode(t, f, mfaSerial, mfaSecret),
			VersioningConfiguration: enabled})
		requireMFAError(t, err, "AccessDenied", http.StatusForbidden, "needs an MFA device")
		gv, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("mfa-none")})
		require.NoError(t, err)
		assert.Empty(t, gv.Status)
		assert.Empty(t, gv.MFADelete)
	})

	t.Run("stored before", func(t *testing.T) {
		const bk = "mfa-legacy"
		f, c := mfaFixture(t, bk)
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), Body: strings.NewReader("v")})
		require.NoError(t, err)
		require.NoError(t, f.eng.SetBucketConfig(ctx, bk, &bucketconfig.Versioning{Status: "Enabled", MFADelete: "Enabled"}))
		_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), VersionId: out.VersionId})
		requireMFAError(t, err, "AccessDenied", http.StatusForbidden, "Mfa Authentication must be used for this request")
		_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), VersionId: out.VersionId,
			MFA: mfaCode(t, f, mfaSerial, mfaSecret)})
		require.NoError(t, err)
	})

	t.Run("not the owner", func(t *testing.T) {
		// A bucket policy lets otherAK delete versions; MFA delete still
		// takes the owner (with its own device or the owner's).
		const bk = "mfa-other"
		f, c := mfaFixture(t, bk)
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), Body: strings.NewReader("v")})
		require.NoError(t, err)
		_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bk), Policy: aws.String(`{"Version":"2012-10-17","Statement":[` +
			`{"Effect":"Allow","Principal":"*","Action":"s3:DeleteObjectVersion","Resource":"arn:aws:s3:::` + bk + `/*"}]}`)})
		require.NoError(t, err)
		_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bk), MFA: mfaCode(t, f, mfaSerial, mfaSecret),
			VersioningConfiguration: enabled})
		require.NoError(t, err)
		other := f.s3Client(true, otherAK, otherSK)
		f.clock.Advance(totp.Step)
		for _, mfa := range []*string{mfaCode(t, f, mfaSerial, mfaSecret), mfaCode(t, f, otherMFASerial, otherMFASecret)} {
			_, err = other.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), VersionId: out.VersionId, MFA: mfa})
			requireMFAError(t, err, "AccessDenied", http.StatusForbidden, "may only be performed by the bucket owner")
		}
		_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), VersionId: out.VersionId})
		require.NoError(t, err)
	})

	t.Run("OSS dialect", func(t *testing.T) {
		const bk = "mfa-oss"
		f, c := mfaFixture(t, bk)
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), Body: strings.NewReader("v")})
		require.NoError(t, err)
		_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bk), MFA: mfaCode(t, f, mfaSerial, mfaSecret),
			VersioningConfiguration: enabled})
		require.NoError(t, err)
		r := f.do(t, raw{method: "DELETE", path: "/" + bk + "/k?versionId=" + aws.ToString(out.VersionId), sign: "oss-v1",
			header: http.Header{"X-Amz-Mfa": {*mfaCode(t, f, mfaSerial, mfaSecret)}}})
		assert.Equal(t, http.StatusForbidden, r.StatusCode, string(r.body))
		assert.Equal(t, "AccessDenied", r.errCode())
		_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), VersionId: out.VersionId})
		require.NoError(t, err)
	})
}

// TestMFACodeOnceConcurrently: requests racing with one code, each
// deleting its own version: exactly one is let through.
func TestMFACodeOnceConcurrently(t *testing.T) {
	const bk, n = "mfa-race", 8
	f, c := mfaFixture(t, bk)
	ctx := context.Background()
	_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bk), MFA: mfaCode(t, f, mfaSerial, mfaSecret),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled, MFADelete: types.MFADeleteEnabled}})
	require.NoError(t, err)
	vids := make([]string, n)
	for i := range vids {
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), Body: strings.NewReader("v")})
		require.NoError(t, err)
		vids[i] = aws.ToString(out.VersionId)
	}
	f.clock.Advance(totp.Step)
	code := mfaCode(t, f, mfaSerial, mfaSecret)
	errs := make(chan error, n)
	for _, vid := range vids {
		go func() {
			_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), VersionId: aws.String(vid), MFA: code})
			errs <- err
		}()
	}
	ok := 0
	for range n {
		if err := <-errs; err == nil {
			ok++
		} else {
			requireMFAError(t, err, "AccessDenied", http.StatusForbidden, "used already")
		}
	}
	assert.Equal(t, 1, ok)
}
