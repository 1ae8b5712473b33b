package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Bucket tags read back from their stored Tagging document: OSS deletes
// some keys of them (DeleteBucketTags ?tagging=k1,k2) and filters
// ListBuckets by them (tag-key, tag-value, tagging).

// bucketTags returns the stored tags of bucket (nil when it has none).
func (s *server) bucketTags(ctx context.Context, bucket string) ([]engine.Tag, error) {
	c, err := s.eng.BucketConfigValue(ctx, bucket, bucketconfig.KindTagging)
	if errors.Is(err, engine.ErrNoSuchConfig) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	stored := c.(*bucketconfig.Tagging).Tags
	tags := make([]engine.Tag, 0, len(stored))
	for _, x := range stored {
		tags = append(tags, engine.Tag{Key: x.Key, Value: x.Value})
	}
	return tags, nil
}

// deleteBucketTagKeys removes the tags named in keys (comma separated)
// and keeps the others; removing the last one removes the document.
func (s *server) deleteBucketTagKeys(rc *request, keys string) error {
	tags, err := s.bucketTags(rc.ctx, rc.op.Bucket)
	if err != nil {
		return err
	}
	drop := map[string]bool{}
	for _, k := range strings.Split(keys, ",") {
		drop[k] = true
	}
	kept := tags[:0]
	for _, t := range tags {
		if !drop[t.Key] {
			kept = append(kept, t)
		}
	}
	if len(kept) == len(tags) {
		return writeEmpty(rc, http.StatusNoContent)
	}
	if len(kept) == 0 {
		err = s.eng.DeleteBucketConfig(rc.ctx, rc.op.Bucket, engine.ConfigTagging)
	} else {
		c := &bucketconfig.Tagging{}
		for _, t := range kept {
			c.Tags = append(c.Tags, bucketconfig.Tag{Key: t.Key, Value: t.Value})
		}
		err = s.eng.SetBucketConfig(rc.ctx, rc.op.Bucket, c)
	}
	if err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusNoContent)
}

// bucketTagFilter reads the ListBuckets tag filters of an OSS request:
// tag-key (with an optional tag-value) or tagging, a JSON object of
// key-value pairs every listed bucket must carry. It returns nil when the
// request has none.
func (s *server) bucketTagFilter(rc *request) (func(bucket string) (bool, error), error) {
	key, value, doc := rc.q.Get("tag-key"), rc.q.Get("tag-value"), rc.q.Get("tagging")
	want := map[string]*string{}
	switch {
	case doc != "" && (rc.q.Has("tag-key") || rc.q.Has("tag-value")):
		return nil, errorf("InvalidArgument", "The tagging parameter cannot be used with the tag-key and tag-value parameters.").with("ArgumentName", "tagging")
	case doc != "":
		// OSS documents the filter as "key":"value" pairs without the
		// braces (the v2 SDK's integration test sends "k":"v"); a whole
		// JSON object is read as well.
		js := strings.TrimSpace(doc)
		if !strings.HasPrefix(js, "{") {
			js = "{" + js + "}"
		}
		var pairs map[string]string
		if err := json.Unmarshal([]byte(js), &pairs); err != nil {
			return nil, errorf("InvalidArgument", "The tagging parameter is not a valid JSON object of tags.").with("ArgumentName", "tagging").with("ArgumentValue", doc)
		}
		for k, v := range pairs {
			want[k] = &v
		}
	case rc.q.Has("tag-value") && key == "":
		return nil, errorf("InvalidArgument", "The tag-value parameter requires the tag-key parameter.").with("ArgumentName", "tag-value")
	case key != "" && rc.q.Has("tag-value"):
		want[key] = &value
	case key != "":
		want[key] = nil
	default:
		return nil, nil
	}
	return func(bucket string) (bool, error) {
		tags, err := s.bucketTags(rc.ctx, bucket)
		if err != nil {
			return false, err
		}
		have := make(map[string]string, len(tags))
		for _, t := range tags {
			have[t.Key] = t.Value
		}
		for k, v := range want {
			got, ok := have[k]
			if !ok || v != nil && got != *v {
				return false, nil
			}
		}
		return true, nil
	}, nil
}
