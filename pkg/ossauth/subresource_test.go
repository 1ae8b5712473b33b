package ossauth

import (
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSealSignedV1 verifies a SealAppendObject request signed by the v1
// signer of github.com/aliyun/alibabacloud-oss-go-sdk-v2 v1.6.1
// (signer.SignerV1 with SubResource ["seal"], as api_op_object.go sets it).
func TestSealSignedV1(t *testing.T) {
	r := httptest.NewRequest("POST", "http://bkt.oss-cn-hangzhou.aliyuncs.com/obj?seal&position=11", nil)
	r.Header.Set("Date", "Tue, 04 Mar 2025 05:06:07 GMT")
	r.Header.Set("Content-Type", "application/octet-stream")
	r.Header.Set("Authorization", "OSS ak:VUA6y4PNlNE4hSL47so5xhkS6rU=")
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	a, err := Authenticate(r, Resource{Bucket: "bkt", Key: "obj"}, now, func(string) (string, bool) { return "sk", true })
	require.NoError(t, err)
	assert.Equal(t, SchemeV1Header, a.Scheme)
}

func TestSignedSubresources(t *testing.T) {
	list := SignedSubresources()
	assert.True(t, slices.IsSorted(list))
	for _, name := range []string{"seal", "acl", "uploadId", "objectWorm", "retention", "legalHold", "publicAccessBlock"} {
		assert.Contains(t, list, name)
		assert.True(t, IsSubResource(name), name)
	}
	// The v1 SDK sends these unsigned (DescribeRegions, list encoding).
	for _, name := range []string{"regions", "encoding-type", "prefix", "max-keys"} {
		assert.NotContains(t, list, name)
		assert.False(t, IsSubResource(name), name)
	}
	list[0] = "changed"
	assert.NotEqual(t, "changed", SignedSubresources()[0], "the caller owns the returned slice")
}
