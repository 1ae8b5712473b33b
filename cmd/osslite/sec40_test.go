package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

// TestSec40DenyLoopbackOutboundFlag: a server listening on loopback
// behind a reverse proxy on the same host is reached by clients from
// elsewhere, who could make its OSS upload callbacks and mirror-back
// fetches call the host's local services and read their answers. The
// listen address cannot tell; -deny-loopback-outbound refuses loopback
// targets whatever the address, and contradicts -allow-loopback-outbound.
func TestSec40DenyLoopbackOutboundFlag(t *testing.T) {
	for _, args := range [][]string{
		{"-deny-loopback-outbound"},
		{"-addr", "localhost:9000", "-deny-loopback-outbound", "-mirror-origin", "*"},
		{"-addr", ":9000", "-deny-loopback-outbound"},
	} {
		o, err := parseFlags(args, noEnv, io.Discard)
		require.NoError(t, err, "%q", args)
		var c httpapi.Config
		for _, opt := range o.outboundOptions() {
			opt(&c)
		}
		require.True(t, c.DenyLoopbackOutbound, "%q", args)
	}
	_, err := parseFlags([]string{"-deny-loopback-outbound", "-allow-loopback-outbound"}, noEnv, io.Discard)
	require.Error(t, err)
}
