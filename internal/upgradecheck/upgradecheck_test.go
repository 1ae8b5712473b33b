// Package upgradecheck writes a store with one osslite build and reads it
// back with another (docs/sdk-suites.md, "Stores written by earlier
// builds"). It speaks S3 through requests signed by aws-sdk-go-v2's SigV4
// signer and OSS through alibabacloud-oss-go-sdk-v2, so it runs against
// any build however old. It is a test that runs only when UPGRADECHECK
// names a command (the SDKs are for tests only, internal/lint):
//
//	go test -c -o upgradecheck.test ./internal/upgradecheck
//	UPGRADECHECK="populate -endpoint URL" ./upgradecheck.test                # write the corpus
//	UPGRADECHECK="fixture -endpoint URL" ./upgradecheck.test                 # engine/testdata/upg33's store
//	UPGRADECHECK="snapshot -endpoint URL -out FILE.json" ./upgradecheck.test # read everything back
//	UPGRADECHECK="work -endpoint URL" ./upgradecheck.test                    # overwrite, delete, complete
//	UPGRADECHECK="compare OLD.json NEW.json" ./upgradecheck.test             # every difference
//
// populate tries each operation and logs the ones the build refuses; the
// snapshot lists what is there and records, per bucket, each configuration
// answer and, per object version, the SHA-256 of its bytes and its
// headers, through both dialects.
package upgradecheck

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"hash/crc64"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	osscreds "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	accessKey = "osslite"
	secretKey = "osslite-secret"
)

type client struct {
	endpoint string
	oss      *oss.Client
	signer   *v4.Signer
	log      *log.Logger
}

func newClient(endpoint string) *client {
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(osscreds.NewStaticCredentialsProvider(accessKey, secretKey)).
		WithRegion("cn-hangzhou").
		WithEndpoint(endpoint).
		WithUsePathStyle(true)
	return &client{endpoint: endpoint, oss: oss.NewClient(cfg), signer: v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }), log: log.New(os.Stderr, "", 0)}
}

// answer is one response as recorded in a snapshot.
type answer struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	SHA256  string            `json:"sha256,omitempty"`
	Size    int               `json:"size,omitempty"`
	Body    string            `json:"body,omitempty"` // documents (not object bytes)
}

// volatile headers change from one answer to the next.
var volatile = map[string]bool{
	"Date": true, "X-Amz-Request-Id": true, "X-Amz-Id-2": true, "X-Oss-Request-Id": true,
	"X-Oss-Server-Time": true, "Server": true, "Connection": true, "Keep-Alive": true,
	"X-Oss-Ec": true, "Content-Length": false,
}

func record(status int, h http.Header, body []byte, keepBody bool) answer {
	a := answer{Status: status, Headers: map[string]string{}}
	if status == 200 && !keepBody {
		a.Headers["X-Upg-Checksums"] = verifyChecksums(h, body)
	}
	if status >= 300 {
		// An error document carries a request ID: keep its code.
		var e struct{ Code string }
		xml.Unmarshal(body, &e)
		body = []byte(e.Code)
		keepBody = true
	}
	for k, v := range h {
		if volatile[k] {
			continue
		}
		a.Headers[k] = strings.Join(v, ",")
	}
	sum := sha256.Sum256(body)
	a.SHA256 = hex.EncodeToString(sum[:])
	a.Size = len(body)
	if keepBody {
		a.Body = string(body)
	}
	return a
}

// s3 sends one SigV4-signed request.
func (c *client) s3(method, path string, query url.Values, hdr map[string]string, body []byte) (int, http.Header, []byte, error) {
	u := c.endpoint + "/" + strings.TrimPrefix(encodePath(path), "/")
	if len(query) > 0 {
		u += "?" + strings.ReplaceAll(query.Encode(), "=&", "&")
		u = strings.TrimSuffix(u, "=")
	}
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	if body != nil {
		m := md5.Sum(body)
		req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(m[:]))
	}
	sum := sha256.Sum256(body)
	ph := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", ph)
	if err := c.signer.SignHTTP(context.Background(), aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey}, req, ph, "s3", "us-east-1", time.Now()); err != nil {
		return 0, nil, nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}

var (
	crc64NVME = crc64.MakeTable(0x9a6c9329ac4bc9b5)
	crc64ECMA = crc64.MakeTable(crc64.ECMA)
)

// verifyChecksums checks the full-object checksums an answer carries
// against its bytes: a store whose recorded checksums no longer match is
// a finding even when the bytes are right.
func verifyChecksums(h http.Header, body []byte) string {
	var out []string
	check := func(name string, ok bool) {
		if ok {
			out = append(out, name+" ok")
		} else {
			out = append(out, name+" MISMATCH")
		}
	}
	if v := h.Get("X-Amz-Checksum-Crc64nvme"); v != "" && h.Get("X-Amz-Checksum-Type") != "COMPOSITE" {
		b := binary.BigEndian.AppendUint64(nil, crc64.Checksum(body, crc64NVME))
		check("crc64nvme", v == base64.StdEncoding.EncodeToString(b))
	}
	if v := h.Get("X-Amz-Checksum-Crc32"); v != "" && h.Get("X-Amz-Checksum-Type") != "COMPOSITE" {
		b := binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(body))
		check("crc32", v == base64.StdEncoding.EncodeToString(b))
	}
	if v := h.Get("X-Oss-Hash-Crc64ecma"); v != "" {
		check("crc64ecma", v == strconv.FormatUint(crc64.Checksum(body, crc64ECMA), 10))
	}
	if v := strings.Trim(h.Get("Etag"), `"`); len(v) == 32 && !strings.Contains(v, "-") {
		m := md5.Sum(body)
		check("md5", strings.EqualFold(v, hex.EncodeToString(m[:])) || h.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm") != "")
	}
	return strings.Join(out, ", ")
}

func encodePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// ossDo sends one OSS request through the v2 SDK.
func (c *client) ossDo(method, bucket, key string, params, hdr map[string]string, body []byte) (int, http.Header, []byte, error) {
	in := &oss.OperationInput{OpName: "Upg", Method: method, Parameters: params, Headers: hdr}
	if bucket != "" {
		in.Bucket = oss.Ptr(bucket)
	}
	if key != "" {
		in.Key = oss.Ptr(key)
	}
	if body != nil {
		in.Body = bytes.NewReader(body)
	}
	out, err := c.oss.InvokeOperation(context.Background(), in)
	if err != nil {
		var se *oss.ServiceError
		if errors.As(err, &se) {
			return se.StatusCode, se.Headers, []byte("<Code>" + se.Code + "</Code>"), nil
		}
		return 0, nil, nil, err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	return out.StatusCode, out.Headers, b, err
}

// try logs a write the build refused; populate goes on.
func (c *client) try(what string, status int, _ http.Header, body []byte, err error) bool {
	if err != nil {
		c.log.Printf("SKIP %s: %v", what, err)
		return false
	}
	if status >= 300 {
		c.log.Printf("SKIP %s: %d %.200s", what, status, body)
		return false
	}
	c.log.Printf("ok   %s", what)
	return true
}

// ok is try for a call's results.
func (c *client) ok(what string) func(int, http.Header, []byte, error) bool {
	return func(status int, h http.Header, body []byte, err error) bool { return c.try(what, status, h, body, err) }
}

func payload(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

func q(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

const (
	bS3    = "upg-s3"    // versioned S3 bucket
	bPlain = "upg-plain" // unversioned S3 bucket: deletes, copies, SSE
	bLock  = "upg-lock"  // S3 bucket with Object Lock
	bDest  = "upg-dest"  // replication destination
	bLogs  = "upg-logs"  // logging and inventory destination
	bOSS   = "upg-oss"   // bucket created through OSS
)

func (c *client) populate() {
	s3put := func(what, path string, query url.Values, hdr map[string]string, body []byte) (http.Header, bool) {
		st, h, b, err := c.s3("PUT", path, query, hdr, body)
		return h, c.try(what, st, h, b, err)
	}
	for _, b := range []string{bS3, bPlain, bDest, bLogs} {
		s3put("create "+b, b, nil, nil, nil)
	}
	s3put("create "+bLock, bLock, nil, map[string]string{"x-amz-bucket-object-lock-enabled": "true"}, nil)
	c.ok("create " + bOSS + " (OSS)")(c.ossDo("PUT", bOSS, "", nil, nil, []byte(`<?xml version="1.0" encoding="UTF-8"?><CreateBucketConfiguration><StorageClass>Standard</StorageClass></CreateBucketConfiguration>`)))

	// Plain bucket: inline, blob-log and multi-MiB bodies with metadata.
	meta := map[string]string{"Content-Type": "text/plain; charset=utf-8", "x-amz-meta-owner": "upg33", "x-amz-meta-Mixed": "Value One",
		"Cache-Control": "max-age=60", "Content-Disposition": `attachment; filename="a.txt"`, "x-amz-tagging": "k1=v1&k2=v2", "x-amz-acl": "public-read"}
	s3put("small inline", bPlain+"/small.txt", nil, meta, payload(1, 1000))
	s3put("empty", bPlain+"/empty", nil, nil, []byte{})
	s3put("40 KiB", bPlain+"/mid.bin", nil, map[string]string{"x-amz-meta-size": "40k"}, payload(2, 40<<10))
	s3put("6 MiB", bPlain+"/big.bin", nil, map[string]string{"x-amz-storage-class": "STANDARD_IA"}, payload(3, 6<<20))
	s3put("key with odd bytes", bPlain+"/dir/ü ñ.txt", nil, nil, payload(4, 100))
	s3put("copy sharing blobs", bPlain+"/copy/big.bin", nil, map[string]string{"x-amz-copy-source": "/" + bPlain + "/big.bin"}, nil)
	s3put("copy of inline, replaced metadata", bPlain+"/copy/small.txt", nil, map[string]string{"x-amz-copy-source": "/" + bPlain + "/small.txt", "x-amz-metadata-directive": "REPLACE", "x-amz-meta-copied": "yes"}, nil)
	s3put("tags after put", bPlain+"/mid.bin", q("tagging", ""), nil, []byte(`<Tagging><TagSet><Tag><Key>t</Key><Value>later</Value></Tag></TagSet></Tagging>`))
	// Deleted bodies whose space no compaction has reclaimed.
	for i := 0; i < 3; i++ {
		k := fmt.Sprintf("%s/gone/%d.bin", bPlain, i)
		s3put("doomed "+k, k, nil, nil, payload(uint64(10+i), 3<<20))
		st, h, b, err := c.s3("DELETE", k, nil, nil, nil)
		c.try("delete "+k, st, h, b, err)
	}
	s3put("overwritten big", bPlain+"/over.bin", nil, nil, payload(20, 2<<20))
	s3put("overwrite big", bPlain+"/over.bin", nil, nil, payload(21, 2<<20))
	// Encryption.
	s3put("SSE-S3", bPlain+"/sse/s3.bin", nil, map[string]string{"x-amz-server-side-encryption": "AES256"}, payload(30, 100<<10))
	s3put("SSE-S3 inline", bPlain+"/sse/s3-small.txt", nil, map[string]string{"x-amz-server-side-encryption": "AES256"}, payload(31, 500))
	s3put("SSE-KMS", bPlain+"/sse/kms.bin", nil, map[string]string{"x-amz-server-side-encryption": "aws:kms"}, payload(32, 2<<20))
	s3put("SSE-C", bPlain+"/sse/c.bin", nil, ssec(), payload(33, 1<<20+7))
	// Multipart: completed and in progress.
	c.multipart(bPlain+"/mpu/done.bin", true)
	c.multipart(bPlain+"/mpu/pending.bin", false)

	// Versioned bucket.
	s3put("versioning on", bS3, q("versioning", ""), nil, []byte(`<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`))
	for i := 0; i < 3; i++ {
		s3put(fmt.Sprintf("version %d", i), bS3+"/v/key", nil, map[string]string{"x-amz-meta-n": fmt.Sprint(i)}, payload(uint64(40+i), 1000+i*30000))
	}
	s3put("deleted later", bS3+"/v/deleted", nil, nil, payload(45, 20<<10))
	st, h, b, err := c.s3("DELETE", bS3+"/v/deleted", nil, nil, nil)
	c.try("delete marker", st, h, b, err)
	s3put("suspend versioning", bS3, q("versioning", ""), nil, []byte(`<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>`))
	s3put("null version", bS3+"/v/null", nil, nil, payload(46, 300))
	s3put("null version over versions", bS3+"/v/key", nil, nil, payload(47, 17<<10))
	s3put("versioning on again", bS3, q("versioning", ""), nil, []byte(`<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`))
	s3put("version after null", bS3+"/v/null", nil, nil, payload(48, 64<<10))
	c.multipart(bS3+"/v/mpu.bin", true)

	// Object Lock.
	until := "2031-01-01T00:00:00Z"
	s3put("retention", bLock+"/locked.txt", nil, map[string]string{"x-amz-object-lock-mode": "GOVERNANCE", "x-amz-object-lock-retain-until-date": until}, payload(50, 200))
	s3put("legal hold", bLock+"/held.bin", nil, map[string]string{"x-amz-object-lock-legal-hold": "ON"}, payload(51, 30<<10))
	s3put("lock default", bLock, q("object-lock", ""), nil, []byte(`<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>3650</Days></DefaultRetention></Rule></ObjectLockConfiguration>`))
	s3put("default-retained", bLock+"/default.txt", nil, nil, payload(52, 10))

	// Bucket configurations.
	s3put("versioning dest", bDest, q("versioning", ""), nil, []byte(`<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`))
	s3put("lifecycle", bPlain, q("lifecycle", ""), nil, []byte(`<LifecycleConfiguration><Rule><ID>expire-tmp</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule><Rule><ID>abort</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule></LifecycleConfiguration>`))
	s3put("cors", bPlain, q("cors", ""), nil, []byte(`<CORSConfiguration><CORSRule><ID>r1</ID><AllowedOrigin>https://example.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>300</MaxAgeSeconds></CORSRule></CORSConfiguration>`))
	s3put("website", bPlain, q("website", ""), nil, []byte(`<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument><ErrorDocument><Key>error.html</Key></ErrorDocument></WebsiteConfiguration>`))
	s3put("policy", bPlain, q("policy", ""), nil, []byte(`{"Version":"2012-10-17","Statement":[{"Sid":"pub","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::upg-plain/pub/*"}]}`))
	s3put("encryption", bPlain, q("encryption", ""), nil, []byte(`<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`))
	s3put("tagging", bPlain, q("tagging", ""), nil, []byte(`<Tagging><TagSet><Tag><Key>team</Key><Value>storage</Value></Tag></TagSet></Tagging>`))
	s3put("public access block", bPlain, q("publicAccessBlock", ""), nil, []byte(`<PublicAccessBlockConfiguration><BlockPublicAcls>false</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets></PublicAccessBlockConfiguration>`))
	s3put("ownership", bLogs, q("ownershipControls", ""), nil, []byte(`<OwnershipControls><Rule><ObjectOwnership>BucketOwnerPreferred</ObjectOwnership></Rule></OwnershipControls>`))
	s3put("logging", bPlain, q("logging", ""), nil, []byte(`<BucketLoggingStatus><LoggingEnabled><TargetBucket>upg-logs</TargetBucket><TargetPrefix>plain/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>`))
	s3put("inventory", bPlain, q("inventory", "", "id", "inv1"), nil, []byte(`<InventoryConfiguration><Destination><S3BucketDestination><Bucket>arn:aws:s3:::upg-logs</Bucket><Format>CSV</Format><Prefix>inv</Prefix></S3BucketDestination></Destination><IsEnabled>true</IsEnabled><Id>inv1</Id><IncludedObjectVersions>Current</IncludedObjectVersions><Schedule><Frequency>Weekly</Frequency></Schedule></InventoryConfiguration>`))
	s3put("notification", bPlain, q("notification", ""), nil, []byte(`<NotificationConfiguration></NotificationConfiguration>`))
	s3put("replication", bS3, q("replication", ""), nil, []byte(`<ReplicationConfiguration><Role>arn:aws:iam::123456789012:role/r</Role><Rule><ID>all</ID><Priority>1</Priority><Status>Enabled</Status><Filter><Prefix>rep/</Prefix></Filter><DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication><Destination><Bucket>arn:aws:s3:::upg-dest</Bucket></Destination></Rule></ReplicationConfiguration>`))
	s3put("replicated object", bS3+"/rep/one.txt", nil, nil, payload(60, 5000))
	s3put("bucket acl", bLogs, q("acl", ""), map[string]string{"x-amz-acl": "log-delivery-write"}, nil)

	// OSS: objects, appends, symlinks, ACLs, tags, encryption, configurations.
	oput := func(what, key string, params, hdr map[string]string, body []byte) bool {
		return c.ok(what)(c.ossDo("PUT", bOSS, key, params, hdr, body))
	}
	oput("oss small", "o/small.txt", nil, map[string]string{"Content-Type": "text/plain", "x-oss-meta-color": "blue", "x-oss-object-acl": "public-read", "x-oss-tagging": "a=1&b=2"}, payload(70, 700))
	oput("oss big", "o/big.bin", nil, map[string]string{"x-oss-storage-class": "IA"}, payload(71, 3<<20+11))
	oput("oss sse AES256", "o/sse.bin", nil, map[string]string{"x-oss-server-side-encryption": "AES256"}, payload(72, 70<<10))
	c.ok("oss append 1")(c.ossDo("POST", bOSS, "o/append.log", map[string]string{"append": "", "position": "0"}, nil, payload(73, 10<<10)))
	c.ok("oss append 2")(c.ossDo("POST", bOSS, "o/append.log", map[string]string{"append": "", "position": fmt.Sprint(10 << 10)}, nil, payload(74, 20<<10)))
	oput("oss symlink", "o/link", map[string]string{"symlink": ""}, map[string]string{"x-oss-symlink-target": "o/big.bin", "x-oss-meta-link": "yes"}, nil)
	oput("oss object acl", "o/big.bin", map[string]string{"acl": ""}, map[string]string{"x-oss-object-acl": "private"}, nil)
	oput("oss bucket acl", "", map[string]string{"acl": ""}, map[string]string{"x-oss-acl": "public-read"}, nil)
	oput("oss lifecycle", "", map[string]string{"lifecycle": ""}, nil, []byte(`<?xml version="1.0" encoding="UTF-8"?><LifecycleConfiguration><Rule><ID>cold</ID><Prefix>logs/</Prefix><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>IA</StorageClass></Transition></Rule></LifecycleConfiguration>`))
	oput("oss cors", "", map[string]string{"cors": ""}, nil, []byte(`<?xml version="1.0" encoding="UTF-8"?><CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>100</MaxAgeSeconds></CORSRule></CORSConfiguration>`))
	oput("oss referer", "", map[string]string{"referer": ""}, nil, []byte(`<?xml version="1.0" encoding="UTF-8"?><RefererConfiguration><AllowEmptyReferer>false</AllowEmptyReferer><RefererList><Referer>https://example.com</Referer></RefererList></RefererConfiguration>`))
	oput("oss tagging", "", map[string]string{"tagging": ""}, nil, []byte(`<?xml version="1.0" encoding="UTF-8"?><Tagging><TagSet><Tag><Key>env</Key><Value>upg</Value></Tag></TagSet></Tagging>`))
	c.ossMultipart("o/mpu.bin", true)
	c.ossMultipart("o/mpu-pending.bin", false)
}

// patterned is n bytes of a 4 KiB random block repeated: a blob-log body
// that a tar.gz of the store compresses (the engine.TestUpg33 fixture).
func patterned(seed uint64, n int) []byte {
	block := payload(seed, 4096)
	b := make([]byte, n)
	for i := 0; i < n; i += len(block) {
		copy(b[i:], block)
	}
	return b
}

// fixture writes the small store committed under engine/testdata/upg33:
// few objects, each a different kind of record.
func (c *client) fixture() {
	s3put := func(what, path string, query url.Values, hdr map[string]string, body []byte) (http.Header, bool) {
		st, h, b, err := c.s3("PUT", path, query, hdr, body)
		return h, c.try(what, st, h, b, err)
	}
	const fx, fo = "fx-s3", "fx-oss"
	s3put("create "+fx, fx, nil, nil, nil)
	c.ok("create " + fo)(c.ossDo("PUT", fo, "", nil, nil, nil))
	s3put("tagging", fx, q("tagging", ""), nil, []byte(`<Tagging><TagSet><Tag><Key>team</Key><Value>storage</Value></Tag></TagSet></Tagging>`))
	s3put("inline with metadata", fx+"/small.txt", nil, map[string]string{"Content-Type": "text/plain; charset=utf-8", "x-amz-meta-owner": "upg33",
		"Cache-Control": "max-age=60", "Content-Disposition": `attachment; filename="a.txt"`, "x-amz-tagging": "k1=v1&k2=v2", "x-amz-acl": "public-read"}, payload(1, 1000))
	s3put("empty", fx+"/empty", nil, nil, []byte{})
	s3put("blob 40 KiB", fx+"/mid.bin", nil, map[string]string{"x-amz-storage-class": "STANDARD_IA"}, patterned(2, 40<<10))
	s3put("blob of three chunks", fx+"/big.bin", nil, nil, patterned(3, 2<<20+5))
	s3put("copy sharing the blob", fx+"/copy.bin", nil, map[string]string{"x-amz-copy-source": "/" + fx + "/big.bin"}, nil)
	s3put("doomed", fx+"/gone.bin", nil, nil, patterned(4, 300<<10))
	st, h, b, err := c.s3("DELETE", fx+"/gone.bin", nil, nil, nil)
	c.try("delete doomed", st, h, b, err)
	s3put("odd key", fx+"/dir/ü ñ.txt", nil, nil, payload(5, 100))
	c.multipartWith(fx+"/mpu/done.bin", true, patterned)
	c.multipartWith(fx+"/mpu/pending.bin", false, patterned)
	oput := func(what, key string, params, hdr map[string]string, body []byte) bool {
		return c.ok(what)(c.ossDo("PUT", fo, key, params, hdr, body))
	}
	oput("oss object", "o/small.txt", nil, map[string]string{"Content-Type": "text/plain", "x-oss-meta-color": "blue", "x-oss-object-acl": "public-read-write"}, payload(70, 700))
	c.ok("oss append 1")(c.ossDo("POST", fo, "o/append.log", map[string]string{"append": "", "position": "0"}, nil, payload(73, 10<<10)))
	c.ok("oss append 2")(c.ossDo("POST", fo, "o/append.log", map[string]string{"append": "", "position": fmt.Sprint(10 << 10)}, nil, patterned(74, 20<<10)))
	oput("oss symlink", "o/link", map[string]string{"symlink": ""}, map[string]string{"x-oss-symlink-target": "o/small.txt", "x-oss-meta-link": "yes"}, nil)
}

func ssec() map[string]string {
	key := bytes.Repeat([]byte{7}, 32)
	m := md5.Sum(key)
	return map[string]string{
		"x-amz-server-side-encryption-customer-algorithm": "AES256",
		"x-amz-server-side-encryption-customer-key":       base64.StdEncoding.EncodeToString(key),
		"x-amz-server-side-encryption-customer-key-md5":   base64.StdEncoding.EncodeToString(m[:]),
	}
}

type initResult struct {
	UploadID string `xml:"UploadId"`
}

func (c *client) multipart(path string, complete bool) { c.multipartWith(path, complete, payload) }

func (c *client) multipartWith(path string, complete bool, payload func(uint64, int) []byte) {
	st, h, b, err := c.s3("POST", path, q("uploads", ""), map[string]string{"x-amz-meta-mpu": "yes"}, nil)
	if !c.try("initiate "+path, st, h, b, err) {
		return
	}
	var ir initResult
	xml.Unmarshal(b, &ir)
	sizes := []int{5 << 20, 1 << 20}
	var doc strings.Builder
	doc.WriteString("<CompleteMultipartUpload>")
	for i, n := range sizes {
		st, h, b, err := c.s3("PUT", path, q("partNumber", fmt.Sprint(i+1), "uploadId", ir.UploadID), nil, payload(uint64(100+i)+uint64(len(path)), n))
		if !c.try(fmt.Sprintf("part %d of %s", i+1, path), st, h, b, err) {
			return
		}
		fmt.Fprintf(&doc, "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>", i+1, h.Get("ETag"))
		if !complete {
			return
		}
	}
	doc.WriteString("</CompleteMultipartUpload>")
	st, h, b, err = c.s3("POST", path, q("uploadId", ir.UploadID), nil, []byte(doc.String()))
	c.try("complete "+path, st, h, b, err)
}

func (c *client) ossMultipart(key string, complete bool) {
	st, h, b, err := c.ossDo("POST", bOSS, key, map[string]string{"uploads": ""}, nil, nil)
	if !c.try("oss initiate "+key, st, h, b, err) {
		return
	}
	var ir initResult
	xml.Unmarshal(b, &ir)
	var doc strings.Builder
	doc.WriteString(`<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload>`)
	for i, n := range []int{200 << 10, 100 << 10} {
		st, h, b, err := c.ossDo("PUT", bOSS, key, map[string]string{"partNumber": fmt.Sprint(i + 1), "uploadId": ir.UploadID}, nil, payload(uint64(200+i)+uint64(len(key)), n))
		if !c.try(fmt.Sprintf("oss part %d of %s", i+1, key), st, h, b, err) {
			return
		}
		fmt.Fprintf(&doc, "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>", i+1, h.Get("ETag"))
		if !complete {
			return
		}
	}
	doc.WriteString("</CompleteMultipartUpload>")
	c.ok("oss complete " + key)(c.ossDo("POST", bOSS, key, map[string]string{"uploadId": ir.UploadID}, nil, []byte(doc.String())))
}

// work changes the store with the new build: overwrite, delete, complete
// the pending upload, and a new version.
func (c *client) work() {
	st, h, b, err := c.s3("PUT", bPlain+"/small.txt", nil, map[string]string{"x-amz-meta-after": "upgrade"}, payload(300, 800))
	c.try("overwrite small", st, h, b, err)
	st, h, b, err = c.s3("DELETE", bPlain+"/big.bin", nil, nil, nil)
	c.try("delete big (its copy keeps the blob)", st, h, b, err)
	st, h, b, err = c.s3("PUT", bS3+"/v/key", nil, nil, payload(301, 50<<10))
	c.try("new version", st, h, b, err)
	st, h, b, err = c.s3("DELETE", bS3+"/v/null", nil, nil, nil)
	c.try("delete marker over versions", st, h, b, err)
	// Complete the pending upload with one more part.
	st, h, b, err = c.s3("GET", bPlain, q("uploads", ""), nil, nil)
	var lu struct {
		Upload []struct{ Key, UploadId string }
	}
	xml.Unmarshal(b, &lu)
	for _, u := range lu.Upload {
		if u.Key != "mpu/pending.bin" {
			continue
		}
		_, ph, _, _ := c.s3("PUT", bPlain+"/"+u.Key, q("partNumber", "2", "uploadId", u.UploadId), nil, payload(302, 100))
		st, h, b, err = c.s3("GET", bPlain+"/"+u.Key, q("uploadId", u.UploadId), nil, nil)
		var lp struct {
			Part []struct {
				PartNumber int
				ETag       string
			}
		}
		xml.Unmarshal(b, &lp)
		var doc strings.Builder
		doc.WriteString("<CompleteMultipartUpload>")
		for _, p := range lp.Part {
			fmt.Fprintf(&doc, "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>", p.PartNumber, p.ETag)
		}
		doc.WriteString("</CompleteMultipartUpload>")
		_ = ph
		st, h, b, err = c.s3("POST", bPlain+"/"+u.Key, q("uploadId", u.UploadId), nil, []byte(doc.String()))
		c.try("complete the pending upload", st, h, b, err)
	}
	c.ok("oss append 3")(c.ossDo("POST", bOSS, "o/append.log", map[string]string{"append": "", "position": fmt.Sprint(30 << 10)}, nil, payload(303, 5<<10)))
	st, h, b, err = c.s3("PUT", bPlain+"/tmp/expiring.txt", nil, nil, payload(304, 10))
	c.try("object the lifecycle rule expires", st, h, b, err)
}

// Snapshot is everything read back, keyed by a description of the request.
type Snapshot map[string]answer

var s3BucketSubresources = []string{"versioning", "lifecycle", "cors", "website", "policy", "encryption", "replication",
	"notification", "inventory", "logging", "tagging", "publicAccessBlock", "ownershipControls", "object-lock", "acl", "location", "uploads", "versions"}

var ossBucketSubresources = []string{"acl", "lifecycle", "cors", "referer", "tagging", "versioning", "website", "encryption", "policy", "bucketInfo", "uploads"}

func (c *client) snapshot() Snapshot {
	s := Snapshot{}
	put := func(k string, st int, h http.Header, b []byte, err error, keep bool) {
		if err != nil {
			s[k] = answer{Status: -1, Body: err.Error()}
			return
		}
		s[k] = record(st, h, b, keep)
	}
	st, h, b, err := c.s3("GET", "", nil, nil, nil)
	put("s3 ListBuckets", st, h, b, err, true)
	var lb struct {
		Buckets struct{ Bucket []struct{ Name string } }
	}
	xml.Unmarshal(b, &lb)
	for _, bk := range lb.Buckets.Bucket {
		name := bk.Name
		for _, sub := range s3BucketSubresources {
			st, h, b, err := c.s3("GET", name, q(sub, ""), nil, nil)
			put("s3 "+name+"?"+sub, st, h, b, err, true)
		}
		for _, sub := range ossBucketSubresources {
			st, h, b, err := c.ossDo("GET", name, "", map[string]string{sub: ""}, nil, nil)
			put("oss "+name+"?"+sub, st, h, b, err, true)
		}
		c.snapshotObjects(name, s, put)
		c.snapshotUploads(name, s, put)
	}
	return s
}

type listedVersion struct {
	Key       string
	VersionId string
	IsLatest  bool
}

func (c *client) snapshotObjects(bucket string, s Snapshot, put func(string, int, http.Header, []byte, error, bool)) {
	var versions []listedVersion
	marker, vmarker := "", ""
	for {
		query := q("versions", "")
		if marker != "" {
			query.Set("key-marker", marker)
			query.Set("version-id-marker", vmarker)
		}
		_, _, b, err := c.s3("GET", bucket, query, nil, nil)
		if err != nil {
			return
		}
		var lv struct {
			IsTruncated         bool
			NextKeyMarker       string
			NextVersionIdMarker string
			Version             []listedVersion
			DeleteMarker        []listedVersion
		}
		xml.Unmarshal(b, &lv)
		versions = append(versions, lv.Version...)
		for _, d := range lv.DeleteMarker {
			d.VersionId = "marker:" + d.VersionId
			versions = append(versions, d)
		}
		if !lv.IsTruncated {
			break
		}
		marker, vmarker = lv.NextKeyMarker, lv.NextVersionIdMarker
	}
	sort.Slice(versions, func(i, j int) bool {
		return versions[i].Key+"\x00"+versions[i].VersionId < versions[j].Key+"\x00"+versions[j].VersionId
	})
	for _, v := range versions {
		p := bucket + "/" + v.Key
		id := strings.TrimPrefix(v.VersionId, "marker:")
		name := fmt.Sprintf("s3 %s@%s", p, v.VersionId)
		if strings.HasPrefix(v.VersionId, "marker:") {
			st, h, b, err := c.s3("HEAD", p, q("versionId", id), nil, nil)
			put(name+" HEAD", st, h, b, err, false)
			continue
		}
		hdr := map[string]string{"x-amz-checksum-mode": "ENABLED"}
		if strings.Contains(v.Key, "sse/c") {
			for k, v := range ssec() {
				hdr[k] = v
			}
		}
		st, h, b, err := c.s3("GET", p, q("versionId", id), hdr, nil)
		put(name, st, h, b, err, false)
		for _, sub := range []string{"tagging", "acl", "retention", "legal-hold"} {
			st, h, b, err := c.s3("GET", p, q(sub, "", "versionId", id), nil, nil)
			put(name+"?"+sub, st, h, b, err, true)
		}
		if v.IsLatest {
			// The current version through OSS, and its own reads.
			st, h, b, err := c.ossDo("GET", bucket, v.Key, nil, nil, nil)
			put("oss "+p, st, h, b, err, false)
			for _, sub := range []string{"acl", "tagging", "symlink", "objectMeta"} {
				m := "GET"
				if sub == "objectMeta" {
					m = "HEAD"
				}
				st, h, b, err := c.ossDo(m, bucket, v.Key, map[string]string{sub: ""}, nil, nil)
				put("oss "+p+"?"+sub, st, h, b, err, true)
			}
		}
	}
}

func (c *client) snapshotUploads(bucket string, s Snapshot, put func(string, int, http.Header, []byte, error, bool)) {
	_, _, b, err := c.s3("GET", bucket, q("uploads", ""), nil, nil)
	if err != nil {
		return
	}
	var lu struct {
		Upload []struct{ Key, UploadId string }
	}
	xml.Unmarshal(b, &lu)
	for _, u := range lu.Upload {
		st, h, b, err := c.s3("GET", bucket+"/"+u.Key, q("uploadId", u.UploadId), nil, nil)
		put("s3 parts "+bucket+"/"+u.Key+" "+u.UploadId, st, h, b, err, true)
	}
}

func compare(a, b Snapshot) int {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var sorted []string
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	diffs := 0
	for _, k := range sorted {
		x, okx := a[k]
		y, oky := b[k]
		switch {
		case !okx:
			fmt.Printf("ONLY NEW  %s (%d)\n", k, y.Status)
			diffs++
		case !oky:
			fmt.Printf("ONLY OLD  %s (%d)\n", k, x.Status)
			diffs++
		default:
			if x.Status != y.Status {
				fmt.Printf("STATUS    %s: %d -> %d %.300s\n", k, x.Status, y.Status, y.Body)
				diffs++
				continue
			}
			if x.SHA256 != y.SHA256 {
				fmt.Printf("BODY      %s: %d bytes %s -> %d bytes %s\n", k, x.Size, x.SHA256[:12], y.Size, y.SHA256[:12])
				if x.Body != "" || y.Body != "" {
					fmt.Printf("          old %.600s\n          new %.600s\n", x.Body, y.Body)
				}
				diffs++
			}
			for h, v := range x.Headers {
				if w, ok := y.Headers[h]; !ok {
					fmt.Printf("HDR GONE  %s: %s: %s\n", k, h, v)
					diffs++
				} else if w != v {
					fmt.Printf("HDR       %s: %s: %q -> %q\n", k, h, v, w)
					diffs++
				}
			}
			for h, w := range y.Headers {
				if _, ok := x.Headers[h]; !ok {
					fmt.Printf("HDR NEW   %s: %s: %s\n", k, h, w)
					diffs++
				}
			}
		}
	}
	return diffs
}

func load(path string) Snapshot {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	var s Snapshot
	if err := json.Unmarshal(b, &s); err != nil {
		log.Fatal(err)
	}
	return s
}

func TestUpgradeCheck(t *testing.T) {
	args := strings.Fields(os.Getenv("UPGRADECHECK"))
	if len(args) == 0 {
		t.Skip("UPGRADECHECK names no command (populate, fixture, snapshot, work, compare)")
	}
	fs := flag.NewFlagSet(args[0], flag.ExitOnError)
	endpoint := fs.String("endpoint", "http://127.0.0.1:9000", "server URL")
	out := fs.String("out", "", "snapshot file to write")
	fs.Parse(args[1:])
	c := newClient(*endpoint)
	switch args[0] {
	case "populate":
		c.populate()
	case "fixture":
		c.fixture()
	case "work":
		c.work()
	case "snapshot":
		b, err := json.MarshalIndent(c.snapshot(), "", " ")
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(*out, b, 0o644); err != nil {
			log.Fatal(err)
		}
	case "compare":
		if n := compare(load(fs.Arg(0)), load(fs.Arg(1))); n > 0 {
			fmt.Printf("%d differences\n", n)
			t.Fail()
			return
		}
		fmt.Println("identical")
	default:
		t.Fatalf("unknown command %q", args[0])
	}
}
