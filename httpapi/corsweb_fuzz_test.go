package httpapi

import (
	"reflect"
	"testing"
)

// FuzzCORSWebsiteDocuments feeds arbitrary documents to the CORS and
// website parsers of each dialect: no panic, and a document that parses
// survives render -> parse unchanged.
func FuzzCORSWebsiteDocuments(f *testing.F) {
	for _, seed := range []string{
		`<CORSConfiguration><CORSRule><ID>a</ID><AllowedOrigin>http://*.a.test</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>x-*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>5</MaxAgeSeconds></CORSRule><ResponseVary>true</ResponseVary></CORSConfiguration>`,
		`<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix><SupportSubDir>true</SupportSubDir><Type>2</Type></IndexDocument><ErrorDocument><Key>e.html</Key><HttpStatus>404</HttpStatus></ErrorDocument><RoutingRules><RoutingRule><RuleNumber>1</RuleNumber><Condition><KeyPrefixEquals>a/</KeyPrefixEquals><KeySuffixEquals>.jpg</KeySuffixEquals><HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals><IncludeHeader><Key>h</Key><Equals>v</Equals></IncludeHeader></Condition><Redirect><RedirectType>Mirror</RedirectType><MirrorURL>http://o.test/</MirrorURL><MirrorHeaders><PassAll>true</PassAll><Pass>p</Pass><Set><Key>k</Key><Value>v</Value></Set></MirrorHeaders></Redirect></RoutingRule><RoutingRule><RuleNumber>2</RuleNumber><Condition><KeyPrefixEquals>b/</KeyPrefixEquals></Condition><Redirect><RedirectType>External</RedirectType><HostName>h.test</HostName><ReplaceKeyWith>${key}.x</ReplaceKeyWith><HttpRedirectCode>302</HttpRedirectCode><PassQueryString>true</PassQueryString></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>`,
		`<WebsiteConfiguration><RedirectAllRequestsTo><HostName>x.test</HostName><Protocol>https</Protocol></RedirectAllRequestsTo></WebsiteConfiguration>`,
		`<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument><RoutingRules><RoutingRule><Redirect><ReplaceKeyPrefixWith></ReplaceKeyPrefixWith></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>`,
		`<`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range []*dialect{s3, oss} {
			rc := &request{d: d}
			for _, row := range []*configRow{corsRow, websiteRow} {
				c, err := row.parse(rc, data)
				if err != nil {
					continue
				}
				out, err := d.marshal(row.root, row.render(rc, c))
				if err != nil {
					t.Fatalf("%s %s: render: %v", d.name, row.sub, err)
				}
				again, err := row.parse(rc, out[len(xmlHeader):])
				if err != nil {
					t.Fatalf("%s %s: re-parse %s: %v", d.name, row.sub, out, err)
				}
				if !reflect.DeepEqual(c, again) {
					t.Fatalf("%s %s: round trip\n%+v\n%+v\n%s", d.name, row.sub, c, again, out)
				}
			}
		}
	})
}
