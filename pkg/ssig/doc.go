// Package ssig signs and verifies requests of the Sina Cloud Storage (SCS)
// dialect: the "ssig" signature (spec/sina api.md section 2).
//
// An ssig is ten characters taken from the middle (positions 5 to 14) of
// the Base64 HMAC-SHA1 of a string to sign built like AWS Signature
// Version 2:
//
//	HTTP-Verb \n content hash \n Content-Type \n Date-or-Expires \n
//	CanonicalizedAmzHeaders CanonicalizedResource
//
// It travels either in the Authorization header ("SINA <key>:<ssig>",
// with the Date header acting as an expiry time) or in the URL (KID,
// Expires and ssig query parameters). The package imports nothing of
// osslite's; the HTTP layer maps its sentinel errors to wire codes.
//
// Decisions where the vendor's sources are silent or disagree are marked
// [Unsure] in the documentation of the function that makes them.
package ssig
