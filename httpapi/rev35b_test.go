package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/sigv4"
)

// TestRev35bPutObjectAclRacingOverwrite: a PutObjectAcl is decided on
// the object authorize read, and must change that object's ACL only. The
// bucket owner puts an ACL document granting AllUsers READ on its own
// key; while the request's body is on its way (authorize has decided,
// the handler reads the body: Expect: 100-continue holds it until then),
// the writer, granted WRITE on the bucket, overwrites the key with its
// own private object through S3, which the bucket owner may neither read
// nor re-ACL (TestSec34BucketOwnerRefusedWritersObjects). The update
// must not land on the writer's object: before, it did, and anyone read
// the writer's private bytes. Now the update is pinned to the object
// decided; the object found changed is decided again (403 here) and
// keeps its ACL.
func TestRev35bPutObjectAclRacingOverwrite(t *testing.T) {
	f := pol35Fixture(t, "rev35b")
	must(t, f.do(t, raw{method: "PUT", path: "/rev35b/race", body: []byte("the owner's")}).errOrNil())

	pr, pw := io.Pipe()
	req, err := http.NewRequest("PUT", f.srv.URL+"/rev35b/race?acl", pr)
	require.NoError(t, err)
	doc := `<AccessControlPolicy><Owner><ID>` + canonicalID(testAK) + `</ID></Owner><AccessControlList><Grant>` +
		`<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee>` +
		`<Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`
	req.ContentLength = int64(len(doc))
	req.Header.Set("Expect", "100-continue")
	_, err = sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", f.clock.Now(), sigv4.UnsignedPayload)
	require.NoError(t, err)
	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: time.Minute}}
	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := client.Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- result{status: resp.StatusCode, body: string(b)}
	}()
	// The transport takes the body once the server asked for it (100
	// Continue), i.e. once the handler reads it, after the decision.
	_, err = pw.Write([]byte(doc[:1]))
	require.NoError(t, err)
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/rev35b/race", header: hdr("X-Amz-Acl", "private"),
		body: []byte("the writer's secret")})).errOrNil())
	_, err = io.WriteString(pw, doc[1:])
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	res := <-done
	require.NoError(t, res.err)
	assert.Equal(t, http.StatusForbidden, res.status, "the ACL put decided on the owner's object, found the writer's: %s", res.body)
	assert.True(t, strings.Contains(res.body, "AccessDenied"), res.body)

	anon := f.do(t, raw{method: "GET", path: "/rev35b/race", sign: "anon"})
	assert.Equal(t, http.StatusForbidden, anon.StatusCode, "the writer's private object: %s", anon.body)
	assert.Equal(t, http.StatusOK, f.do(t, sec34Other(raw{method: "GET", path: "/rev35b/race"})).StatusCode, "the writer reads its object")
}
