package httpapi

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Certificates of custom domains (OSS PutCname's CertificateConfiguration):
// a certificate and its private key uploaded (PEM) with PutCname are
// checked (they must pair, the leaf must name the domain and be valid
// now), the key sealed by the engine's key service (never stored in the
// clear; without a key service they are refused) and the certificate
// served for the domain over HTTPS: CnameCertificates plugs into a
// tls.Config (cmd/osslite does). PreviousCertId must name the certificate
// being replaced unless Force is true (EC 0018-00000209);
// DeleteCertificate removes it; ListCname shows it (Type Upload, CertId,
// Fingerprint, validity). A CertId alone names a certificate of Aliyun's
// Certificate Management Service, which osslite cannot reach (501).

type cnameCertificateDoc struct {
	CertID            string `xml:"CertId"`
	Certificate       string `xml:"Certificate"`
	PrivateKey        string `xml:"PrivateKey"`
	PreviousCertID    string `xml:"PreviousCertId"`
	Force             bool   `xml:"Force"`
	DeleteCertificate bool   `xml:"DeleteCertificate"`
}

type cnameCertificateXML struct {
	Type           string `xml:"Type"`
	CertID         string `xml:"CertId"`
	Status         string `xml:"Status"`
	CreationDate   string `xml:"CreationDate"`
	Fingerprint    string `xml:"Fingerprint"`
	ValidStartDate string `xml:"ValidStartDate"`
	ValidEndDate   string `xml:"ValidEndDate"`
}

func renderCnameCertificate(c *bucketconfig.CnameCertificate) *cnameCertificateXML {
	if c == nil {
		return nil
	}
	return &cnameCertificateXML{Type: "Upload", CertID: c.ID, Status: "Enabled", CreationDate: c.Created.UTC().Format(http.TimeFormat),
		Fingerprint: c.Fingerprint, ValidStartDate: c.NotBefore.UTC().Format(http.TimeFormat), ValidEndDate: c.NotAfter.UTC().Format(http.TimeFormat)}
}

// certContext binds a sealed key to its domain: it opens for no other.
func certContext(domain string) map[string]string {
	return map[string]string{"osslite:cname-certificate": domain}
}

// cnameCertificate applies a CertificateConfiguration to the domain's
// certificate cur: the certificate to keep, and whether it changed.
func (s *server) cnameCertificate(rc *request, domain string, cur *bucketconfig.CnameCertificate, c *cnameCertificateDoc) (*bucketconfig.CnameCertificate, bool, error) {
	switch {
	case c == nil:
		return cur, false, nil
	case c.DeleteCertificate:
		return nil, cur != nil, nil
	case c.Certificate == "" && c.PrivateKey == "":
		if c.CertID != "" {
			return nil, false, errorf("NotImplemented", "A CertId alone names a certificate of Aliyun's Certificate Management Service, which osslite cannot reach: upload the Certificate and PrivateKey.")
		}
		return cur, false, nil
	case c.Certificate == "" || c.PrivateKey == "":
		return nil, false, errorf("InvalidArgument", "A certificate is uploaded with both its Certificate and its PrivateKey.")
	case len(c.Certificate) > bucketconfig.MaxCertificateChain || len(c.PrivateKey) > bucketconfig.MaxCertificateKey:
		return nil, false, errorf("InvalidArgument", "The certificate (at most %d bytes) or its private key (at most %d bytes) is too long.",
			bucketconfig.MaxCertificateChain, bucketconfig.MaxCertificateKey)
	}
	if cur != nil && !c.Force && c.PreviousCertID != cur.ID {
		e := errorf("InvalidArgument", "PreviousCertId must name the domain's certificate (%s), or Force be true.", cur.ID).
			with("ArgumentName", "PreviousCertId")
		e.ec = "0018-00000209"
		return nil, false, e
	}
	pair, err := tls.X509KeyPair([]byte(c.Certificate), []byte(c.PrivateKey))
	if err != nil {
		return nil, false, errorf("InvalidArgument", "The certificate and private key do not form a pair: %v", err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, false, errorf("InvalidArgument", "The certificate does not parse: %v", err)
	}
	if err := leaf.VerifyHostname(domain); err != nil {
		return nil, false, errorf("InvalidArgument", "The certificate is not for %s: %v", domain, err)
	}
	now := s.clock.Now()
	if now.After(leaf.NotAfter) || now.Before(leaf.NotBefore) {
		return nil, false, errorf("InvalidArgument", "The certificate is valid from %s to %s, not now.",
			leaf.NotBefore.UTC().Format(http.TimeFormat), leaf.NotAfter.UTC().Format(http.TimeFormat))
	}
	keys := s.eng.Options().Keys
	if keys == nil {
		return nil, false, errorf("InvalidRequest", "A certificate's private key is kept sealed by the server's key service, and this server has none (cmd/osslite: -kms-root-key-file).")
	}
	der, err := x509.MarshalPKCS8PrivateKey(pair.PrivateKey)
	if err != nil {
		return nil, false, errorf("InvalidArgument", "The private key cannot be kept: %v", err)
	}
	sealed, err := keys.Encrypt(rc.ctx, s.eng.Options().ManagedKeyID, der, certContext(domain))
	if err != nil {
		return nil, false, err
	}
	var chain []byte
	for _, d := range pair.Certificate {
		chain = append(chain, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: d})...)
	}
	id := c.CertID
	if id == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:]) + "-" + s.cfg.Region
	}
	sum := sha1.Sum(leaf.Raw)
	fp := make([]string, len(sum))
	for i, x := range sum {
		fp[i] = strings.ToUpper(hex.EncodeToString([]byte{x}))
	}
	return &bucketconfig.CnameCertificate{ID: id, Chain: chain, SealedKey: sealed.Sealed, Fingerprint: strings.Join(fp, ":"),
		NotBefore: leaf.NotBefore, NotAfter: leaf.NotAfter, Created: now}, true, nil
}

// cnameCertCache holds the certificates being served, opened, by domain.
type cnameCertCache struct {
	mu sync.Mutex
	m  map[string]cachedCert
}

type cachedCert struct {
	id   string
	cert *tls.Certificate
}

func (c *cnameCertCache) get(domain, id string) *tls.Certificate {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[domain]; ok && e.id == id {
		return e.cert
	}
	return nil
}

func (c *cnameCertCache) put(domain, id string, cert *tls.Certificate) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= 4096 {
		c.m = map[string]cachedCert{}
	}
	c.m[domain] = cachedCert{id, cert}
}

func (c *cnameCertCache) forget(domain string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, domain)
}

// CnameCertificates returns, for h (made by New), the lookup of custom
// domains' certificates a tls.Config's GetCertificate calls: the
// certificate PutCname bound to the name the client asks for (SNI), or
// nil and no error when it has none, so the caller serves its own.
func CnameCertificates(h http.Handler) func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	s, ok := h.(*server)
	if !ok {
		panic(errNotOurHandler)
	}
	return func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
		ctx := hello.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		return s.cnameCert(ctx, strings.TrimSuffix(strings.ToLower(hello.ServerName), "."))
	}
}

// cnameCert is the certificate served for domain, nil when it has none.
func (s *server) cnameCert(ctx context.Context, domain string) (*tls.Certificate, error) {
	if domain == "" {
		return nil, nil
	}
	bucket, ok := s.cnameBucket(ctx, domain)
	if !ok {
		return nil, nil
	}
	c, err := s.eng.BucketConfigValue(ctx, bucket, bucketconfig.KindCname)
	if errors.Is(err, engine.ErrNoSuchConfig) || errors.Is(err, engine.ErrNoSuchBucket) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	e := c.(*bucketconfig.Cnames).Find(domain)
	if e == nil || e.Certificate == nil {
		return nil, nil
	}
	if cert := s.cnameCerts.get(domain, e.Certificate.ID); cert != nil {
		return cert, nil
	}
	keys := s.eng.Options().Keys
	if keys == nil {
		return nil, errors.New("httpapi: a custom domain's certificate needs the key service that sealed it")
	}
	der, err := keys.Decrypt(ctx, "", e.Certificate.SealedKey, certContext(domain))
	if err != nil {
		return nil, err
	}
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	cert := &tls.Certificate{PrivateKey: key}
	for rest := e.Certificate.Chain; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		cert.Certificate = append(cert.Certificate, b.Bytes)
	}
	s.cnameCerts.put(domain, e.Certificate.ID, cert)
	return cert, nil
}
