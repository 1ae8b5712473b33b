package httpapi_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOwn35EnforcedListingsInEveryDialect: under BucketOwnerEnforced (set
// through S3) the bucket owner owns every object, so OSS's and Sina's
// listings name it as every object's owner, as S3's do; they named each
// object's writer.
func TestOwn35EnforcedListingsInEveryDialect(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	own35Bucket(t, f, "own35enf")
	must(t, f.do(t, raw{method: "PUT", path: "/own35enf/mine", body: []byte("owner's")}).errOrNil())
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/own35enf/theirs", body: []byte("writer's")})).errOrNil())
	owners := func(sign string) []string {
		t.Helper()
		path := "/own35enf"
		re := regexp.MustCompile(`<Owner>\s*<ID>([^<]*)</ID>`)
		if sign == "sina-json" {
			sign, path = "sina", path+"?formatter=json"
			re = regexp.MustCompile(`"Owner":\s*"([^"]*)"`)
		}
		r := f.do(t, raw{method: "GET", path: path, sign: sign})
		must(t, r.errOrNil())
		var ids []string
		for _, m := range re.FindAllStringSubmatch(string(r.body), -1) {
			ids = append(ids, m[1])
		}
		require.Len(t, ids, 2, "%s: %s", sign, r.body)
		return ids
	}
	for _, sign := range []string{"v4", "oss-v1", "sina", "sina-json"} {
		ids := owners(sign)
		assert.NotEqual(t, ids[0], ids[1], "%s: each object's writer before the setting", sign)
	}
	must(t, f.do(t, raw{method: "PUT", path: "/own35enf?ownershipControls",
		body: []byte(`<OwnershipControls><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>`)}).errOrNil())
	for _, sign := range []string{"v4", "oss-v1", "sina", "sina-json"} {
		ids := owners(sign)
		assert.Equal(t, ids[0], ids[1], "%s: the bucket owner's (mine) for both", sign)
	}
}
