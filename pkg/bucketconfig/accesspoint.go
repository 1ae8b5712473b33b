package bucketconfig

import (
	"fmt"
	"strings"
	"time"
)

// Access point limits (OSS): per account and per bucket.
const (
	MaxAccessPoints          = 1000
	MaxAccessPointsPerBucket = 100
)

// AliasSuffix ends every access point alias (and no access point name).
const AliasSuffix = "-ossalias"

// Access point network origins.
const (
	NetworkInternet = "internet"
	NetworkVPC      = "vpc"
)

// AccessPoint is one OSS access point: a name of the account's that
// reaches one bucket through its alias, under its own policy.
type AccessPoint struct {
	Name   string `json:"name"`
	Bucket string `json:"bucket"`
	// BucketID is the bucket's engine ID when the access point was made:
	// a bucket deleted and made again is not reached through it.
	BucketID uint64 `json:"bucketId"`
	// Alias is used as a bucket name to send requests through the
	// access point; it ends with AliasSuffix.
	Alias string `json:"alias"`
	// NetworkOrigin is NetworkInternet or NetworkVPC (then VpcID).
	NetworkOrigin string    `json:"networkOrigin"`
	VpcID         string    `json:"vpcId,omitempty"`
	Created       time.Time `json:"created"`
	// Policy is the access point policy as put (OSS policy JSON), "" for
	// none.
	Policy string `json:"policy,omitempty"`
	// BlockPublicAccess is the access point's own Block Public Access:
	// its policy may not grant access to anyone outside the owner.
	BlockPublicAccess bool `json:"blockPublicAccess,omitempty"`
}

// AccessPoints is an account's access points, in the order made.
type AccessPoints struct {
	Points []AccessPoint `json:"points"`
}

// Kind implements Config.
func (*AccessPoints) Kind() Kind { return KindAccessPoints }

// ValidAccessPointName reports whether name is an access point name: 3 to
// 19 lowercase letters, digits and hyphens, not starting or ending with a
// hyphen (so never with AliasSuffix).
func ValidAccessPointName(name string) bool {
	if len(name) < 3 || len(name) > 19 || name[0] == '-' || name[len(name)-1] == '-' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Validate implements Config: at most MaxAccessPoints points, at most
// MaxAccessPointsPerBucket per bucket, valid unique names, unique aliases
// ending with AliasSuffix, a known network origin (vpc with a VPC ID).
func (c *AccessPoints) Validate() error {
	if len(c.Points) > MaxAccessPoints {
		return fmt.Errorf("%w: %d access points, at most %d", ErrInvalid, len(c.Points), MaxAccessPoints)
	}
	names, aliases, perBucket := map[string]bool{}, map[string]bool{}, map[string]int{}
	for _, p := range c.Points {
		switch {
		case !ValidAccessPointName(p.Name):
			return fmt.Errorf("%w: access point name %q", ErrInvalid, p.Name)
		case names[p.Name]:
			return fmt.Errorf("%w: access point %q twice", ErrInvalid, p.Name)
		case !strings.HasSuffix(p.Alias, AliasSuffix) || aliases[p.Alias]:
			return fmt.Errorf("%w: access point alias %q", ErrInvalid, p.Alias)
		case p.Bucket == "":
			return fmt.Errorf("%w: access point %q names no bucket", ErrInvalid, p.Name)
		case p.NetworkOrigin != NetworkInternet && p.NetworkOrigin != NetworkVPC:
			return fmt.Errorf("%w: access point network origin %q", ErrInvalid, p.NetworkOrigin)
		case p.NetworkOrigin == NetworkVPC && p.VpcID == "":
			return fmt.Errorf("%w: access point %q: a vpc network origin needs a VPC ID", ErrInvalid, p.Name)
		}
		names[p.Name], aliases[p.Alias] = true, true
		if perBucket[p.Bucket]++; perBucket[p.Bucket] > MaxAccessPointsPerBucket {
			return fmt.Errorf("%w: more than %d access points for bucket %s", ErrInvalid, MaxAccessPointsPerBucket, p.Bucket)
		}
	}
	return nil
}
