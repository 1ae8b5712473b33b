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
