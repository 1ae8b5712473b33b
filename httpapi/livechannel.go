package httpapi

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/osslite/osslite/engine"
)

// The OSS LiveChannel operations (spec/oss livechannel.md 10.3-10.11):
// channels are engine records; the pushes in progress are in s.live (see
// rtmp.go); the segments and playlists a push writes are ordinary objects.

// LiveChannel limits (spec/oss common.md).
const (
	liveMaxDescription = 128
	liveMinFrag        = 1
	liveMaxFrag        = 100
	liveDefaultFragDur = 5
	liveDefaultFragCnt = 3
	liveDefaultList    = "playlist.m3u8"
	// liveMaxVodSpan is the longest time range of a VOD playlist.
	liveMaxVodSpan = 24 * time.Hour
)

// liveConfigXML is LiveChannelConfiguration, as PutLiveChannel reads it
// and GetLiveChannelInfo writes it.
type liveConfigXML struct {
	XMLName     xml.Name
	Description string `xml:"Description"`
	Status      string `xml:"Status"`
	Target      struct {
		Type         string `xml:"Type"`
		FragDuration string `xml:"FragDuration,omitempty"`
		FragCount    string `xml:"FragCount,omitempty"`
		PlaylistName string `xml:"PlaylistName,omitempty"`
	} `xml:"Target"`
	Snapshot *liveSnapshotXML `xml:"Snapshot,omitempty"`
}

type liveSnapshotXML struct {
	RoleName    string `xml:"RoleName,omitempty"`
	DestBucket  string `xml:"DestBucket,omitempty"`
	NotifyTopic string `xml:"NotifyTopic,omitempty"`
	Interval    string `xml:"Interval,omitempty"`
}

type liveURLsXML struct {
	PublishUrls []string `xml:"PublishUrls>Url"`
	PlayUrls    []string `xml:"PlayUrls>Url"`
}

// liveArg is an InvalidArgument naming the offending element.
func liveArg(name, value, msg string, args ...any) *Error {
	return errorf("InvalidArgument", msg, args...).with("ArgumentName", name).with("ArgumentValue", value)
}

// liveFrag parses FragDuration or FragCount.
func liveFrag(name, v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < liveMinFrag || n > liveMaxFrag {
		return 0, liveArg(name, v, "%s must be an integer between %d and %d.", name, liveMinFrag, liveMaxFrag)
	}
	return n, nil
}

// validPlaylistName reports whether n may name a playlist: it ends with
// .m3u8, is 6 to 128 bytes long and has no slash.
func validPlaylistName(n string) bool {
	// A control character would break the lines of the m3u8 text it
	// is written into.
	return strings.HasSuffix(n, ".m3u8") && len(n) >= 6 && len(n) <= 128 && !strings.Contains(n, "/") &&
		!strings.ContainsFunc(n, unicode.IsControl)
}

// parseLiveConfig validates a LiveChannelConfiguration document.
func parseLiveConfig(name string, data []byte) (engine.LiveChannel, error) {
	var doc liveConfigXML
	if data == nil || xml.Unmarshal(data, &doc) != nil || doc.XMLName.Local != "LiveChannelConfiguration" {
		return engine.LiveChannel{}, errorf("MalformedXML", "")
	}
	c := engine.LiveChannel{Name: name, Description: doc.Description, Type: doc.Target.Type, PlaylistName: doc.Target.PlaylistName}
	if len(doc.Description) > liveMaxDescription {
		return c, liveArg("Description", doc.Description, "The description must be at most %d bytes.", liveMaxDescription)
	}
	switch doc.Status {
	case "", "enabled":
	case "disabled":
		c.Disabled = true
	default:
		return c, liveArg("Status", doc.Status, "The status must be enabled or disabled.")
	}
	if c.Type != "HLS" {
		return c, liveArg("Type", c.Type, "The target type must be HLS.")
	}
	t := doc.Target
	switch {
	case t.FragDuration == "" && t.FragCount == "":
		c.FragDuration, c.FragCount = liveDefaultFragDur, liveDefaultFragCnt
	case t.FragDuration == "" || t.FragCount == "":
		// The defaults apply only when both are omitted.
		missing := "FragDuration"
		if t.FragCount == "" {
			missing = "FragCount"
		}
		return c, liveArg(missing, "", "FragDuration and FragCount must be given together.")
	default:
		var err error
		if c.FragDuration, err = liveFrag("FragDuration", t.FragDuration); err != nil {
			return c, err
		}
		if c.FragCount, err = liveFrag("FragCount", t.FragCount); err != nil {
			return c, err
		}
	}
	if c.PlaylistName == "" {
		c.PlaylistName = liveDefaultList
	} else if !validPlaylistName(c.PlaylistName) {
		return c, liveArg("PlaylistName", c.PlaylistName, "The playlist name must end with .m3u8, be 6 to 128 bytes long and hold no / or control character.")
	}
	if sn := doc.Snapshot; sn != nil {
		c.Snapshot = &engine.LiveSnapshot{RoleName: sn.RoleName, DestBucket: sn.DestBucket, NotifyTopic: sn.NotifyTopic}
		if sn.Interval != "" {
			n, err := strconv.Atoi(sn.Interval)
			if err != nil || n < liveMinFrag || n > liveMaxFrag {
				return c, liveArg("Interval", sn.Interval, "The snapshot interval must be an integer between %d and %d.", liveMinFrag, liveMaxFrag)
			}
			c.Snapshot.Interval = n
		}
	}
	return c, nil
}

// channelName returns the channel a LiveChannel request names: the key,
// which may not contain a slash.
func channelName(rc *request) (string, error) {
	if strings.Contains(rc.op.Key, "/") {
		return "", liveArg("ChannelName", rc.op.Key, "The live channel name must not contain a slash.")
	}
	return rc.op.Key, nil
}

// liveURLs returns a channel's push and play URLs as the request's host
// names them: rtmp://<bucket>.<host>[:port]/live/<channel> (the port of
// the running RTMP listener when it is not 1935) and
// http(s)://<bucket>.<host>/<channel>/<playlist>.
func (s *server) liveURLs(rc *request, c engine.LiveChannel) liveURLsXML {
	host := rc.r.Host
	if rc.vhost {
		host = strings.TrimPrefix(host, rc.op.Bucket+".")
	}
	name, _, err := net.SplitHostPort(host)
	if err != nil {
		name = host
	}
	rtmpHost := name
	if port := s.live.port(); port != "" && port != "1935" {
		rtmpHost = net.JoinHostPort(name, port)
	}
	scheme := "http"
	if rc.r.TLS != nil {
		scheme = "https"
	}
	return liveURLsXML{
		PublishUrls: []string{"rtmp://" + rc.op.Bucket + "." + rtmpHost + "/live/" + c.Name},
		PlayUrls:    []string{scheme + "://" + rc.op.Bucket + "." + host + "/" + c.Name + "/" + c.PlaylistName},
	}
}

// putLiveChannel is PutLiveChannel: create or re-create a channel (not
// while a client pushes to it).
func (s *server) putLiveChannel(rc *request) error {
	name, err := channelName(rc)
	if err != nil {
		return err
	}
	data, err := rc.readBody(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return err
	}
	c, err := parseLiveConfig(name, data)
	if err != nil {
		return err
	}
	if s.live.pushing(rc.op.Bucket, name) {
		return errorf("ChannelStillLive", "")
	}
	if c, err = s.eng.PutLiveChannel(rc.ctx, rc.op.Bucket, c); err != nil {
		return err
	}
	urls := s.liveURLs(rc, c)
	return rc.d.writeDoc(rc.w, http.StatusOK, "CreateLiveChannelResult", &struct {
		XMLName xml.Name
		liveURLsXML
	}{liveURLsXML: urls})
}

// putLiveChannelStatus is PutLiveChannelStatus: enable or disable a
// channel; disabling drops a push in progress.
func (s *server) putLiveChannelStatus(rc *request) error {
	name, err := channelName(rc)
	if err != nil {
		return err
	}
	status := rc.q.Get("status")
	if status != "enabled" && status != "disabled" {
		return liveArg("status", status, "The status must be enabled or disabled.")
	}
	disabled := status == "disabled"
	if _, err := s.eng.UpdateLiveChannel(rc.ctx, rc.op.Bucket, name, false, func(c *engine.LiveChannel) error {
		c.Disabled = disabled
		return nil
	}); err != nil {
		return err
	}
	if disabled {
		s.live.drop(rc.op.Bucket, name)
	}
	return writeEmpty(rc, http.StatusOK)
}

// getLiveChannelInfo is GetLiveChannelInfo: the channel's configuration.
func (s *server) getLiveChannelInfo(rc *request) error {
	name, err := channelName(rc)
	if err != nil {
		return err
	}
	c, err := s.eng.LiveChannel(rc.ctx, rc.op.Bucket, name)
	if err != nil {
		return err
	}
	var doc liveConfigXML
	doc.Description, doc.Status = c.Description, liveStatus(c)
	doc.Target.Type = c.Type
	doc.Target.FragDuration, doc.Target.FragCount, doc.Target.PlaylistName = strconv.Itoa(c.FragDuration), strconv.Itoa(c.FragCount), c.PlaylistName
	return rc.d.writeDoc(rc.w, http.StatusOK, "LiveChannelConfiguration", &doc)
}

func liveStatus(c engine.LiveChannel) string {
	if c.Disabled {
		return "disabled"
	}
	return "enabled"
}

type liveStatXML struct {
	XMLName       xml.Name
	Status        string `xml:"Status"`
	ConnectedTime string `xml:"ConnectedTime,omitempty"`
	RemoteAddr    string `xml:"RemoteAddr,omitempty"`
	Video         *struct {
		Width     int    `xml:"Width"`
		Height    int    `xml:"Height"`
		FrameRate int    `xml:"FrameRate"`
		Bandwidth int64  `xml:"Bandwidth"`
		Codec     string `xml:"Codec"`
	} `xml:"Video,omitempty"`
	Audio *struct {
		Bandwidth  int64  `xml:"Bandwidth"`
		SampleRate int    `xml:"SampleRate"`
		Codec      string `xml:"Codec"`
	} `xml:"Audio,omitempty"`
}

// getLiveChannelStat is GetLiveChannelStat: Live with the push's details,
// else Disabled or Idle.
func (s *server) getLiveChannelStat(rc *request) error {
	name, err := channelName(rc)
	if err != nil {
		return err
	}
	c, err := s.eng.LiveChannel(rc.ctx, rc.op.Bucket, name)
	if err != nil {
		return err
	}
	var doc liveStatXML
	st, live := s.live.stat(rc.op.Bucket, name)
	switch {
	case live:
		doc.Status, doc.ConnectedTime, doc.RemoteAddr = "Live", xmlTime(st.connected), st.remote
		if st.video.codec != "" {
			doc.Video = &struct {
				Width     int    `xml:"Width"`
				Height    int    `xml:"Height"`
				FrameRate int    `xml:"FrameRate"`
				Bandwidth int64  `xml:"Bandwidth"`
				Codec     string `xml:"Codec"`
			}{st.video.width, st.video.height, st.video.frameRate, st.video.bandwidth, st.video.codec}
		}
		if st.audio.codec != "" {
			doc.Audio = &struct {
				Bandwidth  int64  `xml:"Bandwidth"`
				SampleRate int    `xml:"SampleRate"`
				Codec      string `xml:"Codec"`
			}{st.audio.bandwidth, st.audio.sampleRate, st.audio.codec}
		}
	case c.Disabled:
		doc.Status = "Disabled"
	default:
		doc.Status = "Idle"
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "LiveChannelStat", &doc)
}

type liveRecordXML struct {
	StartTime  string `xml:"StartTime"`
	EndTime    string `xml:"EndTime"`
	RemoteAddr string `xml:"RemoteAddr"`
}

// getLiveChannelHistory is GetLiveChannelHistory: the latest pushes.
func (s *server) getLiveChannelHistory(rc *request) error {
	name, err := channelName(rc)
	if err != nil {
		return err
	}
	c, err := s.eng.LiveChannel(rc.ctx, rc.op.Bucket, name)
	if err != nil {
		return err
	}
	doc := struct {
		XMLName xml.Name
		Records []liveRecordXML `xml:"LiveRecord"`
	}{}
	for _, p := range c.History {
		doc.Records = append(doc.Records, liveRecordXML{xmlTime(p.Start), xmlTime(p.End), p.RemoteAddr})
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "LiveChannelHistory", &doc)
}

type liveChannelXML struct {
	Name         string `xml:"Name"`
	Description  string `xml:"Description"`
	Status       string `xml:"Status"`
	LastModified string `xml:"LastModified"`
	liveURLsXML
}

// listLiveChannel is ListLiveChannel: prefix, marker, max-keys paging.
func (s *server) listLiveChannel(rc *request) error {
	max, err := ossMaxKeys(rc, "max-keys", 100, 1000)
	if err != nil {
		return err
	}
	prefix, marker := rc.q.Get("prefix"), rc.q.Get("marker")
	for _, p := range [][2]string{{"prefix", prefix}, {"marker", marker}} {
		if len(p[1]) >= 1024 {
			return liveArg(p[0], p[1], "The %s must be shorter than 1024 bytes.", p[0])
		}
	}
	chans, more, err := s.eng.ListLiveChannels(rc.ctx, rc.op.Bucket, engine.ListLiveChannelsOptions{Prefix: prefix, Marker: marker, Max: max})
	if err != nil {
		return err
	}
	doc := struct {
		XMLName     xml.Name
		Prefix      string           `xml:"Prefix"`
		Marker      string           `xml:"Marker"`
		MaxKeys     int              `xml:"MaxKeys"`
		IsTruncated bool             `xml:"IsTruncated"`
		NextMarker  string           `xml:"NextMarker"`
		Channels    []liveChannelXML `xml:"LiveChannel"`
	}{Prefix: prefix, Marker: marker, MaxKeys: max, IsTruncated: more}
	for _, c := range chans {
		doc.Channels = append(doc.Channels, liveChannelXML{Name: c.Name, Description: c.Description, Status: liveStatus(c),
			LastModified: xmlTime(c.Modified), liveURLsXML: s.liveURLs(rc, c)})
	}
	if more && len(chans) > 0 {
		doc.NextMarker = chans[len(chans)-1].Name
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "ListLiveChannelResult", &doc)
}

// deleteLiveChannel is DeleteLiveChannel (not while a client pushes).
func (s *server) deleteLiveChannel(rc *request) error {
	name, err := channelName(rc)
	if err != nil {
		return err
	}
	if s.live.pushing(rc.op.Bucket, name) {
		if _, err := s.eng.LiveChannel(rc.ctx, rc.op.Bucket, name); err != nil {
			return err
		}
		return errorf("ChannelStillLive", "")
	}
	if err := s.eng.DeleteLiveChannel(rc.ctx, rc.op.Bucket, name); err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusNoContent)
}

// vodRange parses startTime and endTime (Unix seconds): end after start,
// at most a day apart.
func vodRange(rc *request) (start, end time.Time, err error) {
	raw := [2]string{rc.q.Get("startTime"), rc.q.Get("endTime")}
	var v [2]int64
	for i, name := range [2]string{"startTime", "endTime"} {
		n, perr := strconv.ParseInt(raw[i], 10, 64)
		if perr != nil || n < 0 {
			return start, end, liveArg(name, raw[i], "%s must be a Unix time in seconds.", name)
		}
		v[i] = n
	}
	start, end = time.Unix(v[0], 0).UTC(), time.Unix(v[1], 0).UTC()
	if !end.After(start) || end.Sub(start) > liveMaxVodSpan {
		return start, end, liveArg("endTime", raw[1], "endTime must be after startTime and at most one day later.")
	}
	return start, end, nil
}

// vodPlaylist builds the VOD playlist of a channel's segments that start
// in [start, end): every stored segment "<channel>/<base><unix ms>.ts"
// with its duration in the segment's metadata (rtmp.go writes both).
func (s *server) vodPlaylist(rc *request, channel string, start, end time.Time) ([]byte, error) {
	if _, err := s.eng.LiveChannel(rc.ctx, rc.op.Bucket, channel); err != nil {
		return nil, err
	}
	var segs []hlsEntry
	for info, err := range s.eng.Objects(rc.ctx, rc.op.Bucket, engine.ListOptions{Prefix: channel + "/"}) {
		if err != nil {
			return nil, err
		}
		name := strings.TrimPrefix(info.Key, channel+"/")
		at, ok := segmentTime(name)
		if !ok || at.Before(start) || !at.Before(end) {
			continue
		}
		d, err := strconv.ParseFloat(info.User[segmentDurationMeta], 64)
		if err != nil || d < 0 || math.IsInf(d, 0) {
			continue
		}
		segs = append(segs, hlsEntry{name: name, at: at, seconds: d})
	}
	if len(segs) == 0 {
		// OSS refuses the range rather than give an empty playlist
		// (EC 0044-00000308); PostVodPlaylist then stores nothing.
		return nil, errorf("NoVodSegments", "No ts file found in specified time span.") // OSS's words
	}
	// Keys sort by playlist base first; the playlist is in time order.
	sortEntries(segs)
	return renderPlaylist(segs, 0, true), nil
}

// segmentTime returns the start time encoded in a segment name
// ("<base><unix ms>.ts").
func segmentTime(name string) (time.Time, bool) {
	stem, ok := strings.CutSuffix(name, ".ts")
	if !ok || strings.Contains(stem, "/") {
		return time.Time{}, false
	}
	i := len(stem)
	for i > 0 && stem[i-1] >= '0' && stem[i-1] <= '9' {
		i--
	}
	if len(stem)-i < 13 { // Unix milliseconds have 13 digits until 2286
		return time.Time{}, false
	}
	ms, err := strconv.ParseInt(stem[i:], 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(ms).UTC(), true
}

// getVodPlaylist is GetVodPlaylist: the m3u8 of a time range.
func (s *server) getVodPlaylist(rc *request) error {
	name, err := channelName(rc)
	if err != nil {
		return err
	}
	start, end, err := vodRange(rc)
	if err != nil {
		return err
	}
	body, err := s.vodPlaylist(rc, name, start, end)
	if err != nil {
		return err
	}
	h := rc.w.Header()
	h.Set("Content-Type", "application/x-mpegURL")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("ETag", rc.d.etag(md5Hex(body)))
	rc.w.WriteHeader(http.StatusOK)
	_, err = rc.w.Write(body)
	return err
}

// postVodPlaylist is PostVodPlaylist: the m3u8 of a time range stored
// as the object <channel>/<playlist>.
func (s *server) postVodPlaylist(rc *request) error {
	channel, playlist, _ := strings.Cut(rc.op.Key, "/")
	if !validPlaylistName(playlist) {
		return liveArg("PlaylistName", playlist, "The playlist name must end with .m3u8, be 6 to 128 bytes long and hold no / or control character.")
	}
	start, end, err := vodRange(rc)
	if err != nil {
		return err
	}
	body, err := s.vodPlaylist(rc, channel, start, end)
	if err != nil {
		return err
	}
	info, err := s.eng.PutObject(rc.ctx, rc.op.Bucket, rc.op.Key, bytes.NewReader(body), int64(len(body)),
		engine.PutOptions{Metadata: engine.Metadata{ContentType: "application/x-mpegURL"}, Owner: rc.writerID(), Dialect: rc.d.mark})
	if err != nil {
		return err
	}
	rc.w.Header().Set("ETag", rc.d.etag(info.ETag))
	return writeEmpty(rc, http.StatusOK)
}

// hlsEntry is one segment of a playlist.
type hlsEntry struct {
	name    string // relative to the playlist
	at      time.Time
	seconds float64
}

// sortEntries puts es in time order, keeping the order of equal times.
// A stable sort, not an insertion sort: segments of many playlist bases
// (keys sort by base first), or a writer's objects named to look like
// segments, can come in any order, and insertion costs n^2 then.
func sortEntries(es []hlsEntry) {
	slices.SortStableFunc(es, func(a, b hlsEntry) int { return a.at.Compare(b.at) })
}

// renderPlaylist writes an HLS playlist of entries, the first with media
// sequence number seq; ended adds #EXT-X-ENDLIST.
func renderPlaylist(es []hlsEntry, seq int64, ended bool) []byte {
	target := 1.0
	for _, e := range es {
		target = math.Max(target, math.Ceil(e.seconds))
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:%d\n#EXT-X-TARGETDURATION:%d\n", seq, int(target))
	for _, e := range es {
		fmt.Fprintf(&b, "#EXTINF:%.3f,\n%s\n", e.seconds, e.name)
	}
	if ended {
		b.WriteString("#EXT-X-ENDLIST\n")
	}
	return b.Bytes()
}

var errLiveBusy = errors.New("httpapi: a client is already pushing to this live channel")
