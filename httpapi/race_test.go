//go:build race

package httpapi

// raceEnabled: allocation counts differ under the race detector (its
// instrumentation moves values to the heap), so tests that count them
// skip that check.
const raceEnabled = true
