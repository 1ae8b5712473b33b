package racetest_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/osslite/osslite/internal/racetest"
)

// TestWriters: the writes run at the same time (each waits until all n
// are in flight, which a sequential runner never reaches), every error
// lands at its writer's index, and all writes have returned when Writers
// does.
func TestWriters(t *testing.T) {
	const n = 8
	var started, returned atomic.Int32
	all := make(chan struct{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	errs := racetest.Writers(n, func(i int) error {
		defer returned.Add(1)
		if started.Add(1) == n {
			close(all)
		}
		select {
		case <-all:
		case <-ctx.Done():
			return errors.New("not all writers were in flight at once")
		}
		if i%2 == 1 {
			return fmt.Errorf("writer %d", i)
		}
		return nil
	})
	if got := returned.Load(); got != n {
		t.Fatalf("Writers returned with %d of %d writes done", got, n)
	}
	if len(errs) != n {
		t.Fatalf("got %d errors, want %d", len(errs), n)
	}
	for i, err := range errs {
		switch {
		case i%2 == 0 && err != nil:
			t.Errorf("errs[%d] = %v, want nil", i, err)
		case i%2 == 1 && (err == nil || err.Error() != fmt.Sprintf("writer %d", i)):
			t.Errorf("errs[%d] = %v, want writer %d", i, err, i)
		}
	}
	if errs := racetest.Writers(0, func(int) error { return errors.New("called") }); len(errs) != 0 {
		t.Errorf("Writers(0) = %v, want none", errs)
	}
}
