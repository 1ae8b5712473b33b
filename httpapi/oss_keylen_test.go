package httpapi_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestOSSObjectNameTooLongEC: an OSS object name over 1,023 bytes is 400
// InvalidObjectName with EC 0016-00000003, the EC whose page shows a
// PutObject of a too-long name; a leading '/' keeps its own 0016-00000005
// (TestOss2LeadingSlashObjectName).
func TestOSSObjectNameTooLongEC(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/keylen-oss", sign: "oss-v1"}).errOrNil())
	r := f.do(t, raw{method: "PUT", path: "/keylen-oss/" + strings.Repeat("k", 1024), sign: "oss-v1", body: []byte("x")})
	assert.Equal(t, 400, r.StatusCode)
	assert.Equal(t, "InvalidObjectName", r.errCode())
	assert.Equal(t, "0016-00000003", r.Header.Get("x-oss-ec"))
	r = f.do(t, raw{method: "PUT", path: "/keylen-oss/" + strings.Repeat("k", 1023), sign: "oss-v1", body: []byte("x")})
	assert.Equal(t, 200, r.StatusCode, "1,023 bytes is allowed")
}
