//go:build !race

package sqlselect_test

const raceEnabled = false
