package engine

import "encoding/binary"

// Metadata key layout in pebble (see DESIGN.md):
//
//	A/<account>\x00<kind>       account configuration document (account_config.go)
//	B/<bucket>                 bucket record
//	C/<bucket>/<kind>          bucket configuration document
//	C/<bucket>/inventory\x00<id> time of an inventory configuration's last report (inventory.go)
//	D/<bucket>\x00<key>\x00<id> result of a completed upload, kept for retries
//	O/<bucket>\x00<key>        object record (the current version)
//	V/<bucket>\x00<key>\x00<^stamp> noncurrent version or delete marker (version.go)
//	X/<blobID, 8 bytes BE>     blob record: refcount, size, chunk size, segment usage
//	K/<blobID><chunk, 4 B BE>  blob-log locator of one chunk of a blob
//	S/<segment, 8 bytes BE>    live bytes of a blob-log segment
//	H/<SHA-1><size, 8 bytes BE> content index: a stored body with that content
//	N/<bucket>\x00<key>\x00<name> annotation: data derived from an object's body
//	E/<time, 8 B BE><bucket>\x00<key> scheduled deletion (expiry.go)
//	F/<bucket>\x00<key>        the key's scheduled deletion time
//	G/<time><bucket>\x00<key>\x00<event>\x00<version ID> an event to make at a time (expiry.go; earlier builds: no version part)
//	L/<bucket>\x00<channel>    live channel (configuration and push history)
//	M/<bucket>                 usage counts: objects by class, versions, markers, uploads, parts, channels (usage.go)
//	M/                         marks a store whose usage counts are complete
//	Q/<seq, 8 B BE><config, 2 B BE> pending event delivery (notify.go)
//	R/<bucket>\x00<key>\x00<versionID>\x00<destination ARN> pending replication (replication.go; earlier builds: no destination part)
//	RS/<bucket>\x00<ruleID>    historical replication cursor (replication_history.go)
//	RT/<time, 8 B BE><bucket>\x00<key>\x00<versionID>\x00<destination ARN> S3 RTC threshold of a pending replication (replication.go)
//
// Bucket names never contain 0x00, so "O/<bucket>\x00" is a prefix that no
// other bucket shares and object keys sort as raw bytes after it.

const (
	prefixBucket  = "B/"
	prefixObject  = "O/"
	prefixBlob    = "X/"
	prefixChunk   = "K/"
	prefixSegment = "S/"
)

func bucketKey(bucket string) []byte {
	return append([]byte(prefixBucket), bucket...)
}

// objectPrefix is the prefix of every object key of bucket.
func objectPrefix(bucket string) []byte {
	b := make([]byte, 0, len(prefixObject)+len(bucket)+1)
	b = append(b, prefixObject...)
	b = append(b, bucket...)
	return append(b, 0)
}

func objectKey(bucket, key string) []byte {
	b := make([]byte, 0, len(prefixObject)+len(bucket)+1+len(key)) // one allocation
	b = append(b, prefixObject...)
	b = append(b, bucket...)
	b = append(b, 0)
	return append(b, key...)
}

func blobKey(id uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(prefixBlob), id)
}

func chunkKey(blob uint64, idx uint32) []byte {
	return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint64([]byte(prefixChunk), blob), idx)
}

// chunkSpan returns the key range holding every chunk of blob.
func chunkSpan(blob uint64) (start, end []byte) {
	return binary.BigEndian.AppendUint64([]byte(prefixChunk), blob), binary.BigEndian.AppendUint64([]byte(prefixChunk), blob+1)
}

func segmentKey(seg uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(prefixSegment), seg)
}

// prefixEnd returns the smallest key greater than every key with prefix p,
// or nil when there is none (p is all 0xFF).
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] != 0xFF {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

const prefixUpload = "U/"

// uploadPrefix is the prefix of every multipart-upload record of bucket.
func uploadPrefix(bucket string) []byte {
	b := make([]byte, 0, len(prefixUpload)+len(bucket)+1)
	b = append(b, prefixUpload...)
	b = append(b, bucket...)
	return append(b, 0)
}

const prefixPart = "P/"

// uploadKey is U/<bucket>\x00<key>\x00<uploadID>. Upload IDs have a fixed
// length, so the key can be split from the end.
func uploadKey(bucket, key, uploadID string) []byte {
	b := append(uploadPrefix(bucket), key...)
	b = append(b, 0)
	return append(b, uploadID...)
}

// partKey is P/<uploadID>/<partNumber, 4 bytes BE>.
func partKey(uploadID string, part int) []byte {
	return binary.BigEndian.AppendUint32(partPrefix(uploadID), uint32(part))
}

func partPrefix(uploadID string) []byte {
	b := append([]byte(prefixPart), uploadID...)
	return append(b, '/')
}

const prefixCompleted = "D/"

// completedPrefix is the prefix of the completed-upload records of bucket.
func completedPrefix(bucket string) []byte {
	b := make([]byte, 0, len(prefixCompleted)+len(bucket)+1)
	b = append(b, prefixCompleted...)
	b = append(b, bucket...)
	return append(b, 0)
}

// completedKey is D/<bucket>\x00<key>\x00<uploadID>: the result of a
// completed upload, kept for retries of its Complete.
func completedKey(bucket, key, uploadID string) []byte {
	b := append(completedPrefix(bucket), key...)
	b = append(b, 0)
	return append(b, uploadID...)
}

// abortedKey is D/<bucket>\x00<key>\x00<uploadID>\x00A: the record that
// uploadID was aborted (recordAbort). Upload IDs hold no NUL, so it is
// no completed upload's key.
func abortedKey(bucket, key, uploadID string) []byte {
	return append(completedKey(bucket, key, uploadID), 0, 'A')
}
