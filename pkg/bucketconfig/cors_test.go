package bucketconfig

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCORSAndWebsiteRoundTrip(t *testing.T) {
	age := int64(300)
	empty, with := "", "docs/${key}"
	follow := false
	for _, c := range []Config{
		&CORS{Rules: []CORSRule{{ID: "r1", AllowedOrigins: []string{"http://*.example.com"}, AllowedMethods: []string{"GET", "PUT"},
			AllowedHeaders: []string{"x-amz-*"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: &age}}, ResponseVary: true},
		&Website{IndexSuffix: "index.html", ErrorKey: "404.html", IndexSupportSubDir: true, IndexType: 2, ErrorStatus: 200,
			Rules: []RoutingRule{
				{Number: 1, Condition: RoutingCondition{KeyPrefixEquals: "old/"}, Redirect: RoutingRedirect{ReplaceKeyPrefixWith: &empty, HTTPRedirectCode: 302}},
				{Number: 2, Condition: RoutingCondition{HTTPErrorCode: 404, IncludeHeaders: []HeaderEquals{{"h", "v"}}},
					Redirect: RoutingRedirect{Type: RedirectMirror, Mirror: &Mirror{URL: "http://127.0.0.1/", FollowRedirect: &follow}}},
				{Redirect: RoutingRedirect{Type: RedirectExternal, ReplaceKeyWith: &with, HostName: "example.com", Protocol: "https"}},
			}},
		&Website{RedirectAll: &WebsiteRedirectAll{HostName: "example.com", Protocol: "https"}},
	} {
		doc, err := Encode(c)
		require.NoError(t, err)
		back, err := Decode(c.Kind(), doc)
		require.NoError(t, err)
		require.Equal(t, c, back)
	}
}

func TestCORSAndWebsiteValidate(t *testing.T) {
	rule := func(mod func(*CORSRule)) *CORS {
		r := CORSRule{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}}
		mod(&r)
		return &CORS{Rules: []CORSRule{r}}
	}
	tooMany := &CORS{}
	for range MaxCORSRules + 1 {
		tooMany.Rules = append(tooMany.Rules, CORSRule{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}})
	}
	both, s := &RoutingRedirect{}, "x"
	both.ReplaceKeyWith, both.ReplaceKeyPrefixWith = &s, &s
	for name, c := range map[string]Config{
		"no rules":         &CORS{},
		"too many rules":   tooMany,
		"no method":        rule(func(r *CORSRule) { r.AllowedMethods = nil }),
		"no origin":        rule(func(r *CORSRule) { r.AllowedOrigins = nil }),
		"bad method":       rule(func(r *CORSRule) { r.AllowedMethods = []string{"PATCH"} }),
		"lower method":     rule(func(r *CORSRule) { r.AllowedMethods = []string{"get"} }),
		"two stars origin": rule(func(r *CORSRule) { r.AllowedOrigins = []string{"http://*.*.com"} }),
		"two stars header": rule(func(r *CORSRule) { r.AllowedHeaders = []string{"*-*"} }),
		"empty website":    &Website{},
		"slash suffix":     &Website{IndexSuffix: "a/index.html"},
		"redirect all and index": &Website{IndexSuffix: "index.html",
			RedirectAll: &WebsiteRedirectAll{HostName: "example.com"}},
		"redirect all without host": &Website{RedirectAll: &WebsiteRedirectAll{Protocol: "http"}},
		"bad protocol":              &Website{RedirectAll: &WebsiteRedirectAll{HostName: "h", Protocol: "ftp"}},
		"both replacements":         &Website{IndexSuffix: "i", Rules: []RoutingRule{{Redirect: *both}}},
		"empty redirect":            &Website{IndexSuffix: "i", Rules: []RoutingRule{{}}},
		"mirror without url":        &Website{IndexSuffix: "i", Rules: []RoutingRule{{Redirect: RoutingRedirect{Type: RedirectMirror}}}},
		"non-3xx code":              &Website{IndexSuffix: "i", Rules: []RoutingRule{{Redirect: RoutingRedirect{HTTPRedirectCode: 200}}}},
		"DEL in host":               &Website{RedirectAll: &WebsiteRedirectAll{HostName: "exa\x7fmple.com"}},
		"space in rule's host":      &Website{IndexSuffix: "i", Rules: []RoutingRule{{Redirect: RoutingRedirect{HostName: "a b.test"}}}},
		"tab in rule's host":        &Website{IndexSuffix: "i", Rules: []RoutingRule{{Redirect: RoutingRedirect{HostName: "a\tb.test"}}}},
	} {
		_, err := Encode(c)
		require.ErrorIs(t, err, ErrInvalid, name)
	}
}

func TestCORSMatch(t *testing.T) {
	c := &CORS{Rules: []CORSRule{
		{ID: "puts", AllowedOrigins: []string{"https://*.example.com"}, AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"content-*", "x-amz-meta-a"}},
		{ID: "gets", AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET", "HEAD"}},
	}}
	for _, tc := range []struct {
		name, origin, method string
		headers              []string
		want                 string // rule ID, "" for none
		any                  bool
	}{
		{"wildcard origin", "https://app.example.com", "PUT", nil, "puts", false},
		{"headers any case", "https://app.example.com", "PUT", []string{"Content-Type", "X-Amz-Meta-A"}, "puts", false},
		{"header not allowed", "https://app.example.com", "PUT", []string{"x-amz-meta-b"}, "", false},
		{"origin case-sensitive", "https://APP.EXAMPLE.COM.evil", "PUT", nil, "", false},
		{"wrong scheme", "http://app.example.com", "PUT", nil, "", false},
		{"second rule", "http://other.test", "GET", nil, "gets", true},
		{"method", "http://other.test", "DELETE", nil, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, ok := c.Match(tc.origin, tc.method, tc.headers)
			if tc.want == "" {
				require.False(t, ok)
				return
			}
			require.True(t, ok)
			require.Equal(t, tc.want, m.Rule.ID)
			require.Equal(t, tc.any, m.AnyOrigin)
		})
	}
}
