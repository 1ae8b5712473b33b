package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"time"

	"github.com/osslite/osslite/engine"
)

// ErrWebhookNotLoopback is returned for a webhook URL (or a connection)
// that leaves the machine while remote webhooks are not allowed.
var ErrWebhookNotLoopback = errors.New("httpapi: webhook target is not a loopback address")

// WebhookOptions configure a WebhookTarget. The zero value allows only
// loopback URLs and waits 10 seconds for an answer.
type WebhookOptions struct {
	// AllowRemote allows URLs that are not on this machine. Default
	// false: only loopback addresses (checked on every connection, after
	// name resolution).
	AllowRemote bool
	// Timeout bounds one delivery. Default 10 seconds.
	Timeout time.Duration
}

// WebhookTarget is an engine.NotificationTarget that POSTs each event as
// AWS's JSON message ({"Records":[...]}, Content-Type application/json)
// to a URL. A 2xx answer acknowledges the event; anything else is
// retried by the engine.
type WebhookTarget struct {
	url    string
	client *http.Client
}

// NewWebhookTarget returns a target posting to rawURL (http or https).
func NewWebhookTarget(rawURL string, opts WebhookOptions) (*WebhookTarget, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("httpapi: webhook URL %q: want http(s)://host/path", rawURL)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	d := &net.Dialer{Timeout: opts.Timeout}
	if !opts.AllowRemote {
		if ip := net.ParseIP(u.Hostname()); ip != nil && !ip.IsLoopback() {
			return nil, fmt.Errorf("%w: %s", ErrWebhookNotLoopback, rawURL)
		}
		d.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, _ := net.SplitHostPort(address)
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("%w: %s", ErrWebhookNotLoopback, address)
			}
			return nil
		}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = d.DialContext
	tr.Proxy = nil
	return &WebhookTarget{url: rawURL, client: &http.Client{Transport: tr, Timeout: opts.Timeout}}, nil
}

// Deliver implements engine.NotificationTarget.
func (w *WebhookTarget) Deliver(ctx context.Context, ev engine.Event) error {
	body, err := json.Marshal(engine.EventMessage{Records: []engine.Event{ev}})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		return fmt.Errorf("httpapi: webhook %s: %w", w.url, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("httpapi: webhook %s answered %s", w.url, resp.Status)
	}
	return nil
}

// CloseIdleConnections closes the target's idle connections.
func (w *WebhookTarget) CloseIdleConnections() { w.client.CloseIdleConnections() }
