package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/httpapi"
)

func TestTwoFakesAgree(t *testing.T) {
	a := fake.New(t, fake.WithHTTPOptions(httpapi.WithMinPartSize(1024)))
	b := fake.New(t, fake.WithHTTPOptions(httpapi.WithMinPartSize(1024)), fake.WithCredentials("other", "other-secret"))
	var out, errs bytes.Buffer
	code := run(context.Background(), []string{"-endpoint", a.URL, "-access-key", a.AccessKey, "-secret-key", a.SecretKey,
		"-endpoint2", b.URL, "-access-key2", "other", "-secret-key2", "other-secret", "-seed", "5", "-steps", "150", "-part-size", "1024"}, &out, &errs)
	require.Equal(t, 0, code, "%s%s", out.String(), errs.String())
	require.Contains(t, out.String(), "150 steps, 0 differences")
}

// TestTwoFakesDiffer makes the second fake fail every GetObject: each one
// is reported as a difference.
func TestTwoFakesDiffer(t *testing.T) {
	a := fake.New(t)
	b := fake.New(t)
	b.Fail(fake.Fault{Op: "GetObject", Code: "InternalError"})
	var out, errs bytes.Buffer
	code := run(context.Background(), []string{"-endpoint", a.URL, "-access-key", a.AccessKey, "-secret-key", a.SecretKey,
		"-endpoint2", b.URL, "-seed", "5", "-steps", "80", "-ops", "CreateBucket,PutObject,GetObject"}, &out, &errs)
	require.Equal(t, 1, code, "%s%s", out.String(), errs.String())
	gets := 0
	for _, r := range b.Requests() {
		if r.Operation == "GetObject" {
			gets++
		}
	}
	require.Positive(t, gets)
	require.Contains(t, out.String(), fmt.Sprintf("%d differences", gets))
	require.Equal(t, gets, strings.Count(out.String(), "500 InternalError"))
}

func TestModelCheckOneEndpoint(t *testing.T) {
	a := fake.New(t, fake.WithHTTPOptions(httpapi.WithMinPartSize(1024)))
	var out, errs bytes.Buffer
	code := run(context.Background(), []string{"-endpoint", a.URL, "-access-key", a.AccessKey, "-secret-key", a.SecretKey,
		"-seed", "2", "-steps", "150", "-part-size", "1024", "-uploads-block-delete-bucket"}, &out, &errs)
	require.Equal(t, 0, code, "%s%s", out.String(), errs.String())
	require.Contains(t, out.String(), "150 steps agree with the model")
}

func TestModelCheckOSS(t *testing.T) {
	a := fake.New(t, fake.WithHTTPOptions(httpapi.WithMinPartSize(1024)))
	var out, errs bytes.Buffer
	code := run(context.Background(), []string{"-oss", "-endpoint", a.URL, "-access-key", a.AccessKey, "-secret-key", a.SecretKey,
		"-seed", "3", "-steps", "150", "-part-size", "1024", "-uploads-block-delete-bucket"}, &out, &errs)
	require.Equal(t, 0, code, "%s%s", out.String(), errs.String())
	require.Contains(t, out.String(), "150 steps agree with the model")
	require.NotEmpty(t, a.Requests())
}
