package engine

import (
	"strings"
	"time"
)

// Conditions are the HTTP conditional-request headers of a read or a copy
// source. Empty strings and nil times mean "absent".
type Conditions struct {
	IfMatch           string // comma-separated ETags or "*"
	IfNoneMatch       string // comma-separated ETags or "*"
	IfModifiedSince   *time.Time
	IfUnmodifiedSince *time.Time
}

// evaluate applies S3's precedence rules (those of RFC 9110 section 13.2.2):
// If-Match decides when present, otherwise If-Unmodified-Since; then
// If-None-Match decides when present, otherwise If-Modified-Since.
// It returns nil or a *ConditionError naming the condition that did not
// hold (without Info), which wraps ErrPreconditionFailed or
// ErrNotModified. A failed If-None-Match gives ErrNotModified for reads
// and ErrPreconditionFailed for copy sources (pass copySource true).
func (c Conditions) evaluate(info ObjectInfo, copySource bool) error {
	mtime := info.LastModified.Truncate(time.Second)
	switch {
	case c.IfMatch != "":
		if !etagListMatches(c.IfMatch, info.ETag) {
			return &ConditionError{Condition: "IfMatch", Err: ErrPreconditionFailed}
		}
	case c.IfUnmodifiedSince != nil:
		if mtime.After(*c.IfUnmodifiedSince) {
			return &ConditionError{Condition: "IfUnmodifiedSince", Err: ErrPreconditionFailed}
		}
	}
	notModified := ErrNotModified
	if copySource {
		notModified = ErrPreconditionFailed
	}
	switch {
	case c.IfNoneMatch != "":
		if etagListMatches(c.IfNoneMatch, info.ETag) {
			return &ConditionError{Condition: "IfNoneMatch", Err: notModified}
		}
	case c.IfModifiedSince != nil:
		if !mtime.After(*c.IfModifiedSince) {
			return &ConditionError{Condition: "IfModifiedSince", Err: notModified}
		}
	}
	return nil
}

// etagListMatches reports whether list ("*", or ETags separated by commas,
// quoted or not, weak or strong) names etag.
func etagListMatches(list, etag string) bool {
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimSpace(t)
		if t == "*" {
			return true
		}
		t = strings.TrimPrefix(t, "W/")
		if strings.EqualFold(strings.Trim(t, `"`), etag) {
			return true
		}
	}
	return false
}
