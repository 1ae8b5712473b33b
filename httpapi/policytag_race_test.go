package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// TestPolicyExistingObjectTagRacingOverwrite: a bucket policy that lets
// everyone read objects tagged which=public decides the object a read
// serves. The policy read the tags with a HeadObject of its own and the
// decision point then loaded the object again: an overwrite with a
// which=secret object between the two reads made both agree on the new
// object (so recheckObject saw nothing to decide again) while the
// decision had been made on the old one's tags, and anonymous GETs were
// served the secret bytes (acl34's report: 354 of 841 served).
func TestPolicyExistingObjectTagRacingOverwrite(t *testing.T) {
	srv := fake.New(t)
	eng := srv.Engine()
	ctx := context.Background()
	const bucket = "tagrace"
	require.NoError(t, eng.CreateBucket(ctx, bucket, engine.BucketOptions{Owner: srv.Owner()}))
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:GetObjectTagging"],` +
		`"Resource":"arn:aws:s3:::` + bucket + `/*","Condition":{"StringEquals":{"s3:ExistingObjectTag/which":"public"}}}]}`
	require.NoError(t, eng.SetBucketConfig(ctx, bucket, &bucketconfig.Policy{Language: "aws", Document: doc}))
	put := func(body, which string) {
		_, err := eng.PutObject(ctx, bucket, "k", strings.NewReader(body), int64(len(body)),
			engine.PutOptions{Owner: srv.Owner(), Tags: []engine.Tag{{Key: "which", Value: which}}})
		require.NoError(t, err)
	}
	put("public-bytes", "public")
	keepFlipping(t, func() {
		put("secret-bytes", "secret")
		put("public-bytes", "public")
	})
	n := 3000
	if testing.Short() {
		n = 800
	}
	client := srv.HTTPClient()
	served, leaked := 0, 0
	for i := range n {
		path := "/" + bucket + "/k"
		if i%2 == 1 {
			path += "?tagging"
		}
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		resp, err := client.Do(req)
		require.NoError(t, err)
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK:
			served++
			if bytes.Contains(b, []byte("secret")) {
				leaked++
			}
		case http.StatusForbidden, http.StatusNotFound:
		default:
			t.Fatalf("%s: status %d: %s", path, resp.StatusCode, b)
		}
	}
	assert.Positive(t, served)
	assert.Zero(t, leaked, "the secret object (or its tags) was served %d times of %d", leaked, served)
}

// keepFlipping calls flip in a loop on another goroutine until the test
// ends: the racing writer of the tests that read an object while it is
// overwritten.
func keepFlipping(t *testing.T, flip func()) {
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			flip()
		}
	}()
	t.Cleanup(func() { stop.Store(true); wg.Wait() })
}
