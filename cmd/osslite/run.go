package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
)

// Defaults of the flags.
const (
	defaultAddr      = "127.0.0.1:9000"
	defaultAccessKey = "osslite"
	defaultSecretKey = "osslite-secret"

	defaultCompactInterval   = 30 * time.Second
	defaultCompactDeadRatio  = 0.5
	defaultAbortUploadsAfter = 7 * 24 * time.Hour
)

// Server limits (the rest are flags: limits.go).
const (
	maxHeaderBytes  = 1 << 20 // S3 allows 8 KiB of user metadata; this is generous
	shutdownTimeout = 30 * time.Second
)

// options are the parsed command-line flags.
type options struct {
	addr, data           string
	accessKey, secretKey string
	domains              []string
	region               string
	level                slog.Level
	json                 bool

	version bool

	buckets []string
	seeds   []seedSpec

	metrics      bool
	metricsToken string

	tlsCert, tlsKey   string
	tlsSelfSigned     bool
	tlsCAOut          string
	limits            limitOptions
	compactInterval   time.Duration
	compactDeadRatio  float64
	abortUploadsAfter time.Duration
	lifecycleDay      time.Duration
	restoreDelay      time.Duration
	corsAllowOrigins  []string
	websiteDomains    []string

	rtmpAddr        string         // RTMP ingest for OSS LiveChannels; "" is off
	usersFile       string         // -users
	users           []httpapi.User // read from usersFile
	s3Defaults2023  bool
	ossDefaults2025 bool
	kms             kmsOptions
	// callbackHosts are the hosts OSS upload callbacks may go to besides
	// loopback ones (-callback-host).
	callbackHosts []string
	// mirrorOrigins are the origins OSS mirror-back rules may fetch from
	// besides loopback ones (-mirror-origin).
	mirrorOrigins []string
	// allowLoopbackOutbound lets callbacks and mirror fetches go to
	// loopback addresses although the server listens beyond loopback
	// (-allow-loopback-outbound).
	allowLoopbackOutbound bool
	// denyLoopbackOutbound refuses them loopback addresses whatever the
	// server listens on (-deny-loopback-outbound: behind a reverse proxy
	// on the same host, a loopback listener serves remote clients).
	denyLoopbackOutbound bool
	// mfaDevices are the virtual MFA devices of S3's MFA delete
	// (-mfa-device).
	mfaDevices mfaDevices
	notify     notifyOptions
	// replicationTargets are the remote replication destinations
	// (-replication-target).
	replicationTargets replicationTargets
	// replicationOwners are the -replication-target-owner pairs: the
	// owners besides the primary account whose buckets may use a target.
	replicationOwners []string
	// refuseSignatures are the HMAC-SHA1 signature schemes refused
	// (-refuse-signatures).
	refuseSignatures httpapi.SignatureSchemes
}

// engineOptions maps the flags onto the engine's options, where zero means
// default and negative means off.
func (o options) engineOptions(logger *slog.Logger) *engine.Options {
	eo := &engine.Options{Logger: logger, VectorMD5: true, CompactInterval: o.compactInterval,
		CompactDeadRatio: o.compactDeadRatio, AbortUploadsAfter: o.abortUploadsAfter, LifecycleDay: o.lifecycleDay,
		RestoreDelay: o.restoreDelay}
	if eo.RestoreDelay == 0 {
		eo.RestoreDelay = -1 // instant
	}
	if eo.CompactInterval == 0 {
		eo.CompactInterval = -1
	}
	if eo.AbortUploadsAfter == 0 {
		eo.AbortUploadsAfter = -1
	}
	eo.NotificationTargets, eo.AccessLogInterval = o.notify.targets, o.notify.accessLogInterval
	eo.NotificationTargetOwners = o.notify.owners(ownerID(o.accessKey))
	eo.Replication.Targets = o.replicationTargets.engineTargets()
	eo.Replication.TargetOwners = o.replicationTargets.owners(ownerID(o.accessKey), o.replicationOwners)
	return eo
}

// schemesFlag is -refuse-signatures: a comma-separated list of
// signature schemes (httpapi.ParseSignatureSchemes), repeatable.
type schemesFlag httpapi.SignatureSchemes

func (f *schemesFlag) String() string {
	if *f == 0 {
		return ""
	}
	return httpapi.SignatureSchemes(*f).String()
}

func (f *schemesFlag) Set(v string) error {
	s, err := httpapi.ParseSignatureSchemes(v)
	*f |= schemesFlag(s)
	return err
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// parseFlags parses args, then fills every flag the command line did not
// set from its OSSLITE_* variable, read through getenv (see applyEnv).
func parseFlags(args []string, getenv func(string) (string, bool), out io.Writer) (options, error) {
	var o options
	var level, format string
	var seeds listFlag
	fs := flag.NewFlagSet("osslite", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.addr, "addr", defaultAddr, "listen `address` (port 0 picks a free port)")
	fs.StringVar(&o.data, "data", "", "data `directory`; empty keeps everything in memory")
	fs.StringVar(&o.accessKey, "access-key", defaultAccessKey, "access `key` clients sign with")
	fs.StringVar(&o.secretKey, "secret-key", defaultSecretKey, "secret `key` of the access key")
	fs.Var((*listFlag)(&o.domains), "domain", "virtual-host base `domain` (repeatable; localhost and 127.0.0.1 are always served)")
	fs.StringVar(&o.region, "region", httpapi.DefaultRegion, "`region` reported to clients")
	fs.StringVar(&level, "log-level", "info", "log `level`: debug, info, warn or error")
	fs.StringVar(&format, "log-format", "text", "log `format`: text or json")
	fs.DurationVar(&o.compactInterval, "compact-interval", defaultCompactInterval,
		"how often to reclaim space of deleted data in the blob log (deletes also start it at once); 0 disables background compaction and upload expiry, and with them lifecycle rules, replication and inventory reports, whose background loops start only with it")
	fs.Float64Var(&o.compactDeadRatio, "compact-dead-ratio", defaultCompactDeadRatio,
		"fraction (0 to 1] of a blob-log segment that must be dead before its live data is rewritten and the segment deleted; fully dead segments are always deleted")
	fs.DurationVar(&o.abortUploadsAfter, "abort-uploads-after", defaultAbortUploadsAfter,
		"abort multipart uploads older than this `age`, freeing their parts (checked every -compact-interval); 0 never aborts")
	fs.DurationVar(&o.lifecycleDay, "lifecycle-day", 24*time.Hour,
		"length of a lifecycle `day`: rules acting N days after creation act N of these after it (a shorter day, e.g. 10s, lets development setups watch objects expire; checked every -compact-interval or day/10)")
	fs.DurationVar(&o.restoreDelay, "restore-delay", time.Minute,
		"how long a restore of an archived object (GLACIER, DEEP_ARCHIVE, an Intelligent-Tiering archive tier, OSS's archive classes) takes; 0 makes it instant")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.Var((*listFlag)(&o.buckets), "bucket", "create bucket `name` at start-up unless it exists (repeatable)")
	fs.Var(&seeds, "seed", "at start-up, upload each file of a `BUCKET=DIR` pair's DIR tree into BUCKET (created if needed), keyed by its path relative to DIR (repeatable)")
	fs.BoolVar(&o.metrics, "metrics", false, "serve Prometheus metrics at /_osslite/metrics (and /osslite/metrics while no bucket \"osslite\" exists)")
	fs.StringVar(&o.metricsToken, "metrics-token", "", "bearer `token` required to read the metrics")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "serve HTTPS with the PEM certificate (chain) in `file`")
	fs.StringVar(&o.tlsKey, "tls-key", "", "PEM private key `file` of -tls-cert")
	fs.BoolVar(&o.tlsSelfSigned, "tls-self-signed", false, "serve HTTPS with a fresh self-signed ECDSA certificate for localhost, 127.0.0.1, ::1 and each -domain (with *.domain)")
	fs.StringVar(&o.tlsCAOut, "tls-ca-out", "", "write the -tls-self-signed certificate (PEM) to `file` for clients to trust (default DATA/"+caFileName+", or a new file in the temp dir)")
	fs.Var((*listFlag)(&o.corsAllowOrigins), "cors-allow-origin", "for development: let browser pages from `origin` (\"*\" for any, one * wildcard allowed) use every bucket without a CORS configuration of its own (repeatable; off by default)")
	fs.Var((*listFlag)(&o.websiteDomains), "website-domain", "serve static websites on <bucket>.`domain` (repeatable; e.g. s3-website.localhost); /_website/<bucket>/ works on any host")
	fs.StringVar(&o.rtmpAddr, "rtmp-addr", "", "accept RTMP pushes to OSS LiveChannels on `address` (e.g. :1935), stored as HLS objects; empty is off")
	fs.StringVar(&o.usersFile, "users", "", "JSON or YAML `file` of more users: {\"users\": [{\"accessKey\", \"secretKey\", \"canonicalId\", \"displayName\", \"email\", \"ossUid\"}]}")
	fs.BoolVar(&o.ossDefaults2025, "oss-defaults-2025", false, "give new OSS buckets OSS's default since October 2025: Block Public Access on")
	fs.BoolVar(&o.s3Defaults2023, "s3-defaults-2023", false, "give new S3 buckets S3's 2023 defaults: SSE-S3 default encryption (with a key service), and, without x-amz-object-ownership, ACLs disabled (BucketOwnerEnforced) and Public Access Block on")
	o.limits.register(fs)
	o.kms.register(fs)
	fs.Var((*listFlag)(&o.callbackHosts), "callback-host", "`host` OSS upload callbacks may be sent to besides loopback addresses; * allows any but a link-local address (169.254.0.0/16, fe80::/10) or cloud metadata address (100.100.100.200, fd00:ec2::254), which only an entry naming it allows (repeatable)")
	fs.Var((*listFlag)(&o.mirrorOrigins), "mirror-origin", "`URL` prefix OSS mirror-back (back-to-origin) rules may fetch from besides loopback addresses, e.g. https://img.example.com/; * allows any but a link-local address (169.254.0.0/16, fe80::/10) or cloud metadata address (100.100.100.200, fd00:ec2::254), which only an origin naming it allows (repeatable)")
	fs.BoolVar(&o.allowLoopbackOutbound, "allow-loopback-outbound", false, "let OSS upload callbacks and mirror-back fetches go to loopback addresses while the server listens beyond loopback (refused there by default: clients could reach the host's local services through them)")
	fs.BoolVar(&o.denyLoopbackOutbound, "deny-loopback-outbound", false, "refuse OSS upload callbacks and mirror-back fetches to loopback addresses also while the server listens on loopback (behind a reverse proxy on the same host, clients from elsewhere reach it)")
	fs.Var(&o.mfaDevices, "mfa-device", "virtual MFA device for S3's MFA delete: `SERIAL=BASE32SECRET` (a TOTP seed, as authenticator apps take it; the -access-key account's device), or SERIAL=BASE32SECRET@ACCESS_KEY for another account's (repeatable); x-amz-mfa is \"SERIAL CODE\"")
	o.notify.register(fs)
	fs.Var(&o.replicationTargets, "replication-target", "replicate rules whose destination is bucket `ARN=ENDPOINT,ACCESS_KEY,SECRET` (arn:aws:s3:::name) to that remote S3 endpoint (repeatable); only the -access-key account's buckets may, unless -replication-target-owner says more")
	fs.Var((*schemesFlag)(&o.refuseSignatures), "refuse-signatures", "refuse the HMAC-SHA1 signature `schemes` named, comma-separated: sigv2 (S3 Signature Version 2), oss-v1 (OSS signature V1), sina (SCS ssig); they sign nearly the same lines with the same keys, so a request signed in one can be replayed in another: keep at most the one your clients need (SigV4, OSS v4 and OSS v2 are never refused)")
	fs.Var((*listFlag)(&o.replicationOwners), "replication-target-owner", "let the buckets of the user with canonical ID `ARN=ID` (* for every user) replicate to that -replication-target (repeatable)")
	documentEnv(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: osslite [flags]\n\n"+
			"Serves the S3 and Aliyun OSS APIs. Every flag but -version can also be set by its\n"+
			"environment variable, shown in brackets; a flag on the command line wins.\n"+
			"Repeatable flags take a comma-separated list from the environment.\n"+
			"AWS_* variables are never read.\n\n"+
			"Health: GET /_osslite/health/live and /_osslite/health/ready; the same\n"+
			"under /osslite/health/... and MinIO's /minio/health/live|ready are\n"+
			"answered only to unsigned requests while no bucket of that name exists.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if err := applyEnv(fs, getenv); err != nil {
		return o, err
	}
	if err := o.notify.check(); err != nil {
		return o, err
	}
	for _, v := range seeds {
		sp, err := parseSeed(v)
		if err != nil {
			return o, err
		}
		o.seeds = append(o.seeds, sp)
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return o, errors.New("-tls-cert and -tls-key go together")
	}
	if o.tlsSelfSigned && o.tlsCert != "" {
		return o, errors.New("-tls-self-signed and -tls-cert exclude each other")
	}
	if o.tlsCAOut != "" && !o.tlsSelfSigned {
		return o, errors.New("-tls-ca-out needs -tls-self-signed")
	}
	for _, m := range o.mirrorOrigins {
		if u, err := url.Parse(m); m != "*" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
			return o, fmt.Errorf("-mirror-origin %q: want an http:// or https:// URL prefix, or *", m)
		}
	}
	if o.denyLoopbackOutbound && o.allowLoopbackOutbound {
		return o, errors.New("-deny-loopback-outbound and -allow-loopback-outbound exclude each other")
	}
	if o.metricsToken != "" && !o.metrics {
		return o, errors.New("-metrics-token needs -metrics")
	}
	if err := o.level.UnmarshalText([]byte(level)); err != nil {
		return o, fmt.Errorf("-log-level %q: want debug, info, warn or error", level)
	}
	switch format {
	case "text":
	case "json":
		o.json = true
	default:
		return o, fmt.Errorf("-log-format %q: want text or json", format)
	}
	if !(o.compactDeadRatio > 0 && o.compactDeadRatio <= 1) {
		return o, fmt.Errorf("-compact-dead-ratio %v: want a fraction in (0, 1]", o.compactDeadRatio)
	}
	if o.compactInterval < 0 || o.abortUploadsAfter < 0 || o.restoreDelay < 0 {
		return o, errors.New("-compact-interval, -abort-uploads-after and -restore-delay must not be negative")
	}
	if o.accessKey == "" || o.secretKey == "" {
		return o, errors.New("-access-key and -secret-key must not be empty")
	}
	if err := o.limits.validate(); err != nil {
		return o, err
	}
	if err := checkTargetOwners("replication-target", o.replicationOwners, func(arn string) bool { return o.replicationTargets[arn] != nil }); err != nil {
		return o, err
	}
	if o.usersFile != "" {
		var err error
		if o.users, err = loadUsers(o.usersFile); err != nil {
			return o, err
		}
	}
	return o, nil
}

// run serves until ctx is done, then shuts down gracefully. Start-up
// information and logs go to stdout; flags not given in args are read from
// the OSSLITE_* environment variables.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	return runEnv(ctx, args, os.LookupEnv, stdout)
}

// runEnv is run with the environment read through getenv.
func runEnv(ctx context.Context, args []string, getenv func(string) (string, bool), stdout io.Writer) (err error) {
	o, err := parseFlags(args, getenv, stdout)
	if err != nil {
		return err
	}
	build := readBuildInfo()
	if o.version {
		_, err := io.WriteString(stdout, build.String())
		return err
	}
	// Everything from here on (banner, logs, a request line per request)
	// is written in batches under load; what is left goes out on return.
	out := newLogBatcher(stdout, logBatchDelay)
	defer func() { _ = out.Close() }()
	hopts := &slog.HandlerOptions{Level: o.level}
	var logger *slog.Logger
	if o.json {
		logger = slog.New(flushingHandler{slog.NewJSONHandler(out, hopts), out})
	} else {
		logger = slog.New(flushingHandler{slog.NewTextHandler(out, hopts), out})
	}

	eo := o.engineOptions(logger)
	keys, err := o.kms.keyService(o.data, logger)
	if err != nil {
		return err
	}
	if keys != nil {
		eo.Keys = keys
	}
	eng, err := engine.Open(o.data, eo)
	if errors.Is(err, engine.ErrLocked) {
		return fmt.Errorf("data directory %s is in use by another osslite process", o.data)
	}
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer func() {
		if cerr := eng.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close store: %w", cerr)
		}
	}()

	// New buckets' defaults: the -bucket and -seed buckets start with
	// them too, as buckets made by CreateBucket do.
	var bucketDefaults []httpapi.Option
	if o.ossDefaults2025 {
		bucketDefaults = append(bucketDefaults, httpapi.WithOSSDefaults2025())
	}
	if o.s3Defaults2023 {
		bucketDefaults = append(bucketDefaults, httpapi.WithS3Defaults2023())
	}
	sd := seeder{eng: eng, owner: ownerID(o.accessKey), region: o.region, defaults: bucketDefaults, logger: logger}
	for _, b := range o.buckets {
		if err := sd.ensureBucket(ctx, b); err != nil {
			return err
		}
	}
	for _, sp := range o.seeds {
		if err := sd.seed(ctx, sp); err != nil {
			return err
		}
	}

	tlsCfg, caPath, err := tlsConfig(o, time.Now())
	if err != nil {
		return err
	}

	var m *metrics
	apiOpts := []httpapi.Option{
		httpapi.WithCredentials(map[string]string{o.accessKey: o.secretKey}),
		httpapi.WithUsers(o.users...),
		httpapi.WithDomains(o.domains...),
		httpapi.WithRegion(o.region),
		httpapi.WithLogger(logger),
		httpapi.WithCORSAllowOrigins(o.corsAllowOrigins...),
		httpapi.WithWebsiteDomains(o.websiteDomains...),
	}
	apiOpts = append(apiOpts, o.limits.handlerOptions()...)
	apiOpts = append(apiOpts, bucketDefaults...)
	if o.refuseSignatures != 0 {
		apiOpts = append(apiOpts, httpapi.WithRefuseSignatures(o.refuseSignatures))
	}
	apiOpts = append(apiOpts, o.outboundOptions()...)
	if len(o.mfaDevices) > 0 {
		apiOpts = append(apiOpts, httpapi.WithMFADevices(o.mfaDevices.owned(o.accessKey)...))
	}
	if o.metrics {
		m = newMetrics(eng, build)
		apiOpts = append(apiOpts, httpapi.WithObserver(m.observe), httpapi.WithInterceptor(m.route))
	}
	var ready atomic.Bool
	api := httpapi.New(eng, apiOpts...)
	if tlsCfg != nil {
		// Custom domains bound with a certificate (OSS PutCname) are
		// answered with it; other names get the server's own.
		tlsCfg.GetCertificate = httpapi.CnameCertificates(api)
	}
	if m != nil {
		m.exportRequestMetrics(api)
	}
	if o.rtmpAddr != "" {
		rl, err := httpapi.ListenRTMP(api, o.rtmpAddr)
		if err != nil {
			return err
		}
		defer rl.Close() // before the store closes: ends pushes, finalising their playlists
		o.rtmpAddr = rl.Addr().String()
	}
	fr := &front{
		api:     api,
		eng:     eng,
		domains: vhostDomains(append(append([]string(nil), o.domains...), o.websiteDomains...)),
		ready:   &ready,
		token:   o.metricsToken,
	}
	var handler http.Handler = fr
	if m != nil {
		fr.metrics = m.handler()
		handler = m.countBodies(fr)
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	ln = o.limits.listener(ln)
	srv := &http.Server{
		Handler:           handler,
		TLSConfig:         tlsCfg,
		ReadHeaderTimeout: o.limits.readHeaderTimeout,
		IdleTimeout:       o.limits.idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          log.New(serverErrorLog{logger}, "", 0),
	}
	ll, _ := ln.(*limitListener)
	if ll != nil {
		srv.Handler = ll.handler(handler)
	}
	switch {
	case m != nil && ll != nil:
		srv.ConnState = func(c net.Conn, s http.ConnState) { m.connState(c, s); ll.connState(c, s) }
	case m != nil:
		srv.ConnState = m.connState
	case ll != nil:
		srv.ConnState = ll.connState
	}

	scheme := "http"
	if tlsCfg != nil {
		scheme = "https"
	}
	url := scheme + "://" + ln.Addr().String()
	// Ready before the banner announces the address: the store is open
	// and seeded, and connections wait in the listener's backlog until
	// Serve takes them. (Set after Serve started, a client reading the
	// banner could find the server not ready.)
	ready.Store(true)
	printBanner(out, logger, o, build, url, caPath)
	if o.secretKey == defaultSecretKey && !loopback(ln.Addr()) {
		// The default secret is printed in the banner and the docs: on
		// an address others reach, anyone may sign as the owner of
		// every bucket.
		logger.Warn("the default secret key is in use on a non-loopback address: anyone who can reach it has full access; set -secret-key (or OSSLITE_SECRET_KEY)", "addr", ln.Addr().String())
	}

	errc := make(chan error, 1)
	go func() {
		if tlsCfg != nil {
			errc <- srv.ServeTLS(ln, "", "")
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	ready.Store(false)
	logger.Info("shutting down", "grace", shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Warn("graceful shutdown incomplete; closing connections", "err", err)
		srv.Close()
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// loopback reports whether a listener's address is a loopback one (an
// unspecified address, 0.0.0.0 or ::, listens on every interface).
// outboundOptions are the handler options for the requests the server
// makes on clients' behalf (callbacks, mirror fetches): listening beyond
// loopback, loopback targets are refused unless -allow-loopback-outbound;
// with -deny-loopback-outbound, wherever it listens.
func (o *options) outboundOptions() []httpapi.Option {
	var opts []httpapi.Option
	if len(o.callbackHosts) > 0 {
		opts = append(opts, httpapi.WithCallbacks(nil, o.callbackHosts...))
	}
	if len(o.mirrorOrigins) > 0 {
		opts = append(opts, httpapi.WithMirrorOrigins(o.mirrorOrigins...))
	}
	if o.denyLoopbackOutbound || !o.allowLoopbackOutbound && !loopbackListen(o.addr) {
		opts = append(opts, httpapi.WithDenyLoopbackOutbound())
	}
	return opts
}

// loopbackListen reports whether a listen address (host:port) takes
// connections on loopback only: a loopback IP or "localhost". An empty
// host, an unspecified IP or another name listens beyond loopback.
func loopbackListen(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func loopback(a net.Addr) bool {
	t, ok := a.(*net.TCPAddr)
	return ok && t.IP.IsLoopback()
}

// vhostDomains are the base domains httpapi serves virtual hosts on.
func vhostDomains(domains []string) []string {
	out := []string{"localhost", "127.0.0.1"}
	for _, d := range domains {
		if d = strings.ToLower(strings.Trim(d, ".")); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// printBanner tells the user where the server is and how to reach it: a
// block of text, or one JSON line with -log-format json.
func printBanner(w io.Writer, logger *slog.Logger, o options, build buildInfo, url, caPath string) {
	data := o.data
	if data == "" {
		data = "in memory (lost on exit)"
	}
	health := url + opsPrefix + pathReady
	// The default secret is printed so that a newcomer can connect; one
	// the operator chose is never written to the terminal or the logs.
	secret := o.secretKey
	if secret != defaultSecretKey {
		secret = "(as given by -secret-key)"
	}
	metricsURL := ""
	if o.metrics {
		metricsURL = url + opsPrefix + pathMetrics
	}
	if o.json {
		attrs := []any{"version", build.short(), "dialects", []string{"S3", "OSS"}, "url", url, "data", data,
			"region", o.region, "access_key", o.accessKey, "secret_key", secret, "health", health}
		if metricsURL != "" {
			attrs = append(attrs, "metrics", metricsURL)
		}
		if o.rtmpAddr != "" {
			attrs = append(attrs, "rtmp", "rtmp://"+o.rtmpAddr)
		}
		if caPath != "" {
			attrs = append(attrs, "tls_ca", caPath)
		}
		logger.Info("osslite serving", attrs...)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "osslite %s serving S3, OSS and Sina on %s\n"+
		"  data:       %s\n"+
		"  region:     %s\n"+
		"  access key: %s\n"+
		"  secret key: %s\n"+
		"  health:     %s\n",
		build.short(), url, data, o.region, o.accessKey, secret, health)
	if metricsURL != "" {
		fmt.Fprintf(&b, "  metrics:    %s\n", metricsURL)
	}
	if o.rtmpAddr != "" {
		fmt.Fprintf(&b, "  rtmp:       rtmp://%s (LiveChannel pushes: /<bucket>/live/<channel>)\n", o.rtmpAddr)
	}
	caOpt := ""
	if caPath != "" {
		fmt.Fprintf(&b, "  tls ca:     %s (trust it: AWS_CA_BUNDLE=%s)\n", caPath, caPath)
		caOpt = " --ca-bundle " + caPath
	}
	trySecret := secret
	if secret != o.secretKey {
		trySecret = "<secret key>"
	}
	fmt.Fprintf(&b, "  try:        AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_REGION=%s aws --endpoint-url %s%s s3 ls\n",
		o.accessKey, trySecret, o.region, url, caOpt)
	// One write, so the banner is not interleaved with log lines.
	io.WriteString(w, b.String())
}
