package httpapi

import (
	"net"
	"strings"
	"syscall"
	"time"
)

// Requests the server itself makes to other servers (OSS upload
// callbacks, mirror-back fetches) go to loopback addresses unless the
// configuration names other hosts: these two helpers are that rule.

// loopbackHost reports whether host is a loopback address or "localhost".
func loopbackHost(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback() || strings.EqualFold(host, "localhost")
}

// outboundDialer dials with timeout; with loopbackOnly, a connection to
// any other address (a name may resolve anywhere) fails with refused's
// error before it is made.
func outboundDialer(timeout time.Duration, loopbackOnly bool, refused func(address string) error) *net.Dialer {
	d := &net.Dialer{Timeout: timeout}
	if loopbackOnly {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, _ := net.SplitHostPort(address)
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return refused(address)
			}
			return nil
		}
	}
	return d
}
