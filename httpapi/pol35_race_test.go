package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
)

// TestPol35GetObjectAclRacingOverwrite: GetObjectAcl answers the ACL of
// the object it decided. Its handler read the object again after the
// decision without deciding it again (the thirty-fifth session's review
// left it open), so an anonymous GetObjectAcl of a key whose ACL grants
// everyone READ_ACP, racing overwrites of the key with a private object,
// was served the private object's ACL. It now decides the object it
// answers (recheckObject), as GetObject and HeadObject do. The race is
// timing-dependent: without the fix this test sees such answers on
// most runs, not on every run.
func TestPol35GetObjectAclRacingOverwrite(t *testing.T) {
	srv := fake.New(t)
	eng := srv.Engine()
	ctx := context.Background()
	const bucket = "pol35aclrace"
	require.NoError(t, eng.CreateBucket(ctx, bucket, engine.BucketOptions{Owner: srv.Owner(),
		ACL: engine.ACL{Canned: "public-read"}})) // everyone may list: a missing key is 404, not 403
	readACP := engine.Grant{GranteeType: "Group", URI: "http://acs.amazonaws.com/groups/global/AllUsers", Permission: "READ_ACP"}
	secret := engine.Grant{GranteeType: "CanonicalUser", ID: strings.Repeat("5ec7e7", 10) + "abcd", Permission: "READ"}
	put := func(body string, grants ...engine.Grant) {
		_, err := eng.PutObject(ctx, bucket, "k", strings.NewReader(body), int64(len(body)),
			engine.PutOptions{Owner: srv.Owner(), ACL: engine.ACL{Grants: grants}})
		require.NoError(t, err)
	}
	put("open", readACP)
	keepFlipping(t, func() {
		put("private", secret)
		put("open", readACP)
	})
	n := 3000
	if testing.Short() {
		n = 800
	}
	client := srv.HTTPClient()
	served, leaked := 0, 0
	for range n {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/"+bucket+"/k?acl", nil)
		require.NoError(t, err)
		resp, err := client.Do(req)
		require.NoError(t, err)
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK:
			served++
			if bytes.Contains(b, []byte(secret.ID)) {
				leaked++
			}
		case http.StatusForbidden:
		default:
			t.Fatalf("status %d: %s", resp.StatusCode, b)
		}
	}
	assert.Positive(t, served)
	assert.Zero(t, leaked, "the private object's ACL was served %d times of %d", leaked, served)
}
