// Package fake is a fake object store for tests, the object-storage
// analogue of net/http/httptest:
//
//	srv := fake.New(t, fake.WithBuckets("photos"))
//	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
//		o.BaseEndpoint = aws.String(srv.URL)
//		o.UsePathStyle = true
//		o.HTTPClient = srv.HTTPClient() // optional: no socket at all
//	})
//
// Each call to New gets its own in-memory engine and S3 handler (package
// httpapi), served on a loopback listener (Server.URL) and through an
// in-memory transport (Server.HTTPClient), with credentials the handler
// checks: Server.AccessKey and Server.SecretKey, by default DefaultAccessKey
// ("osslite-fake") and DefaultSecretKey ("osslite-fake-secret") in region
// DefaultRegion ("us-east-1"); WithCredentials and WithRegion change them.
// Read them from the Server rather than repeating the strings. Real SDKs — aws-sdk-go-v2,
// minio-go, the aws CLI pointed at URL — work against it unchanged. The
// same handler speaks the Aliyun OSS dialect to OSS-signed requests, so the
// Aliyun OSS Go SDKs (v1 and v2) work too (ExampleStart_aliyunOSS); a
// WithDomains domain named oss-<region>.<...> serves OSS virtual hosts.
//
// Beyond serving requests the fake lets a test:
//
//   - seed and inspect state without HTTP (Server.Engine, WithBuckets);
//   - inject failures: error responses, latency and dropped connections,
//     matched by operation, bucket and key, a number of times or forever
//     (Server.Fail);
//   - see what the code under test sent (Server.Requests);
//   - control time (Server.Clock): Last-Modified dates, lifecycle and
//     presigned-URL expiry follow the fake clock, not the wall clock (see
//     Time below);
//   - serve HTTPS (WithTLS), so SDKs take the code paths they take in
//     production: aws-sdk-go-v2 uploads become aws-chunked with a CRC32
//     trailer only over TLS;
//   - have several users (WithUsers, Server.UserID) that share buckets
//     and objects by ACL grants, and temporary credentials with session /
//     STS tokens (Server.NewSession, Server.AddTemporaryCredential) that
//     expire on the fake clock;
//   - use S3's MFA delete with a virtual MFA device (WithMFADevice), its
//     codes on the fake clock (Server.MFACode).
//
// The in-memory transport streams: request and response bodies flow through
// pipes, so a 64 MiB download reaches the client while the handler is still
// producing it and an upload reaches the handler while the client is still
// producing it. It needs no network and no real timers, so a server made
// with WithoutListener works inside a testing/synctest bubble.
//
// # Concurrency
//
// A Server and its Clock are safe for concurrent use; requests may run in
// parallel, and Fail, ClearFaults, Requests and Clock().Advance may be called
// while they do. A request is in Requests by the time the client has read
// its response to the end. Close (run by t.Cleanup) waits for in-flight
// requests, aborting those still running after five seconds — typically
// responses whose body the test never closed — and then closes the engine;
// the server starts no goroutine that outlives Close.
//
// # Time
//
// The clock (Server.Clock) stands still: it starts at the real time of New
// (truncated to the second) and moves only by Advance or Set. What moves
// with it:
//
//   - every time the server reports: Last-Modified, the Date header,
//     bucket creation and upload initiation dates;
//   - presigned-URL expiry (S3 X-Amz-Expires, OSS Expires and
//     x-oss-expires): Advance past it and the URL is refused. The URL's
//     start is its signing time, which SDKs take from the wall clock: a
//     URL an SDK presigns after Advance is already expired here unless
//     it is signed at Clock().Now() (ExampleServer_Clock_presignAfterAdvance);
//   - archive restores: when a restore completes (RestoreDelay of
//     engine.Options, one minute by default; WithEngineOptions with
//     RestoreDelay -1 makes restores instant) and when the restored copy
//     expires;
//   - browser-upload policy expiry: PresignPost dates its policy on the
//     fake clock; a form an SDK makes carries a wall-clock expiration,
//     as its presigned URLs do;
//   - Object Lock retain-until dates and OSS WORM retention;
//   - with WithSkewCheck, the signing-skew check (15 minutes, S3 and OSS);
//   - the expiry of temporary credentials (NewSession) and MFA codes
//     (MFACode).
//
// What does not: SDKs sign with the wall clock; Fault latency and Close's
// grace period are real durations; a notification target that fails is
// retried after real time (engine.Options.NotificationRetry, 100ms
// doubling); the TLS certificate of WithTLS is valid by the wall clock.
//
// Work that falls due on the clock is done when the engine runs it, not
// by Advance itself: lifecycle rules (expiration, transitions,
// noncurrent versions, incomplete uploads), ObjectRestore:Completed
// events, replication deliveries and their retries, inventory reports
// and access-log objects. Engine().RunPending runs everything due at the
// clock's current time and returns when it is done: advance the clock,
// then call it (ExampleServer_Clock_lifecycle). The engine's background
// loop also runs this work on its own, on the wall clock: replication
// within a second of a write, a lifecycle pass within 30 seconds once
// the clock has moved an hour. A test that asserts work has not happened
// yet (a replication status still PENDING) turns that loop off with
// WithEngineOptions(engine.Options{CompactInterval: -1}); deleted data is
// then reclaimed only by Engine().Compact (ExampleServer_Engine_replication).
//
// Because SDKs sign with the wall clock, the fake does not by default
// compare a request's signing time (S3 or OSS) with its clock: a test may Advance
// a week and keep using its client (for header-signed requests: see
// presigned-URL expiry above). WithSkewCheck restores a real server's
// 15-minute window, against the fake clock: then a request signed more
// than 15 minutes away fails with RequestTimeTooSkewed, which reaches a
// HEAD as a bare 403. aws-sdk-go-v2 corrects its signing time from the
// Date header and retries once (Requests shows a 403 first, and the client
// keeps the offset); minio-go and others do not.
//
// # Caveats
//
//   - Signatures are verified by default. WithPermissive accepts anything.
//   - An aws-sdk-go-v2 client built by hand (s3.New, or s3.NewFromConfig
//     of an aws.Config literal) leaves RequestChecksumCalculation unset
//     and sends no checksum unless an operation requires one, unlike
//     config.LoadDefaultConfig (a CRC32 on every upload). S3, and so the
//     fake, refuses an upload with Object Lock settings that has neither
//     a checksum nor Content-MD5 (400 InvalidRequest): set
//     aws.RequestChecksumCalculationWhenSupported, as README's example does.
//   - Only an in-memory engine is used; WithEngineOptions can change its
//     tuning (inline threshold, chunk size, ...) but not its clock.
//   - URL is plain http (https with WithTLS) on 127.0.0.1, an IP address,
//     so SDKs use path-style addressing with it. For virtual-host style, point the SDK at
//     http://localhost:<port> (or any host) and use HTTPClient, which
//     needs no DNS.
//   - Inside a testing/synctest bubble, use WithoutListener: a real socket
//     is not bubble-aware.
package fake
