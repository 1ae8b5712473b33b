package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/osslite/osslite/httpapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// review33CountingDir is a UserStore that counts the listings of its
// users.
type review33CountingDir struct {
	*httpapi.UserStore
	lists *atomic.Int64
}

func (d review33CountingDir) Users() []httpapi.User {
	d.lists.Add(1)
	return d.UserStore.Users()
}

// TestReview33SinaGrantsListUsersOnce: resolving the SCS IDs of a Sina
// PUT ?acl document lists the directory's users once per request, not
// once per grantee (b81fea3 listed them for each: a document of a few
// thousand grantees cost their number times the users, with a copy of
// the user list each).
func TestReview33SinaGrantsListUsersOnce(t *testing.T) {
	store, err := httpapi.NewUserStore(httpapi.User{AccessKey: testAK, SecretKey: testSK}, httpapi.User{AccessKey: otherAK, SecretKey: otherSK})
	require.NoError(t, err)
	var lists atomic.Int64
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithDirectory(review33CountingDir{store, &lists})}})
	sina := func(q raw) raw { q.sign = "sina"; return q }
	must(t, f.do(t, sina(raw{method: "PUT", path: "/rev33sina"})).errOrNil())
	must(t, f.do(t, sina(raw{method: "PUT", path: "/rev33sina/k", body: []byte("shared")})).errOrNil())

	var doc strings.Builder
	doc.WriteString(`{"SINA` + strings.ToUpper(canonicalID(otherAK)[:16]) + `":["read"]`)
	for i := range 200 {
		fmt.Fprintf(&doc, `,"SINA%016d":["read"]`, i)
	}
	doc.WriteString(`}`)
	lists.Store(0)
	r := f.do(t, sina(raw{method: "PUT", path: "/rev33sina/k?acl", body: []byte(doc.String())}))
	assert.Equal(t, http.StatusBadRequest, r.StatusCode, "unknown SCS IDs are refused")
	assert.LessOrEqual(t, lists.Load(), int64(1), "users listed once for the document")

	lists.Store(0)
	sid := "SINA" + strings.ToUpper(canonicalID(otherAK)[:16])
	must(t, f.do(t, sina(raw{method: "PUT", path: "/rev33sina/k?acl", body: []byte(`{"` + sid + `":["read"]}`)})).errOrNil())
	assert.Equal(t, http.StatusOK, f.do(t, raw{method: "GET", path: "/rev33sina/k", ak: otherAK, sk: otherSK, sign: "sina"}).StatusCode, "the SCS ID's user reads")
}
