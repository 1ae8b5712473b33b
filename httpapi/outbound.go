package httpapi

import (
	"net"
	"strings"
	"syscall"
	"time"
)

// Requests the server itself makes to other servers (OSS upload
// callbacks, mirror-back fetches) go to loopback addresses unless the
// configuration names other hosts, and never to loopback addresses when
// Config.DenyLoopbackOutbound says so: these helpers are that rule.

// loopbackHost reports whether host is a loopback address or "localhost".
func loopbackHost(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback() || strings.EqualFold(host, "localhost")
}

// outboundHost decides a host named by a callback URL or mirror origin
// by the loopback rule: decided reports whether the rule settles it
// (loopback hosts are allowed, or refused with DenyLoopbackOutbound);
// other hosts are left to the configured lists.
func (s *server) outboundHost(host string) (allowed, decided bool) {
	if loopbackHost(host) {
		return !s.cfg.DenyLoopbackOutbound, true
	}
	return false, false
}

// outboundRule says, for an error message, where the server's own
// requests may go: loopback addresses (unless refused) and what the
// option named by what lists.
func (s *server) outboundRule(what string) string {
	if s.cfg.DenyLoopbackOutbound {
		return "only to " + what + ", never to loopback addresses (Config.DenyLoopbackOutbound; osslite listening beyond loopback without -allow-loopback-outbound)"
	}
	return "only to loopback addresses and " + what
}

// localIP reports whether ip reaches this host: a loopback address, or
// the unspecified one (a connection to 0.0.0.0 or :: lands on the host).
func localIP(ip net.IP) bool { return ip.IsLoopback() || ip.IsUnspecified() }

// outboundDialer dials with timeout; with loopbackOnly, a connection to
// any other address (a name may resolve anywhere) fails with refused's
// error before it is made; with denyLoopback, so does one to a loopback
// or unspecified address (both: every connection is refused).
func outboundDialer(timeout time.Duration, loopbackOnly, denyLoopback bool, refused func(address string) error) *net.Dialer {
	d := &net.Dialer{Timeout: timeout}
	if loopbackOnly || denyLoopback {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, _ := net.SplitHostPort(address)
			ip := net.ParseIP(host)
			local := ip != nil && localIP(ip)
			if loopbackOnly && !local || denyLoopback && (local || ip == nil) {
				return refused(address)
			}
			return nil
		}
	}
	return d
}
