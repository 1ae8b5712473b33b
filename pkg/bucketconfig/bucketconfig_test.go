package bucketconfig

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRoundTrip(t *testing.T) {
	for _, c := range []Config{
		&Versioning{Status: "Enabled"},
		&Versioning{Status: "Suspended", MFADelete: "Disabled"},
		&Tagging{Tags: []Tag{{"b", "2"}, {"a", ""}}},
		&Encryption{Algorithm: "aws:kms", KeyID: "k1", BucketKey: true},
		&Inventory{Configurations: []InventoryConfiguration{
			{ID: "a", Enabled: true, Prefix: "p/", IncludedVersions: "All", Frequency: "Weekly", OptionalFields: []string{"ETag", "Size"},
				Destination: InventoryDestination{Bucket: "arn:aws:s3:::dst", Format: "CSV", Prefix: "r", Encryption: "SSE-KMS", KMSKeyID: "k"}},
			{ID: "b", IncludedVersions: "Current", Frequency: "Daily", Destination: InventoryDestination{Bucket: "arn:aws:s3:::dst", Format: "Parquet"}},
		}},
	} {
		doc, err := Encode(c)
		require.NoError(t, err)
		back, err := Decode(c.Kind(), doc)
		require.NoError(t, err)
		require.Equal(t, c, back)
	}
}

func TestValidate(t *testing.T) {
	many := &Tagging{}
	for i := 0; i <= MaxBucketTags; i++ {
		many.Tags = append(many.Tags, Tag{Key: string(rune('a'+i%26)) + string(rune('a'+i/26))})
	}
	for _, c := range []Config{
		&Versioning{Status: "On"},
		&Versioning{Status: "Enabled", MFADelete: "Maybe"},
		&Tagging{Tags: []Tag{{"k", "1"}, {"k", "2"}}},
		&Tagging{Tags: []Tag{{"", "1"}}},
		many,
		&Encryption{Algorithm: "ROT13"},
	} {
		_, err := Encode(c)
		require.ErrorIs(t, err, ErrInvalid, "%+v", c)
	}
	_, err := Decode("nonsense", nil)
	require.ErrorIs(t, err, ErrUnknownKind)
	_, err = Decode(KindVersioning, []byte("{"))
	require.ErrorIs(t, err, ErrInvalid)
}

// TestLegacyTagging reads the XML document earlier versions stored.
func TestLegacyTagging(t *testing.T) {
	c, err := Decode(KindTagging, []byte(`<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`))
	require.NoError(t, err)
	require.Equal(t, &Tagging{Tags: []Tag{{"k", "v"}}}, c)
}

func TestAccessKinds(t *testing.T) {
	for _, c := range []Config{
		&Policy{Language: "aws", Document: `{"Statement":[]}`},
		&Referer{AllowEmpty: true, AllowTruncateQueryString: true, List: []string{"http://*.example.com"}, Blacklist: []string{"http://bad?.com"}},
		&RequestPayment{Payer: "Requester"},
	} {
		doc, err := Encode(c)
		require.NoError(t, err)
		back, err := Decode(c.Kind(), doc)
		require.NoError(t, err)
		require.Equal(t, c, back)
	}
	for _, c := range []Config{
		&Policy{Language: "gcp", Document: `{}`},
		&Policy{Language: "aws", Document: `{`},
		&Referer{TruncatePath: true},
		&Referer{List: []string{""}},
		&RequestPayment{Payer: "Nobody"},
	} {
		_, err := Encode(c)
		require.ErrorIs(t, err, ErrInvalid, "%+v", c)
	}
	p := &Policy{Language: "aws", Document: `{}`}
	n := 0
	parse := func(*Policy) (any, error) { n++; return n, nil }
	v1, _ := p.Parsed(parse)
	v2, _ := p.Parsed(parse)
	require.Equal(t, 1, v1)
	require.Equal(t, 1, v2)
}

// TestLifecycleLegacyPrefix: the form a rule was put in survives
// Encode and Decode, records stored before LegacyPrefix existed read as
// the Filter form, and a legacy Prefix is the rule's only condition.
func TestLifecycleLegacyPrefix(t *testing.T) {
	lc := &Lifecycle{Rules: []LifecycleRule{
		{ID: "legacy", Enabled: true, LegacyPrefix: true, Filter: LifecycleFilter{Prefix: "test1/"}, Expiration: &LifecycleExpiration{Days: 31}},
		{ID: "all", LegacyPrefix: true, Expiration: &LifecycleExpiration{Days: 365}},
		{ID: "filter", Enabled: true, Filter: LifecycleFilter{Prefix: "test2/"}, Expiration: &LifecycleExpiration{Days: 120}},
	}}
	doc, err := Encode(lc)
	require.NoError(t, err)
	back, err := Decode(KindLifecycle, doc)
	require.NoError(t, err)
	require.Equal(t, lc, back)

	old, err := Decode(KindLifecycle, []byte(`{"rules":[{"id":"r","enabled":true,"filter":{"prefix":"p/"},"expiration":{"days":1}}]}`))
	require.NoError(t, err)
	require.False(t, old.(*Lifecycle).Rules[0].LegacyPrefix)

	_, err = Encode(&Lifecycle{Rules: []LifecycleRule{{ID: "t", LegacyPrefix: true,
		Filter: LifecycleFilter{Prefix: "p/", Tags: []Tag{{"k", "v"}}}, Expiration: &LifecycleExpiration{Days: 1}}}})
	require.ErrorIs(t, err, ErrInvalid)
}
