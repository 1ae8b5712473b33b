package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/sigv4"
	"github.com/stretchr/testify/require"
)

// TestLimitListPages: the limit server's listing pages are the documents
// osslite writes for the list scenario, but for the LastModified times, so
// that the client does the same work for both.
func TestLimitListPages(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 PUTs: skipped in -short runs")
	}
	ctx := context.Background()
	eng, err := engine.Open("", nil)
	require.NoError(t, err)
	defer eng.Close()
	srv := httptest.NewServer(httpapi.New(eng, httpapi.WithCredentials(map[string]string{benchAccessKey: benchSecretKey})))
	defer srv.Close()
	c := &client{base: srv.URL, hc: srv.Client(), region: "us-east-1",
		creds: sigv4.Credentials{AccessKeyID: benchAccessKey, SecretAccessKey: benchSecretKey}}
	w := newWorkload("list", c)
	require.NoError(t, w.prepare(ctx, 8))

	lastModified := regexp.MustCompile(`<LastModified>[^<]*</LastModified>`)
	token, pages := "", 0
	for {
		q := "list-type=2&prefix=list%2F&max-keys=1000"
		if token != "" {
			q += "&continuation-token=" + urlQueryEscape(token)
		}
		st, _, body, err := c.do(ctx, http.MethodGet, "/bench", q, nil)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, st, "%s", body)
		want, ok := limitListPages()[token]
		require.True(t, ok, "the limit has no page for token %q", token)
		got := lastModified.ReplaceAll(body, []byte("<LastModified>2026-01-01T00:00:00.000Z</LastModified>"))
		require.Equal(t, string(want), string(got), "page %d", pages)
		pages++
		next := regexp.MustCompile(`<NextContinuationToken>([^<]*)<`).FindSubmatch(body)
		if next == nil {
			break
		}
		token = string(next[1])
	}
	require.Equal(t, len(limitListPages()), pages)
}
