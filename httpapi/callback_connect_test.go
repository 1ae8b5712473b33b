package httpapi_test

import (
	"encoding/base64"
	"net"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCallbackConnectErrorIsOpaque: a callback that reaches no server is
// CallbackFailed in OSS's words, the same for a refused port as for any
// other, without the transport's error (which told an uploader whether a
// port on a callback host was open: the thirty-second security review).
func TestCallbackConnectErrorIsOpaque(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/cb-conn", sign: "oss-v1"}).errOrNil())
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := l.Addr().String()
	require.NoError(t, l.Close()) // nothing listens there now

	cb := base64.StdEncoding.EncodeToString([]byte(`{"callbackUrl":"http://` + closed + `/cb","callbackBody":"object=${object}"}`))
	r := f.do(t, raw{method: "PUT", path: "/cb-conn/k", sign: "oss-v1", body: []byte("x"), header: http.Header{"X-Oss-Callback": {cb}}})
	assert.Equal(t, 203, r.StatusCode)
	assert.Equal(t, "CallbackFailed", r.errCode())
	assert.Equal(t, "Error status : -1.OSS can not connect to your callbackUrl, please check it.", errFields(t, r.body)["Message"])
	assert.NotContains(t, string(r.body), "refused")
	assert.NotContains(t, string(r.body), closed)
}
