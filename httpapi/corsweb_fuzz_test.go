package httpapi

import (
	"reflect"
	"testing"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// FuzzCORSWebsiteDocuments feeds arbitrary documents to the CORS and
// website parsers of each dialect: no panic, and a document that parses
// is stored and answered as it was put: the value survives the stored
// form (bucketconfig Encode -> Decode, what PUT writes and GET reads) and
// render -> parse unchanged.
func FuzzCORSWebsiteDocuments(f *testing.F) {
	for _, seed := range []string{
		`<CORSConfiguration><CORSRule><ID>a</ID><AllowedOrigin>http://*.a.test</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>x-*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>5</MaxAgeSeconds></CORSRule><ResponseVary>true</ResponseVary></CORSConfiguration>`,
		`<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix><SupportSubDir>true</SupportSubDir><Type>2</Type></IndexDocument><ErrorDocument><Key>e.html</Key><HttpStatus>404</HttpStatus></ErrorDocument><RoutingRules><RoutingRule><RuleNumber>1</RuleNumber><Condition><KeyPrefixEquals>a/</KeyPrefixEquals><KeySuffixEquals>.jpg</KeySuffixEquals><HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals><IncludeHeader><Key>h</Key><Equals>v</Equals></IncludeHeader></Condition><Redirect><RedirectType>Mirror</RedirectType><MirrorURL>http://o.test/</MirrorURL><MirrorHeaders><PassAll>true</PassAll><Pass>p</Pass><Set><Key>k</Key><Value>v</Value></Set></MirrorHeaders></Redirect></RoutingRule><RoutingRule><RuleNumber>2</RuleNumber><Condition><KeyPrefixEquals>b/</KeyPrefixEquals></Condition><Redirect><RedirectType>External</RedirectType><HostName>h.test</HostName><ReplaceKeyWith>${key}.x</ReplaceKeyWith><HttpRedirectCode>302</HttpRedirectCode><PassQueryString>true</PassQueryString></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>`,
		`<WebsiteConfiguration><RedirectAllRequestsTo><HostName>x.test</HostName><Protocol>https</Protocol></RedirectAllRequestsTo></WebsiteConfiguration>`,
		`<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument><RoutingRules><RoutingRule><Redirect><ReplaceKeyPrefixWith></ReplaceKeyPrefixWith></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>`,
		`<`, ``,
		// CORS: S3's namespace, several rules, white space the OSS
		// examples carry, escaped and non-ASCII values, every method, a
		// negative and a huge MaxAgeSeconds, a wildcard ExposeHeader
		// (OSS refuses it), an unknown element.
		`<?xml version="1.0" encoding="UTF-8"?><CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedMethod>DELETE</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedHeader>*</AllowedHeader></CORSRule><CORSRule><ID> r2 </ID><AllowedOrigin> https://a.test </AllowedOrigin><AllowedMethod>GET</AllowedMethod><ExposeHeader>x-amz-*</ExposeHeader><MaxAgeSeconds>-1</MaxAgeSeconds><Unknown>u</Unknown></CORSRule></CORSConfiguration>`,
		`<CORSConfiguration><CORSRule><ID>&lt;&amp;&#x4E2D;&#xD;</ID><AllowedOrigin>http://a.test:8080</AllowedOrigin><AllowedOrigin>http://*.b.test</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>Content-Type</AllowedHeader><AllowedHeader>x-oss-*</AllowedHeader><MaxAgeSeconds>9223372036854775807</MaxAgeSeconds></CORSRule><ResponseVary>false</ResponseVary></CORSConfiguration>`,
		`<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>get</AllowedMethod></CORSRule></CORSConfiguration>`,
		`<CORSConfiguration><CORSRule><AllowedOrigin>**</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>a b</AllowedHeader></CORSRule></CORSConfiguration>`,
		// Website: S3's external redirects with each code and protocol,
		// both replacements (refused), an error-code condition, OSS
		// mirror rules with every option and out-of-order rule numbers.
		`<WebsiteConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IndexDocument><Suffix>index.html</Suffix></IndexDocument><ErrorDocument><Key>error.html</Key></ErrorDocument><RoutingRules><RoutingRule><Condition><HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals></Condition><Redirect><Protocol>https</Protocol><HostName>h.test</HostName><ReplaceKeyPrefixWith>report-404/</ReplaceKeyPrefixWith><HttpRedirectCode>301</HttpRedirectCode></Redirect></RoutingRule><RoutingRule><Condition><KeyPrefixEquals>docs/</KeyPrefixEquals></Condition><Redirect><ReplaceKeyWith>documents/</ReplaceKeyWith></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>`,
		`<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument><RoutingRules><RoutingRule><Condition><KeyPrefixEquals>a</KeyPrefixEquals></Condition><Redirect><ReplaceKeyWith>x</ReplaceKeyWith><ReplaceKeyPrefixWith>y</ReplaceKeyPrefixWith><HttpRedirectCode>300</HttpRedirectCode><Protocol>ftp</Protocol></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>`,
		`<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix><SupportSubDir>false</SupportSubDir><Type>0</Type></IndexDocument><RoutingRules><RoutingRule><RuleNumber>5</RuleNumber><Condition><KeyPrefixEquals>m/</KeyPrefixEquals><HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals></Condition><Redirect><RedirectType>Mirror</RedirectType><PassQueryString>true</PassQueryString><MirrorURL>https://origin.test/dir/</MirrorURL><MirrorPassQueryString>true</MirrorPassQueryString><MirrorFollowRedirect>false</MirrorFollowRedirect><MirrorCheckMd5>true</MirrorCheckMd5><MirrorHeaders><PassAll>false</PassAll><Pass>a</Pass><Pass>b</Pass><Remove>c</Remove><Set><Key>d</Key><Value>e</Value></Set><Set><Key>f</Key><Value></Value></Set></MirrorHeaders></Redirect></RoutingRule><RoutingRule><RuleNumber>2</RuleNumber><Condition><KeySuffixEquals>.txt</KeySuffixEquals><IncludeHeader><Key>Host</Key><Equals>a.test</Equals></IncludeHeader><IncludeHeader><Key>x</Key><Equals></Equals></IncludeHeader></Condition><Redirect><RedirectType>AliCDN</RedirectType><Protocol>http</Protocol><HostName>cdn.test</HostName><ReplaceKeyPrefixWith></ReplaceKeyPrefixWith><HttpRedirectCode>307</HttpRedirectCode></Redirect></RoutingRule><RoutingRule><RuleNumber>2</RuleNumber><Redirect><RedirectType>Internal</RedirectType><ReplaceKeyWith>${key}</ReplaceKeyWith></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>`,
		`<WebsiteConfiguration><RoutingRules><RoutingRule><RuleNumber>1</RuleNumber><Condition><HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals></Condition><Redirect><RedirectType>Mirror</RedirectType><MirrorURL>http://o.test/</MirrorURL><MirrorURLSlave>http://s.test/</MirrorURLSlave><MirrorURLProbe>http://o.test/h</MirrorURLProbe><MirrorSwitchAllErrors>true</MirrorSwitchAllErrors><MirrorMultiAlternates><MirrorMultiAlternate><MirrorMultiAlternateNumber>2</MirrorMultiAlternateNumber><MirrorMultiAlternateURL>http://a.test/</MirrorMultiAlternateURL></MirrorMultiAlternate></MirrorMultiAlternates><MirrorPassOriginalSlashes>false</MirrorPassOriginalSlashes><MirrorSNI>true</MirrorSNI><MirrorAuth><AuthType>S3V4</AuthType><Region>r</Region><AccessKeyId>a</AccessKeyId><AccessKeySecret>s</AccessKeySecret></MirrorAuth><MirrorSaveOssMeta>true</MirrorSaveOssMeta><MirrorProxyPass>false</MirrorProxyPass><MirrorAllowHeadObject>true</MirrorAllowHeadObject><MirrorReturnHeaders><ReturnHeader><Key>x-a</Key><Value></Value></ReturnHeader></MirrorReturnHeaders><MirrorTaggings><Taggings><Key>k</Key><Value>v</Value></Taggings></MirrorTaggings><TransparentMirrorResponseCodes>400,404</TransparentMirrorResponseCodes><MirrorIsExpressTunnel>false</MirrorIsExpressTunnel><MirrorUserLastModified>false</MirrorUserLastModified></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>`,
		`<WebsiteConfiguration><IndexDocument><Suffix></Suffix></IndexDocument><ErrorDocument><Key></Key></ErrorDocument><RoutingRules><RoutingRule><RuleNumber>0</RuleNumber><Redirect></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>`,
		`<WebsiteConfiguration><RedirectAllRequestsTo><HostName>x.test</HostName></RedirectAllRequestsTo><IndexDocument><Suffix>a/b</Suffix></IndexDocument></WebsiteConfiguration>`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range []*dialect{s3, oss} {
			rc := &request{d: d}
			for _, row := range []*configRow{corsRow, websiteRow} {
				c, err := row.parse(rc, data)
				if err != nil {
					if _, ok := err.(*Error); !ok {
						t.Fatalf("%s %s: error %T %v is not an *Error", d.name, row.sub, err, err)
					}
					continue
				}
				stored, err := bucketconfig.Encode(c)
				if err != nil {
					t.Fatalf("%s %s: accepted but not storable: %v", d.name, row.sub, err)
				}
				c, err = bucketconfig.Decode(row.kind, stored)
				if err != nil {
					t.Fatalf("%s %s: stored form %s: %v", d.name, row.sub, stored, err)
				}
				out, err := d.marshal(row.root, row.render(rc, c))
				if err != nil {
					t.Fatalf("%s %s: render: %v", d.name, row.sub, err)
				}
				again, err := row.parse(rc, out[len(xmlHeader):])
				if err != nil {
					t.Fatalf("%s %s: re-parse %s: %v", d.name, row.sub, out, err)
				}
				if w, ok := c.(*bucketconfig.Website); ok {
					// MirrorAuth's AccessKeySecret is write-only.
					for _, r := range w.Rules {
						if m := r.Redirect.Mirror; m != nil && m.Auth != nil {
							m.Auth.AccessKeySecret = ""
						}
					}
				}
				if !reflect.DeepEqual(c, again) {
					t.Fatalf("%s %s: round trip\n%+v\n%+v\n%s", d.name, row.sub, c, again, out)
				}
			}
		}
	})
}

// TestOSSWebsiteErrorStatusDefault: an OSS ErrorDocument without
// HttpStatus stores the documented default, 404, which GET reports, so
// that the document GET answers stores the same value when put back
// (FuzzCORSWebsiteDocuments/e9200a81b8429dfd).
func TestOSSWebsiteErrorStatusDefault(t *testing.T) {
	rc := &request{d: oss}
	doc := []byte(`<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument><ErrorDocument><Key>error.html</Key></ErrorDocument></WebsiteConfiguration>`)
	c, err := websiteRow.parse(rc, doc)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.(*bucketconfig.Website).ErrorStatus; got != 404 {
		t.Fatalf("ErrorStatus %d, want 404", got)
	}
	out, err := oss.marshal(websiteRow.root, websiteRow.render(rc, c))
	if err != nil {
		t.Fatal(err)
	}
	again, err := websiteRow.parse(rc, out[len(xmlHeader):])
	if err != nil || !reflect.DeepEqual(c, again) {
		t.Fatalf("GET's document %s stores %+v (%v), want %+v", out, again, err, c)
	}
}
