package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
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

// Server limits.
const (
	readHeaderTimeout = 10 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 1 << 20 // S3 allows 8 KiB of user metadata; this is generous
	shutdownTimeout   = 30 * time.Second
)

// options are the parsed command-line flags.
type options struct {
	addr, data           string
	accessKey, secretKey string
	domains              []string
	region               string
	level                slog.Level
	json                 bool
	compactInterval      time.Duration
	compactDeadRatio     float64
	abortUploadsAfter    time.Duration
}

// engineOptions maps the flags onto the engine's options, where zero means
// default and negative means off.
func (o options) engineOptions(logger *slog.Logger) *engine.Options {
	eo := &engine.Options{Logger: logger, CompactInterval: o.compactInterval,
		CompactDeadRatio: o.compactDeadRatio, AbortUploadsAfter: o.abortUploadsAfter}
	if eo.CompactInterval == 0 {
		eo.CompactInterval = -1
	}
	if eo.AbortUploadsAfter == 0 {
		eo.AbortUploadsAfter = -1
	}
	return eo
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func parseFlags(args []string, out io.Writer) (options, error) {
	var o options
	var level, format string
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
		"how often to reclaim space of deleted data in the blob log (deletes also start it at once); 0 disables background compaction and upload expiry")
	fs.Float64Var(&o.compactDeadRatio, "compact-dead-ratio", defaultCompactDeadRatio,
		"fraction (0 to 1] of a blob-log segment that must be dead before its live data is rewritten and the segment deleted; fully dead segments are always deleted")
	fs.DurationVar(&o.abortUploadsAfter, "abort-uploads-after", defaultAbortUploadsAfter,
		"abort multipart uploads older than this `age`, freeing their parts (checked every -compact-interval); 0 never aborts")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %q", fs.Args())
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
	if o.compactInterval < 0 || o.abortUploadsAfter < 0 {
		return o, errors.New("-compact-interval and -abort-uploads-after must not be negative")
	}
	if o.accessKey == "" || o.secretKey == "" {
		return o, errors.New("-access-key and -secret-key must not be empty")
	}
	return o, nil
}

// run serves until ctx is done, then shuts down gracefully. Start-up
// information and logs go to stdout.
func run(ctx context.Context, args []string, stdout io.Writer) (err error) {
	o, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	hopts := &slog.HandlerOptions{Level: o.level}
	var logger *slog.Logger
	if o.json {
		logger = slog.New(slog.NewJSONHandler(stdout, hopts))
	} else {
		logger = slog.New(slog.NewTextHandler(stdout, hopts))
	}

	eng, err := engine.Open(o.data, o.engineOptions(logger))
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer func() {
		if cerr := eng.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close store: %w", cerr)
		}
	}()

	handler := httpapi.New(eng,
		httpapi.WithCredentials(map[string]string{o.accessKey: o.secretKey}),
		httpapi.WithDomains(o.domains...),
		httpapi.WithRegion(o.region),
		httpapi.WithLogger(logger),
	)
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}

	url := "http://" + ln.Addr().String()
	data := o.data
	if data == "" {
		data = "in memory (lost on exit)"
	}
	// One write, so the banner is not interleaved with log lines.
	fmt.Fprintf(stdout, "osslite serving S3 on %s\n"+
		"  data:       %s\n"+
		"  region:     %s\n"+
		"  access key: %s\n"+
		"  secret key: %s\n"+
		"  try:        AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_REGION=%s aws --endpoint-url %s s3 ls\n",
		url, data, o.region, o.accessKey, o.secretKey, o.accessKey, o.secretKey, o.region, url)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

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
