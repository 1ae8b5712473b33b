package metaquery

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// SEC6-5: the distinct and group aggregations kept every distinct value
// of the files a DoMetaQuery scanned, without bound: twenty of them over
// Filename (or ETag, OSSCRC64, a user metadata value) held a large
// bucket's names twenty times in one request's memory. Together they
// keep at most MaxDistinctBytes; past it the query is refused.
func TestReview25DistinctValuesAreBounded(t *testing.T) {
	old := MaxDistinctBytes
	MaxDistinctBytes = 1 << 20
	t.Cleanup(func() { MaxDistinctBytes = old })

	aggs := make([]Aggregation, MaxAggregations)
	for i := range aggs {
		aggs[i] = Aggregation{Field: "Filename", Operation: []string{"distinct", "group"}[i%2]}
	}
	s, err := New(Request{Query: mustParse(t, cond("Size", "gte", "0")), Aggregations: aggs})
	require.NoError(t, err)
	name := strings.Repeat("n", 1000)
	for i := range 2000 { // 2 MB of names, 40 MB kept by twenty aggregations
		s.Add(&File{Filename: fmt.Sprintf("%s%06d", name, i)})
		if s.Err() != nil {
			break
		}
	}
	require.Error(t, s.Err())
	require.True(t, errors.Is(s.Err(), ErrInvalid))

	// A query within the bound answers as ever.
	s, err = New(Request{Query: mustParse(t, cond("Size", "gte", "0")), Aggregations: []Aggregation{{Field: "Filename", Operation: "distinct"}}})
	require.NoError(t, err)
	for i := range 100 {
		s.Add(&File{Filename: fmt.Sprintf("%s%06d", name, i%10)})
	}
	require.NoError(t, s.Err())
	_, _, res := s.Result()
	require.Equal(t, float64(10), res[0].Value)
}
