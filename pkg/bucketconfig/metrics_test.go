package bucketconfig

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMetricsValidate: IDs, filter forms and set order are checked; a
// filter selects object requests meeting every condition.
func TestMetricsValidate(t *testing.T) {
	for _, c := range []MetricsConfiguration{
		{ID: "all"},
		{ID: "p", Form: "Prefix", Prefix: "docs/"},
		{ID: "empty", Form: "Prefix"}, // every object request
		{ID: "t", Form: "Tag", Tags: []Tag{{"k", "v"}}},
		{ID: "ap", Form: "AccessPointArn", AccessPointARN: "arn:aws:s3:us-east-1:1:accesspoint/x"},
		{ID: "and.1_x-y", Form: "And", Prefix: "a", Tags: []Tag{{"k", "v"}, {"k2", ""}}},
	} {
		require.NoError(t, c.Validate(), c.ID)
	}
	for _, c := range []MetricsConfiguration{
		{ID: ""},
		{ID: "has space"},
		{ID: string(make([]byte, 65))},
		{ID: "x", Prefix: "p"}, // conditions without a filter
		{ID: "x", Form: "Prefix", Prefix: "a", Tags: []Tag{{"k", "v"}}},
		{ID: "x", Form: "Tag", Tags: []Tag{{"", "v"}}}, // empty key
		{ID: "x", Form: "And", Prefix: "a"},            // And of one condition
		{ID: "x", Form: "And", Tags: []Tag{{"k", "1"}, {"k", "2"}}},
		{ID: "x", Form: "AccessPointArn", AccessPointARN: "ap"},
		{ID: "x", Form: "Other"},
	} {
		require.ErrorIs(t, c.Validate(), ErrInvalid, "%+v", c)
	}
	set := (&Metrics{}).With(MetricsConfiguration{ID: "b"}).With(MetricsConfiguration{ID: "a"})
	require.NoError(t, set.Validate())
	require.Equal(t, "a", set.Configurations[0].ID)
	require.ErrorIs(t, (&Metrics{Configurations: []MetricsConfiguration{{ID: "b"}, {ID: "a"}}}).Validate(), ErrInvalid)
	rest, ok := set.Without("a")
	require.True(t, ok)
	require.Len(t, rest.Configurations, 1)
	require.Len(t, set.Configurations, 2, "Without copies")

	f := MetricsConfiguration{ID: "x", Form: "And", Prefix: "docs/", Tags: []Tag{{"team", "a"}}}
	require.True(t, f.Selects("docs/1", map[string]string{"team": "a", "other": "b"}))
	require.False(t, f.Selects("docs/1", map[string]string{"team": "b"}))
	require.False(t, f.Selects("img/1", map[string]string{"team": "a"}))
	require.False(t, f.Selects("", nil), "a filter selects object requests only")
	require.True(t, (&MetricsConfiguration{ID: "all"}).Selects("", nil))
}
