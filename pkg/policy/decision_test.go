package policy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const (
	acctA  = "111122223333"
	acctB  = "444455556666"
	canonA = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
	canonB = "1111111111111111111111111111111111111111111111111111111111111111"
)

// doc builds a 2012-10-17 policy of the statements.
func doc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

// st builds a statement; principal and condition are raw JSON ("" for
// a condition-less statement), action and resource raw JSON too.
func st(effect, principal, action, resource, condition string) string {
	s := fmt.Sprintf(`{"Effect":%q,"Principal":%s,"Action":%s,"Resource":%s`, effect, principal, action, resource)
	if condition != "" {
		s += `,"Condition":` + condition
	}
	return s + "}"
}

var (
	anon  = Principal{Anonymous: true}
	rootA = Principal{Account: acctA, ARN: "arn:aws:iam::" + acctA + ":root", CanonicalID: canonA}
	alice = Principal{Account: acctA, ARN: "arn:aws:iam::" + acctA + ":user/alice", CanonicalID: canonA}
	bob   = Principal{Account: acctA, ARN: "arn:aws:iam::" + acctA + ":user/bob", CanonicalID: canonA}
	rootB = Principal{Account: acctB, ARN: "arn:aws:iam::" + acctB + ":root", CanonicalID: canonB}
)

const (
	objARN    = "arn:aws:s3:::bkt/photos/cat.jpg"
	bucketARN = "arn:aws:s3:::bkt"
)

type decisionRow struct {
	name   string
	policy string
	who    Principal
	action string
	res    string
	ctx    Values
	want   Decision
}

// decisionRows are derived from AWS's documented evaluation logic
// (explicit deny wins, an allow grants, otherwise no decision), the
// condition operator reference (negated operators and missing keys,
// IfExists, set qualifiers, Null) and the S3 bucket policy examples.
func decisionRows() []decisionRow {
	var rows []decisionRow
	add := func(name, policy string, who Principal, action, res string, ctx Values, want Decision) {
		rows = append(rows, decisionRow{name, policy, who, action, res, ctx, want})
	}
	// Public read (S3 example "Granting read-only permission to a public anonymous user").
	public := doc(st("Allow", `"*"`, `["s3:GetObject","s3:GetObjectVersion"]`, `"arn:aws:s3:::bkt/*"`, ""))
	for _, who := range []Principal{anon, rootA, alice, rootB} {
		add("public read get", public, who, "s3:GetObject", objARN, nil, Allow)
		add("public read version", public, who, "s3:GetObjectVersion", objARN, nil, Allow)
		add("public read put n/a", public, who, "s3:PutObject", objARN, nil, NotApplicable)
		add("public read list n/a", public, who, "s3:ListBucket", bucketARN, nil, NotApplicable)
		add("public read other bucket", public, who, "s3:GetObject", "arn:aws:s3:::other/x", nil, NotApplicable)
	}
	// Action names are case-insensitive, resources are not.
	add("action case", public, anon, "S3:GETOBJECT", objARN, nil, Allow)
	add("resource case", public, anon, "s3:GetObject", "arn:aws:s3:::BKT/x", nil, NotApplicable)
	// Wildcards in actions and resources.
	wild := doc(st("Allow", `"*"`, `"s3:Get*"`, `"arn:aws:s3:::bkt/photos/*.jpg"`, ""))
	add("wild action get", wild, anon, "s3:GetObjectTagging", objARN, nil, Allow)
	add("wild action put", wild, anon, "s3:PutObjectTagging", objARN, nil, NotApplicable)
	add("wild resource jpg", wild, anon, "s3:GetObject", "arn:aws:s3:::bkt/photos/a/b.jpg", nil, Allow)
	add("wild resource png", wild, anon, "s3:GetObject", "arn:aws:s3:::bkt/photos/a.png", nil, NotApplicable)
	add("wild resource prefix", wild, anon, "s3:GetObject", "arn:aws:s3:::bkt/docs/a.jpg", nil, NotApplicable)
	q := doc(st("Allow", `"*"`, `"s3:GetObjec?"`, `"arn:aws:s3:::bkt/k?y"`, ""))
	add("? one char", q, anon, "s3:GetObject", "arn:aws:s3:::bkt/key", nil, Allow)
	add("? not zero chars", q, anon, "s3:GetObject", "arn:aws:s3:::bkt/ky", nil, NotApplicable)
	add("? not two chars", q, anon, "s3:GetObject", "arn:aws:s3:::bkt/keey", nil, NotApplicable)
	add("? action", q, anon, "s3:GetObjects", "arn:aws:s3:::bkt/key", nil, NotApplicable)
	add("? multibyte", q, anon, "s3:GetObject", "arn:aws:s3:::bkt/kéy", nil, Allow)
	all := doc(st("Allow", `"*"`, `"*"`, `"*"`, ""))
	add("star star", all, anon, "s3:DeleteBucket", bucketARN, nil, Allow)
	add("s3 star", doc(st("Allow", `"*"`, `"s3:*"`, `["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]`, "")), anon, "s3:ListBucket", bucketARN, nil, Allow)

	// Explicit deny wins, in any order of statements.
	denyAll := doc(st("Allow", `"*"`, `"s3:*"`, `"arn:aws:s3:::bkt/*"`, ""), st("Deny", `"*"`, `"s3:DeleteObject"`, `"arn:aws:s3:::bkt/*"`, ""))
	denyFirst := doc(st("Deny", `"*"`, `"s3:DeleteObject"`, `"arn:aws:s3:::bkt/*"`, ""), st("Allow", `"*"`, `"s3:*"`, `"arn:aws:s3:::bkt/*"`, ""))
	for _, p := range []string{denyAll, denyFirst} {
		add("deny wins", p, rootA, "s3:DeleteObject", objARN, nil, Deny)
		add("deny wins anon", p, anon, "s3:DeleteObject", objARN, nil, Deny)
		add("allow rest", p, rootA, "s3:PutObject", objARN, nil, Allow)
		add("allow rest anon", p, anon, "s3:GetObject", objARN, nil, Allow)
	}
	onlyDeny := doc(st("Deny", `"*"`, `"s3:*"`, `"arn:aws:s3:::bkt/secret/*"`, ""))
	add("deny only matches", onlyDeny, rootA, "s3:GetObject", "arn:aws:s3:::bkt/secret/a", nil, Deny)
	add("deny only elsewhere", onlyDeny, rootA, "s3:GetObject", objARN, nil, NotApplicable)

	// Principals.
	byAcct := doc(st("Allow", `{"AWS":"`+acctA+`"}`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, ""))
	byRoot := doc(st("Allow", `{"AWS":"arn:aws:iam::`+acctA+`:root"}`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, ""))
	byUser := doc(st("Allow", `{"AWS":"arn:aws:iam::`+acctA+`:user/alice"}`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, ""))
	byCanon := doc(st("Allow", `{"CanonicalUser":"`+canonA+`"}`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, ""))
	byAWSStar := doc(st("Allow", `{"AWS":"*"}`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, ""))
	byList := doc(st("Allow", `{"AWS":["`+acctB+`","arn:aws:iam::`+acctA+`:user/bob"]}`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, ""))
	byService := doc(st("Allow", `{"Service":"logging.s3.amazonaws.com"}`, `"s3:PutObject"`, `"arn:aws:s3:::bkt/*"`, ""))
	for _, c := range []struct {
		p    string
		want map[string]Decision
	}{
		{byAcct, map[string]Decision{"anon": NotApplicable, "rootA": Allow, "alice": Allow, "bob": Allow, "rootB": NotApplicable}},
		{byRoot, map[string]Decision{"anon": NotApplicable, "rootA": Allow, "alice": Allow, "bob": Allow, "rootB": NotApplicable}},
		{byUser, map[string]Decision{"anon": NotApplicable, "rootA": NotApplicable, "alice": Allow, "bob": NotApplicable, "rootB": NotApplicable}},
		{byCanon, map[string]Decision{"anon": NotApplicable, "rootA": Allow, "alice": Allow, "bob": Allow, "rootB": NotApplicable}},
		{byAWSStar, map[string]Decision{"anon": Allow, "rootA": Allow, "alice": Allow, "bob": Allow, "rootB": Allow}},
		{byList, map[string]Decision{"anon": NotApplicable, "rootA": NotApplicable, "alice": NotApplicable, "bob": Allow, "rootB": Allow}},
	} {
		for name, who := range map[string]Principal{"anon": anon, "rootA": rootA, "alice": alice, "bob": bob, "rootB": rootB} {
			add("principal "+name, c.p, who, "s3:GetObject", objARN, nil, c.want[name])
		}
	}
	add("service principal never a request", byService, rootA, "s3:PutObject", objARN, nil, NotApplicable)

	// NotPrincipal with Deny: everyone but the listed is denied; a user is
	// excluded only when its account is listed too.
	npUser := doc(st("Deny", ``, `"s3:*"`, `"arn:aws:s3:::bkt/*"`, ""))
	npUser = strings.Replace(npUser, `"Principal":`, `"NotPrincipal":{"AWS":["arn:aws:iam::`+acctA+`:user/alice","`+acctA+`"]}`, 1)
	add("notprincipal excluded user", npUser, alice, "s3:GetObject", objARN, nil, NotApplicable)
	add("notprincipal excluded root", npUser, rootA, "s3:GetObject", objARN, nil, NotApplicable)
	add("notprincipal other user denied", npUser, bob, "s3:GetObject", objARN, nil, Deny)
	add("notprincipal other account denied", npUser, rootB, "s3:GetObject", objARN, nil, Deny)
	add("notprincipal anon denied", npUser, anon, "s3:GetObject", objARN, nil, Deny)
	npOnlyUser := strings.Replace(doc(st("Deny", ``, `"s3:*"`, `"arn:aws:s3:::bkt/*"`, "")), `"Principal":`,
		`"NotPrincipal":{"AWS":"arn:aws:iam::`+acctA+`:user/alice"}`, 1)
	add("notprincipal user only: user still denied", npOnlyUser, alice, "s3:GetObject", objARN, nil, Deny)
	add("notprincipal user only: root denied", npOnlyUser, rootA, "s3:GetObject", objARN, nil, Deny)

	// NotAction and NotResource.
	notAction := doc(st("Deny", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, ""))
	notAction = strings.Replace(notAction, `"Action"`, `"NotAction"`, 1)
	add("notaction excluded", notAction, rootA, "s3:GetObject", objARN, nil, NotApplicable)
	add("notaction other denied", notAction, rootA, "s3:PutObject", objARN, nil, Deny)
	add("notaction other denied 2", notAction, rootA, "s3:DeleteObject", objARN, nil, Deny)
	add("notaction resource still limits", notAction, rootA, "s3:PutObject", "arn:aws:s3:::other/k", nil, NotApplicable)
	notRes := strings.Replace(doc(st("Deny", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/public/*"`, "")), `"Resource"`, `"NotResource"`, 1)
	add("notresource excluded", notRes, anon, "s3:GetObject", "arn:aws:s3:::bkt/public/a", nil, NotApplicable)
	add("notresource other denied", notRes, anon, "s3:GetObject", "arn:aws:s3:::bkt/private/a", nil, Deny)
	add("notresource bucket denied", notRes, anon, "s3:GetObject", bucketARN, nil, Deny)
	add("notresource action limits", notRes, anon, "s3:PutObject", "arn:aws:s3:::bkt/private/a", nil, NotApplicable)

	// Condition operators: each with a matching, a non-matching and an
	// absent key.
	type opCase struct {
		op, key, val string
		match, miss  string
		absent       Decision
	}
	ops := []opCase{
		{"StringEquals", "aws:Referer", `"https://a.example/"`, "https://a.example/", "https://b.example/", NotApplicable},
		{"StringNotEquals", "aws:Referer", `"https://a.example/"`, "https://b.example/", "https://a.example/", Allow},
		{"StringEqualsIgnoreCase", "aws:UserAgent", `"Mozilla"`, "mozilla", "curl", NotApplicable},
		{"StringNotEqualsIgnoreCase", "aws:UserAgent", `"Mozilla"`, "curl", "MOZILLA", Allow},
		{"StringLike", "aws:Referer", `"https://*.example/*"`, "https://www.example/a", "https://example.org/", NotApplicable},
		{"StringNotLike", "aws:Referer", `"https://*.example/*"`, "https://example.org/", "https://a.example/b", Allow},
		{"NumericEquals", "s3:max-keys", `"10"`, "10", "11", NotApplicable},
		{"NumericNotEquals", "s3:max-keys", `10`, "11", "10", Allow},
		{"NumericLessThan", "s3:max-keys", `"10"`, "9", "10", NotApplicable},
		{"NumericLessThanEquals", "s3:max-keys", `"10"`, "10", "11", NotApplicable},
		{"NumericGreaterThan", "s3:max-keys", `"10"`, "11", "10", NotApplicable},
		{"NumericGreaterThanEquals", "s3:max-keys", `"10"`, "10", "9", NotApplicable},
		{"DateEquals", "aws:CurrentTime", `"2026-01-01T00:00:00Z"`, "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", NotApplicable},
		{"DateNotEquals", "aws:CurrentTime", `"2026-01-01T00:00:00Z"`, "2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z", Allow},
		{"DateLessThan", "aws:CurrentTime", `"2026-01-01T00:00:00Z"`, "2025-12-31T23:59:59Z", "2026-01-01T00:00:00Z", NotApplicable},
		{"DateLessThanEquals", "aws:CurrentTime", `"2026-01-01"`, "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", NotApplicable},
		{"DateGreaterThan", "aws:CurrentTime", `"2026-01-01T00:00:00Z"`, "2026-06-01T00:00:00Z", "2025-06-01T00:00:00Z", NotApplicable},
		{"DateGreaterThanEquals", "aws:EpochTime", `"1767225600"`, "1767225600", "1767225599", NotApplicable},
		{"Bool", "aws:SecureTransport", `"true"`, "true", "false", NotApplicable},
		{"Bool", "aws:SecureTransport", `false`, "FALSE", "true", NotApplicable},
		{"IpAddress", "aws:SourceIp", `"192.0.2.0/24"`, "192.0.2.17", "192.0.3.1", NotApplicable},
		{"IpAddress", "aws:SourceIp", `["10.0.0.0/8","2001:db8::/32"]`, "2001:db8::1", "2001:db9::1", NotApplicable},
		{"IpAddress", "aws:SourceIp", `"127.0.0.1"`, "127.0.0.1", "127.0.0.2", NotApplicable},
		{"NotIpAddress", "aws:SourceIp", `"192.0.2.0/24"`, "198.51.100.1", "192.0.2.1", Allow},
		{"ArnEquals", "aws:PrincipalArn", `"arn:aws:iam::111122223333:user/alice"`, "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/bob", NotApplicable},
		{"ArnLike", "aws:PrincipalArn", `"arn:aws:iam::*:user/a*"`, "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:role/alice", NotApplicable},
		{"ArnNotEquals", "aws:PrincipalArn", `"arn:aws:iam::111122223333:user/alice"`, "arn:aws:iam::111122223333:user/bob", "arn:aws:iam::111122223333:user/alice", Allow},
		{"ArnNotLike", "aws:PrincipalArn", `"arn:aws:iam::*:user/*"`, "arn:aws:iam::111122223333:role/r", "arn:aws:iam::111122223333:user/x", Allow},
		{"StringEquals", "s3:x-amz-acl", `["public-read","private"]`, "private", "authenticated-read", NotApplicable},
		{"StringEquals", "s3:prefix", `["","home/"]`, "home/", "other/", NotApplicable},
		{"StringEquals", "s3:x-amz-server-side-encryption", `"AES256"`, "AES256", "aws:kms", NotApplicable},
		{"StringEquals", "s3:ExistingObjectTag/Team", `"blue"`, "blue", "red", NotApplicable},
		{"StringEquals", "s3:signatureversion", `"AWS4-HMAC-SHA256"`, "AWS4-HMAC-SHA256", "AWS", NotApplicable},
		{"StringEquals", "s3:authType", `"REST-HEADER"`, "REST-HEADER", "REST-QUERY-STRING", NotApplicable},
		{"StringNotEquals", "s3:x-amz-content-sha256", `"UNSIGNED-PAYLOAD"`, "abc", "UNSIGNED-PAYLOAD", Allow},
		{"StringEquals", "s3:x-amz-storage-class", `"STANDARD_IA"`, "STANDARD_IA", "STANDARD", NotApplicable},
		{"StringLike", "s3:x-amz-copy-source", `"bkt/public/*"`, "bkt/public/a", "bkt/private/a", NotApplicable},
		{"StringEquals", "s3:x-amz-metadata-directive", `"COPY"`, "COPY", "REPLACE", NotApplicable},
		{"StringEquals", "s3:VersionId", `"v1"`, "v1", "v2", NotApplicable},
		{"StringEquals", "s3:delimiter", `"/"`, "/", "|", NotApplicable},
		{"BinaryEquals", "aws:SomeBinary", `"QmluYXJ5"`, "QmluYXJ5", "T3RoZXI=", NotApplicable},
	}
	for _, c := range ops {
		if c.op == "BinaryEquals" {
			c.key = "aws:userid" // a key the validator knows
		}
		p := doc(st("Allow", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, fmt.Sprintf(`{%q:{%q:%s}}`, c.op, c.key, c.val)))
		add(c.op+" match", p, anon, "s3:GetObject", objARN, Values{c.key: {c.match}}, Allow)
		add(c.op+" no match", p, anon, "s3:GetObject", objARN, Values{c.key: {c.miss}}, NotApplicable)
		add(c.op+" absent", p, anon, "s3:GetObject", objARN, nil, c.absent)
		ifx := doc(st("Allow", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, fmt.Sprintf(`{%q:{%q:%s}}`, c.op+"IfExists", c.key, c.val)))
		add(c.op+"IfExists absent", ifx, anon, "s3:GetObject", objARN, nil, Allow)
		add(c.op+"IfExists no match", ifx, anon, "s3:GetObject", objARN, Values{c.key: {c.miss}}, NotApplicable)
	}
	// Deny by condition (S3 examples: deny non-TLS, deny outside an IP range).
	denyHTTP := doc(st("Allow", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, ""),
		st("Deny", `"*"`, `"s3:*"`, `["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]`, `{"Bool":{"aws:SecureTransport":"false"}}`))
	add("deny http", denyHTTP, anon, "s3:GetObject", objARN, Values{"aws:SecureTransport": {"false"}}, Deny)
	add("allow https", denyHTTP, anon, "s3:GetObject", objARN, Values{"aws:SecureTransport": {"true"}}, Allow)
	add("deny http owner too", denyHTTP, rootA, "s3:PutObject", objARN, Values{"aws:SecureTransport": {"false"}}, Deny)
	denyIP := doc(st("Deny", `"*"`, `"s3:*"`, `"arn:aws:s3:::bkt/*"`, `{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:db8::/32"]}}`))
	add("deny outside range", denyIP, rootA, "s3:GetObject", objARN, Values{"aws:SourceIp": {"127.0.0.1"}}, Deny)
	add("inside range v4", denyIP, rootA, "s3:GetObject", objARN, Values{"aws:SourceIp": {"192.0.2.9"}}, NotApplicable)
	add("inside range v6", denyIP, rootA, "s3:GetObject", objARN, Values{"aws:SourceIp": {"2001:db8::9"}}, NotApplicable)
	add("v4-mapped v6", denyIP, rootA, "s3:GetObject", objARN, Values{"aws:SourceIp": {"::ffff:192.0.2.9"}}, NotApplicable)

	// Several keys and operators are ANDed, values ORed.
	and := doc(st("Allow", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`,
		`{"StringEquals":{"aws:Referer":["a","b"],"aws:UserAgent":"ua"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`))
	add("and all hold", and, anon, "s3:GetObject", objARN, Values{"aws:Referer": {"b"}, "aws:UserAgent": {"ua"}, "aws:SourceIp": {"10.1.2.3"}}, Allow)
	add("and one key fails", and, anon, "s3:GetObject", objARN, Values{"aws:Referer": {"c"}, "aws:UserAgent": {"ua"}, "aws:SourceIp": {"10.1.2.3"}}, NotApplicable)
	add("and one op fails", and, anon, "s3:GetObject", objARN, Values{"aws:Referer": {"a"}, "aws:UserAgent": {"ua"}, "aws:SourceIp": {"11.1.2.3"}}, NotApplicable)
	add("and one missing", and, anon, "s3:GetObject", objARN, Values{"aws:Referer": {"a"}, "aws:SourceIp": {"10.1.2.3"}}, NotApplicable)

	// Set qualifiers on multivalued keys.
	anyV := doc(st("Allow", `"*"`, `"s3:PutObject"`, `"arn:aws:s3:::bkt/*"`, `{"ForAnyValue:StringEquals":{"s3:RequestObjectTagKeys":["Team","Project"]}}`))
	allV := doc(st("Allow", `"*"`, `"s3:PutObject"`, `"arn:aws:s3:::bkt/*"`, `{"ForAllValues:StringEquals":{"s3:RequestObjectTagKeys":["Team","Project"]}}`))
	allNot := doc(st("Allow", `"*"`, `"s3:PutObject"`, `"arn:aws:s3:::bkt/*"`, `{"ForAllValues:StringNotEquals":{"s3:RequestObjectTagKeys":["Secret"]}}`))
	anyNot := doc(st("Allow", `"*"`, `"s3:PutObject"`, `"arn:aws:s3:::bkt/*"`, `{"ForAnyValue:StringNotLike":{"s3:RequestObjectTagKeys":["T*"]}}`))
	for _, c := range []struct {
		name string
		p    string
		keys []string
		want Decision
	}{
		{"any one hit", anyV, []string{"Team", "Other"}, Allow},
		{"any none", anyV, []string{"Other"}, NotApplicable},
		{"any empty", anyV, nil, NotApplicable},
		{"all subset", allV, []string{"Team"}, Allow},
		{"all both", allV, []string{"Project", "Team"}, Allow},
		{"all extra", allV, []string{"Team", "Other"}, NotApplicable},
		{"all empty", allV, nil, Allow},
		{"all not ok", allNot, []string{"Team", "Project"}, Allow},
		{"all not hit", allNot, []string{"Team", "Secret"}, NotApplicable},
		{"all not empty", allNot, nil, Allow},
		{"any not one", anyNot, []string{"Team", "Project"}, Allow},
		{"any not none", anyNot, []string{"Team", "Tier"}, NotApplicable},
		{"any not empty", anyNot, nil, NotApplicable},
	} {
		var ctx Values
		if c.keys != nil {
			ctx = Values{"s3:RequestObjectTagKeys": c.keys}
		}
		add("set "+c.name, c.p, anon, "s3:PutObject", objARN, ctx, c.want)
	}
	// Null.
	nullTrue := doc(st("Deny", `"*"`, `"s3:PutObject"`, `"arn:aws:s3:::bkt/*"`, `{"Null":{"s3:x-amz-server-side-encryption":"true"}}`))
	nullFalse := doc(st("Allow", `"*"`, `"s3:PutObject"`, `"arn:aws:s3:::bkt/*"`, `{"Null":{"s3:x-amz-server-side-encryption":false}}`))
	add("null true absent", nullTrue, rootA, "s3:PutObject", objARN, nil, Deny)
	add("null true present", nullTrue, rootA, "s3:PutObject", objARN, Values{"s3:x-amz-server-side-encryption": {"AES256"}}, NotApplicable)
	add("null false absent", nullFalse, anon, "s3:PutObject", objARN, nil, NotApplicable)
	add("null false present", nullFalse, anon, "s3:PutObject", objARN, Values{"s3:x-amz-server-side-encryption": {"AES256"}}, Allow)
	add("null true empty value", nullTrue, rootA, "s3:PutObject", objARN, Values{"s3:x-amz-server-side-encryption": {}}, Deny)

	// Policy variables (2012-10-17 only).
	home := doc(st("Allow", `{"AWS":"`+acctA+`"}`, `"s3:*"`, `"arn:aws:s3:::bkt/home/${aws:username}/*"`, ""))
	add("variable own home", home, alice, "s3:GetObject", "arn:aws:s3:::bkt/home/alice/a", Values{"aws:username": {"alice"}}, Allow)
	add("variable other home", home, alice, "s3:GetObject", "arn:aws:s3:::bkt/home/bob/a", Values{"aws:username": {"alice"}}, NotApplicable)
	add("variable unresolved", home, rootA, "s3:GetObject", "arn:aws:s3:::bkt/home/alice/a", nil, NotApplicable)
	add("variable value is literal", home, alice, "s3:GetObject", "arn:aws:s3:::bkt/home/xyz/a", Values{"aws:username": {"*"}}, NotApplicable)
	home2008 := strings.Replace(home, Version2012, Version2008, 1)
	add("variable literal in 2008", home2008, alice, "s3:GetObject", "arn:aws:s3:::bkt/home/${aws:username}/a", Values{"aws:username": {"alice"}}, Allow)
	add("variable not substituted in 2008", home2008, alice, "s3:GetObject", "arn:aws:s3:::bkt/home/alice/a", Values{"aws:username": {"alice"}}, NotApplicable)
	esc := doc(st("Allow", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/${*}${?}${$}"`, ""))
	add("escapes literal", esc, anon, "s3:GetObject", "arn:aws:s3:::bkt/*?$", nil, Allow)
	add("escapes not wild", esc, anon, "s3:GetObject", "arn:aws:s3:::bkt/ab$", nil, NotApplicable)
	def := doc(st("Allow", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/${aws:username, 'guest'}/*"`, ""))
	add("variable default", def, anon, "s3:GetObject", "arn:aws:s3:::bkt/guest/a", nil, Allow)
	condVar := doc(st("Allow", `"*"`, `"s3:ListBucket"`, `"arn:aws:s3:::bkt"`, `{"StringLike":{"s3:prefix":["home/${aws:username}/*"]}}`))
	add("condition variable", condVar, alice, "s3:ListBucket", bucketARN, Values{"aws:username": {"alice"}, "s3:prefix": {"home/alice/x"}}, Allow)
	add("condition variable other", condVar, alice, "s3:ListBucket", bucketARN, Values{"aws:username": {"alice"}, "s3:prefix": {"home/bob/x"}}, NotApplicable)
	userid := doc(st("Allow", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, `{"StringEquals":{"aws:userid":"${aws:username}"}}`))
	add("variable in StringEquals", userid, alice, "s3:GetObject", objARN, Values{"aws:username": {"x"}, "aws:userid": {"x"}}, Allow)
	add("variable in StringEquals miss", userid, alice, "s3:GetObject", objARN, Values{"aws:username": {"x"}, "aws:userid": {"y"}}, NotApplicable)

	// Condition keys are case-insensitive; tag keys are not.
	ck := doc(st("Allow", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, `{"StringEquals":{"AWS:REFERER":"r","s3:ExistingObjectTag/Team":"t"}}`))
	add("key case", ck, anon, "s3:GetObject", objARN, Values{"aws:referer": {"r"}, "s3:existingobjecttag/Team": {"t"}}, Allow)
	add("tag key case", ck, anon, "s3:GetObject", objARN, Values{"aws:referer": {"r"}, "s3:existingobjecttag/team": {"t"}}, NotApplicable)

	// OSS policies.
	ossPublic := `{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:bkt/*"]}]}`
	ossRes := "acs:oss:cn-hangzhou:" + acctA + ":bkt/photos/cat.jpg"
	add("oss public", ossPublic, anon, "oss:GetObject", ossRes, nil, Allow)
	add("oss public other action", ossPublic, anon, "oss:PutObject", ossRes, nil, NotApplicable)
	add("oss public other bucket", ossPublic, anon, "oss:GetObject", "acs:oss:cn-hangzhou:1:other/x", nil, NotApplicable)
	ossUID := `{"Version":"1","Statement":[{"Effect":"Deny","Principal":["` + acctB + `"],"Action":["oss:*"],"Resource":["acs:oss:*:*:bkt/*","acs:oss:*:*:bkt"]}]}`
	add("oss uid deny", ossUID, rootB, "oss:GetObject", ossRes, nil, Deny)
	add("oss uid other", ossUID, rootA, "oss:GetObject", ossRes, nil, NotApplicable)
	add("oss uid anon", ossUID, anon, "oss:GetObject", ossRes, nil, NotApplicable)
	add("oss uid bucket", ossUID, rootB, "oss:ListObjects", "acs:oss:cn-hangzhou:"+acctA+":bkt", nil, Deny)
	ossCond := `{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:bkt/*"],` +
		`"Condition":{"IpAddress":{"acs:SourceIp":["192.0.2.0/24"]},"StringLike":{"oss:Referer":["http://*.example.com/*"]}}}]}`
	add("oss condition hold", ossCond, anon, "oss:GetObject", ossRes, Values{"acs:SourceIp": {"192.0.2.1"}, "oss:Referer": {"http://www.example.com/a"}}, Allow)
	add("oss condition ip", ossCond, anon, "oss:GetObject", ossRes, Values{"acs:SourceIp": {"127.0.0.1"}, "oss:Referer": {"http://www.example.com/a"}}, NotApplicable)
	add("oss condition referer", ossCond, anon, "oss:GetObject", ossRes, Values{"acs:SourceIp": {"192.0.2.1"}}, NotApplicable)
	ossVar := `{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:bkt/${acs:username}"]}]}`
	add("oss no variables", ossVar, anon, "oss:GetObject", "acs:oss:r:1:bkt/${acs:username}", Values{"acs:username": {"x"}}, Allow)
	// A statement without a principal (OSS takes it): its Allow grants
	// no one, its Deny applies to everyone.
	ossNoPrincipal := `{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Resource":["acs:oss:*:*:bkt/*"]},` +
		`{"Effect":"Deny","Action":["oss:DeleteObject"],"Resource":["acs:oss:*:*:bkt/*"]}]}`
	add("oss no principal allow", ossNoPrincipal, anon, "oss:GetObject", ossRes, nil, NotApplicable)
	add("oss no principal allow account", ossNoPrincipal, rootA, "oss:GetObject", ossRes, nil, NotApplicable)
	add("oss no principal deny", ossNoPrincipal, rootB, "oss:DeleteObject", ossRes, nil, Deny)
	add("oss no principal deny anon", ossNoPrincipal, anon, "oss:DeleteObject", ossRes, nil, Deny)
	// "*" without a Condition applies to every user but the bucket owner;
	// with one, to the bucket owner too; a statement naming the bucket
	// owner's UID applies to it. AWS policies do not spare it.
	owner := rootA
	owner.BucketOwner = true
	ossDenyAnyone := `{"Version":"1","Statement":[{"Effect":"Deny","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:bkt/*"]}]}`
	add("oss anyone spares owner", ossDenyAnyone, owner, "oss:GetObject", ossRes, nil, NotApplicable)
	add("oss anyone other", ossDenyAnyone, rootB, "oss:GetObject", ossRes, nil, Deny)
	add("oss anyone anon", ossDenyAnyone, anon, "oss:GetObject", ossRes, nil, Deny)
	add("oss anyone owner not told", ossDenyAnyone, rootA, "oss:GetObject", ossRes, nil, Deny)
	ossDenyAnyoneCond := `{"Version":"1","Statement":[{"Effect":"Deny","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:bkt/*"],` +
		`"Condition":{"IpAddress":{"acs:SourceIp":["0.0.0.0/0"]}}}]}`
	add("oss anyone with condition owner", ossDenyAnyoneCond, owner, "oss:GetObject", ossRes, Values{"acs:SourceIp": {"192.0.2.1"}}, Deny)
	ossDenyOwnerUID := `{"Version":"1","Statement":[{"Effect":"Deny","Principal":["*","` + acctA + `"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:bkt/*"]}]}`
	add("oss owner named", ossDenyOwnerUID, owner, "oss:GetObject", ossRes, nil, Deny)
	awsDenyAnyone := doc(st("Deny", `"*"`, `"s3:GetObject"`, `"arn:aws:s3:::bkt/*"`, ""))
	add("aws anyone owner", awsDenyAnyone, owner, "s3:GetObject", objARN, nil, Deny)
	return rows
}

func TestDecisionTable(t *testing.T) {
	rows := decisionRows()
	require.GreaterOrEqual(t, len(rows), 200)
	for i, r := range rows {
		t.Run(fmt.Sprintf("%03d %s", i, r.name), func(t *testing.T) {
			lang := AWS
			if strings.Contains(r.policy, `"Version":"1"`) {
				lang = OSS
			}
			p, err := Parse([]byte(r.policy), lang, "bkt")
			require.NoError(t, err, r.policy)
			req := &Request{Principal: r.who, Action: r.action, Resource: r.res}
			if r.ctx != nil {
				req.Context = r.ctx
			}
			require.Equal(t, r.want, p.Evaluate(req), "%s\n%+v", r.policy, r.ctx)
			// The canonical rendering decides the same.
			p2, err := Parse(p.Render(), lang, "bkt")
			require.NoError(t, err)
			require.Equal(t, r.want, p2.Evaluate(req))
		})
	}
}
