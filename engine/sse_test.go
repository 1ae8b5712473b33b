package engine

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/osslite/osslite/pkg/kms"
	"github.com/stretchr/testify/require"
)

func testKMS(t testing.TB) *kms.KMS {
	t.Helper()
	root := make([]byte, 32)
	rand.Read(root)
	k, err := kms.New(kms.Options{RootKey: root, Keys: []string{"app"}})
	require.NoError(t, err)
	return k
}

// modelEncryption picks the encryption of a model write: none without a
// key service, else the managed key or a KMS key.
func modelEncryption(e *Engine, rng *mrand.Rand) Encryption {
	if e.opts.Keys == nil {
		return Encryption{}
	}
	switch rng.IntN(4) {
	case 0:
		return Encryption{Mode: EncryptManaged}
	case 1:
		return Encryption{Mode: EncryptKMS, KeyID: "alias/app", Context: map[string]string{"k": "v"}}
	case 2:
		return Encryption{Mode: EncryptKMS, KeyID: "alias/app", BucketKey: true}
	}
	return Encryption{}
}

func sseOptions(t testing.TB) *Options {
	o := testOptions()
	o.Keys = testKMS(t)
	return o
}

var customerKey = bytes.Repeat([]byte{7}, 32)

func encModes() map[string]Encryption {
	return map[string]Encryption{
		"managed":  {Mode: EncryptManaged},
		"kms":      {Mode: EncryptKMS, KeyID: "alias/app", Context: map[string]string{"a": "b"}, BucketKey: true},
		"customer": {Mode: EncryptCustomer, CustomerKey: customerKey, OpaqueETag: true},
		"dsse":     {Mode: EncryptKMS, KeyID: "alias/app", Cipher: CipherAES256Dual, OpaqueETag: true},
	}
}

func readKey(enc Encryption) []byte {
	if enc.Mode == EncryptCustomer {
		return enc.CustomerKey
	}
	return nil
}

func TestEncryptionRoundTrip(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, sseOptions(t))
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	rng := mrand.New(mrand.NewPCG(1, 2))
	chunk := e.opts.ChunkSize
	for name, enc := range encModes() {
		for _, size := range []int{0, 1, 1000, 1 << 10, 1<<10 + 1, chunk, 3*chunk + 17} {
			data := randBytes(rng, size)
			info, err := e.PutObject(ctx, "bkt", name, bytes.NewReader(data), int64(size), PutOptions{Encryption: enc})
			require.NoError(t, err)
			require.NotNil(t, info.Encryption)
			require.Equal(t, enc.Mode, info.Encryption.Mode)
			if enc.Mode == EncryptKMS {
				require.Contains(t, info.Encryption.KeyID, "arn:aws:kms:")
				require.Equal(t, enc.BucketKey, info.Encryption.BucketKey)
				require.Equal(t, enc.Cipher, info.Encryption.Cipher)
			}
			if enc.OpaqueETag {
				require.NotEqual(t, md5hex(data), info.ETag)
			} else {
				require.Equal(t, md5hex(data), info.ETag)
			}
			got, o := readAll(t, e, "bkt", name, GetOptions{CustomerKey: readKey(enc)})
			require.Equal(t, data, got, "%s %d", name, size)
			require.Equal(t, enc.Mode, o.Info.Encryption.Mode)
			head, err := e.HeadObject(ctx, "bkt", name)
			require.NoError(t, err)
			require.NoError(t, head.Encryption.CheckCustomerKey(readKey(enc)))
			// Ranges across chunk boundaries decrypt only what they touch.
			for _, r := range []ByteRange{{Start: int64(chunk - 3), End: int64(chunk + 5)}, {Start: 1, End: int64(2*chunk + 1)}, {Start: -1, Suffix: 7}} {
				if size == 0 {
					continue
				}
				off, n, err := r.resolve(int64(size))
				if err != nil {
					continue
				}
				got, _ := readAll(t, e, "bkt", name, GetOptions{Range: &r, CustomerKey: readKey(enc)})
				require.Equal(t, data[off:off+n], got)
			}
			if size > 10 {
				o, err := e.GetObject(ctx, "bkt", name, GetOptions{CustomerKey: readKey(enc)})
				require.NoError(t, err)
				p := make([]byte, 9)
				_, err = o.ReadAt(p, int64(size-9))
				require.NoError(t, err)
				require.Equal(t, data[size-9:], p)
				require.NoError(t, o.Close())
			}
		}
	}
}

func md5hex(b []byte) string { return hexMD5(b) }

func TestCustomerKeyErrors(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, sseOptions(t))
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	enc := Encryption{Mode: EncryptCustomer, CustomerKey: customerKey}
	_, err := e.PutObject(ctx, "bkt", "c", bytes.NewReader([]byte("secret")), -1, PutOptions{Encryption: enc})
	require.NoError(t, err)
	put(t, e, "bkt", "plain", []byte("clear"))
	other := bytes.Repeat([]byte{8}, 32)

	_, err = e.GetObject(ctx, "bkt", "c", GetOptions{})
	require.ErrorIs(t, err, ErrCustomerKeyRequired)
	_, err = e.GetObject(ctx, "bkt", "c", GetOptions{CustomerKey: other})
	require.ErrorIs(t, err, ErrCustomerKeyMismatch)
	_, err = e.GetObject(ctx, "bkt", "plain", GetOptions{CustomerKey: customerKey})
	require.ErrorIs(t, err, ErrEncryptionNotApplicable)
	info, err := e.HeadObject(ctx, "bkt", "c")
	require.NoError(t, err)
	require.ErrorIs(t, info.Encryption.CheckCustomerKey(other), ErrCustomerKeyMismatch)
	require.ErrorIs(t, info.Encryption.CheckCustomerKey(nil), ErrCustomerKeyRequired)
	_, err = e.PutObject(ctx, "bkt", "short", bytes.NewReader(nil), 0, PutOptions{Encryption: Encryption{Mode: EncryptCustomer, CustomerKey: []byte("short")}})
	require.ErrorIs(t, err, ErrInvalidArgument)

	_, err = e.PutObject(ctx, "bkt", "nokey", bytes.NewReader(nil), 0, PutOptions{Encryption: Encryption{Mode: EncryptKMS, KeyID: "alias/nope"}})
	require.ErrorIs(t, err, kms.ErrNotFound)
	noKeys := openTest(t, nil)
	require.NoError(t, noKeys.CreateBucket(ctx, "bkt", BucketOptions{}))
	_, err = noKeys.PutObject(ctx, "bkt", "k", bytes.NewReader(nil), 0, PutOptions{Encryption: Encryption{Mode: EncryptManaged}})
	require.ErrorIs(t, err, ErrNoKeyService)

	// Multipart: every part needs the upload's key.
	id, err := e.CreateMultipartUpload(ctx, "bkt", "mp", PutOptions{Encryption: enc})
	require.NoError(t, err)
	_, err = e.UploadPart(ctx, "bkt", "mp", id, 1, bytes.NewReader([]byte("x")), 1, PartOptions{})
	require.ErrorIs(t, err, ErrCustomerKeyRequired)
	_, err = e.UploadPart(ctx, "bkt", "mp", id, 1, bytes.NewReader([]byte("x")), 1, PartOptions{CustomerKey: other})
	require.ErrorIs(t, err, ErrCustomerKeyMismatch)
}

// TestEncryptionTamper proves the GCM tag is checked: a chunk altered
// behind a valid blob-log checksum, or moved to another index, is
// ErrCorrupt and never wrong bytes.
func TestEncryptionTamper(t *testing.T) {
	ctx := context.Background()
	for _, how := range []string{"flip", "swap"} {
		t.Run(how, func(t *testing.T) {
			e := openTest(t, sseOptions(t))
			require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
			data := randBytes(mrand.New(mrand.NewPCG(3, 4)), 3*e.opts.ChunkSize)
			_, err := e.PutObject(ctx, "bkt", "k", bytes.NewReader(data), -1, PutOptions{Encryption: Encryption{Mode: EncryptManaged}})
			require.NoError(t, err)
			rec, err := e.objectRecord(e.db, "bkt", "k", true)
			require.NoError(t, err)
			blob := rec.extents[0].blob
			locOf := func(i uint32) []byte {
				v, ok, err := get(e.db, chunkKey(blob, i))
				require.NoError(t, err)
				require.True(t, ok)
				return v
			}
			switch how {
			case "flip":
				loc, err := decodeLoc(locOf(1))
				require.NoError(t, err)
				ct, err := e.log.Read(loc, nil)
				require.NoError(t, err)
				ct[10] ^= 1
				nl, err := e.log.Append(ct, 0)
				require.NoError(t, err)
				require.NoError(t, e.db.Set(chunkKey(blob, 1), nl.AppendTo(nil), pebble.NoSync))
			case "swap":
				a, b := locOf(0), locOf(1)
				require.NoError(t, e.db.Set(chunkKey(blob, 0), b, pebble.NoSync))
				require.NoError(t, e.db.Set(chunkKey(blob, 1), a, pebble.NoSync))
			}
			o, err := e.GetObject(ctx, "bkt", "k", GetOptions{})
			require.NoError(t, err)
			got, err := io.ReadAll(o)
			require.ErrorIs(t, err, ErrCorrupt)
			require.NoError(t, o.Close())
			require.Equal(t, data[:len(got)], got, "only verified bytes come out")
		})
	}
}

// TestEncryptionAtRest scans every file of the store (blob-log segments
// and pebble) for the plaintext of encrypted objects.
func TestEncryptionAtRest(t *testing.T) {
	ctx := context.Background()
	for name, enc := range encModes() {
		t.Run(name, func(t *testing.T) {
			fs := vfs.NewMem()
			opts := sseOptions(t)
			opts.FS = fs
			e, err := Open("/db", opts)
			require.NoError(t, err)
			require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
			secret := bytes.Repeat([]byte("TOP-SECRET-PLAINTEXT-0123456789/"), 512) // 16 KiB: several chunks
			small := []byte("a small secret kept inline in the record!")
			_, err = e.PutObject(ctx, "bkt", "big", bytes.NewReader(secret), -1, PutOptions{Encryption: enc})
			require.NoError(t, err)
			_, err = e.PutObject(ctx, "bkt", "small", bytes.NewReader(small), -1, PutOptions{Encryption: enc})
			require.NoError(t, err)
			id, err := e.CreateMultipartUpload(ctx, "bkt", "mp", PutOptions{Encryption: enc})
			require.NoError(t, err)
			p, err := e.UploadPart(ctx, "bkt", "mp", id, 1, bytes.NewReader(secret), -1, PartOptions{CustomerKey: readKey(enc)})
			require.NoError(t, err)
			_, err = e.CompleteMultipartUpload(ctx, "bkt", "mp", id, []CompletePart{{PartNumber: 1, ETag: p.ETag}}, CompleteOptions{})
			require.NoError(t, err)
			require.NoError(t, e.Close())
			found := scanFS(t, fs, "/db", [][]byte{secret[:64], small})
			require.Empty(t, found, "plaintext on disk")

			// The control: a clear object is found by the same scan.
			e, err = Open("/db", opts)
			require.NoError(t, err)
			put(t, e, "bkt", "clear", small)
			require.NoError(t, e.Close())
			require.NotEmpty(t, scanFS(t, fs, "/db", [][]byte{small}))
		})
	}
}

func scanFS(t *testing.T, fs vfs.FS, dir string, needles [][]byte) []string {
	var found []string
	names, err := fs.List(dir)
	require.NoError(t, err)
	for _, n := range names {
		path := fs.PathJoin(dir, n)
		st, err := fs.Stat(path)
		require.NoError(t, err)
		if st.IsDir() {
			found = append(found, scanFS(t, fs, path, needles)...)
			continue
		}
		f, err := fs.Open(path)
		require.NoError(t, err)
		b, err := io.ReadAll(f)
		require.NoError(t, err)
		require.NoError(t, f.Close())
		for _, nd := range needles {
			if bytes.Contains(b, nd) {
				found = append(found, path)
			}
		}
	}
	return found
}

func TestEncryptedCopy(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, sseOptions(t))
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	data := randBytes(mrand.New(mrand.NewPCG(5, 6)), 3*e.opts.ChunkSize+5)
	other := bytes.Repeat([]byte{9}, 32)
	managed := Encryption{Mode: EncryptManaged}
	kmsEnc := Encryption{Mode: EncryptKMS, KeyID: "alias/app"}
	cust := Encryption{Mode: EncryptCustomer, CustomerKey: customerKey}
	rotated := Encryption{Mode: EncryptCustomer, CustomerKey: other}
	for _, c := range []struct {
		name     string
		src, dst Encryption
		shares   bool
	}{
		{"plain-plain", Encryption{}, Encryption{}, true},
		{"managed-managed", managed, managed, true},
		{"managed-kms", managed, kmsEnc, true},
		{"kms-managed", kmsEnc, managed, true},
		{"customer-same", cust, cust, true},
		{"customer-rotate", cust, rotated, false},
		{"customer-managed", cust, managed, false},
		{"managed-plain", managed, Encryption{}, false},
		{"plain-customer", Encryption{}, cust, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.PutObject(ctx, "bkt", "src", bytes.NewReader(data), -1, PutOptions{Encryption: c.src})
			require.NoError(t, err)
			before := e.countBlobs(t)
			info, err := e.CopyObject(ctx, "bkt", "src", "bkt", "dst", CopyOptions{Encryption: c.dst, SourceCustomerKey: readKey(c.src)})
			require.NoError(t, err)
			if c.shares {
				require.Equal(t, before, e.countBlobs(t), "a copy that may share moves no data")
			} else {
				require.Equal(t, before+1, e.countBlobs(t), "a re-encrypting copy writes a new blob")
			}
			if c.dst.Mode == EncryptNone {
				require.Nil(t, info.Encryption)
			} else {
				require.Equal(t, c.dst.Mode, info.Encryption.Mode)
			}
			got, _ := readAll(t, e, "bkt", "dst", GetOptions{CustomerKey: readKey(c.dst)})
			require.Equal(t, data, got)
			if c.name == "customer-rotate" {
				_, err := e.GetObject(ctx, "bkt", "dst", GetOptions{CustomerKey: customerKey})
				require.ErrorIs(t, err, ErrCustomerKeyMismatch, "the old key opens nothing of the copy")
			}
			require.NoError(t, e.DeleteObject(ctx, "bkt", "dst", DeleteOptions{}))
		})
	}
	// The source key is checked.
	_, err := e.PutObject(ctx, "bkt", "src", bytes.NewReader(data), -1, PutOptions{Encryption: cust})
	require.NoError(t, err)
	_, err = e.CopyObject(ctx, "bkt", "src", "bkt", "dst", CopyOptions{})
	require.ErrorIs(t, err, ErrCustomerKeyRequired)
	_, err = e.CopyObject(ctx, "bkt", "src", "bkt", "dst", CopyOptions{SourceCustomerKey: other})
	require.ErrorIs(t, err, ErrCustomerKeyMismatch)
	// A copy onto itself that changes only the encryption is allowed.
	_, err = e.CopyObject(ctx, "bkt", "src", "bkt", "src", CopyOptions{SourceCustomerKey: customerKey, Encryption: managed})
	require.NoError(t, err)
	got, _ := readAll(t, e, "bkt", "src", GetOptions{})
	require.Equal(t, data, got)
	// With the same encryption it is refused, unless the request named
	// it (S3's headers, not a bucket default): key rotation.
	_, err = e.CopyObject(ctx, "bkt", "src", "bkt", "src", CopyOptions{Encryption: managed})
	require.ErrorIs(t, err, ErrInvalidCopyRequest)
	_, err = e.CopyObject(ctx, "bkt", "src", "bkt", "src", CopyOptions{Encryption: managed, EncryptionAsked: true})
	require.NoError(t, err)
	got, o := readAll(t, e, "bkt", "src", GetOptions{})
	require.Equal(t, data, got)
	require.Equal(t, EncryptManaged, o.Info.Encryption.Mode)
}

func TestEncryptedMultipartAndAppend(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, sseOptions(t))
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	rng := mrand.New(mrand.NewPCG(7, 8))
	src := randBytes(rng, 2*e.opts.ChunkSize+3)
	_, err := e.PutObject(ctx, "bkt", "src", bytes.NewReader(src), -1, PutOptions{Encryption: Encryption{Mode: EncryptManaged}})
	require.NoError(t, err)
	for name, enc := range encModes() {
		t.Run(name, func(t *testing.T) {
			id, err := e.CreateMultipartUpload(ctx, "bkt", name, PutOptions{Encryption: enc})
			require.NoError(t, err)
			p1 := randBytes(rng, e.opts.ChunkSize+100)
			i1, err := e.UploadPart(ctx, "bkt", name, id, 1, bytes.NewReader(p1), -1, PartOptions{CustomerKey: readKey(enc)})
			require.NoError(t, err)
			r := ByteRange{Start: 10, End: int64(e.opts.ChunkSize + 20)}
			i2, err := e.UploadPartCopy(ctx, "bkt", name, id, 2, "bkt", "src", PartCopyOptions{Range: &r, CustomerKey: readKey(enc)})
			require.NoError(t, err)
			info, err := e.CompleteMultipartUpload(ctx, "bkt", name, id, []CompletePart{{PartNumber: 1, ETag: i1.ETag}, {PartNumber: 2, ETag: i2.ETag}}, CompleteOptions{MinPartSize: -1})
			require.NoError(t, err)
			require.Equal(t, enc.Mode, info.Encryption.Mode)
			want := append(append([]byte(nil), p1...), src[10:e.opts.ChunkSize+21]...)
			got, _ := readAll(t, e, "bkt", name, GetOptions{CustomerKey: readKey(enc)})
			require.Equal(t, want, got)
			got, _ = readAll(t, e, "bkt", name, GetOptions{PartNumber: 2, CustomerKey: readKey(enc)})
			require.Equal(t, want[len(p1):], got)

			// Appends: each under a key of its own, the object's mode.
			var all []byte
			for i := range 3 {
				piece := randBytes(rng, 1500*(i+1))
				_, err := e.AppendObject(ctx, "bkt", name+"-app", int64(len(all)), bytes.NewReader(piece), -1, PutOptions{Encryption: enc})
				require.NoError(t, err)
				all = append(all, piece...)
			}
			got, o := readAll(t, e, "bkt", name+"-app", GetOptions{CustomerKey: readKey(enc)})
			require.Equal(t, all, got)
			require.Equal(t, enc.Mode, o.Info.Encryption.Mode)
		})
	}
}

// countingKeys counts the calls that reach the key service.
type countingKeys struct {
	kms.Service
	generate, encrypt, decrypt int
}

func (c *countingKeys) GenerateDataKey(ctx context.Context, id string, ec map[string]string) (kms.DataKey, error) {
	c.generate++
	return c.Service.GenerateDataKey(ctx, id, ec)
}

func (c *countingKeys) Encrypt(ctx context.Context, id string, p []byte, ec map[string]string) (kms.DataKey, error) {
	c.encrypt++
	return c.Service.Encrypt(ctx, id, p, ec)
}

func (c *countingKeys) Decrypt(ctx context.Context, id string, s []byte, ec map[string]string) ([]byte, error) {
	c.decrypt++
	return c.Service.Decrypt(ctx, id, s, ec)
}

// TestBucketKeys: with BucketKey the key service is asked once for many
// objects, on write and on read; without it, once per object.
func TestBucketKeys(t *testing.T) {
	ctx := context.Background()
	for _, bucketKey := range []bool{false, true} {
		keys := &countingKeys{Service: testKMS(t)}
		o := testOptions()
		o.Keys = keys
		e := openTest(t, o)
		require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
		enc := Encryption{Mode: EncryptKMS, KeyID: "alias/app", BucketKey: bucketKey}
		for i := range 10 {
			_, err := e.PutObject(ctx, "bkt", fmt.Sprint(i), bytes.NewReader([]byte("body")), -1, PutOptions{Encryption: enc})
			require.NoError(t, err)
		}
		for i := range 10 {
			got, _ := readAll(t, e, "bkt", fmt.Sprint(i), GetOptions{})
			require.Equal(t, "body", string(got))
		}
		generated, decrypted := keys.generate, keys.decrypt
		// A copy to the same KMS key without the bucket key re-seals.
		_, err := e.CopyObject(ctx, "bkt", "0", "bkt", "copy", CopyOptions{Encryption: Encryption{Mode: EncryptKMS, KeyID: "alias/app", BucketKey: !bucketKey}})
		require.NoError(t, err)
		got, _ := readAll(t, e, "bkt", "copy", GetOptions{})
		require.Equal(t, "body", string(got))
		if bucketKey {
			require.Equal(t, 1, generated)
			require.LessOrEqual(t, decrypted, 1)
		} else {
			require.Equal(t, 10, generated)
			require.Equal(t, 10, decrypted)
		}
	}
}

func TestSM4(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, sseOptions(t))
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	data := randBytes(mrand.New(mrand.NewPCG(9, 9)), 2*e.opts.ChunkSize+9)
	info, err := e.PutObject(ctx, "bkt", "sm4", bytes.NewReader(data), -1, PutOptions{Encryption: Encryption{Mode: EncryptManaged, Cipher: CipherSM4}})
	require.NoError(t, err)
	require.Equal(t, CipherSM4, info.Encryption.Cipher)
	got, o := readAll(t, e, "bkt", "sm4", GetOptions{})
	require.Equal(t, data, got)
	require.Equal(t, CipherSM4, o.Info.Encryption.Cipher)
	// AES and SM4 blobs are not shared: the copy re-encrypts.
	before := e.countBlobs(t)
	_, err = e.CopyObject(ctx, "bkt", "sm4", "bkt", "aes", CopyOptions{Encryption: Encryption{Mode: EncryptManaged}})
	require.NoError(t, err)
	require.Equal(t, before+1, e.countBlobs(t))
	got, o = readAll(t, e, "bkt", "aes", GetOptions{})
	require.Equal(t, data, got)
	require.Equal(t, CipherAES256, o.Info.Encryption.Cipher)
}

// Dual-layer sealing (aws:kms:dsse): two independent keys, both needed;
// any flipped byte fails authentication.
func TestDualLayerAEAD(t *testing.T) {
	key := randBytes(mrand.New(mrand.NewPCG(5, 6)), 2*dataKeySize)
	g, err := dataAEAD(CipherAES256Dual, key)
	require.NoError(t, err)
	require.Equal(t, 32, g.Overhead())
	nonce := chunkNonce(9, 3)
	plain := []byte("two layers of AES-256-GCM")
	ct := g.Seal(nil, nonce, plain, nil)
	require.Len(t, ct, len(plain)+32)
	got, err := g.Open(nil, nonce, bytes.Clone(ct), nil)
	require.NoError(t, err)
	require.Equal(t, plain, got)
	for i := range ct {
		bad := bytes.Clone(ct)
		bad[i] ^= 1
		_, err := g.Open(nil, nonce, bad, nil)
		require.Error(t, err, "byte %d", i)
	}
	// Each layer alone opens nothing: the inner key's GCM over the outer
	// ciphertext fails, as does a key with one half changed.
	other := bytes.Clone(key)
	other[dataKeySize] ^= 1
	g2, err := dataAEAD(CipherAES256Dual, other)
	require.NoError(t, err)
	_, err = g2.Open(nil, nonce, ct, nil)
	require.Error(t, err)
	single, err := dataAEAD(CipherAES256, key[:dataKeySize])
	require.NoError(t, err)
	_, err = single.Open(nil, nonce, ct, nil)
	require.Error(t, err)
	_, err = dataAEAD(CipherAES256Dual, key[:dataKeySize])
	require.ErrorIs(t, err, ErrCorrupt)
	// A dual-layer write takes a KMS key and no bucket key.
	e := openTest(t, sseOptions(t))
	require.ErrorIs(t, e.checkEncryption(Encryption{Mode: EncryptManaged, Cipher: CipherAES256Dual}), ErrInvalidArgument)
	require.ErrorIs(t, e.checkEncryption(Encryption{Mode: EncryptKMS, Cipher: CipherAES256Dual, BucketKey: true}), ErrInvalidArgument)
}
