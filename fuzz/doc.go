// Package fuzz is osslite's compliance fuzzing kit, for osslite and for
// anyone with an S3 endpoint or code that talks to one.
//
// # Model-based fuzzing
//
// Run generates a seeded sequence of S3 operations (buckets, objects with
// keys of ASCII, slashes, dots and multi-byte UTF-8, ranges, If-Match and
// If-None-Match, copies, multipart uploads with re-uploaded, out-of-order
// and missing parts and aborts, paginated ListObjectsV2 with prefix,
// delimiter and start-after, tagging, canned ACLs), sends it through
// aws-sdk-go-v2 to any endpoint and checks every answer (status, error
// code, ETag, body bytes and Content-Range, every listing page, tag sets)
// against an in-memory model of S3 semantics. On a mismatch it shrinks the
// sequence by delta debugging and Report.GoTest prints the minimal
// reproduction as a Go test:
//
//	client := fuzz.NewClient(fuzz.ClientOptions{Endpoint: srv.URL, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
//	rep, err := fuzz.Run(ctx, fuzz.Config{Client: client, Seed: 42, Steps: 300})
//	if rep.Mismatch != nil { t.Fatalf("%v\n%s", rep.ReproMismatch, rep.GoTest("TestRepro")) }
//
// Diff sends the same steps to two endpoints and lists every step whose
// outcomes differ. Report.Outcomes counts what a run exercised (operation,
// status, error code).
//
// # Parser fuzz targets
//
// Every wire parser has a native Go fuzz target with a seed corpus, run as
// plain tests by `go test ./...`: SigV4 Authorization header, presigned
// query and SigV2 header (pkg/sigv4); OSS v1/v2/v4 headers and signed URLs
// (pkg/ossauth); aws-chunked framing, trailers and an encode/decode round
// trip (pkg/awschunked); the XML request documents, the Complete document
// round trip, Range and copy-source headers (httpapi); stored bucket
// configurations (pkg/bucketconfig); blob-log recovery (wal); the pebble
// record decoders (engine). Round trips (parse -> render -> parse) are
// checked where the format allows.
//
// # Commands
//
//	go run ./fuzz/cmd/fuzzall -time 60s      # every native Go fuzz target, one at a time, with a summary
//	go run ./fuzz/cmd/fuzzall -time 3s       # the same, short (CI)
//	go run ./fuzz/cmd/s3diff -endpoint http://127.0.0.1:9000 -access-key osslite -secret-key osslite-secret -seed 1 -steps 500
//	go run ./fuzz/cmd/s3diff -endpoint URL1 ... -endpoint2 URL2 -access-key2 .. -secret-key2 ..   # differential
//	go run ./fuzz/cmd/s3diff -oss -endpoint URL ...    # the OSS protocol, against the model
//
// fuzzall runs `go test -list '^Fuzz' ./...` and then `go test -fuzz` on
// each target for -time; a crasher lands in the package's
// testdata/fuzz/<Target>/ and plain `go test` replays it from then on.
// s3diff with one endpoint checks it against the model (and prints the
// shrunk reproduction); with two it sends the same steps to both and
// reports every difference in status, error code, ETag and body.
//
// # Chaos for your code
//
// Chaos (an alias of fake.Chaos) makes a fake server inject, reproducibly
// from a seed, 503 SlowDown, 500 InternalError and 400 RequestTimeout
// answers, connection resets, truncated and slow bodies into the requests
// your code sends; every injected fault is in srv.Requests() with the seed
// that produced it. See ExampleChaos.
//
// # Disk faults
//
// TestDiskFaults in this package runs the engine on pebble's vfs/errorfs,
// injecting write, sync and read errors into the blob log at seeded random
// points over several open/close epochs: every operation succeeds with the
// right bytes or fails with an error, and every acknowledged put reads back
// after reopening without faults.
//
// # Caveats
//
// Config.OSSClient (NewOSSClient, s3diff -oss) drives the endpoint through
// the Aliyun OSS SDK v2 against the model's OSS rules instead; Diff is
// S3-only.
// The model is S3's documented behaviour, in the Client's region:
// re-creating one's own bucket answers 200 in us-east-1 and 409
// BucketAlreadyOwnedByYou elsewhere (Config.RecreateBucketOK forces 200). Endpoints that refuse ACLs
// (buckets with Object Ownership "bucket owner enforced") need Ops without
// OpPutObjectACL. Runs against a real service create and delete buckets
// named Config.BucketPrefix-*.
package fuzz
