package httpapi_test

import (
	"errors"
	"net/http"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// ossV1 returns an aliyun-oss-go-sdk client (OSS signature v1, CRC64
// checks on) for the fixture. The endpoint is an IP address, so the SDK
// uses path-style addressing.
func (f *fixture) ossV1(t testing.TB, ak, sk string, opts ...oss1.ClientOption) *oss1.Client {
	t.Helper()
	opts = append([]oss1.ClientOption{oss1.HTTPClient(f.httpClient()), oss1.EnableCRC(true)}, opts...)
	c, err := oss1.New(f.srv.URL, ak, sk, opts...)
	if err != nil {
		t.Fatal(err)
	}
	c.Config.RetryTimes = 0
	return c
}

// ossV2 returns an alibabacloud-oss-go-sdk-v2 client with its defaults
// (OSS signature v4, CRC64 checks on).
func (f *fixture) ossV2(ak, sk string) *oss2.Client { return f.ossV2At(f.srv.URL, ak, sk) }

// ossV2At is ossV2 pointed at endpoint (the fixture's client dials every
// host to the fixture): an aliyuncs.com endpoint gives virtual-host
// addressing.
func (f *fixture) ossV2At(endpoint, ak, sk string) *oss2.Client {
	cfg := oss2.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(ak, sk)).
		WithRegion("cn-hangzhou").
		WithEndpoint(endpoint).
		WithHttpClient(f.httpClient()).
		WithRetryMaxAttempts(1)
	return oss2.NewClient(cfg)
}

// ossErr is an OSS service error as either SDK reports it.
type ossErr struct {
	status              int
	code, message, ec   string
	requestID           string
	sdkErr              error
	headers             http.Header
	snapshot            []byte
	isServiceErrorValue bool
}

func ossError(err error) (ossErr, bool) {
	var e1 oss1.ServiceError
	if errors.As(err, &e1) {
		return ossErr{status: e1.StatusCode, code: e1.Code, message: e1.Message, ec: e1.Ec, requestID: e1.RequestID, sdkErr: err, isServiceErrorValue: true}, true
	}
	var e2 *oss2.ServiceError
	if errors.As(err, &e2) {
		return ossErr{status: e2.StatusCode, code: e2.Code, message: e2.Message, ec: e2.EC, requestID: e2.RequestID, sdkErr: err, headers: e2.Headers, snapshot: e2.Snapshot}, true
	}
	return ossErr{sdkErr: err}, false
}

// wantOSS checks an SDK error's status and code (and EC when ec != "").
func wantOSS(t testing.TB, err error, status int, code, ec string) ossErr {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %d %s", status, code)
	}
	e, ok := ossError(err)
	if !ok {
		t.Fatalf("not an OSS service error: %v", err)
	}
	if e.status != status || e.code != code || ec != "" && e.ec != ec || e.ec == "" || e.requestID == "" {
		t.Fatalf("got %d %s (EC %q, request id %q, message %q), want %d %s (EC %q): %v", e.status, e.code, e.ec, e.requestID, e.message, status, code, ec, err)
	}
	return e
}

func ok(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func credentialsFor(ak, sk string) credentials.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(ak, sk)
}
