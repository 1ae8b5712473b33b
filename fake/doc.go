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
// checks (Server.AccessKey, Server.SecretKey). Real SDKs — aws-sdk-go-v2,
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
//     presigned-URL expiry follow the fake clock, not the wall clock.
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
// # Caveats
//
//   - The clock stands still: it starts at the real time of New (truncated
//     to the second) and moves only by Advance or Set. SDKs sign requests
//     with the wall clock, and the handler rejects signatures more than 15
//     minutes away from the fake clock with RequestTimeTooSkewed.
//     aws-sdk-go-v2 recovers by itself (it corrects its signing time from
//     the Date header and retries once, so Requests shows a 403 first);
//     minio-go and others do not. Advance back, or use WithPermissive,
//     which checks neither signatures nor their time. Presigned URLs are
//     checked against the fake clock, which is what makes their expiry
//     testable.
//   - Signatures are verified by default. WithPermissive accepts anything.
//   - Only an in-memory engine is used; WithEngineOptions can change its
//     tuning (inline threshold, chunk size, ...) but not its clock.
//   - URL is plain http on 127.0.0.1, an IP address, so SDKs use path-style
//     addressing with it. For virtual-host style, point the SDK at
//     http://localhost:<port> (or any host) and use HTTPClient, which
//     needs no DNS.
//   - Inside a testing/synctest bubble, use WithoutListener: a real socket
//     is not bubble-aware.
package fake
