package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// Live channels (OSS LiveChannel) are named records of a bucket under
// L/<bucket>\x00<channel>: the configuration a publisher's stream is cut
// into segments with, and the history of past pushes. The engine stores
// them and knows nothing of RTMP or HLS; the segments and playlists a push
// produces are ordinary objects.

const prefixLive = "L/"

func livePrefix(bucket string) []byte {
	b := make([]byte, 0, len(prefixLive)+len(bucket)+1)
	b = append(b, prefixLive...)
	b = append(b, bucket...)
	return append(b, 0)
}

func liveKey(bucket, name string) []byte {
	return append(livePrefix(bucket), name...)
}

// MaxLivePushes is how many past pushes a live channel's history keeps.
const MaxLivePushes = 10

// LiveChannel is a live channel's stored configuration and history.
type LiveChannel struct {
	Name        string
	Description string
	Disabled    bool
	// Type is the storage type of pushed streams (OSS: "HLS").
	Type string
	// FragDuration is the target segment length in seconds, FragCount
	// the number of segments the live playlist lists, PlaylistName the
	// playlist's name (relative to "<Name>/").
	FragDuration int
	FragCount    int
	PlaylistName string
	// Snapshot holds the snapshot settings, stored and returned as given.
	Snapshot *LiveSnapshot
	// Modified is when the configuration last changed (set by the engine).
	Modified time.Time
	// History holds the latest pushes, oldest first (at most
	// MaxLivePushes; set by AddLivePush).
	History []LivePush
}

// LiveSnapshot is the snapshot part of a live channel's configuration.
type LiveSnapshot struct {
	RoleName, DestBucket, NotifyTopic string
	Interval                          int
}

// LivePush is one finished push to a live channel.
type LivePush struct {
	Start, End time.Time
	RemoteAddr string
}

// Live channel record field tags. Never reuse a number.
const (
	lDescription = iota + 1
	lDisabled
	lType
	lFragDuration
	lFragCount
	lPlaylistName
	lSnapshot
	lModified
	lPush
)

func (c *LiveChannel) encode() []byte {
	e := encoder{b: []byte{recordVersion}}
	e.str(lDescription, c.Description)
	if c.Disabled {
		e.uint(lDisabled, 1)
	}
	e.str(lType, c.Type)
	e.int(lFragDuration, int64(c.FragDuration))
	e.int(lFragCount, int64(c.FragCount))
	e.str(lPlaylistName, c.PlaylistName)
	if s := c.Snapshot; s != nil {
		e.strs(lSnapshot, s.RoleName, s.DestBucket, s.NotifyTopic, fmt.Sprint(s.Interval))
	}
	e.int(lModified, c.Modified.UnixNano())
	for _, p := range c.History {
		e.strs(lPush, fmt.Sprint(p.Start.UnixNano()), fmt.Sprint(p.End.UnixNano()), p.RemoteAddr)
	}
	return e.b
}

func decodeLiveChannel(name string, b []byte) (LiveChannel, error) {
	c := LiveChannel{Name: name}
	d := decoder{b: b}
	d.version()
	num := func(s string) int64 {
		var v int64
		if _, err := fmt.Sscan(s, &v); err != nil {
			d.fail("live channel number")
		}
		return v
	}
	for {
		tag, p, ok := d.next()
		if !ok {
			break
		}
		switch tag {
		case lDescription:
			c.Description = string(p)
		case lDisabled:
			c.Disabled = d.uvar(p) == 1
		case lType:
			c.Type = string(p)
		case lFragDuration:
			c.FragDuration = int(d.varint(p))
		case lFragCount:
			c.FragCount = int(d.varint(p))
		case lPlaylistName:
			c.PlaylistName = string(p)
		case lSnapshot:
			ss := d.strs(p)
			if len(ss) != 4 {
				d.fail("live snapshot")
				continue
			}
			c.Snapshot = &LiveSnapshot{RoleName: ss[0], DestBucket: ss[1], NotifyTopic: ss[2], Interval: int(num(ss[3]))}
		case lModified:
			c.Modified = time.Unix(0, d.varint(p)).UTC()
		case lPush:
			ss := d.strs(p)
			if len(ss) != 3 {
				d.fail("live push")
				continue
			}
			c.History = append(c.History, LivePush{Start: time.Unix(0, num(ss[0])).UTC(), End: time.Unix(0, num(ss[1])).UTC(), RemoteAddr: ss[2]})
		}
	}
	return c, d.err
}

// checkChannelName rejects names that cannot be a channel: empty, with a
// slash, or longer than an object key may be.
func (e *Engine) checkChannelName(name string) error {
	if strings.Contains(name, "/") {
		return fmt.Errorf("%w: live channel name %q contains a slash", ErrInvalidArgument, name)
	}
	return validateKey(name, e.opts.MaxKeyLength)
}

func (e *Engine) liveChannel(r pebble.Reader, bucket, name string) (LiveChannel, error) {
	v, ok, err := get(r, liveKey(bucket, name))
	if err != nil {
		return LiveChannel{}, err
	}
	if !ok {
		if _, err := e.bucketRecord(r, bucket); err != nil {
			return LiveChannel{}, err
		}
		return LiveChannel{}, fmt.Errorf("%w: %s/%s", ErrNoSuchLiveChannel, bucket, name)
	}
	return decodeLiveChannel(name, v)
}

// PutLiveChannel creates the live channel c.Name of bucket, or replaces
// its configuration (the history of an existing channel is kept). It
// returns the stored channel. The engine checks only the name; the
// values are the caller's to validate.
func (e *Engine) PutLiveChannel(ctx context.Context, bucket string, c LiveChannel) (LiveChannel, error) {
	if err := e.enter(ctx); err != nil {
		return LiveChannel{}, err
	}
	defer e.leave()
	if err := e.checkChannelName(c.Name); err != nil {
		return LiveChannel{}, err
	}
	err := e.applyCtx(ctx, func(m *mutation) error {
		if _, err := e.bucketRecord(e.db, bucket); err != nil {
			return err
		}
		old, err := e.liveChannel(e.db, bucket, c.Name)
		switch {
		case err == nil:
			c.History = old.History
		case !errors.Is(err, ErrNoSuchLiveChannel):
			return err
		default:
			c.History = nil
		}
		c.Modified = e.now()
		return m.b.Set(liveKey(bucket, c.Name), c.encode(), nil)
	})
	return c, err
}

// LiveChannel returns a live channel, or ErrNoSuchLiveChannel (or
// ErrNoSuchBucket).
func (e *Engine) LiveChannel(ctx context.Context, bucket, name string) (LiveChannel, error) {
	if err := e.enter(ctx); err != nil {
		return LiveChannel{}, err
	}
	defer e.leave()
	return e.liveChannel(e.db, bucket, name)
}

// UpdateLiveChannel applies fn to a stored live channel and stores the
// result, atomically. fn may change the configuration and the status;
// the name is kept, Modified is set when keepModified is false.
func (e *Engine) UpdateLiveChannel(ctx context.Context, bucket, name string, keepModified bool, fn func(c *LiveChannel) error) (LiveChannel, error) {
	if err := e.enter(ctx); err != nil {
		return LiveChannel{}, err
	}
	defer e.leave()
	var out LiveChannel
	err := e.applyCtx(ctx, func(m *mutation) error {
		c, err := e.liveChannel(e.db, bucket, name)
		if err != nil {
			return err
		}
		if err := fn(&c); err != nil {
			return err
		}
		c.Name = name
		if len(c.History) > MaxLivePushes {
			c.History = c.History[len(c.History)-MaxLivePushes:]
		}
		if !keepModified {
			c.Modified = e.now()
		}
		out = c
		return m.b.Set(liveKey(bucket, name), c.encode(), nil)
	})
	return out, err
}

// AddLivePush appends p to a live channel's history, keeping the latest
// MaxLivePushes. The configuration's Modified time does not change.
func (e *Engine) AddLivePush(ctx context.Context, bucket, name string, p LivePush) error {
	_, err := e.UpdateLiveChannel(ctx, bucket, name, true, func(c *LiveChannel) error {
		c.History = append(c.History, p)
		return nil
	})
	return err
}

// DeleteLiveChannel removes a live channel (not the objects its pushes
// wrote). It fails with ErrNoSuchLiveChannel when it is absent.
func (e *Engine) DeleteLiveChannel(ctx context.Context, bucket, name string) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	return e.applyCtx(ctx, func(m *mutation) error {
		if _, err := e.liveChannel(e.db, bucket, name); err != nil {
			return err
		}
		return m.b.Delete(liveKey(bucket, name), nil)
	})
}

// ListLiveChannelsOptions are the inputs of ListLiveChannels. The zero
// value lists up to 100 channels from the first.
type ListLiveChannelsOptions struct {
	Prefix string // only names starting with Prefix
	Marker string // only names after Marker
	Max    int    // at most Max channels; 0 means 100
}

// ListLiveChannels returns, ordered by name, the live channels of bucket
// that opts selects, and whether more follow.
func (e *Engine) ListLiveChannels(ctx context.Context, bucket string, opts ListLiveChannelsOptions) (chans []LiveChannel, truncated bool, err error) {
	if err := e.enter(ctx); err != nil {
		return nil, false, err
	}
	defer e.leave()
	if opts.Max <= 0 {
		opts.Max = 100
	}
	snap := e.db.NewSnapshot()
	defer snap.Close()
	if _, err := e.bucketRecord(snap, bucket); err != nil {
		return nil, false, err
	}
	base := livePrefix(bucket)
	lower := append(append([]byte(nil), base...), opts.Prefix...)
	upper := prefixEnd(lower)
	if len(opts.Prefix) == 0 {
		upper = prefixEnd(base)
	}
	it, err := snap.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return nil, false, err
	}
	defer it.Close()
	ok := it.First()
	if opts.Marker != "" {
		if k := append(liveKey(bucket, opts.Marker), 0); bytes.Compare(k, lower) > 0 {
			ok = it.SeekGE(k)
		}
	}
	for ; ok; ok = it.Next() {
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
		if len(chans) == opts.Max {
			return chans, true, nil
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return nil, false, err
		}
		c, err := decodeLiveChannel(string(it.Key()[len(base):]), v)
		if err != nil {
			return nil, false, err
		}
		chans = append(chans, c)
	}
	return chans, false, it.Error()
}
