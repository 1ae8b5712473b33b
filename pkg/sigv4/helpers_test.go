package sigv4

import (
	"errors"
	"testing"
)

// Minimal assertion helpers: the module's go.sum lacks testify's own
// dependencies, so these tests use only the standard library.

func isErr(t *testing.T, err, target error, msg ...any) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error %v is not %v %v", err, target, msg)
	}
}

func noErr(t *testing.T, err error, msg ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error %v %v", err, msg)
	}
}

func eq[T comparable](t *testing.T, want, got T, msg ...any) {
	t.Helper()
	if want != got {
		t.Fatalf("got:\n%v\nwant:\n%v\n%v", got, want, msg)
	}
}
