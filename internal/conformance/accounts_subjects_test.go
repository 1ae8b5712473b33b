package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	osscreds "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/internal/conformance"
	"github.com/osslite/osslite/internal/sinaclient"
)

// The wire subjects' accounts: one fake with a second user (WithUsers,
// as the fake's own multi-user tests make one), every wire subject built
// for one account of it, and the subjects' conformance accounts methods.

// secondUser is the second account of every wire subject's fake.
var secondUser = httpapi.User{AccessKey: "conformance-second", SecretKey: "conformance-second-secret"}

// newWireFake is the fake of a wire subject: the server's own account
// owns the suite's buckets, secondUser is the second account. Anonymous
// requests carry nothing that names a dialect, so anonymous subjects
// reach each dialect by its service's host, as clients of the real
// services do (the in-memory transport takes any host): S3 the fake's
// URL, OSS ossEndpoint (an aliyuncs.com host, always OSS), SCS
// sinaEndpoint (a domain of the fake, Sina's as its name says).
func newWireFake(t *testing.T) *fake.Server {
	return fake.New(t, fake.WithUsers(secondUser), fake.WithDomains(sinaDomain))
}

const (
	ossEndpoint  = "http://oss-cn-hangzhou.aliyuncs.com"
	sinaDomain   = "sinacloud.net"
	sinaEndpoint = "http://" + sinaDomain
)

// account is one account's keys on a fake; no keys make anonymous
// (unsigned) requests.
type account struct{ accessKey, secretKey string }

// wireStore is one fake as the wire subjects reach it.
type wireStore struct {
	srv *fake.Server
}

func (w *wireStore) owner() account  { return account{w.srv.AccessKey, w.srv.SecretKey} }
func (w *wireStore) second() account { return account{secondUser.AccessKey, secondUser.SecretKey} }

func (w *wireStore) s3(a account) *s3Subject {
	var creds aws.CredentialsProvider = aws.AnonymousCredentials{}
	if a.accessKey != "" {
		creds = credentials.NewStaticCredentialsProvider(a.accessKey, a.secretKey, "")
	}
	c := s3.NewFromConfig(aws.Config{
		Region:      w.srv.Region,
		Credentials: creds,
		HTTPClient:  w.srv.HTTPClient(),
	}, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(w.srv.URL)
		o.UsePathStyle = true
	})
	return &s3Subject{c: c, store: w, acct: a}
}

func (w *wireStore) oss(a account) *ossSubject {
	creds, endpoint := osscreds.NewAnonymousCredentialsProvider(), ossEndpoint
	if a.accessKey != "" {
		creds, endpoint = osscreds.NewStaticCredentialsProvider(a.accessKey, a.secretKey), w.srv.URL // an IP address: path-style buckets
	}
	cfg := oss2.LoadDefaultConfig().
		WithCredentialsProvider(creds).
		WithRegion("cn-hangzhou").
		WithEndpoint(endpoint).
		WithHttpClient(w.srv.HTTPClient())
	return &ossSubject{c: oss2.NewClient(cfg), store: w, acct: a}
}

func (w *wireStore) sina(a account) *sinaSubject {
	c := &sinaclient.Client{Endpoint: w.srv.URL, AccessKey: a.accessKey, SecretKey: a.secretKey,
		HTTP: w.srv.HTTPClient(), Now: w.srv.Clock().Now}
	if a.accessKey == "" {
		c.Endpoint, c.Anonymous = sinaEndpoint, true
	}
	x := *c
	x.XML = true
	return &sinaSubject{c: c, x: &x, store: w, acct: a}
}

// dialects is account a through every wire dialect.
func (w *wireStore) dialects(a account) []conformance.Subject {
	return []conformance.Subject{w.s3(a), w.oss(a), w.sina(a)}
}

// policyStatement is a statement of an AWS-language or OSS-language
// bucket policy document.
type policyStatement struct {
	Effect    string
	Principal any
	Action    any
	Resource  any
}

func effect(st conformance.PolicyStatement) string {
	if st.Deny {
		return "Deny"
	}
	return "Allow"
}

// awsPolicy is an AWS-language bucket policy of statements on bucket's
// objects; the second account is named by its canonical user ID.
func awsPolicy(bucket, secondID string, statements []conformance.PolicyStatement) (string, error) {
	doc := struct {
		Version   string
		Statement []policyStatement
	}{Version: "2012-10-17"}
	for _, st := range statements {
		var who any = "*"
		if st.Principal == conformance.TheSecondAccount {
			who = map[string]string{"CanonicalUser": secondID}
		}
		doc.Statement = append(doc.Statement, policyStatement{Effect: effect(st), Principal: who,
			Action: "s3:" + st.Action, Resource: "arn:aws:s3:::" + bucket + "/*"})
	}
	b, err := json.Marshal(doc)
	return string(b), err
}

// S3: the second account through its keys, the owner granting WRITE by
// x-amz-grant-write (keeping FULL_CONTROL), AWS-language policies.

func (s *s3Subject) SecondAccount() conformance.Subject { return s.store.s3(s.store.second()) }
func (s *s3Subject) Dialects() []conformance.Subject    { return s.store.dialects(s.acct) }
func (s *s3Subject) Anonymous() []conformance.Subject   { return s.store.dialects(account{}) }

// canonicalID is the ID the account's ListBuckets names its owner by.
func (s *s3Subject) canonicalID(ctx context.Context) (string, error) {
	out, err := s.c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		return "", err
	}
	if out.Owner == nil || aws.ToString(out.Owner.ID) == "" {
		return "", errors.New("conformance: ListBuckets names no owner")
	}
	return aws.ToString(out.Owner.ID), nil
}

func (s *s3Subject) GrantWrite(ctx context.Context, bucket string) error {
	own, err := s.canonicalID(ctx)
	if err != nil {
		return err
	}
	second, err := s.store.s3(s.store.second()).canonicalID(ctx)
	if err != nil {
		return err
	}
	_, err = s.c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: &bucket,
		GrantFullControl: aws.String("id=" + own), GrantWrite: aws.String("id=" + second)})
	return err
}

func (s *s3Subject) SetBucketPolicy(ctx context.Context, bucket string, statements []conformance.PolicyStatement) error {
	second, err := s.store.s3(s.store.second()).canonicalID(ctx)
	if err != nil {
		return err
	}
	doc, err := awsPolicy(bucket, second, statements)
	if err != nil {
		return err
	}
	_, err = s.c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &bucket, Policy: &doc})
	return err
}

// OSS: ACLs name no account, so the owner lets the second account write
// by a bucket policy naming its UID; policies in OSS's language.

func (s *ossSubject) SecondAccount() conformance.Subject { return s.store.oss(s.store.second()) }
func (s *ossSubject) Dialects() []conformance.Subject    { return s.store.dialects(s.acct) }
func (s *ossSubject) Anonymous() []conformance.Subject   { return s.store.dialects(account{}) }

// uid is the ID the account's ListBuckets names its owner by.
func (s *ossSubject) uid(ctx context.Context) (string, error) {
	out, err := s.c.ListBuckets(ctx, &oss2.ListBucketsRequest{})
	if err != nil {
		return "", err
	}
	if out.Owner == nil || oss2.ToString(out.Owner.ID) == "" {
		return "", errors.New("conformance: ListBuckets names no owner")
	}
	return oss2.ToString(out.Owner.ID), nil
}

func (s *ossSubject) GrantWrite(ctx context.Context, bucket string) error {
	return s.SetBucketPolicy(ctx, bucket, []conformance.PolicyStatement{conformance.WriteGrant})
}

func (s *ossSubject) SetBucketPolicy(ctx context.Context, bucket string, statements []conformance.PolicyStatement) error {
	second, err := s.store.oss(s.store.second()).uid(ctx)
	if err != nil {
		return err
	}
	doc := struct {
		Version   string
		Statement []policyStatement
	}{Version: "1"}
	for _, st := range statements {
		who := "*"
		if st.Principal == conformance.TheSecondAccount {
			who = second
		}
		doc.Statement = append(doc.Statement, policyStatement{Effect: effect(st), Principal: []string{who},
			Action: []string{"oss:" + st.Action}, Resource: []string{"acs:oss:*:*:" + bucket + "/*"}})
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	_, err = s.c.PutBucketPolicy(ctx, &oss2.PutBucketPolicyRequest{Bucket: &bucket, Body: bytes.NewReader(b)})
	return err
}

// SCS: the owner grants WRITE by an ACL document naming the second
// account's SCS ID (keeping every permission itself); policies are AWS
// documents through the S3 API the dialect shares.

func (s *sinaSubject) SecondAccount() conformance.Subject { return s.store.sina(s.store.second()) }
func (s *sinaSubject) Dialects() []conformance.Subject    { return s.store.dialects(s.acct) }
func (s *sinaSubject) Anonymous() []conformance.Subject   { return s.store.dialects(account{}) }

// userID is the SCS ID the account's GET Service names its owner by.
func (s *sinaSubject) userID(ctx context.Context) (string, error) {
	l, err := s.c.ListBuckets(ctx)
	if err != nil {
		return "", err
	}
	if l.Owner.ID == "" {
		return "", errors.New("conformance: GET Service names no owner")
	}
	return l.Owner.ID, nil
}

func (s *sinaSubject) GrantWrite(ctx context.Context, bucket string) error {
	own, err := s.userID(ctx)
	if err != nil {
		return err
	}
	second, err := s.store.sina(s.store.second()).userID(ctx)
	if err != nil {
		return err
	}
	return s.c.PutACL(ctx, bucket, "", map[string][]string{own: {"read", "write", "read_acp", "write_acp"}, second: {"write"}})
}

func (s *sinaSubject) SetBucketPolicy(ctx context.Context, bucket string, statements []conformance.PolicyStatement) error {
	// The policy names the second account by its canonical ID, which
	// the S3 dialect's ListBuckets shows (SCS's documents show none).
	second, err := s.store.s3(s.store.second()).canonicalID(ctx)
	if err != nil {
		return err
	}
	doc, err := awsPolicy(bucket, second, statements)
	if err != nil {
		return err
	}
	_, err = do(ctx, s.x, sinaclient.Request{Method: http.MethodPut, Bucket: bucket, Query: url.Values{"policy": {""}}, Signed: []string{"policy"},
		Body: strings.NewReader(doc), Size: int64(len(doc))})
	return err
}

// The engine API has no accounts (Caps().Accounts is false).

var errNoAccounts = errors.New("conformance: the engine API has no accounts")

func (s *engineSubject) SecondAccount() conformance.Subject { return nil }
func (s *engineSubject) Dialects() []conformance.Subject    { return nil }
func (s *engineSubject) Anonymous() []conformance.Subject   { return nil }

func (s *engineSubject) GrantWrite(context.Context, string) error { return errNoAccounts }

func (s *engineSubject) SetBucketPolicy(context.Context, string, []conformance.PolicyStatement) error {
	return errNoAccounts
}
