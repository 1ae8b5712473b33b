package httpapi_test

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"
	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/require"
)

// evt34Recorder takes crash images of a vfs.NewCrashableMem at every file
// sync while recording is set.
type evt34Recorder struct {
	mem       *vfs.MemFS
	recording atomic.Bool
	mu        sync.Mutex
	images    []*vfs.MemFS
}

func (r *evt34Recorder) fs() vfs.FS {
	return errorfs.Wrap(r.mem, errorfs.InjectorFunc(func(op errorfs.Op) error {
		sync := op.Kind == errorfs.OpFileSync || op.Kind == errorfs.OpFileSyncData || op.Kind == errorfs.OpFileSyncTo
		if !sync || !r.recording.Load() {
			return nil
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		// One image keeps nothing unsynced, one a random half of it.
		for _, pct := range []int{0, 50} {
			n := uint64(len(r.images))
			r.images = append(r.images, r.mem.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: pct, RNG: rand.New(rand.NewPCG(n, 34))}))
		}
		return nil
	}))
}

// evt34Options are the engine options of the crash test: durable, every
// event kept pending (the target never acknowledges).
func evt34Options(fs vfs.FS) *engine.Options {
	down := engine.NotificationTargetFunc(func(context.Context, engine.Event) error { return errors.New("evt34: target down") })
	return &engine.Options{FS: fs, Sync: engine.SyncAlways, Keys: nil,
		NotificationTargets: map[string]engine.NotificationTarget{"arn:evt34": down},
		NotificationRetry:   time.Hour, NotificationMaxRetry: time.Hour}
}

// evt34Buckets are the crash test's buckets: unversioned, versioned, with
// Object Lock.
var evt34Buckets = []string{"evt34-u", "evt34-v", "evt34-l"}

// evt34State is what a crash must keep together: the buckets' versions
// and the number of pending deliveries.
type evt34State struct {
	objects []string
	pending int
}

func evt34Observe(t *testing.T, e *engine.Engine) evt34State {
	t.Helper()
	var s evt34State
	for _, b := range evt34Buckets {
		res, err := e.ListObjectVersions(context.Background(), b, engine.VersionListOptions{MaxKeys: 1000})
		require.NoError(t, err)
		for _, v := range res.Versions {
			s.objects = append(s.objects, fmt.Sprintf("%s/%s@%s %s dm=%v tags=%v retention=%v", b, v.Key, v.VersionID, v.ETag, v.DeleteMarker, v.Tags, v.Retention))
			if v.DeleteMarker {
				continue
			}
			// A restore's and an ACL's change are in the version's record.
			info, err := e.HeadObjectVersion(context.Background(), b, v.Key, v.VersionID)
			require.NoError(t, err)
			s.objects = append(s.objects, fmt.Sprintf("  restore %v acl %v", info.Restore != nil, info.ACL))
			page, err := e.ListObjectAnnotations(context.Background(), b, v.Key, engine.AnnotationListOptions{VersionID: v.VersionID})
			require.NoError(t, err)
			for _, a := range page.Annotations {
				s.objects = append(s.objects, fmt.Sprintf("  annotation %s", a.Name))
			}
		}
	}
	n, err := e.PendingNotifications()
	require.NoError(t, err)
	s.pending = n
	return s
}

// evt34Case is one request whose event must be committed with its change.
type evt34Case struct {
	name string
	// setup runs before recording; req is the request under test.
	setup func(t *testing.T, f *fixture)
	req   func(t *testing.T, f *fixture) raw
	// events is how many events req makes.
	events int
}

func evt34Put(t *testing.T, f *fixture, bucket, key, body string) rawResponse {
	t.Helper()
	r := f.do(t, raw{method: "PUT", path: "/" + bucket + "/" + key, body: []byte(body)})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	return r
}

// TestEvt34CrashAtEverySync sends each converted request through the S3
// handler to a bucket with a notification configuration and takes a crash
// image at every sync the request causes. Every image reopens either to
// the state before the request (objects and pending deliveries) or to the
// state after it: never the change without its event. Before the
// thirty-fourth session the event was committed after the response's
// change, in a batch of its own, and the image taken at that batch's sync
// held the change without the event.
func TestEvt34CrashAtEverySync(t *testing.T) {
	for _, tc := range evt34Cases() {
		t.Run(tc.name, func(t *testing.T) { evt34RunCase(t, tc) })
	}
}

func evt34RunCase(t *testing.T, tc evt34Case) {
	ctx := context.Background()
	rec := &evt34Recorder{mem: vfs.NewCrashableMem()}
	eng, err := engine.Open("/db", evt34Options(rec.fs()))
	require.NoError(t, err)
	f := &fixture{t: t, clock: &testClock{}, eng: eng}
	f.srv = httptest.NewServer(httpapi.New(eng, httpapi.WithCredentials(testCreds)))
	for _, b := range evt34Buckets {
		var h http.Header
		if b == "evt34-l" {
			h = http.Header{"X-Amz-Bucket-Object-Lock-Enabled": {"true"}}
		}
		r := f.do(t, raw{method: "PUT", path: "/" + b, header: h})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		require.NoError(t, eng.SetBucketConfig(ctx, b, &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
			{ID: "all", Type: "Queue", ARN: "arn:evt34", Events: []string{"s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:ObjectTagging:*",
				"s3:ObjectRetention:Put", "s3:ObjectAnnotation:*", "s3:ObjectRestore:*", "s3:ObjectAcl:Put"}}}}))
	}
	require.NoError(t, eng.SetBucketConfig(ctx, "evt34-v", &bucketconfig.Versioning{Status: "Enabled"}))
	if tc.setup != nil {
		tc.setup(t, f)
	}
	q := tc.req(t, f)
	before := evt34Observe(t, eng)
	rec.recording.Store(true)
	r := f.do(t, q)
	rec.recording.Store(false)
	require.Less(t, r.StatusCode, 300, string(r.body))
	after := evt34Observe(t, eng)
	require.Equal(t, before.pending+tc.events, after.pending, "the request queued its events")
	f.srv.Close()
	require.NoError(t, eng.Close())

	rec.mu.Lock()
	images := slices.Clone(rec.images)
	rec.mu.Unlock()
	require.NotEmpty(t, images)
	t.Logf("%d crash images", len(images))
	for i, img := range images {
		re, err := engine.Open("/db", evt34Options(img))
		require.NoError(t, err, "image %d must open", i)
		got := evt34Observe(t, re)
		require.NoError(t, re.Close())
		switch {
		case slices.Equal(before.objects, after.objects):
			// A delete of a missing key changes no object: its event
			// survives or not.
			require.Contains(t, []int{before.pending, after.pending}, got.pending, "image %d of %d", i, len(images))
		case slices.Equal(got.objects, before.objects):
			require.Equal(t, before.pending, got.pending, "image %d of %d: no change, so no delivery of it", i, len(images))
		case slices.Equal(got.objects, after.objects):
			require.Equal(t, after.pending, got.pending, "image %d of %d: the change survived, so did its deliveries", i, len(images))
		default:
			require.Fail(t, "neither before nor after", "image %d: %v", i, got.objects)
		}
	}
}

func evt34Cases() []evt34Case {
	return []evt34Case{
		{name: "PutObject", events: 1, req: func(*testing.T, *fixture) raw {
			return raw{method: "PUT", path: "/evt34-u/a", body: []byte("hello")}
		}},
		{name: "PutObject versioned", events: 1, req: func(*testing.T, *fixture) raw {
			return raw{method: "PUT", path: "/evt34-v/a", body: []byte("hello")}
		}},
		{name: "PostObject", events: 1, req: func(t *testing.T, f *fixture) raw {
			now := f.clock.Now()
			policy := policyDoc(t, now.Add(time.Hour), append(v4Conds(now), map[string]string{"bucket": "evt34-u"}, []any{"starts-with", "$key", ""})...)
			body, ct := multipartForm{fields: append([]field{{"key", "posted"}}, v4Form(now, policy)...), filename: "f", content: "by post"}.encode(t)
			return raw{method: "POST", path: "/evt34-u", body: body, sign: "anon", header: http.Header{"Content-Type": {ct}}}
		}},
		{name: "CopyObject", events: 1, setup: func(t *testing.T, f *fixture) { evt34Put(t, f, "evt34-u", "src", "source") },
			req: func(*testing.T, *fixture) raw {
				return raw{method: "PUT", path: "/evt34-v/copy", header: http.Header{"X-Amz-Copy-Source": {"/evt34-u/src"}}}
			}},
		{name: "CompleteMultipartUpload", events: 1, setup: evt34Upload, req: func(t *testing.T, f *fixture) raw {
			return raw{method: "POST", path: "/evt34-v/mp?uploadId=" + evt34UploadID, body: evt34Complete(evt34PartETag)}
		}},
		{name: "DeleteObject", events: 1, setup: func(t *testing.T, f *fixture) { evt34Put(t, f, "evt34-u", "d", "gone soon") },
			req: func(*testing.T, *fixture) raw { return raw{method: "DELETE", path: "/evt34-u/d"} }},
		{name: "DeleteObject missing", events: 1,
			req: func(*testing.T, *fixture) raw { return raw{method: "DELETE", path: "/evt34-u/never"} }},
		{name: "DeleteObject marker", events: 1, setup: func(t *testing.T, f *fixture) { evt34Put(t, f, "evt34-v", "d", "hidden soon") },
			req: func(*testing.T, *fixture) raw { return raw{method: "DELETE", path: "/evt34-v/d"} }},
		{name: "DeleteObject version", events: 1, setup: func(t *testing.T, f *fixture) {
			evt34VersionID = evt34Put(t, f, "evt34-v", "d", "gone soon").Header.Get("X-Amz-Version-Id")
		}, req: func(*testing.T, *fixture) raw {
			return raw{method: "DELETE", path: "/evt34-v/d?versionId=" + evt34VersionID}
		}},
		{name: "DeleteObjects", events: 3, setup: func(t *testing.T, f *fixture) {
			evt34Put(t, f, "evt34-u", "x", "one")
			evt34Put(t, f, "evt34-u", "y", "two")
		}, req: func(*testing.T, *fixture) raw {
			return evt34DeleteObjects("evt34-u", `<Object><Key>x</Key></Object><Object><Key>y</Key></Object><Object><Key>never</Key></Object>`)
		}},
		{name: "DeleteObjects markers", events: 2, setup: func(t *testing.T, f *fixture) {
			evt34Put(t, f, "evt34-v", "x", "one")
			evt34Put(t, f, "evt34-v", "y", "two")
		}, req: func(*testing.T, *fixture) raw {
			return evt34DeleteObjects("evt34-v", `<Object><Key>x</Key></Object><Object><Key>y</Key></Object>`)
		}},
		// Entries naming versions are each their own step: one entry.
		{name: "DeleteObjects version", events: 1, setup: func(t *testing.T, f *fixture) {
			evt34VersionID = evt34Put(t, f, "evt34-v", "x", "one").Header.Get("X-Amz-Version-Id")
		}, req: func(*testing.T, *fixture) raw {
			return evt34DeleteObjects("evt34-v", `<Object><Key>x</Key><VersionId>`+evt34VersionID+`</VersionId></Object>`)
		}},
		{name: "PutObjectTagging", events: 1, setup: func(t *testing.T, f *fixture) { evt34Put(t, f, "evt34-v", "t", "tag me") },
			req: func(*testing.T, *fixture) raw {
				return raw{method: "PUT", path: "/evt34-v/t?tagging", body: []byte(`<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>`)}
			}},
		{name: "DeleteObjectTagging", events: 1, setup: func(t *testing.T, f *fixture) {
			r := f.do(t, raw{method: "PUT", path: "/evt34-u/t", body: []byte("untag me"), header: http.Header{"X-Amz-Tagging": {"a=b"}}})
			require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		},
			req: func(*testing.T, *fixture) raw { return raw{method: "DELETE", path: "/evt34-u/t?tagging"} }},
		{name: "PutObjectRetention", events: 1, setup: func(t *testing.T, f *fixture) { evt34Put(t, f, "evt34-l", "r", "keep me") },
			req: func(t *testing.T, f *fixture) raw {
				body := []byte(`<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>` + f.clock.Now().Add(48*time.Hour).UTC().Format(time.RFC3339) +
					`</RetainUntilDate></Retention>`)
				sum := md5.Sum(body)
				return raw{method: "PUT", path: "/evt34-l/r?retention", body: body,
					header: http.Header{"Content-Md5": {base64.StdEncoding.EncodeToString(sum[:])}}}
			}},
		{name: "PutObjectAnnotation", events: 1, setup: func(t *testing.T, f *fixture) { evt34Put(t, f, "evt34-v", "n", "note me") },
			req: func(*testing.T, *fixture) raw {
				return raw{method: "PUT", path: "/evt34-v/n?annotation&annotationName=note", body: []byte("a note")}
			}},
		{name: "DeleteObjectAnnotation", events: 1, setup: func(t *testing.T, f *fixture) {
			evt34Put(t, f, "evt34-u", "n", "note me")
			r := f.do(t, raw{method: "PUT", path: "/evt34-u/n?annotation&annotationName=note", body: []byte("a note")})
			require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		}, req: func(*testing.T, *fixture) raw {
			return raw{method: "DELETE", path: "/evt34-u/n?annotation&annotationName=note"}
		}},
	}
}

// evt34DeleteObjects is a DeleteObjects request of objects (XML).
func evt34DeleteObjects(bucket, objects string) raw {
	body := []byte("<Delete>" + objects + "</Delete>")
	sum := md5.Sum(body)
	return raw{method: "POST", path: "/" + bucket + "?delete", body: body,
		header: http.Header{"Content-Md5": {base64.StdEncoding.EncodeToString(sum[:])}}}
}

// evt34VersionID is the version a case's setup wrote.
var evt34VersionID string

// evt34UploadID and evt34PartETag are those of evt34Upload's upload.
var evt34UploadID, evt34PartETag string

// evt34Upload starts an upload of evt34-v/mp with one part.
func evt34Upload(t *testing.T, f *fixture) {
	r := f.do(t, raw{method: "POST", path: "/evt34-v/mp?uploads"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	var res struct{ UploadId string }
	require.NoError(t, xml.Unmarshal(r.body, &res))
	evt34UploadID = res.UploadId
	r = f.do(t, raw{method: "PUT", path: "/evt34-v/mp?partNumber=1&uploadId=" + evt34UploadID, body: []byte("part one")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	evt34PartETag = r.Header.Get("ETag")
}

// evt34Complete is the body of a CompleteMultipartUpload of one part.
func evt34Complete(etag string) []byte {
	type part struct {
		PartNumber int
		ETag       string
	}
	b, _ := xml.Marshal(struct {
		XMLName xml.Name `xml:"CompleteMultipartUpload"`
		Part    []part
	}{Part: []part{{1, etag}}})
	return b
}
