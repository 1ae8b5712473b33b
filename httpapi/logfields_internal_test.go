package httpapi

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// TestLogFieldsRedactSecrets: user-defined log fields never carry a
// signature or a session token, named as a header or as a parameter.
func TestLogFieldsRedactSecrets(t *testing.T) {
	c := &bucketconfig.LogFields{Headers: []string{"Authorization", "x-oss-security-token"},
		Params: []string{"x-oss-signature", "Signature", "security-token", "plain"}}
	h := http.Header{"Authorization": {"OSS ak:SIGNATURE-SECRET"}, "X-Oss-Security-Token": {"STS-TOKEN-SECRET"}}
	q := url.Values{"x-oss-signature": {"QUERY-SIG-SECRET"}, "Signature": {"V1-SIG-SECRET"},
		"security-token": {"TOKEN-SECRET"}, "plain": {"visible"}}
	raw, err := base64.StdEncoding.DecodeString(encodeLogFields(c, h, q))
	require.NoError(t, err)
	out := string(raw)
	require.NotContains(t, out, "SECRET")
	require.Contains(t, out, `"plain":"visible"`)
	require.Equal(t, 5, strings.Count(out, "REDACTED"), out)
	require.Contains(t, out, `"Authorization":"OSS ak:REDACTED"`)
}
