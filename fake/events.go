package fake

import (
	"context"
	"maps"
	"sync"

	"github.com/osslite/osslite/engine"
)

// EventLog collects the event notifications the server publishes for a
// bucket (see Server.Events). It is safe for concurrent use.
type EventLog struct {
	mu     sync.Mutex
	events []engine.Event
	more   chan struct{} // closed and replaced on every event
	cancel func()
}

// Events starts collecting the events of bucket ("" for every bucket):
// every object created, removed, restored, tagged, re-granted or put
// under retention through the server, lifecycle expirations and
// replication results, in the order they happened (the
// sequencer increases; tagging and ACL events have none, as at S3), whether or not the bucket has a notification
// configuration (ConfigurationID is then ""). Events published before the
// call are not included. Events of work due on the clock (lifecycle
// expirations, ObjectRestore:Completed, replication results) are
// published when that work runs: after Clock().Advance, call
// Engine().RunPending before Wait.
func (s *Server) Events(bucket string) *EventLog {
	l := &EventLog{more: make(chan struct{})}
	l.cancel = s.eng.Subscribe(bucket, func(ev engine.Event) {
		l.mu.Lock()
		l.events = append(l.events, ev)
		close(l.more)
		l.more = make(chan struct{})
		l.mu.Unlock()
	})
	return l
}

// All returns the events collected so far.
func (l *EventLog) All() []engine.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]engine.Event(nil), l.events...)
}

// Wait returns the events collected once there are at least n, or ctx's
// error.
func (l *EventLog) Wait(ctx context.Context, n int) ([]engine.Event, error) {
	for {
		l.mu.Lock()
		if len(l.events) >= n {
			out := append([]engine.Event(nil), l.events...)
			l.mu.Unlock()
			return out, nil
		}
		more := l.more
		l.mu.Unlock()
		select {
		case <-more:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Stop ends the collection.
func (l *EventLog) Stop() { l.cancel() }

// WithNotificationTarget registers a destination that buckets'
// notification configurations may name by arn (see
// engine.Options.NotificationTargets). It is kept whatever the order of
// the options: WithEngineOptions's NotificationTargets are added to it,
// and for the same arn this one wins.
func WithNotificationTarget(arn string, t engine.NotificationTarget) Option {
	return func(c *config) {
		if c.targets == nil {
			c.targets = map[string]engine.NotificationTarget{}
		}
		c.targets[arn] = t
	}
}

// notificationTargets is the engine's NotificationTargets: those of
// WithEngineOptions and of WithNotificationTarget, the latter winning.
func (c *config) notificationTargets() map[string]engine.NotificationTarget {
	if len(c.targets) == 0 {
		return c.engine.NotificationTargets
	}
	all := maps.Clone(c.engine.NotificationTargets)
	if all == nil {
		all = make(map[string]engine.NotificationTarget, len(c.targets))
	}
	maps.Copy(all, c.targets)
	return all
}
