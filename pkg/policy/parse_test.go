package policy

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseErrors(t *testing.T) {
	ok := func(extra string) string {
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"` + extra + `}}`
	}
	for _, c := range []struct {
		name, doc, reason string
		lang              Language
	}{
		{"not json", `Version: 1`, "Policies must be valid JSON and the first byte must be '{'", AWS},
		{"empty", ``, "Policies must be valid JSON and the first byte must be '{'", AWS},
		{"broken json", `{"Version":`, "This policy contains invalid Json", AWS},
		{"trailing", ok("") + `{}`, "This policy contains invalid Json", AWS},
		{"bad version", `{"Version":"2020-01-01","Statement":[]}`, "The policy must contain a valid version string", AWS},
		{"oss version", `{"Version":"2012-10-17","Statement":[]}`, "The policy version must be 1.", OSS},
		{"oss version number", `{"Version":1,"Statement":[]}`, "The policy version must be 1.", OSS},
		{"no statement", `{"Version":"2012-10-17"}`, "Missing required field Statement", AWS},
		{"empty statement", `{"Version":"2012-10-17","Statement":[]}`, "Could not parse the policy: Statement is empty!", AWS},
		{"unknown top", `{"Version":"2012-10-17","Statements":[]}`, "Unknown field Statements", AWS},
		{"unknown field", ok(`,"Actions":"x"`), "Unknown field Actions", AWS},
		{"no effect", `{"Statement":{"Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}}`, "Missing required field Effect", AWS},
		{"bad effect", `{"Statement":{"Effect":"hello","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}}`, "Invalid effect: hello", AWS},
		{"no principal", `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}}`, "Missing required field Principal", AWS},
		{"bad principal", `{"Statement":{"Effect":"Allow","Principal":{"AWS":"user"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}}`, "Invalid principal in policy", AWS},
		{"bad principal string", `{"Statement":{"Effect":"Allow","Principal":"111122223333","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}}`, "Invalid principal in policy", AWS},
		{"bad principal kind", `{"Statement":{"Effect":"Allow","Principal":{"Foo":"x"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}}`, "Invalid principal in policy", AWS},
		{"bad canonical", `{"Statement":{"Effect":"Allow","Principal":{"CanonicalUser":"abc"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}}`, "Invalid principal in policy", AWS},
		{"wild arn principal", `{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}}`, "Invalid principal in policy", AWS},
		{"no action", `{"Statement":{"Effect":"Allow","Principal":"*","Resource":"arn:aws:s3:::bkt/*"}}`, "Missing required field Action", AWS},
		{"bad action", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"invalid_action","Resource":"arn:aws:s3:::bkt/*"}}`, "Policy has invalid action", AWS},
		{"unknown action", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObjekt","Resource":"arn:aws:s3:::bkt/*"}}`, "Policy has invalid action", AWS},
		{"other service", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"ec2:RunInstances","Resource":"arn:aws:s3:::bkt/*"}}`, "Policy has invalid action", AWS},
		{"no resource", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}}`, "Missing required field Resource", AWS},
		{"bad resource", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"bkt"}}`, "Policy has invalid resource", AWS},
		{"other bucket", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::other/*"}}`, "Policy has invalid resource", AWS},
		{"does not apply", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt"}}`, "Action does not apply to any resource(s) in statement", AWS},
		{"does not apply bucket", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt/*"}}`, "Action does not apply to any resource(s) in statement", AWS},
		{"both actions", ok(`,"NotAction":"s3:PutObject"`), "Statement cannot contain both Action and NotAction", AWS},
		{"bad operator", ok(`,"Condition":{"StringEqualz":{"aws:Referer":"x"}}`), "Invalid Condition type : StringEqualz", AWS},
		{"bad key", ok(`,"Condition":{"StringEquals":{"aws:Nope":"x"}}`), "Policy has an invalid condition key", AWS},
		{"bad ip", ok(`,"Condition":{"IpAddress":{"aws:SourceIp":"300.1.1.1"}}`), "Invalid Condition value for IpAddress: 300.1.1.1", AWS},
		{"bad number", ok(`,"Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}`), "Invalid Condition value for NumericLessThan: ten", AWS},
		{"bad date", ok(`,"Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}`), "Invalid Condition value for DateLessThan: tomorrow", AWS},
		{"bad bool", ok(`,"Condition":{"Bool":{"aws:SecureTransport":"yes"}}`), "Invalid Condition value for Bool: yes", AWS},
		{"object value", ok(`,"Condition":{"StringEquals":{"aws:Referer":{"a":1}}}`), "Invalid Condition value for StringEquals: aws:Referer", AWS},
		{"null qualifier", ok(`,"Condition":{"ForAnyValue:Null":{"aws:Referer":"true"}}`), "Invalid Condition type : ForAnyValue:Null", AWS},
		{"duplicate sid", `{"Statement":[{"Sid":"a","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"},{"Sid":"a","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}]}`, "Statement IDs (SID) in a single policy must be unique.", AWS},
		{"oss bad action", `{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["s3:GetObject"],"Resource":["acs:oss:*:*:bkt/*"]}]}`, "Policy has invalid action", OSS},
		{"oss bad resource", `{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["arn:aws:s3:::bkt/*"]}]}`, "Policy has invalid resource", OSS},
		{"oss other bucket", `{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:other/*"]}]}`, "Policy has invalid resource", OSS},
		{"oss bad principal", `{"Version":"1","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:bkt/*"]}]}`, "Invalid principal in policy", OSS},
		{"oss bad key", `{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:bkt/*"],"Condition":{"StringEquals":{"aws:Referer":"x"}}}]}`, "Policy has an invalid condition key", OSS},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.doc), c.lang, "bkt")
			require.ErrorIs(t, err, ErrMalformed)
			var me *MalformedError
			require.True(t, errors.As(err, &me))
			require.Equal(t, c.reason, me.Reason)
		})
	}
	_, err := Parse([]byte(`{"Statement":"`+strings.Repeat("x", MaxDocument)+`"}`), AWS, "bkt")
	require.ErrorIs(t, err, ErrTooLarge)
}

func TestParseAccepts(t *testing.T) {
	for _, d := range []string{
		`{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}}`,
		`{"Version":"2008-10-17","Id":"x","Statement":[{"Sid":"1","Effect":"Deny","Principal":{"AWS":["111122223333","arn:aws:iam::111122223333:user/a/b"]},"NotAction":"s3:GetObject","NotResource":"arn:aws:s3:::bkt/public/*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":["s3:List*","s3:Get*"],"Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],"Condition":{"NumericLessThanEquals":{"s3:max-keys":10},"ForAllValues:StringLike":{"s3:RequestObjectTagKeys":["a*"]},"Null":{"aws:Referer":true}}}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bk*"}]}`,
	} {
		p, err := Parse([]byte(d), AWS, "bkt")
		require.NoError(t, err, d)
		back, err := Parse(p.Render(), AWS, "bkt")
		require.NoError(t, err, string(p.Render()))
		require.Equal(t, p, back)
		require.Equal(t, string(p.Render()), string(back.Render()))
	}
	p, err := Parse([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"Bool":{"aws:SecureTransport":true},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","::1"]}}}}`), AWS, "bkt")
	require.NoError(t, err)
	require.Equal(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"Bool":{"aws:SecureTransport":"true"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","::1"]}}}]}`, string(p.Render()))
}

func TestIsPublic(t *testing.T) {
	for _, c := range []struct {
		doc    string
		lang   Language
		public bool
	}{
		{doc(st("Allow", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, "")), AWS, true},
		{doc(st("Allow", `{"AWS":"*"}`, `"s3:ListBucket"`, `"arn:aws:s3:::bkt"`, "")), AWS, true},
		{doc(st("Deny", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, "")), AWS, false},
		{doc(st("Allow", `{"AWS":"111122223333"}`, `"s3:*"`, `"arn:aws:s3:::bkt/*"`, "")), AWS, false},
		{doc(st("Allow", `{"CanonicalUser":"`+canonA+`"}`, `"s3:*"`, `"arn:aws:s3:::bkt/*"`, "")), AWS, false},
		{doc(st("Allow", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, `{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}`)), AWS, false},
		{doc(st("Allow", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, `{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}`)), AWS, true},
		{doc(st("Allow", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, `{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}`)), AWS, true},
		{doc(st("Allow", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, `{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}`)), AWS, false},
		{doc(st("Allow", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, `{"StringLike":{"aws:SourceVpce":"vpce-*"}}`)), AWS, true},
		{doc(st("Allow", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, `{"StringEqualsIfExists":{"aws:SourceAccount":"111122223333"}}`)), AWS, true},
		{doc(st("Allow", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, `{"StringEquals":{"aws:Referer":"https://example.com/"}}`)), AWS, true},
		{doc(st("Allow", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, `{"ArnEquals":{"aws:SourceArn":"arn:aws:cloudfront::111122223333:distribution/E1"}}`)), AWS, false},
		{strings.Replace(doc(st("Allow", ``, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, "")), `"Principal":`, `"NotPrincipal":{"AWS":"111122223333"}`, 1), AWS, true},
		{doc(st("Allow", `"*"`, `"s3:GetBucketLocation"`, `"arn:aws:s3:::bkt"`, "")), AWS, true},
		{doc(st("Allow", `"*"`, `"s3:BypassGovernanceRetention"`, `"arn:aws:s3:::bkt/*"`, "")), AWS, false},
		{doc(st("Allow", `"*"`, `"s3:*"`, `"arn:aws:s3:::bkt/*"`, "")), AWS, true},
		{`{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:bkt/*"]}]}`, OSS, true},
		{`{"Version":"1","Statement":[{"Effect":"Allow","Principal":["1234"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:bkt/*"]}]}`, OSS, false},
		// OSS reports an Allow without a Principal public
		// (alibabacloud-oss-python-sdk-v2 test_bucket_policy).
		{`{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Resource":["acs:oss:*:*:bkt/*"]}]}`, OSS, true},
		{`{"Version":"1","Statement":[{"Effect":"Deny","Action":["oss:GetObject"],"Resource":["acs:oss:*:*:bkt/*"]}]}`, OSS, false},
		{`{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:bkt/*"],"Condition":{"IpAddress":{"acs:SourceIp":["10.0.0.0/8"]}}}]}`, OSS, false},
	} {
		p, err := Parse([]byte(c.doc), c.lang, "bkt")
		require.NoError(t, err, c.doc)
		require.Equal(t, c.public, p.IsPublic(), c.doc)
	}
}

func TestPatternLinear(t *testing.T) {
	// A pattern that backtracks exponentially in a naive matcher.
	p := compile(strings.Repeat("*a", 30)+"*b", nil)
	require.False(t, p.match(strings.Repeat("a", 5000)))
	require.True(t, p.match(strings.Repeat("a", 100)+"b"))
}

func TestMayAllow(t *testing.T) {
	p, err := Parse([]byte(doc(
		st("Allow", `"*"`, `"s3:DeleteObject"`, `"arn:aws:s3:::bkt/tmp/*"`, `{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`),
		st("Allow", `{"AWS":"`+acctA+`"}`, `"s3:PutObject"`, `"arn:aws:s3:::bkt/*"`, ""),
		st("Deny", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, ""))), AWS, "bkt")
	require.NoError(t, err)
	for _, c := range []struct {
		who    Principal
		action string
		want   bool
	}{
		{anon, "s3:DeleteObject", true},
		{anon, "s3:PutObject", false},
		{rootA, "s3:PutObject", true},
		{rootB, "s3:PutObject", false},
		{rootA, "s3:GetObject", false},
	} {
		require.Equal(t, c.want, p.MayAllow(&Request{Principal: c.who, Action: c.action}), "%+v %s", c.who, c.action)
	}
}

func TestMayDeny(t *testing.T) {
	p, err := Parse([]byte(doc(
		st("Deny", `{"AWS":"`+acctA+`"}`, `"s3:PutObject"`, `"arn:aws:s3:::bkt/private/*"`, `{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`),
		st("Allow", `"*"`, `"s3:PutObject"`, `"arn:aws:s3:::bkt/*"`, ""))), AWS, "bkt")
	require.NoError(t, err)
	for _, c := range []struct {
		who    Principal
		action string
		want   bool
	}{
		{rootA, "s3:PutObject", true}, // whatever the resource and condition
		{rootB, "s3:PutObject", false},
		{anon, "s3:PutObject", false},
		{rootA, "s3:GetObject", false},
	} {
		require.Equal(t, c.want, p.MayDeny(&Request{Principal: c.who, Action: c.action}), "%+v %s", c.who, c.action)
	}
}
