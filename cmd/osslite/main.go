// Command osslite serves an osslite object store over the S3 protocol, for
// development: point the aws CLI, s3cmd or any SDK at it.
//
//	go run ./cmd/osslite                         # in memory on 127.0.0.1:9000
//	go run ./cmd/osslite -data ./data -addr :9000
//
// Flags:
//
//	-addr        listen address (default 127.0.0.1:9000; port 0 picks one)
//	-data        data directory; empty keeps everything in memory (default)
//	-access-key  access key clients sign with (default "osslite")
//	-secret-key  its secret key (default "osslite-secret")
//	-domain      virtual-host base domain, repeatable ("localhost" and
//	             "127.0.0.1" are always served)
//	-region      region reported to clients (default us-east-1)
//	-log-level   debug, info, warn or error (default info)
//	-log-format  text or json (default text)
//
// Limits against slow and greedy clients (defaults in -h): -max-conns,
// -max-requests, -max-anon-requests, -read-header-timeout, -idle-timeout,
// -body-min-rate, -body-rate-window, -body-idle-timeout, -write-timeout.
//
// The credentials and an example aws CLI command are printed at start-up.
// SIGINT or SIGTERM stops the server gracefully: in-flight requests get up
// to 30 seconds to finish, then the store is closed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "osslite:", err)
		os.Exit(1)
	}
}
