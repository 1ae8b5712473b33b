//go:build race

package wildcard

// raceEnabled: the race detector slows the matchers several times over.
const raceEnabled = true
