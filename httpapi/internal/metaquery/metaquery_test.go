package metaquery

import (
	"cmp"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// cond is the JSON of one comparison.
func cond(field, op, value string) string {
	return fmt.Sprintf(`{"Field":%q,"Value":%q,"Operation":%q}`, field, value, op)
}

// logic is the JSON of and/or/not over sub-queries.
func logic(op string, subs ...string) string {
	return fmt.Sprintf(`{"Operation":%q,"SubQueries":[%s]}`, op, strings.Join(subs, ","))
}

func mustParse(t testing.TB, s string) *Query {
	t.Helper()
	q, err := Parse(s)
	require.NoError(t, err, "query %s", s)
	return q
}

func requireInvalid(t testing.TB, err error, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.True(t, errors.Is(err, ErrInvalid), "error %v does not wrap ErrInvalid", err)
}

var baseTime = time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)

// sampleFile is a file every Parse test evaluates against.
func sampleFile() *File {
	return &File{
		Filename:     "photos/2024/cat.jpg",
		Size:         1048576,
		Modified:     baseTime,
		ObjectType:   "Normal",
		StorageClass: "ColdArchive",
		ACL:          "private",
		ETag:         `"5B3E9F6A0C1D2E3F4A5B6C7D8E9F0A1B"`,
		CRC64:        "1234567890",
		SSE:          "KMS",
		Tags:         []Tag{{"project", "alpha"}, {"owner", "bob"}},
		UserMeta:     map[string]string{"x-oss-meta-location": "hangzhou"},
	}
}

func TestParseComparisons(t *testing.T) {
	f := sampleFile()
	cases := []struct {
		field, op, value string
		want             bool
	}{
		// Size: numeric comparison (not lexicographic: "999999" < "1048576"
		// as numbers but not as strings).
		{"Size", "eq", "1048576", true},
		{"Size", "eq", "1048577", false},
		{"Size", "eq", " 1048576 ", true},
		{"Size", "eq", "1048576.0", true},
		{"Size", "gt", "999999", true},
		{"Size", "gt", "1048576", false},
		{"Size", "gt", "2000000", false},
		{"Size", "gte", "1048576", true},
		{"Size", "gte", "1048577", false},
		{"Size", "lt", "1048577", true},
		{"Size", "lt", "1048576", false},
		{"Size", "lt", "999999", false},
		{"Size", "lte", "1048576", true},
		{"Size", "lte", "1048575", false},
		{"Size", "lt", "10000000", true},

		// FileModifiedTime: RFC 3339 instants, compared as times.
		{"FileModifiedTime", "eq", "2024-03-10T12:00:00Z", true},
		{"FileModifiedTime", "eq", "2024-03-10T20:00:00+08:00", true}, // same instant
		{"FileModifiedTime", "eq", "2024-03-10T12:00:00.000000001Z", false},
		{"FileModifiedTime", "gt", "2024-03-10T11:59:59Z", true},
		{"FileModifiedTime", "gt", "2024-03-10T12:00:00Z", false},
		{"FileModifiedTime", "gt", "2024-03-10T19:00:00+08:00", true}, // 11:00Z
		{"FileModifiedTime", "gte", "2024-03-10T12:00:00Z", true},
		{"FileModifiedTime", "gte", "2024-03-10T12:00:01Z", false},
		{"FileModifiedTime", "lt", "2024-03-10T12:00:01Z", true},
		{"FileModifiedTime", "lt", "2024-03-10T12:00:00Z", false},
		{"FileModifiedTime", "lte", "2024-03-10T12:00:00Z", true},
		{"FileModifiedTime", "lte", "2024-03-10T11:59:59.999Z", false},

		// Filename: strings, compared byte-wise.
		{"Filename", "eq", "photos/2024/cat.jpg", true},
		{"Filename", "eq", "photos/2024/cat.JPG", false},
		{"Filename", "eq", "photos/2024/cat", false},
		{"Filename", "gt", "photos/2024/cat", true},
		{"Filename", "gt", "photos/2024/cat.jpg", false},
		{"Filename", "gt", "zzz", false},
		{"Filename", "gte", "photos/2024/cat.jpg", true},
		{"Filename", "gte", "photos/2024/dog", false},
		{"Filename", "lt", "photos/2024/dog", true},
		{"Filename", "lt", "photos/2024/cat.jpg", false},
		{"Filename", "lte", "photos/2024/cat.jpg", true},
		{"Filename", "lte", "photos/2024/ca", false},

		// match is a substring; prefix a prefix.
		{"Filename", "match", "2024/ca", true},
		{"Filename", "match", ".jpg", true},
		{"Filename", "match", "photos", true},
		{"Filename", "match", "dog", false},
		{"Filename", "match", "CAT", false},
		{"Filename", "prefix", "photos/", true},
		{"Filename", "prefix", "photos/2024/cat.jpg", true},
		{"Filename", "prefix", "2024", false},
		{"Filename", "prefix", "cat", false},

		{"OSSStorageClass", "prefix", "Cold", true},
		{"OSSStorageClass", "prefix", "ColdArchive", true},
		{"OSSStorageClass", "prefix", "Archive", false},
		{"OSSStorageClass", "eq", "ColdArchive", true},
		{"OSSStorageClass", "eq", "Cold", false},

		// ETag: quotes and case do not count.
		{"ETag", "eq", "5B3E9F6A0C1D2E3F4A5B6C7D8E9F0A1B", true},
		{"ETag", "eq", "5b3e9f6a0c1d2e3f4a5b6c7d8e9f0a1b", true},
		{"ETag", "eq", `"5b3e9f6a0c1d2e3f4a5b6c7d8e9f0a1b"`, true},
		{"ETag", "eq", `"5B3E9F6A0C1D2E3F4A5B6C7D8E9F0A1C"`, false},
		{"ETag", "prefix", `"5b3e`, true},
		{"ETag", "prefix", "0a1b", false},

		// Other plain fields.
		{"ObjectACL", "eq", "private", true},
		{"OSSObjectType", "eq", "Normal", true},
		{"OSSCRC64", "eq", "1234567890", true},
		{"ServerSideEncryption", "eq", "KMS", true},
		{"ServerSideEncryptionCustomerAlgorithm", "eq", "", true},
		{"OSSTaggingCount", "eq", "2", true},
		{"OSSTaggingCount", "gt", "2", false},

		// Tags.
		{"OSSTagging.project", "eq", "alpha", true},
		{"OSSTagging.project", "eq", "beta", false},
		{"OSSTagging.project", "prefix", "al", true},
		{"OSSTagging.owner", "eq", "bob", true},
		{"OSSTagging.owner", "gt", "alice", true},
		{"OSSTagging.Project", "eq", "alpha", false}, // tag keys are case-sensitive
		{"OSSTagging.missing", "eq", "", false},
		{"OSSTagging.missing", "lt", "zzz", false},
		{"OSSTagging.missing", "prefix", "", false},

		// User metadata: the name is case-insensitive, the value is not.
		{"OSSUserMeta.x-oss-meta-location", "eq", "hangzhou", true},
		{"OSSUserMeta.X-Oss-Meta-Location", "eq", "hangzhou", true},
		{"OSSUserMeta.X-OSS-META-LOCATION", "prefix", "hang", true},
		{"OSSUserMeta.x-oss-meta-location", "eq", "Hangzhou", false},
		{"OSSUserMeta.x-oss-meta-location", "eq", "beijing", false},
		{"OSSUserMeta.x-oss-meta-missing", "eq", "", false},
		{"OSSUserMeta.x-oss-meta-missing", "gte", "", false},
		{"OSSUserMeta.x-oss-meta-missing", "prefix", "", false},
	}
	for _, c := range cases {
		s := cond(c.field, c.op, c.value)
		t.Run(s, func(t *testing.T) {
			q := mustParse(t, s)
			require.NotNil(t, q)
			require.Equal(t, c.want, q.Match(f))
		})
	}
}

func TestParseMissingKeyNegated(t *testing.T) {
	f := sampleFile()
	for _, s := range []string{
		cond("OSSTagging.missing", "eq", "x"),
		cond("OSSTagging.missing", "eq", ""),
		cond("OSSUserMeta.x-oss-meta-missing", "eq", ""),
		cond("OSSUserMeta.X-Oss-Meta-Missing", "prefix", ""),
	} {
		require.False(t, mustParse(t, s).Match(f), s)
		require.True(t, mustParse(t, logic("not", s)).Match(f), "not %s", s)
	}
	// A file without any tags or metadata at all.
	bare := &File{Filename: "a"}
	require.False(t, mustParse(t, cond("OSSTagging.project", "eq", "alpha")).Match(bare))
	require.False(t, mustParse(t, cond("OSSUserMeta.x-oss-meta-location", "eq", "hangzhou")).Match(bare))
	require.True(t, mustParse(t, logic("not", cond("OSSUserMeta.x-oss-meta-location", "eq", "hangzhou"))).Match(bare))
	// The tag present but with another value: not of it matches too.
	require.True(t, mustParse(t, logic("not", cond("OSSTagging.project", "eq", "beta"))).Match(sampleFile()))
	require.False(t, mustParse(t, logic("not", cond("OSSTagging.project", "eq", "alpha"))).Match(sampleFile()))
}

func TestParseLogic(t *testing.T) {
	f := sampleFile()
	big := cond("Size", "gt", "1000000")     // true
	small := cond("Size", "lt", "1000")      // false
	jpg := cond("Filename", "match", ".jpg") // true
	png := cond("Filename", "match", ".png") // false
	cases := []struct {
		q    string
		want bool
	}{
		{logic("and", big), true},
		{logic("and", small), false},
		{logic("and", big, jpg), true},
		{logic("and", big, png), false},
		{logic("and", png, big), false},
		{logic("and", small, png), false},
		{logic("or", big), true},
		{logic("or", small), false},
		{logic("or", small, jpg), true},
		{logic("or", jpg, small), true},
		{logic("or", small, png), false},
		{logic("not", big), false},
		{logic("not", small), true},
		{logic("not", logic("not", big)), true},
		{logic("not", logic("and", big, png)), true},
		{logic("not", logic("or", small, jpg)), false},
		{logic("and", big, logic("or", png, logic("not", small))), true},
		{logic("and", big, logic("or", png, logic("not", jpg))), false},
		{logic("or", logic("and", small, jpg), logic("and", big, png)), false},
		{logic("or", logic("and", small, jpg), logic("and", big, jpg)), true},
		{logic("and",
			cond("OSSTagging.project", "eq", "alpha"),
			cond("OSSUserMeta.X-Oss-Meta-Location", "eq", "hangzhou"),
			cond("FileModifiedTime", "gte", "2024-01-01T00:00:00Z"),
			logic("not", cond("OSSStorageClass", "eq", "Standard"))), true},
	}
	for _, c := range cases {
		t.Run(c.q, func(t *testing.T) {
			require.Equal(t, c.want, mustParse(t, c.q).Match(f))
		})
	}
}

func TestParseEmpty(t *testing.T) {
	for _, s := range []string{"", "   ", "\n\t "} {
		q, err := Parse(s)
		require.NoError(t, err)
		require.Nil(t, q)
		require.True(t, q.Match(sampleFile()))
		require.True(t, q.Match(&File{}))
		require.Equal(t, "", q.FilenamePrefix())
	}
}

// nestNot wraps leaf in n nots.
func nestNot(n int, leaf string) string {
	for range n {
		leaf = logic("not", leaf)
	}
	return leaf
}

func TestParseErrors(t *testing.T) {
	leaf := cond("Size", "gt", "1")
	manyLeaves := func(n int) string {
		subs := make([]string, n)
		for i := range subs {
			subs[i] = cond("Size", "gt", fmt.Sprint(i))
		}
		return logic("or", subs...)
	}
	cases := map[string]string{
		"unknown field":              cond("Colour", "eq", "red"),
		"field case":                 cond("size", "eq", "1"),
		"empty tag key":              cond("OSSTagging.", "eq", "x"),
		"empty user meta name":       cond("OSSUserMeta.", "eq", "x"),
		"unknown operation":          cond("Size", "neq", "1"),
		"missing operation":          `{"Field":"Size","Value":"1"}`,
		"match on Size":              cond("Size", "match", "1"),
		"prefix on Size":             cond("Size", "prefix", "1"),
		"match on OSSStorageClass":   cond("OSSStorageClass", "match", "Arch"),
		"match on tag":               cond("OSSTagging.k", "match", "v"),
		"prefix on FileModifiedTime": cond("FileModifiedTime", "prefix", "2024"),
		"non-numeric Size":           cond("Size", "gt", "big"),
		"empty Size":                 cond("Size", "eq", ""),
		"NaN Size":                   cond("Size", "eq", "NaN"),
		"infinite Size":              cond("Size", "lt", "Inf"),
		"overflowing Size":           cond("Size", "lt", "1e400"),
		"bad time":                   cond("FileModifiedTime", "gt", "yesterday"),
		"date without time":          cond("FileModifiedTime", "gt", "2024-03-10"),
		"time without zone":          cond("FileModifiedTime", "gt", "2024-03-10T12:00:00"),
		"not with two":               logic("not", leaf, leaf),
		"not without":                logic("not"),
		"and without SubQueries":     `{"Operation":"and"}`,
		"and with empty SubQueries":  logic("and"),
		"or without SubQueries":      `{"Operation":"or","SubQueries":null}`,
		"leaf with SubQueries":       `{"Field":"Size","Value":"1","Operation":"gt","SubQueries":[` + leaf + `]}`,
		"bad sub-query":              logic("and", leaf, cond("Nope", "eq", "1")),
		"deep bad sub-query":         logic("or", leaf, logic("and", leaf, cond("Size", "match", "1"))),
		"too deep":                   nestNot(MaxDepth+1, leaf),
		"too many nodes":             manyLeaves(MaxNodes), // the or is one more
		"trailing garbage":           leaf + " x",
		"second value":               leaf + leaf,
		"trailing string":            leaf + ` "x"`,
		"malformed JSON":             `{"Field":"Size","Value":"1",`,
		"not an object":              `["Size","gt","1"]`,
		"number Value":               `{"Field":"Size","Value":1,"Operation":"gt"}`,
		"null":                       `null`,
		"plain text":                 `Size > 1`,
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			q, err := Parse(s)
			requireInvalid(t, err, "query %s", s)
			require.Nil(t, q)
		})
	}
}

func TestParseTrailingCloser(t *testing.T) {
	for _, s := range []string{
		cond("Size", "gt", "1") + "}",
		cond("Size", "gt", "1") + " ]",
		cond("Size", "gt", "1") + "}}}",
	} {
		_, err := Parse(s)
		requireInvalid(t, err, "query %s", s)
	}
}

func TestParseLimits(t *testing.T) {
	leaf := cond("Size", "gt", "1")
	// Exactly MaxDepth levels of and/or/not are fine; one more is not.
	q := mustParse(t, nestNot(MaxDepth, leaf))
	require.Equal(t, MaxDepth%2 == 0, q.Match(&File{Size: 2}))
	_, err := Parse(nestNot(MaxDepth+1, leaf))
	requireInvalid(t, err)

	// MaxNodes conditions in all (the and included) are fine.
	subs := make([]string, MaxNodes-1)
	for i := range subs {
		subs[i] = cond("Size", "gte", fmt.Sprint(i))
	}
	q = mustParse(t, logic("and", subs...))
	require.True(t, q.Match(&File{Size: int64(MaxNodes)}))
	require.False(t, q.Match(&File{Size: int64(MaxNodes - 3)}))
	_, err = Parse(logic("and", append(subs, leaf)...))
	requireInvalid(t, err)

	// Nodes count across nesting levels too.
	half := make([]string, MaxNodes/2)
	for i := range half {
		half[i] = leaf
	}
	_, err = Parse(logic("or", logic("and", half...), logic("and", half...)))
	requireInvalid(t, err)
}

func TestFilenamePrefix(t *testing.T) {
	cases := []struct {
		q, want string
	}{
		{cond("Filename", "prefix", "photos/"), "photos/"},
		{cond("Filename", "eq", "photos/cat.jpg"), "photos/cat.jpg"},
		{cond("Filename", "match", "photos/"), ""},
		{cond("Filename", "gt", "photos/"), ""},
		{cond("Filename", "lt", "photos/"), ""},
		{cond("OSSStorageClass", "prefix", "Cold"), ""},
		{cond("OSSTagging.Filename", "prefix", "x"), ""},
		{cond("Size", "gt", "1"), ""},
		{logic("and", cond("Filename", "prefix", "a/"), cond("Size", "gt", "1")), "a/"},
		{logic("and", cond("Size", "gt", "1"), cond("Filename", "prefix", "a/")), "a/"},
		{logic("and", cond("Filename", "prefix", "a/"), cond("Filename", "prefix", "a/b/c"), cond("Filename", "prefix", "a/b")), "a/b/c"},
		{logic("and", cond("Filename", "prefix", "a/b"), cond("Filename", "eq", "a/b/cat.jpg")), "a/b/cat.jpg"},
		{logic("and", cond("Size", "gt", "1"), logic("and", cond("Filename", "prefix", "x/y"))), "x/y"},
		{logic("and", cond("Filename", "prefix", "x"), logic("or", cond("Filename", "prefix", "x/yyyyy"))), "x"},
		{logic("or", cond("Filename", "prefix", "a/")), ""},
		{logic("or", cond("Filename", "prefix", "a/"), cond("Filename", "prefix", "a/b")), ""},
		{logic("not", cond("Filename", "prefix", "a/")), ""},
		{logic("not", cond("Filename", "eq", "a/b")), ""},
		{logic("and", logic("not", cond("Filename", "prefix", "a/"))), ""},
	}
	for _, c := range cases {
		t.Run(c.q, func(t *testing.T) {
			require.Equal(t, c.want, mustParse(t, c.q).FilenamePrefix())
		})
	}
}

// runPages runs req over files (in the order given) page by page until
// NextToken is "", checking each page's size, and returns every page.
func runPages(t *testing.T, req Request, files []*File) [][]*File {
	t.Helper()
	size := req.MaxResults
	if size == 0 {
		size = MaxResults
	}
	var pages [][]*File
	for range len(files) + 2 {
		s, err := New(req)
		require.NoError(t, err)
		for _, f := range files {
			s.Add(f)
		}
		page, next, aggs := s.Result()
		require.Empty(t, aggs)
		require.LessOrEqual(t, len(page), size)
		pages = append(pages, page)
		if next == "" {
			return pages
		}
		require.Len(t, page, size, "a page before the last is full")
		req.NextToken = next
	}
	t.Fatal("the paging did not end")
	return nil
}

func flatten(pages [][]*File) []*File {
	var all []*File
	for _, p := range pages {
		all = append(all, p...)
	}
	return all
}

func names(files []*File) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.Filename
	}
	return out
}

func shuffled(rng *rand.Rand, files []*File) []*File {
	out := slices.Clone(files)
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func TestSearchPagingDistinct(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// 250 files whose sizes are distinct and whose names sort in
	// another order than their sizes.
	var files []*File
	for i := range 250 {
		files = append(files, &File{
			Filename: fmt.Sprintf("f%03d", (i*97)%250),
			Size:     int64(i*13 + 5),
			Modified: baseTime.Add(time.Duration(i) * time.Second),
		})
	}
	// Every file but those with 1000 < Size < 1300.
	q := mustParse(t, logic("and",
		logic("not", logic("and", cond("Size", "gt", "1000"), cond("Size", "lt", "1300"))),
		cond("Size", "gte", "0")))
	want := func(desc bool) []*File {
		var out []*File
		for _, f := range files {
			if q.Match(f) {
				out = append(out, f)
			}
		}
		slices.SortFunc(out, func(a, b *File) int {
			if desc {
				return cmp.Compare(b.Size, a.Size)
			}
			return cmp.Compare(a.Size, b.Size)
		})
		return out
	}
	require.Less(t, len(want(false)), 250)
	require.Greater(t, len(want(false)), 200)

	for _, order := range []string{"asc", "desc"} {
		for _, max := range []int{100, 7, 1} {
			t.Run(fmt.Sprintf("%s/%d", order, max), func(t *testing.T) {
				exp := want(order == "desc")
				pages := runPages(t, Request{Query: q, Sort: "Size", Order: order, MaxResults: max}, shuffled(rng, files))
				require.Len(t, pages, (len(exp)+max-1)/max)
				require.Equal(t, names(exp), names(flatten(pages)))
			})
		}
	}

	// With no query, all 250: three pages of 100, 100 and 50.
	pages := runPages(t, Request{Sort: "Size", Order: "asc", MaxResults: 100}, shuffled(rng, files))
	require.Len(t, pages, 3)
	require.Len(t, pages[2], 50)
	all := flatten(pages)
	require.Len(t, all, 250)
	for i := range all {
		require.Equal(t, int64(i*13+5), all[i].Size)
	}

	// Exactly 200 files: two full pages and no empty third.
	pages = runPages(t, Request{Sort: "Size", Order: "desc", MaxResults: 100}, shuffled(rng, files[:200]))
	require.Len(t, pages, 2)
	require.Len(t, flatten(pages), 200)

	// Sorting by time works through the token too.
	pages = runPages(t, Request{Sort: "FileModifiedTime", Order: "desc", MaxResults: 30}, shuffled(rng, files))
	all = flatten(pages)
	require.Len(t, all, 250)
	for i := range all {
		require.Equal(t, files[249-i], all[i])
	}
}

func TestSearchPagingTies(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	// 160 files over four sizes, names unrelated to sizes.
	var files []*File
	for i := range 160 {
		files = append(files, &File{
			Filename:     fmt.Sprintf("n%03d", (i*37)%160),
			Size:         int64(i % 4 * 100),
			StorageClass: []string{"Standard", "IA", "Standard"}[i%3],
		})
	}
	exp := func(files []*File, desc bool) []string {
		out := slices.Clone(files)
		slices.SortFunc(out, func(a, b *File) int {
			c := cmp.Compare(a.Size, b.Size)
			if desc {
				c = -c
			}
			return cmp.Or(c, strings.Compare(a.Filename, b.Filename))
		})
		return names(out)
	}
	for _, order := range []string{"asc", "desc"} {
		for _, max := range []int{100, 7, 40, 1} {
			t.Run(fmt.Sprintf("%s/%d", order, max), func(t *testing.T) {
				pages := runPages(t, Request{Sort: "Size", Order: order, MaxResults: max}, shuffled(rng, files))
				require.Equal(t, exp(files, order == "desc"), names(flatten(pages)))
			})
		}
	}
	// Every file the same size: the order is the names', ascending, in
	// both orders.
	same := make([]*File, 0, 120)
	for i := range 120 {
		same = append(same, &File{Filename: fmt.Sprintf("s%03d", (i*7)%120), Size: 42})
	}
	for _, order := range []string{"asc", "desc"} {
		pages := runPages(t, Request{Sort: "Size", Order: order, MaxResults: 7}, shuffled(rng, same))
		got := names(flatten(pages))
		require.Len(t, got, 120)
		require.True(t, slices.IsSorted(got), "%s: %v", order, got)
		require.Equal(t, len(slices.Compact(slices.Clone(got))), 120)
	}
	// Ties on a string sort field.
	pages := runPages(t, Request{Sort: "OSSStorageClass", Order: "asc", MaxResults: 9}, shuffled(rng, files))
	got := flatten(pages)
	require.Len(t, got, 160)
	for i := 1; i < len(got); i++ {
		a, b := got[i-1], got[i]
		require.True(t, a.StorageClass < b.StorageClass || a.StorageClass == b.StorageClass && a.Filename < b.Filename,
			"%s/%s before %s/%s", a.StorageClass, a.Filename, b.StorageClass, b.Filename)
	}
}

func TestSearchDefaults(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var files []*File
	for i := range 150 {
		files = append(files, &File{Filename: fmt.Sprintf("k%03d", i), Size: int64(150 - i)})
	}
	// Default sort is Filename, default order desc, default page 100.
	s, err := New(Request{})
	require.NoError(t, err)
	for _, f := range shuffled(rng, files) {
		s.Add(f)
	}
	page, next, aggs := s.Result()
	require.Nil(t, aggs)
	require.Len(t, page, MaxResults)
	require.NotEmpty(t, next)
	for i, f := range page {
		require.Equal(t, fmt.Sprintf("k%03d", 149-i), f.Filename)
	}

	// The default token continues with Sort Filename and Order desc
	// spelt out.
	pages := runPages(t, Request{Sort: "Filename", Order: "desc", NextToken: next}, shuffled(rng, files))
	require.Len(t, pages, 1)
	require.Len(t, pages[0], 50)
	require.Equal(t, "k049", pages[0][0].Filename)
	require.Equal(t, "k000", pages[0][49].Filename)

	// Filename ascending.
	pages = runPages(t, Request{Order: "asc", MaxResults: 60}, shuffled(rng, files))
	all := names(flatten(pages))
	require.Len(t, pages, 3)
	require.Len(t, all, 150)
	require.True(t, slices.IsSorted(all))

	// No files: an empty page and no token.
	s, err = New(Request{Query: mustParse(t, cond("Size", "gt", "1000"))})
	require.NoError(t, err)
	for _, f := range files {
		s.Add(f)
	}
	page, next, _ = s.Result()
	require.Empty(t, page)
	require.Equal(t, "", next)

	// Only matching files are returned.
	q := mustParse(t, cond("Filename", "prefix", "k12"))
	s, err = New(Request{Query: q, Order: "asc"})
	require.NoError(t, err)
	for _, f := range shuffled(rng, files) {
		s.Add(f)
	}
	page, next, _ = s.Result()
	require.Equal(t, "", next)
	require.Equal(t, []string{"k120", "k121", "k122", "k123", "k124", "k125", "k126", "k127", "k128", "k129"}, names(page))
}

func TestSearchInvalid(t *testing.T) {
	for _, r := range []Request{
		{MaxResults: MaxResults + 1},
		{MaxResults: -1},
		{Sort: "Nope"},
		{Sort: "OSSTagging.k"},
		{Sort: "OSSUserMeta.x-oss-meta-a"},
		{Order: "ascending"},
		{Order: "ASC"},
		{NextToken: "!!!not base64!!!"},
		{NextToken: "garbage"},
		{NextToken: base64.RawURLEncoding.EncodeToString([]byte("not json"))},
		{NextToken: base64.RawURLEncoding.EncodeToString([]byte(`{"s":"Filename","o":"asc","v":"a","f":"a"}`))}, // order desc by default
		{Sort: "Size", NextToken: base64.RawURLEncoding.EncodeToString([]byte(`{"s":"Size","o":"desc","v":"abc","f":"a"}`))},
		{Aggregations: make([]Aggregation, MaxAggregations+1)},
	} {
		_, err := New(r)
		requireInvalid(t, err, "%+v", r)
	}
	_, err := New(Request{MaxResults: MaxResults})
	require.NoError(t, err)

	// A real token only works for the same Sort and Order.
	var files []*File
	for i := range 10 {
		files = append(files, &File{Filename: fmt.Sprint(i), Size: int64(i)})
	}
	tokenOf := func(r Request) string {
		s, err := New(r)
		require.NoError(t, err)
		for _, f := range files {
			s.Add(f)
		}
		_, next, _ := s.Result()
		require.NotEmpty(t, next)
		return next
	}
	sizeAsc := tokenOf(Request{Sort: "Size", Order: "asc", MaxResults: 3})
	_, err = New(Request{Sort: "Size", Order: "asc", NextToken: sizeAsc})
	require.NoError(t, err)
	_, err = New(Request{Sort: "Size", Order: "desc", NextToken: sizeAsc})
	requireInvalid(t, err)
	_, err = New(Request{Sort: "Size", NextToken: sizeAsc})
	requireInvalid(t, err)
	_, err = New(Request{Sort: "Filename", Order: "asc", NextToken: sizeAsc})
	requireInvalid(t, err)
	_, err = New(Request{Sort: "OSSTaggingCount", Order: "asc", NextToken: sizeAsc})
	requireInvalid(t, err)
	_, err = New(Request{Order: "asc", NextToken: sizeAsc})
	requireInvalid(t, err)
	nameDesc := tokenOf(Request{MaxResults: 3})
	_, err = New(Request{Sort: "Filename", Order: "desc", NextToken: nameDesc})
	require.NoError(t, err)
	_, err = New(Request{Sort: "Size", Order: "desc", NextToken: nameDesc})
	requireInvalid(t, err)
	_, err = New(Request{Order: "asc", NextToken: nameDesc})
	requireInvalid(t, err)
	// A token mangled by a character.
	_, err = New(Request{Sort: "Size", Order: "asc", NextToken: sizeAsc[:len(sizeAsc)-2] + "!"})
	requireInvalid(t, err)
}

// aggFiles: sizes 10, 20, ... 100 with storage classes.
func aggFiles() []*File {
	classes := []string{"Standard", "IA", "ColdArchive", "Standard", "Archive", "ColdArchive", "IA", "ColdArchive", "Standard", "IA"}
	var files []*File
	for i, c := range classes {
		files = append(files, &File{Filename: fmt.Sprintf("a%d", i), Size: int64((i + 1) * 10), StorageClass: c})
	}
	return files
}

func runAggs(t *testing.T, q *Query, files []*File, aggs ...Aggregation) []AggregationResult {
	t.Helper()
	s, err := New(Request{Query: q, Aggregations: aggs, MaxResults: 1})
	require.NoError(t, err)
	for _, f := range files {
		s.Add(f)
	}
	page, next, res := s.Result()
	require.Empty(t, page, "aggregations return no files")
	require.Equal(t, "", next)
	require.Len(t, res, len(aggs))
	for i, a := range aggs {
		require.Equal(t, a.Field, res[i].Field)
		require.Equal(t, a.Operation, res[i].Operation)
	}
	return res
}

func TestAggregations(t *testing.T) {
	files := aggFiles()
	res := runAggs(t, nil, files,
		Aggregation{"Size", "sum"},
		Aggregation{"Size", "max"},
		Aggregation{"Size", "min"},
		Aggregation{"Size", "average"},
		Aggregation{"Size", "count"},
		Aggregation{"OSSStorageClass", "distinct"},
		Aggregation{"OSSStorageClass", "group"},
		Aggregation{"OSSStorageClass", "count"},
		Aggregation{"Size", "distinct"},
	)
	require.Equal(t, 550.0, res[0].Value)
	require.Equal(t, 100.0, res[1].Value)
	require.Equal(t, 10.0, res[2].Value)
	require.Equal(t, 55.0, res[3].Value)
	require.Equal(t, 10.0, res[4].Value)
	require.Equal(t, 4.0, res[5].Value)
	require.Equal(t, []Group{{"ColdArchive", 3}, {"IA", 3}, {"Standard", 3}, {"Archive", 1}}, res[6].Groups)
	require.Equal(t, 10.0, res[7].Value)
	require.Equal(t, 10.0, res[8].Value)
	for i, r := range res {
		if i != 6 {
			require.Empty(t, r.Groups)
		}
	}

	// Only the matching files count; min is not 0 when no file is 0.
	q := mustParse(t, cond("Size", "gt", "45"))
	res = runAggs(t, q, files,
		Aggregation{"Size", "min"},
		Aggregation{"Size", "max"},
		Aggregation{"Size", "sum"},
		Aggregation{"Size", "average"},
		Aggregation{"Size", "count"},
		Aggregation{"OSSStorageClass", "group"},
		Aggregation{"OSSStorageClass", "distinct"},
	)
	require.Equal(t, 50.0, res[0].Value)
	require.Equal(t, 100.0, res[1].Value)
	require.Equal(t, 450.0, res[2].Value)
	require.Equal(t, 75.0, res[3].Value)
	require.Equal(t, 6.0, res[4].Value)
	require.Equal(t, []Group{{"ColdArchive", 2}, {"IA", 2}, {"Archive", 1}, {"Standard", 1}}, res[5].Groups)
	require.Equal(t, 4.0, res[6].Value)

	// Fed in another order, the same answers.
	rng := rand.New(rand.NewPCG(7, 8))
	res2 := runAggs(t, q, shuffled(rng, files),
		Aggregation{"Size", "min"},
		Aggregation{"Size", "max"},
		Aggregation{"Size", "sum"},
		Aggregation{"Size", "average"},
		Aggregation{"Size", "count"},
		Aggregation{"OSSStorageClass", "group"},
		Aggregation{"OSSStorageClass", "distinct"},
	)
	require.Equal(t, res, res2)

	// Group ties broken by value, and capped at MaxGroups.
	var many []*File
	for i := range MaxGroups + 5 {
		many = append(many, &File{Filename: fmt.Sprintf("m%05d", MaxGroups+5-i), Size: int64(i % 2)})
	}
	many = append(many, &File{Filename: "m00007", Size: 9})
	res = runAggs(t, nil, many, Aggregation{"Filename", "group"}, Aggregation{"Filename", "distinct"}, Aggregation{"Size", "group"})
	require.Len(t, res[0].Groups, MaxGroups)
	require.Equal(t, Group{"m00007", 2}, res[0].Groups[0])
	require.Equal(t, Group{"m00001", 1}, res[0].Groups[1])
	require.Equal(t, Group{"m00002", 1}, res[0].Groups[2])
	require.Equal(t, float64(MaxGroups+5), res[1].Value, "distinct is not capped")
	require.Equal(t, []Group{{"0", 503}, {"1", 502}, {"9", 1}}, res[2].Groups)
}

func TestAggregationsNoFiles(t *testing.T) {
	aggs := []Aggregation{
		{"Size", "sum"}, {"Size", "max"}, {"Size", "min"}, {"Size", "average"}, {"Size", "count"},
		{"Size", "distinct"}, {"Size", "group"},
		{"OSSStorageClass", "count"}, {"OSSStorageClass", "distinct"}, {"OSSStorageClass", "group"},
		{"OSSTaggingCount", "max"},
	}
	for name, files := range map[string][]*File{"none fed": nil, "none match": aggFiles()} {
		t.Run(name, func(t *testing.T) {
			res := runAggs(t, mustParse(t, cond("Size", "gt", "1000")), files, aggs...)
			for _, r := range res {
				require.Equal(t, 0.0, r.Value, "%s %s", r.Field, r.Operation)
				require.Empty(t, r.Groups)
			}
		})
	}
}

func TestAggregationsInvalid(t *testing.T) {
	for _, a := range []Aggregation{
		{"Filename", "sum"},
		{"Filename", "average"},
		{"OSSStorageClass", "min"},
		{"FileModifiedTime", "max"},
		{"OSSTagging.k", "group"},
		{"OSSTagging.k", "count"},
		{"OSSUserMeta.x-oss-meta-a", "distinct"},
		{"Size", "median"},
		{"Size", ""},
		{"Nope", "count"},
		{"", "count"},
	} {
		_, err := New(Request{Aggregations: []Aggregation{{"Size", "sum"}, a}})
		requireInvalid(t, err, "%+v", a)
	}
	_, err := New(Request{Aggregations: make([]Aggregation, MaxAggregations)})
	requireInvalid(t, err) // empty aggregations are invalid, whatever their number
	ok := make([]Aggregation, MaxAggregations)
	for i := range ok {
		ok[i] = Aggregation{"Size", "count"}
	}
	_, err = New(Request{Aggregations: ok})
	require.NoError(t, err)
	_, err = New(Request{Aggregations: append(ok, Aggregation{"Size", "count"})})
	requireInvalid(t, err)
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		cond("Size", "gt", "1048576"),
		cond("FileModifiedTime", "lte", "2024-03-10T12:00:00Z"),
		cond("Filename", "match", "cat"),
		cond("OSSTagging.project", "eq", "alpha"),
		cond("OSSUserMeta.X-Oss-Meta-Location", "prefix", "hang"),
		cond("ETag", "eq", `"abc"`),
		logic("and", cond("Filename", "prefix", "photos/"), logic("not", cond("Size", "lt", "10"))),
		logic("or", cond("Filename", "eq", "a"), cond("OSSStorageClass", "prefix", "IA")),
		nestNot(MaxDepth+1, cond("Size", "gt", "1")),
		logic("not", cond("Size", "gt", "1"), cond("Size", "gt", "1")),
		cond("Size", "match", "1"),
		cond("Nope", "eq", "1"),
		`{"Operation":"and"}`,
		`{"Field":"Size"`,
		cond("Size", "gt", "1") + "}",
		"null",
		"[]",
	} {
		f.Add(s)
	}
	files := []*File{sampleFile(), {}, {Filename: "photos/x", Size: -1, Tags: []Tag{{"", ""}}, UserMeta: map[string]string{"": ""}}}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalid)
			require.Nil(t, q)
			return
		}
		p := q.FilenamePrefix()
		for _, file := range files {
			if q.Match(file) {
				// Listing only under the prefix loses no match.
				require.True(t, strings.HasPrefix(file.Filename, p), "%q matches but lacks prefix %q", file.Filename, p)
			}
		}
	})
}

// TestListingOrder: only Filename ascending without aggregations is the
// listing's order; Full says a page and one more are held; StartAfter
// is the token's file name.
func TestListingOrder(t *testing.T) {
	for _, tc := range []struct {
		req  Request
		want bool
	}{
		{Request{Order: "asc"}, true},
		{Request{Sort: "Filename", Order: "asc"}, true},
		{Request{}, false}, // OSS's default order is desc
		{Request{Sort: "Size", Order: "asc"}, false},
		{Request{Order: "asc", Aggregations: []Aggregation{{Field: "Size", Operation: "sum"}}}, false},
	} {
		s, err := New(tc.req)
		require.NoError(t, err)
		require.Equal(t, tc.want, s.ListingOrder(), "%+v", tc.req)
	}
	s, err := New(Request{Order: "asc", MaxResults: 2})
	require.NoError(t, err)
	require.Empty(t, s.StartAfter())
	for _, name := range []string{"a", "b", "c"} {
		require.False(t, s.Full())
		s.Add(&File{Filename: name})
	}
	require.True(t, s.Full())
	files, next, _ := s.Result()
	require.Len(t, files, 2)
	s2, err := New(Request{Order: "asc", MaxResults: 2, NextToken: next})
	require.NoError(t, err)
	require.Equal(t, "b", s2.StartAfter())
}
