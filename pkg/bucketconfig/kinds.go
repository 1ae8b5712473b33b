package bucketconfig

import (
	"encoding/xml"
	"fmt"
	"slices"
	"unicode/utf8"
)

// Versioning is a bucket's versioning state. A bucket that was never
// configured has no Versioning at all (unversioned); once enabled it can
// only be suspended, never unversioned again.
type Versioning struct {
	// Status is "Enabled" or "Suspended".
	Status string `json:"status"`
	// MFADelete is "Enabled", "Disabled" or "" (never configured). With
	// "Enabled", httpapi requires x-amz-mfa for versioning changes and
	// version deletes (httpapi/mfa.go); the engine only stores it.
	MFADelete string `json:"mfaDelete,omitempty"`
}

// Kind implements Config.
func (*Versioning) Kind() Kind { return KindVersioning }

// Validate implements Config.
func (v *Versioning) Validate() error {
	switch v.Status {
	case "Enabled", "Suspended":
	default:
		return fmt.Errorf("%w: versioning status %q", ErrInvalid, v.Status)
	}
	switch v.MFADelete {
	case "", "Enabled", "Disabled":
	default:
		return fmt.Errorf("%w: MFADelete %q", ErrInvalid, v.MFADelete)
	}
	return nil
}

// Tag is one key=value tag.
type Tag struct {
	Key   string `json:"k"`
	Value string `json:"v"`
}

// Tagging is a bucket's tag set, in the order given.
type Tagging struct {
	Tags []Tag `json:"tags"`
}

// MaxBucketTags is the most tags a bucket may carry (S3: 50).
const MaxBucketTags = 50

// Kind implements Config.
func (*Tagging) Kind() Kind { return KindTagging }

// Validate implements Config: at most MaxBucketTags tags, unique
// non-empty keys of at most 128 characters, values of at most 256.
func (t *Tagging) Validate() error {
	if len(t.Tags) > MaxBucketTags {
		return fmt.Errorf("%w: %d tags, at most %d", ErrInvalid, len(t.Tags), MaxBucketTags)
	}
	seen := make(map[string]bool, len(t.Tags))
	for _, tg := range t.Tags {
		switch {
		case tg.Key == "" || utf8.RuneCountInString(tg.Key) > 128:
			return fmt.Errorf("%w: tag key %q must be 1 to 128 characters", ErrInvalid, tg.Key)
		case utf8.RuneCountInString(tg.Value) > 256:
			return fmt.Errorf("%w: tag value of %q exceeds 256 characters", ErrInvalid, tg.Key)
		case seen[tg.Key]:
			return fmt.Errorf("%w: duplicate tag key %q", ErrInvalid, tg.Key)
		}
		seen[tg.Key] = true
	}
	return nil
}

// decodeLegacy reads the S3 <Tagging> document earlier versions stored.
func (t *Tagging) decodeLegacy(data []byte) error {
	var doc struct {
		Tags []struct {
			Key   string `xml:"Key"`
			Value string `xml:"Value"`
		} `xml:"TagSet>Tag"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		return err
	}
	t.Tags = t.Tags[:0]
	for _, x := range doc.Tags {
		t.Tags = append(t.Tags, Tag{Key: x.Key, Value: x.Value})
	}
	return nil
}

// Encryption is a bucket's default encryption.
type Encryption struct {
	// Algorithm is "AES256", "aws:kms", "aws:kms:dsse", "KMS" or "SM4".
	Algorithm string `json:"algorithm"`
	// KeyID is the KMS key of the kms algorithms.
	KeyID string `json:"keyId,omitempty"`
	// BucketKey enables S3 Bucket Keys.
	BucketKey bool `json:"bucketKey,omitempty"`
	// DataEncryption is OSS's KMSDataEncryption with KMS: "" (AES256) or
	// "SM4".
	DataEncryption string `json:"dataEncryption,omitempty"`
	// BlockedTypes is S3's BlockedEncryptionTypes as put: "SSE-C" blocks
	// writes with customer-provided keys, "NONE" blocks nothing.
	BlockedTypes []string `json:"blockedTypes,omitempty"`
}

// BlocksCustomerKeys reports whether the configuration refuses new objects
// encrypted with customer-provided keys (SSE-C).
func (e *Encryption) BlocksCustomerKeys() bool {
	return slices.Contains(e.BlockedTypes, "SSE-C")
}

// Kind implements Config.
func (*Encryption) Kind() Kind { return KindEncryption }

// Validate implements Config.
func (e *Encryption) Validate() error {
	switch e.Algorithm {
	case "AES256", "aws:kms", "aws:kms:dsse", "KMS", "SM4":
	default:
		return fmt.Errorf("%w: encryption algorithm %q", ErrInvalid, e.Algorithm)
	}
	for _, t := range e.BlockedTypes {
		if t != "SSE-C" && t != "NONE" {
			return fmt.Errorf("%w: blocked encryption type %q", ErrInvalid, t)
		}
	}
	return nil
}
