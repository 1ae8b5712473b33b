package fake_test

import (
	"context"
	"encoding/json"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
)

// TestRTMPFFmpeg pushes a generated H.264 + AAC clip with ffmpeg through
// the SDK's signed push URL and reads the resulting HLS back with
// ffprobe over HTTP. It skips where ffmpeg or ffprobe is not installed
// (apt-get install -y ffmpeg).
func TestRTMPFFmpeg(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no ffmpeg push")
	}
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Skip("ffmpeg is not installed (apt-get install -y ffmpeg); skipping the ffmpeg push test")
	}
	ffprobe, err := exec.LookPath("ffprobe")
	if err != nil {
		t.Skip("ffprobe is not installed (apt-get install -y ffmpeg); skipping the ffmpeg push test")
	}
	srv, b := liveFake(t)
	u := signedURL(t, srv, b, "")
	u.Host = srv.RTMPAddr() // path style: ffmpeg resolves the host it is given
	u.Path = "/" + liveBucket + u.Path

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin",
		"-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
		"-t", "5", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0",
		"-c:a", "aac", "-b:a", "64k", "-f", "flv", u.String())
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "ffmpeg: %s", out)

	playlist := waitEnded(t, b)
	require.Contains(t, playlist, "#EXT-X-MEDIA-SEQUENCE:2", playlist)
	require.Equal(t, liveFragCount, strings.Count(playlist, "#EXTINF:"))

	// ffprobe reads the playlist and its segments anonymously, as an OSS
	// client (an x-oss- header): objects inherit the bucket's ACL.
	require.NoError(t, srv.Engine().SetBucketACL(ctx, liveBucket, engine.ACL{Canned: "public-read"}))
	probe := exec.CommandContext(ctx, ffprobe, "-v", "error", "-headers", "x-oss-client: ffprobe\r\n",
		"-show_entries", "stream=codec_name,width,height:format=duration",
		"-of", "json", srv.URL+"/"+liveBucket+"/"+liveChannel+"/"+livePlaylist)
	var stderr strings.Builder
	probe.Stderr = &stderr
	out, err = probe.Output()
	require.NoError(t, err, "ffprobe: %s", stderr.String())
	var res struct {
		Streams []struct {
			CodecName string `json:"codec_name"`
			Width     int    `json:"width"`
			Height    int    `json:"height"`
		} `json:"streams"`
		Format struct {
			Duration string `json:"duration"`
		} `json:"format"`
	}
	require.NoError(t, json.Unmarshal(out, &res), "%s", out)
	codecs := map[string]bool{}
	for _, s := range res.Streams {
		codecs[s.CodecName] = true
		if s.CodecName == "h264" {
			require.Equal(t, 320, s.Width)
			require.Equal(t, 240, s.Height)
		}
	}
	require.True(t, codecs["h264"] && codecs["aac"], "streams: %s", out)
	d, err := strconv.ParseFloat(res.Format.Duration, 64)
	require.NoError(t, err, "%s", out)
	require.InDelta(t, float64(liveFragCount), d, 0.5, "the playlist lists the last %d one-second segments", liveFragCount)
}
