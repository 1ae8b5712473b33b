package fake_test

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/httpapi"
)

// The in-memory transport has no connection deadlines: a slow body is cut
// off by the handler's timer instead, with the same answer.
func TestSlowBodyInMemory(t *testing.T) {
	srv := fake.New(t, fake.WithoutListener(), fake.WithPermissive(), fake.WithBuckets("slow"),
		fake.WithHTTPOptions(httpapi.WithBodyTimeouts(-1, 0, 200*time.Millisecond)))
	pr, pw := io.Pipe()
	defer pw.Close()
	go func() { _, _ = pw.Write([]byte("0123456789")) }() // then nothing
	req, err := http.NewRequest(http.MethodPut, srv.URL+"/slow/key", pr)
	require.NoError(t, err)
	req.ContentLength = 1000
	start := time.Now()
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var e struct{ Code string }
	require.NoError(t, xml.Unmarshal(body, &e))
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, "RequestTimeout", e.Code)
	assert.Less(t, time.Since(start), 3*time.Second)
	_, err = srv.Engine().HeadObject(context.Background(), "slow", "key")
	assert.ErrorIs(t, err, engine.ErrNoSuchKey)
}
