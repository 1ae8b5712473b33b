//go:build !race

package wildcard

const raceEnabled = false
