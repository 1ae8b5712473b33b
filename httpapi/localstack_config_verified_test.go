package httpapi_test

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file hold osslite to the answers LocalStack's
// tests/aws/services/s3/test_s3.py recorded from AWS for its lifecycle
// and logging classes (TestS3BucketLifecycle, TestS3BucketLogging) in
// test_s3.snapshot.json (docs/sdk-suites.md, "LocalStack's AWS
// snapshots", thirtieth session).

// lifecycleDoc wraps rules in a LifecycleConfiguration.
func lifecycleDoc(rules ...string) []byte {
	return []byte("<LifecycleConfiguration>" + strings.Join(rules, "") + "</LifecycleConfiguration>")
}

// TestLocalStackLifecycleSchema: test_put_bucket_lifecycle_conf_exc. A
// rule without Filter (or the deprecated Prefix), a Filter with two
// conditions outside an And, ExpiredObjectDeleteMarker with Days and an
// empty NoncurrentVersionExpiration are MalformedXML; a filter naming a
// tag key twice is InvalidRequest; a Date off midnight names the
// argument. OSS keeps its own answers.
func TestLocalStackLifecycleSchema(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "lcs")
	exp := "<Expiration><Days>7</Days></Expiration>"
	for _, tc := range []struct {
		name, rule string
		code, msg  string
		fields     map[string]string
	}{
		{"missing filter", "<Rule><ID>r</ID><Status>Enabled</Status>" + exp + "</Rule>", "MalformedXML", "", nil},
		{"and plus prefix", "<Rule><ID>r</ID><Filter><And><Prefix>test</Prefix></And><Prefix></Prefix></Filter><Status>Enabled</Status>" + exp + "</Rule>", "MalformedXML", "", nil},
		{"size plus prefix", "<Rule><ID>r</ID><Filter><ObjectSizeGreaterThan>500</ObjectSizeGreaterThan><Prefix></Prefix></Filter><Status>Enabled</Status>" + exp + "</Rule>", "MalformedXML", "", nil},
		{"empty noncurrent expiration", "<Rule><ID>r</ID><Filter/><Status>Enabled</Status>" + exp + "<NoncurrentVersionExpiration/></Rule>", "MalformedXML", "", nil},
		{"delete marker and days", "<Rule><ID>r</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>", "MalformedXML", "", nil},
		{"duplicate tag keys", "<Rule><ID>r</ID><Filter><And><Tag><Key>k</Key><Value>a</Value></Tag><Tag><Key>k</Key><Value>b</Value></Tag></And></Filter><Status>Enabled</Status>" + exp + "</Rule>",
			"InvalidRequest", "Duplicate Tag Keys are not allowed.", nil},
		{"date off midnight", "<Rule><ID>r</ID><Filter/><Status>Enabled</Status><Expiration><Date>2023-01-01T02:02:00Z</Date></Expiration></Rule>",
			"InvalidArgument", "'Date' must be at midnight GMT", map[string]string{"ArgumentName": "Date", "ArgumentValue": "2023-01-01T02:02:00Z"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, raw{method: "PUT", path: "/lcs?lifecycle", body: lifecycleDoc(tc.rule)})
			require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
			got := errFields(t, r.body)
			assert.Equal(t, tc.code, got["Code"])
			if tc.msg != "" {
				assert.Equal(t, tc.msg, got["Message"])
			}
			for k, v := range tc.fields {
				assert.Equal(t, v, got[k], k)
			}
		})
	}
	// The forms S3 takes still pass: the deprecated Prefix, an And with two
	// conditions, NoncurrentVersionExpiration with its days.
	for _, rule := range []string{
		"<Rule><ID>a</ID><Prefix>p/</Prefix><Status>Enabled</Status>" + exp + "</Rule>",
		"<Rule><ID>b</ID><Filter><And><Prefix>p/</Prefix><ObjectSizeGreaterThan>500</ObjectSizeGreaterThan></And></Filter><Status>Enabled</Status>" + exp + "</Rule>",
		"<Rule><ID>c</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule>",
	} {
		must(t, f.do(t, raw{method: "PUT", path: "/lcs?lifecycle", body: lifecycleDoc(rule)}).errOrNil())
	}
	// OSS rules have no Filter: the S3 schema is not theirs.
	oss := f.do(t, raw{method: "PUT", path: "/lcs?lifecycle", sign: "oss-v1",
		body: lifecycleDoc("<Rule><ID>o</ID><Prefix>p/</Prefix><Status>Enabled</Status>" + exp + "</Rule>")})
	must(t, oss.errOrNil())
}

// TestLocalStackLifecycleEmptyFilter: a rule put with an empty Filter
// reads back with an empty Filter (test_bucket_lifecycle_configuration_date,
// _object_expiry_versioned), one put with an empty Prefix with it.
func TestLocalStackLifecycleEmptyFilter(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "lcs")
	must(t, f.do(t, raw{method: "PUT", path: "/lcs?lifecycle", body: lifecycleDoc(
		"<Rule><ID>empty</ID><Filter></Filter><Status>Enabled</Status><Expiration><Days>7</Days></Expiration></Rule>",
		"<Rule><ID>prefix</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><Expiration><Days>7</Days></Expiration></Rule>",
	)}).errOrNil())
	r := f.do(t, raw{method: "GET", path: "/lcs?lifecycle"})
	must(t, r.errOrNil())
	body := string(r.body)
	assert.Contains(t, body, "<ID>empty</ID><Filter></Filter>", body)
	assert.Contains(t, body, "<ID>prefix</ID><Filter><Prefix></Prefix></Filter>", body)
}

// TestLocalStackExpirationNotOnVersionRead: S3 answers x-amz-expiration
// to a HEAD or GET by key only; naming a versionId, even the current
// version's, gets none (test_bucket_lifecycle_configuration_object_expiry_versioned).
func TestLocalStackExpirationNotOnVersionRead(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "lcv")
	must(t, f.do(t, raw{method: "PUT", path: "/lcv?versioning", body: []byte("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/lcv?lifecycle", body: lifecycleDoc(
		"<Rule><ID>rule2</ID><Filter/><Status>Enabled</Status><Expiration><Days>3</Days></Expiration><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule>")}).errOrNil())
	put := f.do(t, raw{method: "PUT", path: "/lcv/k", body: []byte("test")})
	must(t, put.errOrNil())
	vid := put.Header.Get("x-amz-version-id")
	require.NotEmpty(t, vid)
	assert.Contains(t, put.Header.Get("x-amz-expiration"), `rule-id="rule2"`)
	for _, m := range []string{"HEAD", "GET"} {
		byKey := f.do(t, raw{method: m, path: "/lcv/k"})
		must(t, byKey.errOrNil())
		assert.Contains(t, byKey.Header.Get("x-amz-expiration"), `rule-id="rule2"`, m)
		byVersion := f.do(t, raw{method: m, path: "/lcv/k?versionId=" + vid})
		must(t, byVersion.errOrNil())
		assert.Empty(t, byVersion.Header.Get("x-amz-expiration"), m)
	}
}

// TestLocalStackLoggingGrantsAndRegions: PutBucketLogging takes a
// READ_ACP target grant and reads the grantee's xsi:type back
// (test_put_bucket_logging_accept_wrong_grants); a target bucket in
// another region is 403 CrossLocationLoggingProhibitted naming the
// target's region, and the source's unless it is us-east-1
// (test_put_bucket_logging_wrong_target, _cross_locations).
func TestLocalStackLoggingGrantsAndRegions(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "src")
	seedBucket(t, f, "dst")
	region := func(name string) []byte {
		return []byte("<CreateBucketConfiguration><LocationConstraint>" + name + "</LocationConstraint></CreateBucketConfiguration>")
	}
	must(t, f.do(t, raw{method: "PUT", path: "/src-east2", body: region("us-east-2")}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/dst-west2", body: region("us-west-2")}).errOrNil())

	grant := func(perm string) string {
		return `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/s3/LogDelivery</URI></Grantee><Permission>` + perm + `</Permission></Grant>`
	}
	status := func(target, grants string) []byte {
		return []byte(`<BucketLoggingStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LoggingEnabled><TargetBucket>` + target +
			`</TargetBucket><TargetPrefix>log</TargetPrefix>` + grants + `</LoggingEnabled></BucketLoggingStatus>`)
	}
	must(t, f.do(t, raw{method: "PUT", path: "/src?logging", body: status("dst", "<TargetGrants>"+grant("WRITE")+grant("READ_ACP")+"</TargetGrants>")}).errOrNil())
	r := f.do(t, raw{method: "GET", path: "/src?logging"})
	must(t, r.errOrNil())
	assert.Equal(t, 2, strings.Count(string(r.body), `xsi:type="Group"`), string(r.body))
	assert.Contains(t, string(r.body), "<Permission>READ_ACP</Permission>")

	for _, tc := range []struct {
		src    string
		fields map[string]string
	}{
		{"src", map[string]string{"TargetBucketLocation": "us-west-2", "SourceBucketLocation": ""}},
		{"src-east2", map[string]string{"TargetBucketLocation": "us-west-2", "SourceBucketLocation": "us-east-2"}},
	} {
		r := f.do(t, raw{method: "PUT", path: "/" + tc.src + "?logging", body: status("dst-west2", "")})
		require.Equal(t, http.StatusForbidden, r.StatusCode, string(r.body))
		got := errFields(t, r.body)
		assert.Equal(t, "CrossLocationLoggingProhibitted", got["Code"])
		assert.Equal(t, "Cross S3 location logging not allowed. ", got["Message"])
		for k, v := range tc.fields {
			assert.Equal(t, v, got[k], tc.src+" "+k)
		}
	}
}

// TestLocalStackReplicationIDAndEmptyFilter: GetBucketReplication names
// every rule, one put without an ID too (test_replication_config), and
// reads an empty Filter back empty (test_replication_config_without_filter).
func TestLocalStackReplicationIDAndEmptyFilter(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	for _, b := range []string{"rsrc", "rdst"} {
		seedBucket(t, f, b)
		must(t, f.do(t, raw{method: "PUT", path: "/" + b + "?versioning", body: []byte("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")}).errOrNil())
	}
	rule := func(id, filter string, prio int) string {
		return "<Rule>" + id + "<Priority>" + strconv.Itoa(prio) + "</Priority>" + filter + "<Status>Enabled</Status>" +
			"<DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication><Destination><Bucket>arn:aws:s3:::rdst</Bucket></Destination></Rule>"
	}
	doc := "<ReplicationConfiguration><Role>arn:aws:iam::000000000000:role/r</Role>" +
		rule("", "<Filter><Prefix>Tax</Prefix></Filter>", 1) +
		rule("<ID>rule-1</ID>", "<Filter></Filter>", 2) +
		"</ReplicationConfiguration>"
	must(t, f.do(t, raw{method: "PUT", path: "/rsrc?replication", body: []byte(doc)}).errOrNil())
	r := f.do(t, raw{method: "GET", path: "/rsrc?replication"})
	must(t, r.errOrNil())
	var got struct {
		Rules []struct {
			ID     string
			Filter struct {
				Inner string `xml:",innerxml"`
			}
		} `xml:"Rule"`
	}
	require.NoError(t, xml.Unmarshal(r.body, &got), string(r.body))
	require.Len(t, got.Rules, 2, string(r.body))
	assert.NotEmpty(t, got.Rules[0].ID, "a rule put without an ID gets one")
	assert.NotEqual(t, "rule-1", got.Rules[0].ID, "the generated ID is not another rule's")
	assert.Equal(t, "<Prefix>Tax</Prefix>", got.Rules[0].Filter.Inner)
	assert.Equal(t, "rule-1", got.Rules[1].ID)
	assert.Empty(t, got.Rules[1].Filter.Inner, "an empty Filter reads back empty")
}
