// Package conformance is one behavioural suite that runs against every way
// of reaching an osslite store (in the manner of go-cloud's drivertest):
// the engine API, the S3 dialect through aws-sdk-go-v2, the OSS dialect
// through alibabacloud-oss-go-sdk-v2 and the Sina SCS dialect through
// internal/sinaclient. The subjects live in this package's tests; `go
// test ./internal/conformance` runs the suite on all four.
//
// A Subject translates the suite's dialect-free vocabulary (unquoted
// lower-case ETags, S3 error codes, canned ACL names, ...) to one client
// and back. Where dialects legitimately differ (the minimum part size,
// OSS answering a failed copy-source If-None-Match with 304, ...) the
// subject declares it in Caps and the suite branches on the capability,
// never on the dialect.
//
// # Accounts
//
// A wire subject also acts as a second account of its store and reaches
// the store through every wire dialect, as either account or anonymously
// (Caps().Accounts; the engine API has none, and those cases skip). The
// cases in accounts.go check, through every dialect, the two rules that
// involve another account: who owns an object another account writes
// into a bucket is the rule of the dialect that wrote it
// (Caps().WriterKeepsObjects: S3 its writer, OSS and SCS the bucket
// owner), and a bucket policy's Allow reaches only the bucket owner's
// objects while its Deny refuses everyone.
//
// # Adding a case
//
// Add a function func(t *testing.T, s Subject) to suite.go and a row to
// cases. Each case gets a fresh subject (an empty store) and runs in
// parallel with the others. A behaviour one subject lacks is a Caps field,
// not a check of which subject runs.
//
// # Caveats
//
// The package's non-test code imports testify: it is only ever run by
// tests (internal/lint allows this for this package alone).
package conformance
