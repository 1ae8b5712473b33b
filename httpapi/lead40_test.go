package httpapi_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLead40AccessLogObjectsOwned: an access-log object belongs to its
// target bucket's owner (S3: with the bucket owner enforced, the owner
// owns its log objects), not to nobody: listings named an empty owner ID
// for it, and another user or an anonymous client gets nothing from it.
func TestLead40AccessLogObjectsOwned(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	src, dst := "lead40-src", "lead40-logs"
	seedBucket(t, f, src)
	seedBucket(t, f, dst)
	r := f.do(t, raw{method: "PUT", path: "/" + src + "?logging", body: []byte(`<BucketLoggingStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LoggingEnabled><TargetBucket>` +
		dst + `</TargetBucket><TargetPrefix>log/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>`)})
	require.Equal(t, 200, r.StatusCode, string(r.body))
	must(t, f.do(t, raw{method: "PUT", path: "/" + src + "/k", body: []byte("x")}).errOrNil())
	require.NoError(t, f.eng.FlushAccessLogs(bg))

	list := f.do(t, raw{method: "GET", path: "/" + dst + "?versions"})
	require.Equal(t, 200, list.StatusCode, string(list.body))
	key := regexp.MustCompile(`<Key>(log/[^<]+)</Key>`).FindStringSubmatch(string(list.body))
	require.NotNil(t, key, "no log object: %s", list.body)
	for _, req := range []raw{
		sec34Other(raw{method: "GET", path: "/" + dst + "/" + key[1]}),
		{method: "GET", path: "/" + dst + "/" + key[1], sign: "anon"},
	} {
		r := f.do(t, req)
		assert.Equal(t, 403, r.StatusCode, "%s", r.body)
	}
	assert.NotContains(t, string(list.body), "<ID></ID>", "a log object without an owner")
	owner := regexp.MustCompile(`<Owner><ID>([0-9a-f]+)</ID>`).FindStringSubmatch(string(list.body))
	require.NotNil(t, owner, "%s", list.body)

	acl := f.do(t, raw{method: "GET", path: "/" + dst + "/" + key[1] + "?acl"})
	require.Equal(t, 200, acl.StatusCode, string(acl.body))
	assert.Contains(t, string(acl.body), "<Owner><ID>"+owner[1]+"</ID>")
}
