package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
)

// notifyOptions are the flags of event notifications and access logs.
type notifyOptions struct {
	webhooks          listFlag // ARN=URL
	allowRemote       bool
	accessLogInterval time.Duration
	// targets is built from webhooks by check.
	targets map[string]engine.NotificationTarget
}

func (n *notifyOptions) register(fs *flag.FlagSet) {
	fs.Var(&n.webhooks, "notify-webhook", "deliver bucket events for destination `ARN=URL` as JSON POSTs to URL (repeatable); bucket notification configurations may name only these ARNs")
	fs.BoolVar(&n.allowRemote, "notify-allow-remote", false, "allow -notify-webhook URLs that are not loopback addresses")
	fs.DurationVar(&n.accessLogInterval, "access-log-interval", 5*time.Minute, "how long access-log lines are batched before they are written as one log object")
}

// check parses the webhook flags into targets.
func (n *notifyOptions) check() error {
	for _, spec := range n.webhooks {
		arn, u, ok := strings.Cut(spec, "=")
		if !ok || arn == "" || u == "" {
			return fmt.Errorf("-notify-webhook %q: want ARN=URL", spec)
		}
		t, err := httpapi.NewWebhookTarget(u, httpapi.WebhookOptions{AllowRemote: n.allowRemote})
		if err != nil {
			return fmt.Errorf("-notify-webhook %q: %w (see -notify-allow-remote)", spec, err)
		}
		if n.targets == nil {
			n.targets = map[string]engine.NotificationTarget{}
		}
		n.targets[arn] = t
	}
	if n.accessLogInterval < 0 {
		return fmt.Errorf("-access-log-interval %v must not be negative", n.accessLogInterval)
	}
	return nil
}
