package bucketconfig

import (
	"fmt"
	"strings"
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
