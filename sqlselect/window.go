package sqlselect

import (
	"io"
)

// window is a sliding read buffer over a stream. buf[r:w] is unread data;
// base is the stream offset of buf[0]. Slices of buf stay valid until the
// next fill.
type window struct {
	src  io.Reader
	buf  []byte
	r, w int
	eof  bool
	base int64
}

const initialWindow = 64 << 10

func newWindow(src io.Reader, base int64) window {
	return window{src: src, buf: make([]byte, initialWindow), base: base}
}

// fill moves unread data to the front and reads more, growing the buffer
// when it is full of one unfinished record.
func (wd *window) fill() error {
	if wd.eof {
		return nil
	}
	if wd.r > 0 {
		n := copy(wd.buf, wd.buf[wd.r:wd.w])
		wd.base += int64(wd.r)
		wd.w, wd.r = n, 0
	}
	if wd.w == len(wd.buf) {
		nb := make([]byte, 2*len(wd.buf))
		copy(nb, wd.buf[:wd.w])
		wd.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := wd.src.Read(wd.buf[wd.w:])
		wd.w += n
		if err == io.EOF {
			wd.eof = true
			return nil
		}
		if err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
	}
	return io.ErrNoProgress
}

// fillFull is fill, then keeps reading until the buffer is full or the
// stream ends, so a caller that re-parses from the start after each fill
// does so only O(log n) times.
func (wd *window) fillFull() error {
	if err := wd.fill(); err != nil {
		return err
	}
	for !wd.eof && wd.w < len(wd.buf) {
		n, err := wd.src.Read(wd.buf[wd.w:])
		wd.w += n
		if err == io.EOF {
			wd.eof = true
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// offset is the stream offset of buf[i].
func (wd *window) offset(i int) int64 { return wd.base + int64(i) }
