// Package policy parses, validates, renders and evaluates resource
// policies: AWS's policy language as S3 bucket policies use it (Version
// 2012-10-17 or 2008-10-17) and Aliyun OSS's bucket policy documents
// (Version "1").
//
// Parse reads a document for one bucket and validates it the way the
// services do: a document the service would refuse is an error wrapping
// ErrMalformed whose *MalformedError names the reason in the service's
// words ("Policy has invalid resource", "Invalid principal in policy",
// ...). Render writes the canonical JSON form: parsing it gives the same
// Policy.
//
// Evaluate decides one request: the principal, the action ("s3:GetObject",
// "oss:GetObject"), the resource ARN and the condition keys, looked up
// lazily through a Context so a request pays only for the keys a policy
// names. The result is Allow, Deny (an explicit Deny matched) or
// NotApplicable (no statement matched: the caller falls back to ACLs).
//
// IsPublic says whether a policy grants access to the public, by AWS's
// documented definition ("The meaning of public"): an Allow that does not
// fix its principal or a fixed condition value.
//
// The package imports nothing of osslite; it knows no wire protocol. It
// reads no clock: aws:CurrentTime and aws:EpochTime are condition keys
// the caller supplies (from the engine clock).
//
// # Errors
//
// Parse returns errors wrapping ErrMalformed (*MalformedError carries the
// reason) or ErrTooLarge.
//
// # Concurrency
//
// A *Policy is immutable once parsed and safe for concurrent use.
package policy
