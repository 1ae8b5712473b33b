package httpapi

import (
	"reflect"
	"testing"
)

// FuzzOSSConfigDocuments feeds arbitrary documents to the parsers of
// OSS's overwrite protection, HTTPS settings, response header rules,
// storage quota, user-defined log fields and QoS:
// no panic, and what
// parses survives render -> parse unchanged (rule IDs generated for
// rules without one included).
func FuzzOSSConfigDocuments(f *testing.F) {
	for _, seed := range []string{
		`<OverwriteConfiguration><Rule><ID>r</ID><Action>forbid</Action><Prefix>a/</Prefix><Suffix>.txt</Suffix><Principals><Principal>1234</Principal><Principal>*</Principal></Principals></Rule><Rule><Action>forbid</Action></Rule></OverwriteConfiguration>`,
		`<OverwriteConfiguration></OverwriteConfiguration>`,
		`<HttpsConfiguration><TLS><Enable>true</Enable><TLSVersion>TLSv1.2</TLSVersion><TLSVersion>TLSv1.3</TLSVersion></TLS><CipherSuite><Enable>true</Enable><StrongCipherSuite>false</StrongCipherSuite><CustomCipherSuite>ECDHE-RSA-AES128-GCM-SHA256</CustomCipherSuite><TLS13CustomCipherSuite>TLS_AES_128_GCM_SHA256</TLS13CustomCipherSuite></CipherSuite></HttpsConfiguration>`,
		`<HttpsConfiguration><TLS><Enable>false</Enable></TLS></HttpsConfiguration>`,
		`<ResponseHeaderConfiguration><Rule><Name>r</Name><Filters><Operation>GetObject</Operation><Operation>*</Operation></Filters><HideHeaders><Header>Last-Modified</Header></HideHeaders></Rule></ResponseHeaderConfiguration>`,
		`<ResponseHeaderConfiguration><Rule><Name>x</Name><Filters><Operation>*</Operation></Filters><HideHeaders><Header>Content-Length</Header></HideHeaders></Rule></ResponseHeaderConfiguration>`,
		`<QuotaConfiguration><StorageQuota>10737418240</StorageQuota><Mode>Strict</Mode></QuotaConfiguration>`,
		`<QuotaConfiguration><StorageQuota> 7 </StorageQuota><Mode>Warning</Mode><CurrentUsage>3</CurrentUsage></QuotaConfiguration>`,
		`<UserDefinedLogFieldsConfiguration><HeaderSet><header>h1</header><header>X-Trace</header></HeaderSet><ParamSet><parameter>p_1</parameter></ParamSet></UserDefinedLogFieldsConfiguration>`,
		`<UserDefinedLogFieldsConfiguration><ParamSet><parameter>p</parameter></ParamSet></UserDefinedLogFieldsConfiguration>`,
		`<QoSConfiguration><TotalUploadBandwidth>5</TotalUploadBandwidth><IntranetUploadBandwidth>-1</IntranetUploadBandwidth><TotalQps>0</TotalQps></QoSConfiguration>`,
		`<QoSConfiguration><Region>r</Region><ExtranetQps>7</ExtranetQps></QoSConfiguration>`,
		`<`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, row := range []*configRow{overwriteRow, httpsRow, responseHeaderRow, quotaRow, logFieldsRow, qosRow} {
			c, err := row.parse(nil, data)
			if err != nil || c == nil {
				continue
			}
			out, err := oss.marshal(row.root, row.render(nil, c))
			if err != nil {
				t.Fatalf("%s: render: %v", row.sub, err)
			}
			again, err := row.parse(nil, out[len(xmlHeader):])
			if err != nil {
				t.Fatalf("%s: re-parse %s: %v", row.sub, out, err)
			}
			if !reflect.DeepEqual(c, again) {
				t.Fatalf("%s: round trip of %q:\n%+v\n%+v", row.sub, data, c, again)
			}
		}
	})
}
