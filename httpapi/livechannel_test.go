package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
)

// TestOSSV1LiveChannel drives the LiveChannel API through
// aliyun-oss-go-sdk: create, info, stat, history, list with paging,
// status, VOD playlists of stored segments, delete, and the errors.
func TestOSSV1LiveChannel(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	ok(t, c.CreateBucket("live"))
	b, err := c.Bucket("live")
	ok(t, err)

	cfg := oss1.LiveChannelConfiguration{Description: "first", Status: "enabled",
		Target:   oss1.LiveChannelTarget{Type: "HLS", FragDuration: 2, FragCount: 3, PlaylistName: "index.m3u8"},
		Snapshot: &oss1.LiveChannelSnapshot{RoleName: "role", DestBucket: "dest", NotifyTopic: "topic", Interval: 5}}
	res, err := b.CreateLiveChannel("ch1", cfg)
	ok(t, err)
	host := strings.TrimPrefix(f.srv.URL, "http://")
	hostname, _, _ := strings.Cut(host, ":")
	require.Equal(t, []string{"rtmp://live." + hostname + "/live/ch1"}, res.PublishUrls)
	require.Equal(t, []string{"http://live." + host + "/ch1/index.m3u8"}, res.PlayUrls)

	info, err := b.GetLiveChannelInfo("ch1")
	ok(t, err)
	require.Equal(t, "first", info.Description)
	require.Equal(t, "enabled", info.Status)
	require.Equal(t, oss1.LiveChannelTarget{XMLName: info.Target.XMLName, Type: "HLS", FragDuration: 2, FragCount: 3, PlaylistName: "index.m3u8"}, info.Target)

	// Defaults apply when FragDuration and FragCount are both omitted.
	_, err = b.CreateLiveChannel("ch2", oss1.LiveChannelConfiguration{Target: oss1.LiveChannelTarget{Type: "HLS"}})
	ok(t, err)
	info, err = b.GetLiveChannelInfo("ch2")
	ok(t, err)
	require.Equal(t, 5, info.Target.FragDuration)
	require.Equal(t, 3, info.Target.FragCount)
	require.Equal(t, "playlist.m3u8", info.Target.PlaylistName)

	for _, bad := range []oss1.LiveChannelTarget{
		{Type: "HLS", FragDuration: 101, FragCount: 3},
		{Type: "HLS", FragDuration: 5, FragCount: 101},
		{Type: "HLS", FragDuration: 5},
		{Type: "HLS", FragDuration: 5, FragCount: 3, PlaylistName: "x.m3u"},
		{Type: "DASH"},
	} {
		_, err = b.CreateLiveChannel("bad", oss1.LiveChannelConfiguration{Target: bad})
		wantOSS(t, err, 400, "InvalidArgument", "")
	}
	_, err = b.CreateLiveChannel("bad", oss1.LiveChannelConfiguration{Status: "paused", Target: oss1.LiveChannelTarget{Type: "HLS"}})
	wantOSS(t, err, 400, "InvalidArgument", "")

	stat, err := b.GetLiveChannelStat("ch1")
	ok(t, err)
	require.Equal(t, "Idle", stat.Status)
	hist, err := b.GetLiveChannelHistory("ch1")
	ok(t, err)
	require.Empty(t, hist.Record)

	for i := range 3 {
		_, err = b.CreateLiveChannel(fmt.Sprintf("page-%d", i), oss1.LiveChannelConfiguration{Target: oss1.LiveChannelTarget{Type: "HLS"}})
		ok(t, err)
	}
	list, err := b.ListLiveChannel(oss1.Prefix("page-"), oss1.MaxKeys(2))
	ok(t, err)
	require.True(t, list.IsTruncated)
	require.Equal(t, "page-1", list.NextMarker)
	require.Len(t, list.LiveChannel, 2)
	require.Equal(t, "page-0", list.LiveChannel[0].Name)
	require.Equal(t, "enabled", list.LiveChannel[0].Status)
	require.False(t, list.LiveChannel[0].LastModified.IsZero())
	require.Equal(t, []string{"rtmp://live." + hostname + "/live/page-0"}, list.LiveChannel[0].PublishUrls)
	list, err = b.ListLiveChannel(oss1.Prefix("page-"), oss1.Marker(list.NextMarker))
	ok(t, err)
	require.False(t, list.IsTruncated)
	require.Len(t, list.LiveChannel, 1)
	require.Equal(t, "page-2", list.LiveChannel[0].Name)

	ok(t, b.PutLiveChannelStatus("ch1", "disabled"))
	stat, err = b.GetLiveChannelStat("ch1")
	ok(t, err)
	require.Equal(t, "Disabled", stat.Status)
	info, err = b.GetLiveChannelInfo("ch1")
	ok(t, err)
	require.Equal(t, "disabled", info.Status)
	wantOSS(t, b.PutLiveChannelStatus("ch1", "paused"), 400, "InvalidArgument", "")
	wantOSS(t, b.PutLiveChannelStatus("nope", "enabled"), 404, "NoSuchLiveChannel", "0026-00000021")
	_, err = b.GetLiveChannelInfo("nope")
	wantOSS(t, err, 404, "NoSuchLiveChannel", "")
	_, err = b.GetLiveChannelStat("nope")
	wantOSS(t, err, 404, "NoSuchLiveChannel", "")

	// VOD playlists: the segments a push stored (name "<base><unix ms>.ts"
	// with their duration) within the range, in time order.
	ctx := context.Background()
	t0 := time.Unix(1700000000, 0).UTC()
	for i, d := range []string{"2.000", "2.480", "1.520"} {
		at := t0.Add(time.Duration(i) * 2 * time.Second)
		key := fmt.Sprintf("ch1/index%d.ts", at.UnixMilli())
		_, err := f.eng.PutObject(ctx, "live", key, bytes.NewReader([]byte("ts")), 2,
			engine.PutOptions{Metadata: engine.Metadata{User: map[string]string{"duration": d}}})
		require.NoError(t, err)
	}
	rc, err := b.GetVodPlaylist("ch1", t0, t0.Add(4*time.Second))
	ok(t, err)
	body, err := io.ReadAll(rc)
	rc.Close()
	ok(t, err)
	require.Equal(t, fmt.Sprintf("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-TARGETDURATION:3\n"+
		"#EXTINF:2.000,\nindex%d.ts\n#EXTINF:2.480,\nindex%d.ts\n#EXT-X-ENDLIST\n", t0.UnixMilli(), t0.Add(2*time.Second).UnixMilli()), string(body))
	ok(t, b.PostVodPlaylist("ch1", "vod.m3u8", t0, t0.Add(time.Hour)))
	obj, err := b.GetObject("ch1/vod.m3u8")
	ok(t, err)
	body, err = io.ReadAll(obj)
	obj.Close()
	ok(t, err)
	require.Equal(t, 3, strings.Count(string(body), "#EXTINF:"))
	_, err = b.GetVodPlaylist("ch1", t0, t0.Add(25*time.Hour))
	wantOSS(t, err, 400, "InvalidArgument", "")
	_, err = b.GetVodPlaylist("ch1", t0, t0)
	wantOSS(t, err, 400, "InvalidArgument", "")
	_, err = b.GetVodPlaylist("nope", t0, t0.Add(time.Hour))
	wantOSS(t, err, 404, "NoSuchLiveChannel", "")
	wantOSS(t, b.PostVodPlaylist("ch1", "vod.txt", t0, t0.Add(time.Hour)), 400, "InvalidArgument", "")
	// A range without segments is refused, and nothing is stored.
	_, err = b.GetVodPlaylist("ch1", t0.Add(-time.Hour), t0.Add(-time.Minute))
	wantOSS(t, err, 400, "InvalidArgument", "0044-00000308")
	wantOSS(t, b.PostVodPlaylist("ch1", "empty.m3u8", t0.Add(-time.Hour), t0.Add(-time.Minute)), 400, "InvalidArgument", "0044-00000308")
	exists, err := b.IsObjectExist("ch1/empty.m3u8")
	ok(t, err)
	require.False(t, exists)

	// A bucket holding channels is not deleted (OSS: 0015-00000303).
	for _, o := range []string{"ch1/vod.m3u8", fmt.Sprintf("ch1/index%d.ts", t0.UnixMilli()), fmt.Sprintf("ch1/index%d.ts", t0.Add(2*time.Second).UnixMilli()), fmt.Sprintf("ch1/index%d.ts", t0.Add(4*time.Second).UnixMilli())} {
		ok(t, b.DeleteObject(o))
	}
	wantOSS(t, c.DeleteBucket("live"), 409, "BucketNotEmpty", "0015-00000303")
	list, err = b.ListLiveChannel()
	ok(t, err)
	require.Len(t, list.LiveChannel, 5)
	for _, ch := range list.LiveChannel {
		ok(t, b.DeleteLiveChannel(ch.Name))
	}
	wantOSS(t, b.DeleteLiveChannel("ch1"), 404, "NoSuchLiveChannel", "")
	ok(t, c.DeleteBucket("live"))
}

// TestLiveChannelOnlyOSS: the S3 dialect, which does not know the live
// sub-resource, serves none of the LiveChannel operations.
func TestLiveChannelOnlyOSS(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: http.MethodPut, path: "/lvb"})
	require.Equal(t, 200, r.StatusCode)
	r = f.do(t, raw{method: http.MethodGet, path: "/lvb?live"})
	require.Equal(t, 501, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: http.MethodPut, path: "/lvb/ch?live", body: []byte("<LiveChannelConfiguration><Target><Type>HLS</Type></Target></LiveChannelConfiguration>")})
	require.Equal(t, 501, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: http.MethodGet, path: "/lvb/ch?live", sign: "oss-v1"})
	require.Equal(t, 404, r.StatusCode, string(r.body))
	require.Contains(t, string(r.body), "NoSuchLiveChannel")
}
