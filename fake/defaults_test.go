package fake_test

import (
	"testing"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
	"github.com/stretchr/testify/require"
)

// TestEngineDefaults checks the fake's engine: compaction runs in the
// background as in the engine, but uploads never expire on their own,
// because tests advance the fake clock.
func TestEngineDefaults(t *testing.T) {
	srv := fake.New(t, fake.WithoutListener())
	o := srv.Engine().Options()
	require.Positive(t, o.CompactInterval)
	require.Negative(t, o.AbortUploadsAfter)

	srv = fake.New(t, fake.WithoutListener(), fake.WithEngineOptions(engine.Options{AbortUploadsAfter: time.Hour}))
	require.Equal(t, time.Hour, srv.Engine().Options().AbortUploadsAfter)
}
