//go:build race

package sqlselect_test

// raceEnabled: the race detector slows matching several times over.
const raceEnabled = true
