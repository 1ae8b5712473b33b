package httpapi

import (
	"strings"
	"unicode/utf8"

	"github.com/osslite/osslite/engine"
)

// The documented limits of the documents clients store, in one place.
// Every document a client can store is evaluated again later (ACLs on
// every request of a non-owner, tags by lifecycle and policy conditions),
// so each is capped twice: by the size of the request document, read
// under min(cap, Config.MaxXMLBody), and by the number of entries it may
// hold. Limits that differ between dialects are fields of the dialect
// (objectTags, bucketTags); the rest are the constants below. Connection
// and request limits (slow clients, concurrency) are in throttle.go.
const (
	// maxACLGrants is the most grants an ACL may hold, as an
	// AccessControlPolicy document or as x-amz-grant-* headers (S3: "an
	// ACL can have up to 100 grants"; more is MalformedACLError).
	maxACLGrants = 100
	// maxACLDocument caps a Put*Acl request document: 100 grants with
	// long display names and namespace declarations fit in a third of
	// it.
	maxACLDocument = 128 << 10
	// maxTaggingDocument caps a Put*Tagging request document: 50 tags of
	// 128+256 characters, each written as a character reference, fit.
	maxTaggingDocument = 256 << 10

	// Limits of features osslite does not serve yet; their handlers must
	// enforce them when they come.

	// maxCORSRules is the most CORSRule elements of a CORS configuration
	// (S3 and OSS: 100).
	maxCORSRules = 100
	// maxLifecycleRules is the most Rule elements of a lifecycle
	// configuration (S3: 1,000; OSS: 1,000).
	maxLifecycleRules = 1000
	// maxPolicySize is the largest bucket policy document, bytes (S3:
	// 20 KiB; OSS: 16 KiB).
	maxPolicySize = 20 << 10
)

// tagLimits are a dialect's limits on one kind of tag set (an object's or
// a bucket's). Whatever the dialect says, an object's tags also pass
// engine.ValidateTags (at most engine.MaxTags).
type tagLimits struct {
	maxTags int
	// maxKey and maxValue are the longest key and value, in characters
	// (in bytes when inBytes).
	maxKey, maxValue int
	inBytes          bool
	// tooManyCode and tooManyMessage are the error of a set with more
	// than maxTags tags.
	tooManyCode, tooManyMessage string
	// chars, when set, is the dialect's character rule for keys and
	// values; charsByPart reports a key or a value that breaks it with
	// S3's words for each (else one message names the tag).
	chars       func(string) bool
	charsByPart bool
	// reservedPrefix, when set, starts the keys only the service may
	// write (S3: "aws:"); a key with it is InvalidTag with reservedMessage.
	reservedPrefix, reservedMessage string
	// namesTag adds the refused tag's TagKey (and TagValue, when the
	// value is at fault) to InvalidTag, as S3 does (LocalStack's
	// AWS-recorded test_tagging_validation).
	namesTag bool
}

// check validates a tag set: the count first, then each tag (key of 1 to
// maxKey, value of at most maxValue, valid UTF-8) and unique keys.
func (l tagLimits) check(tags []engine.Tag) error {
	if len(tags) > l.maxTags {
		return errorf(l.tooManyCode, l.tooManyMessage)
	}
	length := utf8.RuneCountInString
	if l.inBytes {
		length = func(s string) int { return len(s) }
	}
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		if err := l.checkTag(t, length, seen); err != nil {
			if l.namesTag && t.Key != "" {
				// S3 names the tag it refuses: its key, and the value
				// when the value is at fault.
				err = err.with("TagKey", t.Key)
				if err.Message == msgBadTagValue {
					err = err.with("TagValue", t.Value)
				}
			}
			return err
		}
		seen[t.Key] = true
	}
	return nil
}

const (
	msgBadTagKey   = "The TagKey you have provided is invalid"
	msgBadTagValue = "The TagValue you have provided is invalid"
)

// checkTag judges one tag of a set; seen holds the keys before it.
func (l tagLimits) checkTag(t engine.Tag, length func(string) int, seen map[string]bool) *Error {
	switch {
	case t.Key == "" || !utf8.ValidString(t.Key) || length(t.Key) > l.maxKey:
		return errorf("InvalidTag", msgBadTagKey)
	case !utf8.ValidString(t.Value) || length(t.Value) > l.maxValue:
		return errorf("InvalidTag", msgBadTagValue)
	case seen[t.Key]:
		return errorf("InvalidTag", "Cannot provide multiple Tags with the same key")
	case l.chars != nil && l.charsByPart && !l.chars(t.Key):
		return errorf("InvalidTag", msgBadTagKey)
	case l.chars != nil && l.charsByPart && !l.chars(t.Value):
		return errorf("InvalidTag", msgBadTagValue)
	case l.chars != nil && (!l.chars(t.Key) || !l.chars(t.Value)):
		return errorf("InvalidTag", "The tag %q=%q contains characters that are not allowed: use letters, digits, spaces and + - = . _ : /.", t.Key, t.Value)
	case l.reservedPrefix != "" && strings.HasPrefix(t.Key, l.reservedPrefix):
		return errorf("InvalidTag", "%s", l.reservedMessage)
	}
	return nil
}

// s3ObjectTags and s3BucketTags are S3's tag limits: 10 tags on an
// object, 50 on a bucket, keys of 128 and values of 256 characters, and
// no key starting with aws:, the prefix of the tags AWS writes itself
// (moto's AWS-verified test_s3_tagging has S3's two messages).
var (
	s3ObjectTags = tagLimits{maxTags: 10, maxKey: 128, maxValue: 256, chars: s3TagChars, charsByPart: true, namesTag: true,
		tooManyCode: "BadRequest", tooManyMessage: "Object tags cannot be greater than 10",
		reservedPrefix: "aws:", reservedMessage: "Your TagKey cannot be prefixed with aws:"}
	s3BucketTags = tagLimits{maxTags: 50, maxKey: 128, maxValue: 256, chars: s3TagChars, charsByPart: true, namesTag: true,
		tooManyCode: "BadRequest", tooManyMessage: "Bucket tag count cannot be greater than 50",
		reservedPrefix: "aws:", reservedMessage: "System tags cannot be added/updated by requester"}
)

// ossObjectTags and ossBucketTags are OSS's tag limits: 10 tags on an
// object (keys of 128, values of 256 characters), 20 on a bucket (keys of
// 64, values of 128 bytes); too many is InvalidTag.
var (
	ossObjectTags = tagLimits{maxTags: 10, maxKey: 128, maxValue: 256, chars: ossTagChars,
		tooManyCode: "InvalidTag", tooManyMessage: "The number of object tags cannot be greater than 10."}
	ossBucketTags = tagLimits{maxTags: 20, maxKey: 64, maxValue: 128, inBytes: true,
		tooManyCode: "InvalidTag", tooManyMessage: "The number of bucket tags cannot be greater than 20."}
)

// checkGrants refuses an ACL with more than maxACLGrants grants.
func checkGrants(n int) error {
	if n > maxACLGrants {
		return errorf("MalformedACLError", "The request is rejected: an ACL may hold at most %d grants, this one has %d.", maxACLGrants, n)
	}
	return nil
}

// docLimit is the size cap of a request document: limit, or
// Config.MaxXMLBody when that is smaller.
func (s *server) docLimit(limit int64) int64 { return min(limit, s.cfg.MaxXMLBody) }
