// Package lint holds the repository's lint rules as a test (in the manner
// of pebble's internal/lint): `go test ./internal/lint` walks the module's
// Go files and fails on
//
//   - imports outside the deliberate dependency set, test-only SDKs in
//     non-test files, and imports that break the layering (pkg/* imports
//     nothing of ours; engine and wal never import httpapi, fake or cmd);
//   - io.ReadAll in non-test files outside an allow list (bodies stream);
//   - time.Now() in non-test files outside an allow list (time comes from
//     the injected clock);
//   - fmt.Errorf with an error-typed argument but no %w verb;
//   - go vet findings.
//
// Each rule has a table test that feeds it a small synthetic source. The
// allow lists are in lint_test.go, each entry with the reason it is there.
//
// The package has no non-test code beyond this comment.
package lint
