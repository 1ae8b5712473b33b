package bucketconfig

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestReplicationMatch(t *testing.T) {
	dest := ReplicationDestination{Bucket: "arn:aws:s3:::dst"}
	r := &Replication{Rules: []ReplicationRule{
		{ID: "low", Priority: 1, Enabled: true, FilterForm: "filter", Filter: ReplicationFilter{Prefix: "a/"}, DeleteMarkers: true, Destination: dest},
		{ID: "high", Priority: 2, Enabled: true, FilterForm: "filter", Filter: ReplicationFilter{Prefix: "a/", Tags: []Tag{{"k", "v"}}}, Destination: dest},
		{ID: "off", Priority: 3, Enabled: false, FilterForm: "filter", Filter: ReplicationFilter{Prefix: "b/"}, Destination: dest},
		{ID: "oss", FilterForm: "oss", Enabled: true, Filter: ReplicationFilter{Prefixes: []string{"c/", "d/"}}, Destination: dest},
	}}
	for _, c := range []struct {
		name   string
		key    string
		tags   []Tag
		marker bool
		want   string
	}{
		{"prefix", "a/x", nil, false, "low"},
		{"tags win by priority", "a/x", []Tag{{"k", "v"}}, false, "high"},
		{"markers skip tag rules", "a/x", nil, true, "low"},
		{"disabled", "b/x", nil, false, ""},
		{"prefix set", "d/x", nil, false, "oss"},
		{"no rule", "z", nil, false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := r.Match(c.key, c.tags, c.marker)
			if c.want == "" {
				assert.Nil(t, got)
				return
			}
			if assert.NotNil(t, got) {
				assert.Equal(t, c.want, got.ID)
			}
		})
	}
	assert.NoError(t, r.Validate())
}

// TestReplicationMatches: one rule per destination, the highest-priority
// one among the rules naming it that select the object (S3 replicates
// "according to all replication rules", the priority deciding between
// rules with the same destination), in the order of the rules.
func TestReplicationMatches(t *testing.T) {
	to := func(b string) ReplicationDestination { return ReplicationDestination{Bucket: "arn:aws:s3:::" + b} }
	r := &Replication{Rules: []ReplicationRule{
		{ID: "a-low", Priority: 1, Enabled: true, FilterForm: "filter", DeleteMarkers: true, Destination: to("a")},
		{ID: "b", Priority: 2, Enabled: true, FilterForm: "filter", Filter: ReplicationFilter{Prefix: "x/"}, Destination: to("b")},
		{ID: "a-high", Priority: 3, Enabled: true, FilterForm: "filter", Filter: ReplicationFilter{Prefix: "x/"}, Destination: to("a")},
		{ID: "c-off", Priority: 4, Enabled: false, FilterForm: "filter", Destination: to("c")},
	}}
	ids := func(rules []*ReplicationRule) []string {
		var out []string
		for _, rule := range rules {
			out = append(out, rule.ID)
		}
		return out
	}
	for _, c := range []struct {
		name   string
		key    string
		marker bool
		want   []string
	}{
		{name: "both destinations, the higher rule to a", key: "x/1", want: []string{"a-high", "b"}},
		{name: "only the lower rule to a selects", key: "y/1", want: []string{"a-low"}},
		{name: "delete marker: only rules that replicate markers", key: "x/1", marker: true, want: []string{"a-low"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, ids(r.Matches(nil, c.key, nil, c.marker)))
			assert.Equal(t, r.Match(c.key, nil, c.marker), r.MatchTo("", c.key, nil, c.marker))
		})
	}
	pre := []*ReplicationRule{&r.Rules[3]}
	assert.Equal(t, []string{"c-off", "a-high", "b"}, ids(r.Matches(pre, "x/1", nil, false)), "appended after what dst holds")
	assert.Equal(t, "a-low", r.MatchTo("arn:aws:s3:::a", "y/1", nil, false).ID)
	assert.Nil(t, r.MatchTo("arn:aws:s3:::b", "y/1", nil, false))
}

func TestReplicationValidate(t *testing.T) {
	dest := ReplicationDestination{Bucket: "arn:aws:s3:::dst"}
	for _, c := range []struct {
		name string
		r    Replication
	}{
		{"no rules", Replication{}},
		{"bad arn", Replication{Rules: []ReplicationRule{{Destination: ReplicationDestination{Bucket: "dst"}}}}},
		{"duplicate id", Replication{Rules: []ReplicationRule{{ID: "a", Destination: dest}, {ID: "a", Destination: dest}}}},
		{"same priority", Replication{Rules: []ReplicationRule{{ID: "a", FilterForm: "filter", Destination: dest}, {ID: "b", FilterForm: "filter", Destination: dest}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.True(t, errors.Is(c.r.Validate(), ErrInvalid))
		})
	}
}
