package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/ossauth"
	"github.com/osslite/osslite/pkg/sigv4"
)

func TestRefuseSignaturesFlag(t *testing.T) {
	o, err := parseFlags([]string{"-refuse-signatures", "sigv2", "-refuse-signatures", "sina"}, noEnv, io.Discard)
	require.NoError(t, err)
	require.Equal(t, httpapi.SchemeSigV2|httpapi.SchemeSinaSSIG, o.refuseSignatures)
	env := func(k string) (string, bool) { return "sigv2,oss-v1", k == "OSSLITE_REFUSE_SIGNATURES" }
	o, err = parseFlags(nil, env, io.Discard)
	require.NoError(t, err)
	require.Equal(t, httpapi.SchemeSigV2|httpapi.SchemeOSSV1, o.refuseSignatures)
	_, err = parseFlags([]string{"-refuse-signatures", "sigv4"}, noEnv, io.Discard)
	require.ErrorContains(t, err, "unknown signature scheme \"sigv4\"")
	o, err = parseFlags(nil, noEnv, io.Discard)
	require.NoError(t, err)
	require.Zero(t, o.refuseSignatures, "nothing refused by default")
}

// TestRunRefusesSignatures: a server started with OSSLITE_REFUSE_SIGNATURES
// answers SigV2 and OSS v1 requests as S3 and OSS answer where they do
// not take them; SigV4 clients work.
func TestRunRefusesSignatures(t *testing.T) {
	env := func(k string) (string, bool) { return "sigv2,oss-v1", k == "OSSLITE_REFUSE_SIGNATURES" }
	url, _, stop := startEnv(t, env)
	defer stop()
	ctx := context.Background()
	c := client(url, defaultAccessKey, defaultSecretKey)
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("modern")})
	require.NoError(t, err, "SigV4 works")

	for _, scheme := range []string{"sigv2", "oss-v1"} {
		req, err := http.NewRequest(http.MethodPut, url+"/modern/k", strings.NewReader("v"))
		require.NoError(t, err)
		if scheme == "sigv2" {
			sigv4.SignRequestV2(req, sigv4.Credentials{AccessKeyID: defaultAccessKey, SecretAccessKey: defaultSecretKey}, "", time.Now())
		} else {
			ossauth.SignRequestV1(req, ossauth.Resource{Bucket: "modern", Key: "k"}, ossauth.Credentials{AccessKeyID: defaultAccessKey, AccessKeySecret: defaultSecretKey}, time.Now())
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if scheme == "sigv2" {
			require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", body)
			require.Contains(t, string(body), "<Code>InvalidRequest</Code>")
		} else {
			require.Equal(t, http.StatusForbidden, resp.StatusCode, "%s", body)
			require.Equal(t, "0002-00000080", resp.Header.Get("x-oss-ec"))
		}
	}
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("modern"), Key: aws.String("k")})
	require.Error(t, err, "nothing stored")
}
