package gcpace

import (
	"os"
	"runtime/debug"
	"testing"
)

// restore puts the collector back as the test found it.
func restore(t *testing.T) {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	t.Cleanup(func() { debug.SetGCPercent(p) })
}

func TestApplyDefault(t *testing.T) {
	restore(t)
	t.Setenv("GOGC", "") // restores the environment's GOGC at cleanup
	if err := os.Unsetenv("GOGC"); err != nil {
		t.Fatal(err)
	}
	debug.SetGCPercent(100)
	if got := Apply(); got != Percent {
		t.Fatalf("Apply() = %d, want %d", got, Percent)
	}
	if p := debug.SetGCPercent(100); p != Percent {
		t.Fatalf("GOGC in force = %d, want %d", p, Percent)
	}
}

func TestApplyKeepsEnvironment(t *testing.T) {
	restore(t)
	t.Setenv("GOGC", "50")
	debug.SetGCPercent(50) // what the runtime applied at start from GOGC=50
	if got := Apply(); got != 50 {
		t.Fatalf("Apply() = %d, want the environment's 50", got)
	}
	if p := debug.SetGCPercent(50); p != 50 {
		t.Fatalf("GOGC in force = %d, want 50", p)
	}
}
