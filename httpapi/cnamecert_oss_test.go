package httpapi_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

// selfSigned makes a certificate for names valid from notBefore to
// notAfter, and its key, both PEM.
func selfSigned(t *testing.T, notBefore, notAfter time.Time, names ...string) (certPEM, keyPEM string, der []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: names[0]},
		DNSNames: names, NotBefore: notBefore, NotAfter: notAfter}
	der, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})), der
}

// TestOSSCnameCertificate: PutCname binds a domain with a certificate
// (the v2 SDK's CertificateConfiguration), ListCname shows it, and the
// server's TLS answers the domain's SNI with it (httpapi.CnameCertificates);
// replacing it needs PreviousCertId (or Force); a certificate for another
// name, an expired one or a key that is not its pair is refused;
// DeleteCertificate removes it.
func TestOSSCnameCertificate(t *testing.T) {
	dns := &fakeDNS{txt: map[string][]string{}}
	f := newFixture(t, fixtureOptions{cnameTLS: true, opts: []httpapi.Option{httpapi.WithLookupTXT(dns.lookup)}})
	c := f.ossV2(testAK, testSK)
	v2Bucket(t, c, "site")
	const domain = "www.example.com"
	tok, err := c.CreateCnameToken(bg, &oss2.CreateCnameTokenRequest{Bucket: oss2.Ptr("site"),
		BucketCnameConfiguration: &oss2.BucketCnameConfiguration{Domain: oss2.Ptr(domain)}})
	require.NoError(t, err)
	dns.set("_dnsauth."+domain, oss2.ToString(tok.CnameToken.Token))
	now := time.Now()
	put := func(cc *oss2.CertificateConfiguration) error {
		_, err := c.PutCname(bg, &oss2.PutCnameRequest{Bucket: oss2.Ptr("site"),
			BucketCnameConfiguration: &oss2.BucketCnameConfiguration{Domain: oss2.Ptr(domain), CertificateConfiguration: cc}})
		return err
	}
	certFor := func(cert, key string) *oss2.CertificateConfiguration {
		return &oss2.CertificateConfiguration{Certificate: oss2.Ptr(cert), PrivateKey: oss2.Ptr(key)}
	}

	// Refused, before anything is bound.
	otherCert, otherKey, _ := selfSigned(t, now.Add(-time.Hour), now.Add(time.Hour), "other.example.com")
	wantOSS(t, put(certFor(otherCert, otherKey)), 400, "InvalidArgument", "")
	oldCert, oldKey, _ := selfSigned(t, now.Add(-48*time.Hour), now.Add(-24*time.Hour), domain)
	wantOSS(t, put(certFor(oldCert, oldKey)), 400, "InvalidArgument", "")
	cert1, key1, der1 := selfSigned(t, now.Add(-time.Hour), now.Add(24*time.Hour), domain)
	wantOSS(t, put(certFor(cert1, otherKey)), 400, "InvalidArgument", "")
	list, err := c.ListCname(bg, &oss2.ListCnameRequest{Bucket: oss2.Ptr("site")})
	require.NoError(t, err)
	require.Empty(t, list.Cnames)

	// Bound with its certificate.
	require.NoError(t, put(certFor(cert1, key1)))
	list, err = c.ListCname(bg, &oss2.ListCnameRequest{Bucket: oss2.Ptr("site")})
	require.NoError(t, err)
	require.Len(t, list.Cnames, 1)
	got := list.Cnames[0].Certificate
	require.NotNil(t, got)
	require.Equal(t, "Upload", oss2.ToString(got.Type))
	require.Equal(t, "Enabled", oss2.ToString(got.Status))
	id1 := oss2.ToString(got.CertId)
	require.NotEmpty(t, id1)
	require.Len(t, oss2.ToString(got.Fingerprint), 59, "SHA-1 as AA:BB:...")

	served := func(name string) []byte {
		t.Helper()
		conn, err := tls.Dial("tcp", f.srv.Listener.Addr().String(), &tls.Config{ServerName: name, InsecureSkipVerify: true})
		require.NoError(t, err)
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0].Raw
	}
	require.Equal(t, der1, served(domain))
	require.NotEqual(t, der1, served("elsewhere.example.com"), "other names get the server's own")
	// The private key is stored sealed, never in the clear.
	stored, err := f.eng.BucketConfig(bg, "site", "cname")
	require.NoError(t, err)
	block, _ := pem.Decode([]byte(key1))
	require.NotContains(t, string(stored), base64.StdEncoding.EncodeToString(block.Bytes))
	require.NotContains(t, string(stored), "PRIVATE KEY")

	// Replacing: PreviousCertId must name the current one, or Force.
	cert2, key2, der2 := selfSigned(t, now.Add(-time.Hour), now.Add(48*time.Hour), domain, "*.example.com")
	next := certFor(cert2, key2)
	wantOSS(t, put(next), 400, "InvalidArgument", "0018-00000209")
	next.PreviousCertId = oss2.Ptr("not-" + id1)
	wantOSS(t, put(next), 400, "InvalidArgument", "0018-00000209")
	next.PreviousCertId = oss2.Ptr(id1)
	require.NoError(t, put(next))
	require.Equal(t, der2, served(domain))
	cert3, key3, der3 := selfSigned(t, now.Add(-time.Hour), now.Add(72*time.Hour), domain)
	forced := certFor(cert3, key3)
	forced.Force = oss2.Ptr(true)
	require.NoError(t, put(forced))
	require.Equal(t, der3, served(domain))

	// Deleting the certificate keeps the binding.
	require.NoError(t, put(&oss2.CertificateConfiguration{DeleteCertificate: oss2.Ptr(true)}))
	list, err = c.ListCname(bg, &oss2.ListCnameRequest{Bucket: oss2.Ptr("site")})
	require.NoError(t, err)
	require.Len(t, list.Cnames, 1)
	require.Nil(t, list.Cnames[0].Certificate)
	require.NotEqual(t, der3, served(domain))
}
