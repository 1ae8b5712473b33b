package fake_test

import (
	"context"
	"slices"
	"sync"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
)

// eventSink collects, by ARN, the events a fake delivers to the
// notification targets it makes (target), for tests that read them.
type eventSink struct {
	mu  sync.Mutex
	got map[string][]engine.Event
}

// target is the option that delivers the events of arn to s.
func (s *eventSink) target(arn string) fake.Option {
	return fake.WithNotificationTarget(arn, engine.NotificationTargetFunc(func(_ context.Context, ev engine.Event) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.got == nil {
			s.got = map[string][]engine.Event{}
		}
		s.got[arn] = append(s.got[arn], ev)
		return nil
	}))
}

// of returns the events delivered to arn so far.
func (s *eventSink) of(arn string) []engine.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.got[arn])
}
