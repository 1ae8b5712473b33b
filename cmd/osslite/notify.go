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
	webhookOwners     listFlag // ARN=ID or ARN=*
	allowRemote       bool
	accessLogInterval time.Duration
	// targets is built from webhooks by check.
	targets map[string]engine.NotificationTarget
}

// owners returns the engine's NotificationTargetOwners: each webhook
// serves primary's buckets and those -notify-webhook-owner names.
func (n *notifyOptions) owners(primary string) map[string][]string {
	arns := make([]string, 0, len(n.targets))
	for arn := range n.targets {
		arns = append(arns, arn)
	}
	return targetOwners(arns, primary, n.webhookOwners)
}

func (n *notifyOptions) register(fs *flag.FlagSet) {
	fs.Var(&n.webhooks, "notify-webhook", "deliver bucket events for destination `ARN=URL` as JSON POSTs to URL (repeatable); bucket notification configurations may name only these ARNs, and only the -access-key account's buckets, unless -notify-webhook-owner says more")
	fs.Var(&n.webhookOwners, "notify-webhook-owner", "let the buckets of the user with canonical ID `ARN=ID` (* for every user) send events to that -notify-webhook (repeatable)")
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
	if err := checkTargetOwners("notify-webhook", n.webhookOwners, func(arn string) bool { return n.targets[arn] != nil }); err != nil {
		return err
	}
	if n.accessLogInterval < 0 {
		return fmt.Errorf("-access-log-interval %v must not be negative", n.accessLogInterval)
	}
	return nil
}
