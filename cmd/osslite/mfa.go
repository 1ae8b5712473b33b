package main

import (
	"fmt"
	"strings"

	"github.com/osslite/osslite/httpapi"
)

// mfaDevices is the repeatable -mfa-device flag: virtual MFA devices for
// S3's MFA delete, as SERIAL=BASE32SECRET (the -access-key account's
// device) or SERIAL=BASE32SECRET@ACCESS_KEY (another account's: a
// -users user, by access key or canonical ID).
type mfaDevices []httpapi.MFADevice

func (m *mfaDevices) String() string {
	s := make([]string, len(*m))
	for i, d := range *m {
		s[i] = d.Serial + "=..." // never the secret
	}
	return strings.Join(s, ",")
}

func (m *mfaDevices) Set(v string) error {
	serial, secret, ok := strings.Cut(v, "=")
	user := ""
	if i := strings.LastIndexByte(secret, '@'); i >= 0 {
		secret, user = secret[:i], secret[i+1:]
	}
	d := httpapi.MFADevice{Serial: serial, Secret: secret, User: user}
	if !ok || (user == "" && strings.Contains(v[len(serial):], "@")) {
		return fmt.Errorf("%q: want SERIAL=BASE32SECRET or SERIAL=BASE32SECRET@ACCESS_KEY", v)
	}
	if err := d.Validate(); err != nil {
		return err
	}
	for _, o := range *m {
		if o.Serial == serial {
			return fmt.Errorf("%q: the serial is given twice", serial)
		}
	}
	*m = append(*m, d)
	return nil
}

// owned gives the devices without an account the -access-key one.
func (m mfaDevices) owned(accessKey string) []httpapi.MFADevice {
	out := make([]httpapi.MFADevice, len(m))
	for i, d := range m {
		if d.User == "" {
			d.User = accessKey
		}
		out[i] = d
	}
	return out
}
