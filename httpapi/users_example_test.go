package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/sigv4"
)

// A server with two users and a session registered while it runs.
func ExampleNewUserStore() {
	eng, err := engine.Open("", nil)
	if err != nil {
		panic(err)
	}
	defer eng.Close()
	users, err := httpapi.NewUserStore(
		httpapi.User{AccessKey: "alice", SecretKey: "alice-secret", Email: "alice@example.com"},
		httpapi.User{AccessKey: "bob", SecretKey: "bob-secret", DisplayName: "Bob"},
	)
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(httpapi.New(eng, httpapi.WithDirectory(users)))
	defer srv.Close()

	// A session acting as Alice until an hour from now (engine clock).
	err = users.AddTemporary(httpapi.TemporaryCredential{AccessKey: "STS.alice1", SecretKey: "s3cr3t",
		Token: "token-1", Expires: time.Now().Add(time.Hour), User: "alice"})
	if err != nil {
		panic(err)
	}
	for _, creds := range []sigv4.Credentials{
		{AccessKeyID: "STS.alice1", SecretAccessKey: "s3cr3t", SessionToken: "token-1"},
		{AccessKeyID: "STS.alice1", SecretAccessKey: "s3cr3t", SessionToken: "token-2"},
		{AccessKeyID: "STS.alice1", SecretAccessKey: "s3cr3t"},
	} {
		req, _ := http.NewRequest(http.MethodPut, srv.URL+"/alices-bucket", nil)
		if _, err := sigv4.SignRequest(req, creds, "us-east-1", "s3", time.Now(), ""); err != nil {
			panic(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Printf("token %q: %d\n", creds.SessionToken, resp.StatusCode)
	}
	// Output:
	// token "token-1": 200
	// token "token-2": 400
	// token "": 403
}
