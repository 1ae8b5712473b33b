// Package gcpace sets the pace of the Go garbage collector in osslite's
// server processes (cmd/osslite, and cmd/osslite-bench's osslite
// servers), never in a program that embeds the engine or the handler:
// the collector's settings belong to the whole process.
//
// A server's live heap is small (about 3 MiB under 16 clients: object
// bodies live in the blob log and pebble, outside the Go heap), so at Go's
// default GOGC=100 the collector runs every 3-4 MiB allocated, some 25
// times per 10,000 small requests, and costs about a sixth of a small
// request's CPU. At Percent it runs half as often for 4-6 MiB more peak
// RSS (docs/performance.md, thirty-sixth session).
package gcpace

import (
	"os"
	"runtime/debug"
)

// Percent is the GOGC a server runs with unless its environment sets one.
const Percent = 200

// Apply sets the collector's GOGC to Percent unless the environment sets
// GOGC (which the runtime has applied already), and returns the GOGC in
// force.
func Apply() int {
	if _, set := os.LookupEnv("GOGC"); set {
		p := debug.SetGCPercent(-1)
		debug.SetGCPercent(p)
		return p
	}
	debug.SetGCPercent(Percent)
	return Percent
}
