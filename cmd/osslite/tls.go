package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// selfSignedValidity is how long a -tls-self-signed certificate is valid.
const selfSignedValidity = 365 * 24 * time.Hour

// caFileName is the default -tls-ca-out file inside -data.
const caFileName = "tls-ca.pem"

// servedNames returns the names a self-signed certificate covers: the
// loopback names, the listen host when it is a specific one, and each
// -domain with its wildcard for virtual-host buckets.
func servedNames(addr string, domains []string) []string {
	names := []string{"localhost", "*.localhost", "127.0.0.1", "::1"}
	add := func(n string) {
		n = strings.ToLower(strings.Trim(n, "."))
		if n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if h, _, err := net.SplitHostPort(addr); err == nil {
		if ip := net.ParseIP(h); h != "" && (ip == nil || !ip.IsUnspecified()) {
			add(h)
		}
	}
	for _, d := range domains {
		add(d)
		if net.ParseIP(d) == nil {
			add("*." + d)
		}
	}
	return names
}

// selfSigned makes an ECDSA P-256 certificate for names, valid from an hour
// before now, that is its own CA: a client trusts it by adding its PEM
// (returned) to its roots. The private key never leaves the process.
func selfSigned(names []string, now time.Time) (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"osslite"}, CommonName: "osslite self-signed"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(selfSignedValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
	return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

// writeCA writes the certificate PEM to path, or, when path is empty, to
// caFileName in the data directory or a fresh file in the temporary
// directory. It returns the path written.
func writeCA(path, dataDir string, pemBytes []byte) (string, error) {
	if path == "" && dataDir != "" {
		path = filepath.Join(dataDir, caFileName)
	}
	if path == "" {
		f, err := os.CreateTemp("", "osslite-ca-*.pem")
		if err != nil {
			return "", fmt.Errorf("write CA certificate: %w", err)
		}
		_, err = f.Write(pemBytes)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", fmt.Errorf("write CA certificate: %w", err)
		}
		return f.Name(), nil
	}
	if err := os.WriteFile(path, pemBytes, 0o644); err != nil {
		return "", fmt.Errorf("write CA certificate: %w", err)
	}
	return path, nil
}

// tlsConfig returns the server's TLS configuration from the flags, and the
// path of the written CA certificate for -tls-self-signed; nil without TLS.
func tlsConfig(o options, now time.Time) (*tls.Config, string, error) {
	var cert tls.Certificate
	var caPath string
	switch {
	case o.tlsSelfSigned:
		c, pemBytes, err := selfSigned(servedNames(o.addr, o.domains), now)
		if err != nil {
			return nil, "", fmt.Errorf("self-signed certificate: %w", err)
		}
		if caPath, err = writeCA(o.tlsCAOut, o.data, pemBytes); err != nil {
			return nil, "", err
		}
		cert = c
	case o.tlsCert != "":
		c, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			return nil, "", fmt.Errorf("-tls-cert/-tls-key: %w", err)
		}
		cert = c
	default:
		return nil, "", nil
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, caPath, nil
}
