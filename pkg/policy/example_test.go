package policy_test

import (
	"fmt"

	"github.com/osslite/osslite/pkg/policy"
)

func ExampleParse() {
	doc := `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
	     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::photos/*"},
	    {"Sid": "TLSOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
	     "Resource": ["arn:aws:s3:::photos", "arn:aws:s3:::photos/*"],
	     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
	  ]
	}`
	p, err := policy.Parse([]byte(doc), policy.AWS, "photos")
	if err != nil {
		fmt.Println(err)
		return
	}
	req := &policy.Request{
		Principal: policy.Principal{Anonymous: true},
		Action:    "s3:GetObject",
		Resource:  "arn:aws:s3:::photos/cat.jpg",
		Context:   policy.Values{"aws:SecureTransport": {"true"}},
	}
	fmt.Println(p.Evaluate(req))
	req.Context = policy.Values{"aws:SecureTransport": {"false"}}
	fmt.Println(p.Evaluate(req))
	fmt.Println(p.IsPublic())
	_, err = policy.Parse([]byte(`{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}}`), policy.AWS, "photos")
	fmt.Println(err)
	// Output:
	// Allow
	// Deny
	// true
	// policy: malformed policy: Policy has invalid resource
}
