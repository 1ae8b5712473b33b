package httpapi

import (
	"bytes"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/bluenviron/gortmplib/pkg/bytecounter"
	"github.com/bluenviron/gortmplib/pkg/rawmessage"
)

// TestRev38cRTMPGuardFollowsGortmplibStreams: streams gortmplib's own
// chunk writer makes (type 0, 1, 2 and 3 headers, messages split over
// chunks, extended timestamps and timestamp deltas, chunk stream ids 2
// to 63, empty messages, acknowledgements, Abort messages, a publisher
// changing its chunk size many times, between 1 and 64 KiB) pass the
// guard whole, in reads of any size, and leave it following the stream:
// not passing, every chunk stream between messages, at the chunk size
// set last. A guard that lost the stream would cut off real publishers.
func TestRev38cRTMPGuardFollowsGortmplibStreams(t *testing.T) {
	rng := rand.New(rand.NewPCG(38, 3))
	for i := range 300 {
		chunks, chunkSize := gortmplibStream(rng)
		data := rtmpHandshaken(chunks)

		g := newRTMPGuard(&stepReader{b: data, step: 1 + rng.IntN(300)})
		var out bytes.Buffer
		if _, err := io.Copy(&out, g); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !bytes.Equal(out.Bytes(), data) {
			t.Fatalf("case %d: the guard changed the stream", i)
		}
		if g.passing {
			t.Fatalf("case %d: the guard stopped following a valid stream", i)
		}
		if g.body != 0 || g.need != 0 {
			t.Fatalf("case %d: the guard is inside a chunk at the end (body %d, header %d)", i, g.body, g.need)
		}
		for id, st := range g.streams {
			if st.recv != 0 {
				t.Fatalf("case %d: chunk stream %d is %d bytes into a message at the end", i, id, st.recv)
			}
		}
		if g.chunkSize != chunkSize {
			t.Fatalf("case %d: chunk size %d, the publisher set %d", i, g.chunkSize, chunkSize)
		}
	}
}

// gortmplibStream writes 1 to 40 random messages with gortmplib's own
// chunk writer (what TestRev38cRTMPGuardFollowsGortmplibStreams lists)
// and returns the chunk stream that follows the handshake and the chunk
// size set last.
func gortmplibStream(rng *rand.Rand) ([]byte, uint32) {
	var buf bytes.Buffer
	bcw := bytecounter.NewWriter(&buf)
	w := rawmessage.NewWriter(bcw, bcw, false)
	chunkSize := uint32(128)
	ts := map[byte]time.Duration{}
	for range 1 + rng.IntN(40) {
		csid := byte(2 + rng.IntN(62))
		msg := &rawmessage.Message{ChunkStreamID: csid, MessageStreamID: uint32(rng.IntN(3))}
		switch k := rng.IntN(10); {
		case k == 0: // SetChunkSize, as a publisher sends it
			chunkSize = uint32(1 + rng.IntN(maxRTMPChunkSize))
			msg.ChunkStreamID, msg.Type, msg.Body = 2, rtmpMsgChunkSize, binary.BigEndian.AppendUint32(nil, chunkSize)
		case k == 1: // Abort of a stream between messages
			msg.ChunkStreamID, msg.Type, msg.Body = 2, rtmpMsgAbort, binary.BigEndian.AppendUint32(nil, uint32(2+rng.IntN(62)))
		case k == 2: // Acknowledgement
			msg.ChunkStreamID, msg.Type, msg.Body = 2, 3, binary.BigEndian.AppendUint32(nil, rng.Uint32())
		default: // audio, video, data or a command, of any length
			msg.Type = []uint8{8, 9, 18, 20}[rng.IntN(4)]
			msg.Body = make([]byte, []int{0, 1, 4, 5, 127, 128, 129, 4096, 70000}[rng.IntN(9)])
			for j := range msg.Body {
				msg.Body[j] = byte(rng.Uint32())
			}
		}
		// Timestamps that go up (type 1, 2 and 3 headers), jump past
		// the 24-bit field (extended timestamps and deltas) or go back
		// (type 0 again).
		switch rng.IntN(4) {
		case 0:
			ts[msg.ChunkStreamID] += time.Duration(rng.IntN(50)) * time.Millisecond
		case 1:
			ts[msg.ChunkStreamID] += time.Duration(0xFFFFFF+rng.IntN(1000)) * time.Millisecond
		case 2:
			ts[msg.ChunkStreamID] = time.Duration(rng.IntN(1000)) * time.Millisecond
		}
		msg.Timestamp = ts[msg.ChunkStreamID]
		if err := w.Write(msg); err != nil {
			panic(err) // a bytes.Buffer does not fail
		}
		if msg.Type == rtmpMsgChunkSize {
			w.SetChunkSize(chunkSize)
		}
	}
	return buf.Bytes(), chunkSize
}

// rtmpHandshaken is a client's handshake (C0 version 3, C1, C2) followed
// by chunks.
func rtmpHandshaken(chunks []byte) []byte {
	data := append(append(make([]byte, 0, rtmpHandshakeBytes+len(chunks)), 3), make([]byte, rtmpHandshakeBytes-1)...)
	return append(data, chunks...)
}

// TestRev38cRTMPGuardAbortAndSplitChunkSize: what gortmplib's writer never
// sends but a publisher may, as gortmplib reads it: an Abort message for
// a chunk stream in the middle of a message (the stream's next message
// starts with a type 0 header), and a SetChunkSize split over chunks of
// one byte, followed by a chunk of the new size.
func TestRev38cRTMPGuardAbortAndSplitChunkSize(t *testing.T) {
	hs := append([]byte{3}, make([]byte, rtmpHandshakeBytes-1)...)
	type0 := func(csid byte, length int, typ byte) []byte {
		return []byte{csid, 0, 0, 0, byte(length >> 16), byte(length >> 8), byte(length), typ, 0, 0, 0, 0}
	}
	var s []byte
	s = append(s, hs...)
	s = append(s, type0(4, 200, 9)...)
	s = append(s, make([]byte, 128)...) // the first chunk of 200 bytes
	s = append(s, type0(2, 4, rtmpMsgAbort)...)
	s = append(s, 0, 0, 0, 4) // abort chunk stream 4
	s = append(s, type0(4, 10, 9)...)
	s = append(s, make([]byte, 10)...)
	// Chunk size 1, then SetChunkSize(4096) in four chunks of one byte.
	s = append(s, type0(2, 4, rtmpMsgChunkSize)...)
	s = append(s, 0, 0, 0, 1)
	s = append(s, type0(2, 4, rtmpMsgChunkSize)...)
	s = append(s, 0, 0xC2, 0, 0xC2, 0x10, 0xC2, 0) // type 3 headers of stream 2 between the bytes
	s = append(s, type0(5, 4096, 8)...)
	s = append(s, make([]byte, 4096)...)

	// gortmplib's chunk reader reads it all, acting on SetChunkSize and
	// Abort as its message reader does: two media messages (the aborted
	// one is not).
	bcr := bytecounter.NewReader(bytes.NewReader(s[rtmpHandshakeBytes:]))
	rr := rawmessage.NewReader(bcr, bcr, nil)
	media := 0
	for {
		m, err := rr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("gortmplib: %v", err)
		}
		switch m.Type {
		case rtmpMsgChunkSize:
			if err := rr.SetChunkSize(binary.BigEndian.Uint32(m.Body)); err != nil {
				t.Fatal(err)
			}
		case rtmpMsgAbort:
			rr.AbortChunkStream(binary.BigEndian.Uint32(m.Body))
		case 8, 9:
			media++
		}
	}
	if media != 2 {
		t.Fatalf("gortmplib read %d media messages, want 2", media)
	}
	for step := 1; step <= 64; step++ {
		g := newRTMPGuard(&stepReader{b: s, step: step})
		var out bytes.Buffer
		if _, err := io.Copy(&out, g); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		if g.passing || g.body != 0 || g.need != 0 || g.chunkSize != 4096 {
			t.Fatalf("step %d: passing %v, body %d, header %d, chunk size %d", step, g.passing, g.body, g.need, g.chunkSize)
		}
	}
}
