package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// OSS custom domains (?cname): CreateCnameToken and GetCnameToken issue
// and show a bucket's ownership token for a domain, PutCname binds the
// domain once the TXT records of _dnsauth.<domain> hold the token
// (Config.LookupTXT, the system resolver by default), ListCname lists
// the bound domains and DeleteCname unbinds one. A request whose Host is
// a bound domain is served from its bucket, virtual-host style. A domain
// binds to one bucket at a time (409 CnameAlreadyExists). A certificate
// uploaded with PutCname is served for the domain over HTTPS
// (cnamecert_oss.go).
//
// Bindings live in each bucket's configuration (bucketconfig.Cnames);
// the server keeps an index of them, built when it starts and kept by
// PutCname and DeleteCname, and checks a binding against its bucket
// before it routes by it (a deleted bucket's domains route nowhere).
// Bindings made through another Handler over the same engine reach this
// one's index when it is created.

// cnameTokenLife is how long an ownership token is valid (OSS: 72 hours).
const cnameTokenLife = 72 * time.Hour

// cnameLookupTimeout bounds the default resolver's TXT lookup.
const cnameLookupTimeout = 5 * time.Second

func init() {
	routes = append(routes,
		route{method: http.MethodPost, target: targetBucket, params: []string{"cname", "comp=token"}, op: "CreateCnameToken", perm: permOwner, handle: (*server).createCnameToken, only: "oss"},
		route{method: http.MethodGet, target: targetBucket, params: []string{"cname", "comp=token"}, op: "GetCnameToken", perm: permOwner, handle: (*server).getCnameToken, only: "oss"},
		route{method: http.MethodPost, target: targetBucket, params: []string{"cname", "comp=add"}, op: "PutCname", perm: permOwner, handle: (*server).putCname, only: "oss"},
		route{method: http.MethodPost, target: targetBucket, params: []string{"cname", "comp=delete"}, op: "DeleteCname", perm: permOwner, handle: (*server).deleteCname, only: "oss"},
		route{method: http.MethodGet, target: targetBucket, params: []string{"cname"}, op: "ListCname", perm: permOwner, handle: (*server).listCname, only: "oss"},
	)
}

// systemLookupTXT is Config.LookupTXT's default.
func systemLookupTXT(ctx context.Context, name string) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, cnameLookupTimeout)
	defer cancel()
	return net.DefaultResolver.LookupTXT(ctx, name)
}

// cnameIndex maps bound domains to their buckets.
type cnameIndex struct {
	mu sync.RWMutex
	m  map[string]string
	n  atomic.Int64 // len(m): requests skip the lock while no domain is bound
}

func (x *cnameIndex) set(domain, bucket string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.m == nil {
		x.m = map[string]string{}
	}
	x.m[domain] = bucket
	x.n.Store(int64(len(x.m)))
}

func (x *cnameIndex) drop(domain, bucket string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.m[domain] == bucket {
		delete(x.m, domain)
	}
	x.n.Store(int64(len(x.m)))
}

func (x *cnameIndex) get(domain string) (string, bool) {
	if x.n.Load() == 0 {
		return "", false
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	b, ok := x.m[domain]
	return b, ok
}

// loadCnames fills the index from the buckets' configurations.
func (s *server) loadCnames(ctx context.Context) {
	buckets, err := s.eng.ListBuckets(ctx)
	if err != nil {
		return
	}
	for _, b := range buckets {
		c, err := s.eng.BucketConfigValue(ctx, b.Name, bucketconfig.KindCname)
		if err != nil {
			continue
		}
		for _, e := range c.(*bucketconfig.Cnames).Entries {
			if e.Bound {
				s.cnameIdx.set(e.Domain, b.Name)
			}
		}
	}
}

// cnameBucket returns the bucket a custom domain is bound to, checked
// against the bucket's configuration.
func (s *server) cnameBucket(ctx context.Context, host string) (string, bool) {
	b, ok := s.cnameIdx.get(host)
	if !ok {
		return "", false
	}
	c, err := s.eng.BucketConfigValue(ctx, b, bucketconfig.KindCname)
	if err != nil {
		return "", false
	}
	e := c.(*bucketconfig.Cnames).Find(host)
	return b, e != nil && e.Bound
}

// cnameMu serializes the read-modify-write of buckets' custom domains.
var cnameMu sync.Mutex

type cnameConfigDoc struct {
	XMLName xml.Name `xml:"BucketCnameConfiguration"`
	Cname   struct {
		Domain      string               `xml:"Domain"`
		Certificate *cnameCertificateDoc `xml:"CertificateConfiguration"`
	} `xml:"Cname"`
}

type cnameTokenDoc struct {
	XMLName    xml.Name `xml:"CnameToken"`
	Bucket     string   `xml:"Bucket"`
	Cname      string   `xml:"Cname"`
	Token      string   `xml:"Token"`
	ExpireTime string   `xml:"ExpireTime"`
}

type cnameListDoc struct {
	XMLName xml.Name       `xml:"ListCnameResult"`
	Bucket  string         `xml:"Bucket"`
	Owner   string         `xml:"Owner"`
	Cnames  []cnameInfoXML `xml:"Cname"`
}

type cnameInfoXML struct {
	Domain       string               `xml:"Domain"`
	LastModified string               `xml:"LastModified"`
	Status       string               `xml:"Status"`
	Certificate  *cnameCertificateXML `xml:"Certificate,omitempty"`
}

// cnameDomain checks a domain a request names: a host name that is not
// this server's own endpoint (nor OSS's).
func (s *server) cnameDomain(d string) (string, error) {
	d = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
	bad := func() (string, error) {
		return "", errorf("InvalidArgument", "The domain %q cannot be bound to a bucket.", d).with("ArgumentName", "Domain").with("ArgumentValue", d)
	}
	if !bucketconfig.ValidDomain(d) || d == "aliyuncs.com" || strings.HasSuffix(d, ".aliyuncs.com") {
		return bad()
	}
	for _, own := range slices.Concat(s.cfg.Domains, s.cfg.OSSDomains, s.cfg.WebsiteDomains) {
		if d == own || strings.HasSuffix(d, "."+own) {
			return bad()
		}
	}
	return d, nil
}

// readCnameDoc reads a BucketCnameConfiguration and its domain.
func (s *server) readCnameDoc(rc *request) (cnameConfigDoc, string, error) {
	var doc cnameConfigDoc
	data, err := rc.readBody(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return doc, "", err
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		return doc, "", errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return doc, "", err
	}
	d, err := s.cnameDomain(doc.Cname.Domain)
	return doc, d, err
}

func (s *server) cnames(rc *request) (*bucketconfig.Cnames, error) {
	c, err := s.eng.BucketConfigValue(rc.ctx, rc.op.Bucket, bucketconfig.KindCname)
	switch {
	case errors.Is(err, engine.ErrNoSuchConfig):
		return &bucketconfig.Cnames{}, nil
	case err != nil:
		return nil, err
	}
	return c.(*bucketconfig.Cnames), nil
}

// saveCnames stores the bucket's entries (none: the configuration goes).
func (s *server) saveCnames(rc *request, c *bucketconfig.Cnames) error {
	if len(c.Entries) == 0 {
		err := s.eng.DeleteBucketConfig(rc.ctx, rc.op.Bucket, string(bucketconfig.KindCname))
		if errors.Is(err, engine.ErrNoSuchConfig) {
			return nil
		}
		return err
	}
	return s.eng.SetBucketConfig(rc.ctx, rc.op.Bucket, c)
}

func cloneCnames(c *bucketconfig.Cnames) *bucketconfig.Cnames {
	return &bucketconfig.Cnames{Entries: slices.Clone(c.Entries)}
}

func (s *server) writeCnameToken(rc *request, e *bucketconfig.Cname) error {
	return rc.d.writeDoc(rc.w, http.StatusOK, "CnameToken", &cnameTokenDoc{Bucket: rc.op.Bucket, Cname: e.Domain, Token: e.Token,
		ExpireTime: e.TokenExpires.UTC().Format(http.TimeFormat)})
}

// createCnameToken issues the bucket's ownership token for a domain (the
// one still valid, if any).
func (s *server) createCnameToken(rc *request) error {
	return s.editCnames(rc, func(cur *bucketconfig.Cnames, domain string) error {
		return s.issueCnameToken(rc, cur, domain)
	})
}

// editCnames reads the domain rc names and calls edit with it and the
// bucket's domains, under cnameMu.
func (s *server) editCnames(rc *request, edit func(cur *bucketconfig.Cnames, domain string) error) error {
	_, domain, err := s.readCnameDoc(rc)
	if err != nil {
		return err
	}
	cnameMu.Lock()
	defer cnameMu.Unlock()
	cur, err := s.cnames(rc)
	if err != nil {
		return err
	}
	return edit(cur, domain)
}

// issueCnameToken is createCnameToken's work, under cnameMu.
func (s *server) issueCnameToken(rc *request, cur *bucketconfig.Cnames, domain string) error {
	now := s.clock.Now()
	next := cloneCnames(cur)
	e := next.Find(domain)
	if e == nil {
		if len(next.Entries) >= bucketconfig.MaxCnames {
			return errorf("InvalidArgument", "A bucket holds at most %d custom domains and tokens.", bucketconfig.MaxCnames)
		}
		next.Entries = append(next.Entries, bucketconfig.Cname{Domain: domain})
		e = &next.Entries[len(next.Entries)-1]
	}
	if e.Token == "" || !now.Before(e.TokenExpires) {
		var b [16]byte
		_, _ = rand.Read(b[:])
		e.Token, e.TokenExpires, e.Modified = hex.EncodeToString(b[:]), now.Add(cnameTokenLife), now
		if err := s.saveCnames(rc, next); err != nil {
			return err
		}
	}
	return s.writeCnameToken(rc, e)
}

func (s *server) getCnameToken(rc *request) error {
	domain, err := s.cnameDomain(rc.q.Get("cname"))
	if err != nil {
		return err
	}
	cur, err := s.cnames(rc)
	if err != nil {
		return err
	}
	e := cur.Find(domain)
	if e == nil || e.Token == "" || !s.clock.Now().Before(e.TokenExpires) {
		return errorf("NoSuchCnameToken", "")
	}
	return s.writeCnameToken(rc, e)
}

// putCname binds a domain whose ownership the bucket's token proves.
func (s *server) putCname(rc *request) error {
	doc, domain, err := s.readCnameDoc(rc)
	if err != nil {
		return err
	}
	if other, ok := s.cnameBucket(rc.ctx, domain); ok && other != rc.op.Bucket {
		return errorf("CnameAlreadyExists", "")
	}
	cur, err := s.cnames(rc)
	if err != nil {
		return err
	}
	c := doc.Cname.Certificate
	e := cur.Find(domain)
	bound := e != nil && e.Bound
	token := ""
	if !bound {
		if e == nil || e.Token == "" || !s.clock.Now().Before(e.TokenExpires) {
			return errorf("NeedVerifyDomainOwnership", "")
		}
		token = e.Token
		// The lookup may take seconds: outside the lock.
		records, _ := s.cfg.LookupTXT(rc.ctx, "_dnsauth."+domain)
		if !slices.Contains(records, token) {
			return errorf("NeedVerifyDomainOwnership", "")
		}
	}
	// Ownership comes first, as on OSS; then the certificate.
	cnameMu.Lock()
	defer cnameMu.Unlock()
	if other, ok := s.cnameBucket(rc.ctx, domain); ok && other != rc.op.Bucket {
		return errorf("CnameAlreadyExists", "")
	}
	if cur, err = s.cnames(rc); err != nil {
		return err
	}
	next := cloneCnames(cur)
	e = next.Find(domain)
	switch {
	case e == nil || !bound && e.Token != token || bound && !e.Bound:
		return errorf("NeedVerifyDomainOwnership", "") // changed meanwhile
	}
	cert, changed, err := s.cnameCertificate(rc, domain, e.Certificate, c)
	if err != nil {
		return err
	}
	if bound && !changed {
		return writeEmpty(rc, http.StatusOK) // nothing to do
	}
	e.Bound, e.Modified = true, s.clock.Now()
	if changed {
		e.Certificate = cert
	}
	if err := s.saveCnames(rc, next); err != nil {
		return err
	}
	s.cnameIdx.set(domain, rc.op.Bucket)
	s.cnameCerts.forget(domain)
	return writeEmpty(rc, http.StatusOK)
}

// deleteCname unbinds a domain (and forgets its token); a domain the
// bucket does not have is fine.
func (s *server) deleteCname(rc *request) error {
	return s.editCnames(rc, func(cur *bucketconfig.Cnames, domain string) error {
		return s.unbindCname(rc, cur, domain)
	})
}

// unbindCname is deleteCname's work, under cnameMu.
func (s *server) unbindCname(rc *request, cur *bucketconfig.Cnames, domain string) error {
	if cur.Find(domain) != nil {
		next := &bucketconfig.Cnames{}
		for _, e := range cur.Entries {
			if e.Domain != domain {
				next.Entries = append(next.Entries, e)
			}
		}
		if err := s.saveCnames(rc, next); err != nil {
			return err
		}
	}
	s.cnameIdx.drop(domain, rc.op.Bucket)
	s.cnameCerts.forget(domain)
	return writeEmpty(rc, http.StatusOK)
}

func (s *server) listCname(rc *request) error {
	cur, err := s.cnames(rc)
	if err != nil {
		return err
	}
	b, err := s.eng.Bucket(rc.ctx, rc.op.Bucket)
	if err != nil {
		return err
	}
	doc := &cnameListDoc{Bucket: rc.op.Bucket, Owner: s.ossUID(b.Owner)}
	for _, e := range cur.Entries {
		if e.Bound {
			doc.Cnames = append(doc.Cnames, cnameInfoXML{Domain: e.Domain, LastModified: e.Modified.UTC().Format("2006-01-02T15:04:05.000Z"),
				Status: "Enabled", Certificate: renderCnameCertificate(e.Certificate)})
		}
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "ListCnameResult", doc)
}
