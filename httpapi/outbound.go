package httpapi

import (
	"net"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Requests the server itself makes to other servers (OSS upload
// callbacks, mirror-back fetches) go to loopback addresses unless the
// configuration names other hosts, and never to loopback addresses when
// Config.DenyLoopbackOutbound says so; a link-local address goes only
// where the configuration names it, "*" not enough. These helpers are
// that rule.

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
	const linkLocal = " (a link-local address, 169.254.0.0/16 or fe80::/10, or a cloud metadata address, 100.100.100.200 or fd00:ec2::254, only where named: * does not allow it)"
	if s.cfg.DenyLoopbackOutbound {
		return "only to " + what + linkLocal + ", never to loopback addresses (Config.DenyLoopbackOutbound; osslite listening beyond loopback without -allow-loopback-outbound)"
	}
	return "only to loopback addresses and " + what + linkLocal
}

// linkLocalIP reports whether ip is link-local (169.254.0.0/16,
// fe80::/10) or one of metadataIPs: where clouds serve instance metadata
// (169.254.169.254, the instance's role credentials among it) to
// whatever runs on the host, so a client's callback URL or mirror rule
// may not reach it through "*".
func linkLocalIP(ip net.IP) bool {
	return ip.IsLinkLocalUnicast() || slices.ContainsFunc(metadataIPs, ip.Equal)
}

// metadataIPs are the instance metadata services outside the link-local
// ranges: Alibaba Cloud ECS's (100.100.100.200, in the shared address
// space) and AWS EC2's IPv6 endpoint (fd00:ec2::254, unique-local).
var metadataIPs = []net.IP{net.ParseIP("100.100.100.200"), net.ParseIP("fd00:ec2::254")}

// namedLinkLocal returns the link-local addresses among hosts (the
// hosts the configuration names literally), which the server may reach.
func namedLinkLocal(hosts []string) []net.IP {
	var out []net.IP
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil && linkLocalIP(ip) {
			out = append(out, ip)
		}
	}
	return out
}

// linkLocalRefused reports whether host is a link-local address that
// named (namedLinkLocal) does not hold.
func linkLocalRefused(host string, named []net.IP) bool {
	ip := net.ParseIP(host)
	return ip != nil && linkLocalIP(ip) && !slices.ContainsFunc(named, ip.Equal)
}

// localIP reports whether ip reaches this host: a loopback address, or
// the unspecified one (a connection to 0.0.0.0 or :: lands on the host).
func localIP(ip net.IP) bool { return ip.IsLoopback() || ip.IsUnspecified() }

// outboundDialer dials with timeout; with loopbackOnly, a connection to
// any other address (a name may resolve anywhere) fails with refused's
// error before it is made; with denyLoopback, so does one to a loopback
// or unspecified address (both: every connection is refused); and so
// does one to a link-local address linkLocal does not hold.
func outboundDialer(timeout time.Duration, loopbackOnly, denyLoopback bool, linkLocal []net.IP, refused func(address string) error) *net.Dialer {
	d := &net.Dialer{Timeout: timeout}
	d.Control = func(_, address string, _ syscall.RawConn) error {
		host, _, _ := net.SplitHostPort(address)
		if dialRefused(host, loopbackOnly, denyLoopback, linkLocal) {
			return refused(address)
		}
		return nil
	}
	return d
}

// dialRefused is outboundDialer's rule for a connection to host (an
// address).
func dialRefused(host string, loopbackOnly, denyLoopback bool, linkLocal []net.IP) bool {
	ip := net.ParseIP(host)
	local := ip != nil && localIP(ip)
	return loopbackOnly && !local || denyLoopback && (local || ip == nil) || ip != nil && linkLocalRefused(host, linkLocal)
}
