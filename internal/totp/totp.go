// Package totp computes and checks time-based one-time passwords (RFC
// 6238, TOTP) with HMAC-SHA1: the codes virtual MFA devices (authenticator
// apps) show, and S3's x-amz-mfa header carries.
package totp

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"strings"
	"time"
)

// Step is the time step of a code (RFC 6238's X): 30 seconds, as AWS's
// virtual MFA devices and every authenticator app use.
const Step = 30 * time.Second

// Digits is the length of a code.
const Digits = 6

// ErrSecret is returned for a secret that is not base32 or is empty.
var ErrSecret = errors.New("totp: the secret is not a base32 string")

// DecodeSecret decodes a base32 secret (RFC 4648, as authenticator apps
// and AWS's Base32StringSeed show it): case, spaces and missing padding
// do not matter.
func DecodeSecret(s string) ([]byte, error) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	s = strings.TrimRight(s, "=")
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
	if err != nil || len(key) == 0 {
		return nil, ErrSecret
	}
	return key, nil
}

// Counter is the time step t falls in (RFC 6238's T, from the Unix epoch).
func Counter(t time.Time) uint64 {
	return uint64(t.Unix()) / uint64(Step/time.Second)
}

// Code is the HOTP value (RFC 4226) of key at counter, digits long.
func Code(key []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	out := make([]byte, digits)
	v := bin % mod
	for i := digits - 1; i >= 0; i-- {
		out[i] = byte('0' + v%10)
		v /= 10
	}
	return string(out)
}

// Match returns the counter, among the step of now and the one either
// side of it, whose code is code, and whether there is one. Every
// candidate is compared, in constant time, whatever matched before.
func Match(key []byte, code string, now time.Time) (uint64, bool) {
	c := Counter(now)
	var found uint64
	ok := 0
	for _, n := range []uint64{c - 1, c, c + 1} {
		if subtle.ConstantTimeCompare([]byte(Code(key, n, Digits)), []byte(code)) == 1 {
			found, ok = n, 1
		}
	}
	return found, ok == 1
}
