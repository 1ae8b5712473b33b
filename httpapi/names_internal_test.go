package httpapi

import (
	"strings"
	"testing"

	"github.com/osslite/osslite/engine"
	"github.com/stretchr/testify/require"
)

func TestBucketNames(t *testing.T) {
	for _, tc := range []struct {
		name     string
		s3, oss  bool
		contains string
	}{
		{name: "abc", s3: true, oss: true},
		{name: "my-bucket-1", s3: true, oss: true},
		{name: "my.bucket", s3: true, oss: false},
		{name: "ab", contains: "3 to 63"},
		{name: strings.Repeat("a", 64), contains: "3 to 63"},
		{name: strings.Repeat("a", 63), s3: true, oss: true},
		{name: "Abc", contains: "contains"},
		{name: "-abc", contains: "begin and end"},
		{name: "abc-", contains: "begin and end"},
		{name: "a..b", oss: false, contains: `".."`},
		{name: "a.-b", contains: `".-"`},
		{name: "a-.b", contains: `"-."`},
		{name: "192.168.5.4", contains: "IP address"},
		{name: "xn--abc", oss: true, contains: "reserved prefix"},
		{name: "abc-s3alias", oss: true, contains: "reserved suffix"},
		{name: "a_b", contains: "contains"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s3BucketName(tc.name)
			if tc.s3 {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, engine.ErrInvalidBucketName)
				require.Contains(t, err.Error(), tc.contains)
			}
			err = oss.bucketName(tc.name)
			if tc.oss {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, engine.ErrInvalidBucketName)
			}
		})
	}
}

func TestParseRange(t *testing.T) {
	for _, tc := range []struct {
		header string
		ok     bool
		r      engine.ByteRange
	}{
		{"bytes=0-99", true, engine.ByteRange{Start: 0, End: 99}},
		{"bytes=5-", true, engine.ByteRange{Start: 5, End: -1}},
		{"bytes=-20", true, engine.ByteRange{Start: -1, End: -1, Suffix: 20}},
		{" bytes=1-2 ", true, engine.ByteRange{Start: 1, End: 2}},
		{"bytes=0-1,3-4", false, engine.ByteRange{}},
		{"bytes=5-1", false, engine.ByteRange{}},
		{"bytes=a-1", false, engine.ByteRange{}},
		{"bytes=-", false, engine.ByteRange{}},
		{"items=0-1", false, engine.ByteRange{}},
		{"bytes=+1-2", false, engine.ByteRange{}},
		{"bytes=99999999999999999999-", false, engine.ByteRange{}},
	} {
		r, ok := parseRange(tc.header)
		require.Equal(t, tc.ok, ok, tc.header)
		require.Equal(t, tc.r, r, tc.header)
	}
}
