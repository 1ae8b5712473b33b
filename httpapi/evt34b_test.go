package httpapi_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"sync"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/require"
)

// TestEvt34bCrashAtEverySync is TestEvt34CrashAtEverySync for the events
// the thirty-fourth session's second branch moved into their write's
// batch: every crash image holds the change and its deliveries, or
// neither. On the old path (the change, then engine.Publish in a batch of
// its own) the image taken at the second batch's sync held the change
// without its event.
func TestEvt34bCrashAtEverySync(t *testing.T) {
	for _, tc := range evt34bCases() {
		t.Run(tc.name, func(t *testing.T) { evt34RunCase(t, tc) })
	}
}

// evt34bArchived puts bucket/key in the archive class, S3's or OSS's.
func evt34bArchived(bucket, key, sign string) func(t *testing.T, f *fixture) {
	return func(t *testing.T, f *fixture) {
		h := http.Header{"X-Amz-Storage-Class": {"GLACIER"}}
		if sign != "" {
			h = http.Header{"X-Oss-Storage-Class": {"Archive"}}
		}
		r := f.do(t, raw{method: "PUT", path: "/" + bucket + "/" + key, body: []byte("cold"), header: h, sign: sign})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	}
}

// evt34bAppend appends body to bucket/key at pos through OSS.
func evt34bAppend(bucket, key string, pos int, body string) func(t *testing.T, f *fixture) {
	return func(t *testing.T, f *fixture) {
		r := f.do(t, raw{method: "POST", path: fmt.Sprintf("/%s/%s?append&position=%d", bucket, key, pos), body: []byte(body), sign: "oss-v4"})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	}
}

// evt34bImage puts a PNG at evt34-u/img.png.
func evt34bImage(t *testing.T, f *fixture) {
	r := f.do(t, raw{method: "PUT", path: "/evt34-u/img.png", body: review34PNG(t, 20), sign: "oss-v4",
		header: http.Header{"Content-Type": {"image/png"}}})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
}

// evt34bSaveAs is OSS's ProcessObject of evt34-u/img.png saved as key
// (in bucket, "" for the same).
func evt34bSaveAs(key, bucket string) raw {
	save := "sys/saveas,o_" + base64.RawURLEncoding.EncodeToString([]byte(key))
	if bucket != "" {
		save += ",b_" + base64.RawURLEncoding.EncodeToString([]byte(bucket))
	}
	return raw{method: "POST", path: "/evt34-u/img.png?x-oss-process", sign: "oss-v4",
		body: []byte("x-oss-process=image/resize,w_10|" + save)}
}

// evt34bMirror gives evt34-u a Mirror rule: keys under img/ missing
// are fetched from a test origin.
func evt34bMirror(t *testing.T, f *fixture) {
	origin := newMirrorOrigin(t)
	_, err := f.ossV2(testAK, testSK).PutBucketWebsite(t.Context(), &oss2.PutBucketWebsiteRequest{Bucket: oss2.Ptr("evt34-u"),
		WebsiteConfiguration: &oss2.WebsiteConfiguration{RoutingRules: &oss2.RoutingRules{RoutingRules: []oss2.RoutingRule{
			mirrorRule(1, "img/", origin.URL+"/o/", nil)}}}})
	require.NoError(t, err)
}

func evt34bCases() []evt34Case {
	return []evt34Case{
		{name: "RestoreObject", events: 1, setup: evt34bArchived("evt34-u", "cold", ""),
			req: func(*testing.T, *fixture) raw {
				return raw{method: "POST", path: "/evt34-u/cold?restore",
					body: []byte(`<RestoreRequest><Days>1</Days></RestoreRequest>`)}
			}},
		{name: "RestoreObject versioned", events: 1, setup: evt34bArchived("evt34-v", "cold", ""),
			req: func(*testing.T, *fixture) raw {
				return raw{method: "POST", path: "/evt34-v/cold?restore",
					body: []byte(`<RestoreRequest><Days>1</Days></RestoreRequest>`)}
			}},
		{name: "RestoreObject OSS", events: 1, setup: evt34bArchived("evt34-u", "cold", "oss-v4"),
			req: func(*testing.T, *fixture) raw {
				return raw{method: "POST", path: "/evt34-u/cold?restore", sign: "oss-v4"}
			}},
		{name: "AppendObject OSS", events: 1, req: func(*testing.T, *fixture) raw {
			return raw{method: "POST", path: "/evt34-u/log?append&position=0", body: []byte("first"), sign: "oss-v4"}
		}},
		{name: "AppendObject OSS again", events: 1, setup: evt34bAppend("evt34-v", "log", 0, "first"),
			req: func(*testing.T, *fixture) raw {
				return raw{method: "POST", path: "/evt34-v/log?append&position=5", body: []byte("second"), sign: "oss-v4"}
			}},
		{name: "ProcessObject saveas", events: 1, setup: evt34bImage, req: func(*testing.T, *fixture) raw {
			return evt34bSaveAs("small.png", "")
		}},
		// Saved into another bucket: the event is that bucket's.
		{name: "ProcessObject saveas other bucket", events: 1, setup: evt34bImage, req: func(*testing.T, *fixture) raw {
			return evt34bSaveAs("small.png", "evt34-v")
		}},
		// OSS's mirror back-to-origin: a GET of a missing key fetches it
		// from the origin and stores it.
		{name: "GetObject mirrored", events: 1, setup: evt34bMirror, req: func(*testing.T, *fixture) raw {
			return raw{method: "GET", path: "/evt34-u/img/a.txt", sign: "oss-v4"}
		}},
		{name: "PutObjectAcl", events: 1, setup: func(t *testing.T, f *fixture) { evt34Put(t, f, "evt34-v", "acl", "share me") },
			req: func(*testing.T, *fixture) raw {
				return raw{method: "PUT", path: "/evt34-v/acl?acl", header: http.Header{"X-Amz-Acl": {"public-read"}}}
			}},
		// The same grants again: S3 sends no event (test_object_put_acl).
		{name: "PutObjectAcl unchanged", events: 0, setup: func(t *testing.T, f *fixture) { evt34Put(t, f, "evt34-u", "acl", "private") },
			req: func(*testing.T, *fixture) raw {
				return raw{method: "PUT", path: "/evt34-u/acl?acl", header: http.Header{"X-Amz-Acl": {"private"}}}
			}},
	}
}

// TestEvt34bRestoreEvents checks the ObjectRestore:Post a restore queues
// in its batch: S3's names the object's size and ETag and the version
// the request named (LocalStack's AWS recording test_restore_object,
// TestLsnRestoreRecords), OSS's neither, as its emit after the restore
// did; a restore already under way makes none.
func TestEvt34bRestoreEvents(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	var mu sync.Mutex
	var got []engine.Event
	defer f.eng.Subscribe("", func(ev engine.Event) {
		mu.Lock()
		defer mu.Unlock()
		if ev.EventName == "ObjectRestore:Post" {
			got = append(got, ev)
		}
	})()
	for _, b := range []string{"evt34b-s3", "evt34b-oss"} {
		r := f.do(t, raw{method: "PUT", path: "/" + b})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	}
	require.NoError(t, f.eng.SetBucketConfig(t.Context(), "evt34b-s3", &bucketconfig.Versioning{Status: "Enabled"}))
	evt34bArchived("evt34b-s3", "cold", "")(t, f)
	vid := f.do(t, raw{method: "HEAD", path: "/evt34b-s3/cold"}).Header.Get("X-Amz-Version-Id")
	require.NotEmpty(t, vid)
	evt34bArchived("evt34b-oss", "cold", "oss-v4")(t, f)
	restore := []byte(`<RestoreRequest><Days>1</Days></RestoreRequest>`)
	for range 2 { // the second finds the restore under way: 409, no event
		r := f.do(t, raw{method: "POST", path: "/evt34b-s3/cold?restore&versionId=" + vid, body: restore})
		require.Contains(t, []int{http.StatusAccepted, http.StatusConflict}, r.StatusCode, string(r.body))
		r = f.do(t, raw{method: "POST", path: "/evt34b-oss/cold?restore", sign: "oss-v4"})
		require.Contains(t, []int{http.StatusAccepted, http.StatusConflict}, r.StatusCode, string(r.body))
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 2)
	s3ev, ossev := got[0], got[1]
	require.Equal(t, "evt34b-s3", s3ev.S3.Bucket.Name)
	require.NotNil(t, s3ev.S3.Object.Size)
	require.EqualValues(t, 4, *s3ev.S3.Object.Size)
	require.NotEmpty(t, s3ev.S3.Object.ETag)
	require.Equal(t, vid, s3ev.S3.Object.VersionID)
	require.Equal(t, "cold", s3ev.S3.Object.Key)
	require.NotEmpty(t, s3ev.UserIdentity.PrincipalID)
	require.Equal(t, "evt34b-oss", ossev.S3.Bucket.Name)
	require.Nil(t, ossev.S3.Object.Size)
	require.Empty(t, ossev.S3.Object.ETag)
}

// TestEvt34bAppendEvents checks the event of OSS's AppendObject, which
// OSS's event notifications list as ObjectCreated:AppendObject: one per
// append that writes, with the object's size and ETag after it and the
// version the first append made; an empty append to an existing object
// makes none. A configuration's s3:ObjectCreated:* receives it.
func TestEvt34bAppendEvents(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	var mu sync.Mutex
	var got []engine.Event
	defer f.eng.Subscribe("evt34b-app", func(ev engine.Event) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, ev)
	})()
	r := f.do(t, raw{method: "PUT", path: "/evt34b-app"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.NoError(t, f.eng.SetBucketConfig(t.Context(), "evt34b-app", &bucketconfig.Versioning{Status: "Enabled"}))
	evt34bAppend("evt34b-app", "log", 0, "first")(t, f)
	evt34bAppend("evt34b-app", "log", 5, "second")(t, f)
	evt34bAppend("evt34b-app", "log", 11, "")(t, f)
	head, err := f.eng.HeadObject(t.Context(), "evt34b-app", "log")
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 2)
	for i, size := range []int64{5, 11} {
		ev := got[i]
		require.Equal(t, "ObjectCreated:AppendObject", ev.EventName)
		require.Equal(t, "log", ev.S3.Object.Key)
		require.NotNil(t, ev.S3.Object.Size)
		require.Equal(t, size, *ev.S3.Object.Size)
		require.Equal(t, head.VersionID, ev.S3.Object.VersionID)
		require.NotEmpty(t, ev.S3.Object.Sequencer)
	}
	require.NotEqual(t, got[0].S3.Object.ETag, got[1].S3.Object.ETag)
	require.Equal(t, head.ETag, got[1].S3.Object.ETag)
}
