package httpapi

import (
	"crypto/tls"
	"encoding/xml"
	"errors"
	"slices"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// OSS's HTTPS configuration (?httpsConfig): the TLS versions and cipher
// suites a request over TLS to the bucket may use. OSS turns others away
// at the connection; here the connection is shared by every bucket, so a
// request that breaks its bucket's settings is 403 AccessDenied before
// anything is read or changed. Plain HTTP is not affected.

// httpsDoc is OSS's HttpsConfiguration.
type httpsDoc struct {
	XMLName     xml.Name      `xml:"HttpsConfiguration"`
	TLS         *httpsTLSX    `xml:"TLS"`
	CipherSuite *cipherSuiteX `xml:"CipherSuite"`
}

type httpsTLSX struct {
	Enable     *bool    `xml:"Enable"`
	TLSVersion []string `xml:"TLSVersion"`
}

type cipherSuiteX struct {
	Enable                 *bool    `xml:"Enable"`
	StrongCipherSuite      *bool    `xml:"StrongCipherSuite"`
	CustomCipherSuite      []string `xml:"CustomCipherSuite"`
	TLS13CustomCipherSuite []string `xml:"TLS13CustomCipherSuite"`
}

// httpsRow is OSS's ?httpsConfig. A bucket never configured answers
// both checks off.
var httpsRow = &configRow{
	sub: "httpsConfig", kind: bucketconfig.KindHTTPS, root: "HttpsConfiguration",
	get: "GetBucketHttpsConfig", put: "PutBucketHttpsConfig", perm: permOwner,
	only:  "oss",
	parse: parseHTTPS,
	render: func(_ *request, c bucketconfig.Config) any {
		return renderHTTPS(c.(*bucketconfig.HTTPS))
	},
	missing: func(*request) (any, error) { return renderHTTPS(&bucketconfig.HTTPS{}), nil },
}

func parseHTTPS(_ *request, data []byte) (bucketconfig.Config, error) {
	var doc httpsDoc
	if err := xml.Unmarshal(data, &doc); err != nil || doc.TLS == nil || doc.TLS.Enable == nil {
		return nil, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return nil, err
	}
	h := &bucketconfig.HTTPS{TLS: *doc.TLS.Enable, TLSVersions: doc.TLS.TLSVersion}
	if cs := doc.CipherSuite; cs != nil {
		h.Ciphers = cs.Enable != nil && *cs.Enable
		h.StrongCiphers = cs.StrongCipherSuite != nil && *cs.StrongCipherSuite
		h.CustomCiphers, h.TLS13CustomCiphers = cs.CustomCipherSuite, cs.TLS13CustomCipherSuite
	}
	if err := h.Validate(); err != nil {
		return nil, errorf("InvalidArgument", "%s", err)
	}
	return h, nil
}

func renderHTTPS(h *bucketconfig.HTTPS) *httpsDoc {
	return &httpsDoc{
		TLS: &httpsTLSX{Enable: &h.TLS, TLSVersion: h.TLSVersions},
		CipherSuite: &cipherSuiteX{Enable: &h.Ciphers, StrongCipherSuite: &h.StrongCiphers,
			CustomCipherSuite: h.CustomCiphers, TLS13CustomCipherSuite: h.TLS13CustomCiphers},
	}
}

// tlsAllowed refuses a request over TLS whose version or cipher suite
// the bucket's HTTPS configuration does not allow.
func (s *server) tlsAllowed(rc *request, bucket string) error {
	c, err := s.eng.BucketConfigValue(rc.ctx, bucket, bucketconfig.KindHTTPS)
	if errors.Is(err, engine.ErrNoSuchConfig) {
		return nil
	}
	if err != nil {
		return err
	}
	h, st := c.(*bucketconfig.HTTPS), rc.r.TLS
	version := "TLSv" + strings.TrimPrefix(tls.VersionName(st.Version), "TLS ")
	if h.TLS && !slices.Contains(h.TLSVersions, version) {
		return errorf("AccessDenied", "The bucket's HTTPS configuration does not allow %s.", version)
	}
	if !h.Ciphers {
		return nil
	}
	iana := tls.CipherSuiteName(st.CipherSuite)
	allowed := false
	switch {
	case h.StrongCiphers:
		allowed = st.Version == tls.VersionTLS13 || strongTLS12Suites[st.CipherSuite]
	case st.Version == tls.VersionTLS13:
		allowed = namesSuite(h.TLS13CustomCiphers, iana)
	default:
		allowed = namesSuite(h.CustomCiphers, iana)
	}
	if !allowed {
		return errorf("AccessDenied", "The bucket's HTTPS configuration does not allow the cipher suite %s.", iana)
	}
	return nil
}

// namesSuite reports whether list names the suite, by its IANA name or
// the OpenSSL name OSS's documents use.
func namesSuite(list []string, iana string) bool {
	openssl := opensslSuiteNames[iana]
	return slices.ContainsFunc(list, func(n string) bool {
		return strings.EqualFold(n, iana) || openssl != "" && strings.EqualFold(n, openssl)
	})
}

// strongTLS12Suites are the strong suites before TLS 1.3: ECDHE key
// exchange with an AEAD cipher.
var strongTLS12Suites = map[uint16]bool{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:       true,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:         true,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:       true,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384:         true,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: true,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256:   true,
}

// opensslSuiteNames maps the IANA names of the TLS 1.2 and earlier
// suites crypto/tls negotiates to OpenSSL's names.
var opensslSuiteNames = map[string]string{
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256":       "ECDHE-ECDSA-AES128-GCM-SHA256",
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256":         "ECDHE-RSA-AES128-GCM-SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384":       "ECDHE-ECDSA-AES256-GCM-SHA384",
	"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384":         "ECDHE-RSA-AES256-GCM-SHA384",
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": "ECDHE-ECDSA-CHACHA20-POLY1305",
	"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256":   "ECDHE-RSA-CHACHA20-POLY1305",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256":       "ECDHE-ECDSA-AES128-SHA256",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256":         "ECDHE-RSA-AES128-SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA":          "ECDHE-ECDSA-AES128-SHA",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA":            "ECDHE-RSA-AES128-SHA",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA":          "ECDHE-ECDSA-AES256-SHA",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA":            "ECDHE-RSA-AES256-SHA",
	"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA":           "ECDHE-RSA-DES-CBC3-SHA",
	"TLS_RSA_WITH_AES_128_GCM_SHA256":               "AES128-GCM-SHA256",
	"TLS_RSA_WITH_AES_256_GCM_SHA384":               "AES256-GCM-SHA384",
	"TLS_RSA_WITH_AES_128_CBC_SHA256":               "AES128-SHA256",
	"TLS_RSA_WITH_AES_128_CBC_SHA":                  "AES128-SHA",
	"TLS_RSA_WITH_AES_256_CBC_SHA":                  "AES256-SHA",
	"TLS_RSA_WITH_3DES_EDE_CBC_SHA":                 "DES-CBC3-SHA",
}
