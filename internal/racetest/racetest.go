// Package racetest starts concurrent writers for tests of conditional
// writes: of several writers racing on one key with conditions, exactly
// one may win. It has no dependencies beyond the standard library.
package racetest

import "sync"

// Writers calls write(0) .. write(n-1) concurrently, each in its own
// goroutine, and returns their errors: errs[i] is what write(i) returned.
// The goroutines are released together, once all of them are started, so
// the writes overlap as much as the scheduler lets them.
//
// # Concurrency
//
// write must be safe for concurrent use. Writers returns only after every
// write has returned: no goroutine outlives the call.
func Writers(n int, write func(i int) error) []error {
	errs := make([]error, n)
	var start, wg sync.WaitGroup
	start.Add(1)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start.Wait()
			errs[i] = write(i)
		}()
	}
	start.Done()
	wg.Wait()
	return errs
}
