package fuzz

import "github.com/osslite/osslite/fake"

// Chaos configures fake.WithChaos: seeded, reproducible fault injection
// into the requests a fake server handles (503 SlowDown, 500
// InternalError, 400 RequestTimeout, connection resets, truncated and slow
// bodies). It lives in fake, which fuzz imports; this alias is here so
// that the kit reads as one.
type Chaos = fake.Chaos
