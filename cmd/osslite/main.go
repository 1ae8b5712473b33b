// Command osslite serves an osslite object store over the S3 and Aliyun OSS
// protocols, for development: point the aws CLI, s3cmd or any SDK at it.
//
//	go run ./cmd/osslite                         # in memory on 127.0.0.1:9000
//	go run ./cmd/osslite -data ./data -addr :9000
//	go run ./cmd/osslite -tls-self-signed -bucket photos -seed site=./public -metrics
//
// Flags (each but -version also read from its environment variable, OSSLITE_ and the flag
// name in upper case with '_' for '-': -access-key is OSSLITE_ACCESS_KEY; a
// flag on the command line wins; repeatable flags take a comma-separated
// list; AWS_ACCESS_KEY_ID and friends are never read):
//
//	-addr             listen address (default 127.0.0.1:9000; port 0 picks one)
//	-data             data directory; empty keeps everything in memory (default).
//	                  One process at a time: a second one on the same
//	                  directory exits with "data directory DIR is in use".
//	-access-key       access key clients sign with (default "osslite")
//	-secret-key       its secret key (default "osslite-secret")
//	-users            JSON or YAML file of more users (access key, secret,
//	                  canonical ID, display name, e-mail, OSS UID)
//	-s3-defaults-2023 new S3 buckets get SSE-S3 default encryption, ACLs
//	                  disabled and Public Access Block on, as S3 does since
//	                  2023
//	-oss-defaults-2025 new OSS buckets get Block Public Access on, as OSS
//	                  does since October 2025
//	-domain           virtual-host base domain, repeatable ("localhost" and
//	                  "127.0.0.1" are always served)
//	-region           region reported to clients (default us-east-1)
//	-log-level        debug, info, warn or error (default info)
//	-log-format       text or json (default text; json makes the banner a
//	                  JSON line too)
//	-version          print version and VCS revision, then exit
//	-bucket           create a bucket at start-up unless it exists, repeatable
//	-seed BUCKET=DIR  upload DIR's files into BUCKET at start-up, keyed by
//	                  relative path, repeatable
//	-metrics          serve Prometheus metrics at /_osslite/metrics
//	-metrics-token    bearer token the metrics scrape must present
//	-callback-host    host OSS upload callbacks may go to besides loopback
//	                  addresses ("*": any but a link-local address, which
//	                  only an entry naming it allows), repeatable; the key
//	                  that signs them is served at /_osslite/callback-pubkey.pem
//	-mirror-origin    URL prefix OSS mirror-back rules may fetch from besides
//	                  loopback addresses ("*": any but a link-local
//	                  address, which only an origin naming it allows),
//	                  repeatable
//	-allow-loopback-outbound  let callbacks and mirror fetches go to loopback
//	                  addresses while listening beyond loopback (refused
//	                  there by default)
//	-deny-loopback-outbound  refuse them loopback addresses also while
//	                  listening on loopback (behind a reverse proxy on the
//	                  same host)
//	-mfa-device SERIAL=BASE32SECRET  a virtual MFA device (TOTP seed) of the
//	                  -access-key account for S3's MFA delete (append
//	                  @ACCESS_KEY for another account's), repeatable
//	-tls-cert, -tls-key  serve HTTPS with this PEM certificate and key
//	-website-domain   serve static websites on <bucket>.<domain>, repeatable
//	                  (e.g. s3-website.localhost); /_website/<bucket>/ on any host
//	-cors-allow-origin  for development: CORS for every bucket without its
//	                  own configuration, from this origin ("*" for any),
//	                  repeatable; off by default
//	-tls-self-signed  serve HTTPS with a fresh ECDSA certificate for
//	                  localhost, 127.0.0.1, ::1 and every -domain (and
//	                  *.domain), written as PEM to -tls-ca-out (default
//	                  DATA/tls-ca.pem, or a temp file) for clients to trust
//
// Limits against slow and greedy clients (defaults in -h): -max-conns,
// -max-requests, -max-anon-requests, -read-header-timeout, -idle-timeout,
// -body-min-rate, -body-rate-window, -body-idle-timeout, -write-timeout,
// -max-buckets, -select-max-work-per-byte.
//
// Health checks: /_osslite/health/live and /_osslite/health/ready always;
// /osslite/health/live|ready, /osslite/metrics and MinIO's
// /minio/health/live|ready only for requests with no S3/OSS signature while
// no bucket of that name exists (see front.go), so they never shadow an
// object request.
//
// The version, credentials and an example aws CLI command are printed at
// start-up. SIGINT or SIGTERM stops the server gracefully: readiness turns
// 503, in-flight requests get up to 30 seconds to finish, then the store is
// closed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/osslite/osslite/internal/gcpace"
)

func main() {
	gcpace.Apply()
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
