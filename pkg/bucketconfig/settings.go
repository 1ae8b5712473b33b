package bucketconfig

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The settings a bucket records for clients to read back, which change
// nothing in how this server serves it.

// Accelerate is a bucket's transfer acceleration setting (S3's
// AccelerateConfiguration Status, OSS's TransferAccelerationConfiguration
// Enabled). It changes nothing in how this server serves the bucket: an
// acceleration endpoint is the server's own address.
type Accelerate struct {
	Enabled bool `json:"enabled"`
}

// Kind implements Config.
func (*Accelerate) Kind() Kind { return KindAccelerate }

// Validate implements Config.
func (*Accelerate) Validate() error { return nil }

// ABAC is S3's attribute-based access control switch of a bucket
// (PutBucketAbac's AbacStatus). While it is on, bucket policies read the
// bucket's tags as aws:ResourceTag/<key>, and S3 no longer lets
// PutBucketTagging and DeleteBucketTagging change them. A bucket never
// switched has it off, as S3's general purpose buckets do.
type ABAC struct {
	Enabled bool `json:"enabled"`
}

// Kind implements Config.
func (*ABAC) Kind() Kind { return KindABAC }

// Validate implements Config.
func (*ABAC) Validate() error { return nil }

// DefaultResourceGroup is the resource group of a bucket never moved to
// another (OSS's account default group).
const DefaultResourceGroup = "rg-default"

// ResourceGroup is the OSS resource group a bucket belongs to: a label
// (this server has no Resource Manager to group anything by it).
type ResourceGroup struct {
	ID string `json:"id"`
}

// Kind implements Config.
func (*ResourceGroup) Kind() Kind { return KindResourceGroup }

// Validate implements Config: an ID of Resource Manager's shape, "rg-"
// and lower-case letters and digits (1 to 64 of them).
func (g *ResourceGroup) Validate() error {
	rest, ok := strings.CutPrefix(g.ID, "rg-")
	if !ok || rest == "" || len(rest) > 64 || strings.ContainsFunc(rest, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) {
		return fmt.Errorf("%w: resource group ID %q", ErrInvalid, g.ID)
	}
	return nil
}

// MaxStyles is the most styles a bucket holds (OSS: 50).
const MaxStyles = 50

// Styles are OSS's named image (or document, video) processing styles
// of a bucket, in the order they were created (as ListStyle lists them). They are stored and listed; nothing here
// applies them (x-oss-process is not implemented).
type Styles struct {
	List []Style `json:"list"`
}

// Style is one named style.
type Style struct {
	Name     string    `json:"name"`
	Category string    `json:"category,omitempty"`
	Content  string    `json:"content"`
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
}

// Kind implements Config.
func (*Styles) Kind() Kind { return KindStyles }

// Validate implements Config: at most MaxStyles, each named with 1 to 64
// letters, digits, '-', '_' or '.', names unique, contents of 1 to 4096
// bytes.
func (s *Styles) Validate() error {
	if len(s.List) > MaxStyles {
		return fmt.Errorf("%w: %d styles, at most %d", ErrInvalid, len(s.List), MaxStyles)
	}
	for i, st := range s.List {
		if !ValidStyleName(st.Name) {
			return fmt.Errorf("%w: style name %q", ErrInvalid, st.Name)
		}
		if slices.ContainsFunc(s.List[:i], func(o Style) bool { return o.Name == st.Name }) {
			return fmt.Errorf("%w: style %q twice", ErrInvalid, st.Name)
		}
		if st.Content == "" || len(st.Content) > 4096 {
			return fmt.Errorf("%w: style %q content of %d bytes (1 to 4096)", ErrInvalid, st.Name, len(st.Content))
		}
	}
	return nil
}

// ValidStyleName reports whether name can name a style.
func ValidStyleName(name string) bool {
	return name != "" && len(name) <= 64 && !strings.ContainsFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
	})
}
