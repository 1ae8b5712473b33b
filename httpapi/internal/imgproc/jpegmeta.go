package imgproc

import (
	"encoding/binary"
	"strconv"
)

// What a JPEG's headers say that Go's decoder does not report: the
// quality its quantisation tables were made with, the JFIF density and
// the EXIF orientation. Each reads the marker segments before the image
// data and gives up (zero values) on anything it does not understand.
// And a GIF's frame count, read from its block structure without
// decoding any frame.

// segments calls fn with each marker segment before the scan (marker,
// payload) until fn returns false.
func segments(b []byte, fn func(marker byte, payload []byte) bool) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return
		}
		m := b[i+1]
		if m == 0xD8 || m >= 0xD0 && m <= 0xD7 || m == 0x01 {
			i += 2
			continue
		}
		if m == 0xDA || m == 0xD9 { // the scan starts: no more headers
			return
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return
		}
		if !fn(m, b[i+4:i+2+n]) {
			return
		}
		i += 2 + n
	}
}

// stdLuminance is the JPEG standard's luminance quantisation table (Annex
// K), in zig-zag order as DQT stores it.
var stdLuminance = [64]int{
	16, 11, 12, 14, 12, 10, 16, 14, 13, 14, 18, 17, 16, 19, 24, 40,
	26, 24, 22, 22, 24, 49, 35, 37, 29, 40, 58, 51, 61, 60, 57, 51,
	56, 55, 64, 72, 92, 78, 64, 68, 87, 69, 55, 56, 80, 109, 81, 87,
	95, 98, 103, 104, 103, 62, 77, 113, 121, 112, 100, 120, 92, 101, 103, 99,
}

// jpegQuality estimates the quality (1 to 100) a JPEG was written with
// from its first quantisation table, by libjpeg's scaling rule (0: not
// found).
func jpegQuality(b []byte) int {
	q := 0
	segments(b, func(m byte, p []byte) bool {
		if m != 0xDB || len(p) < 65 {
			return true
		}
		precision := p[0] >> 4
		if precision != 0 || p[0]&0x0F != 0 { // 8-bit, table 0 (luminance)
			return true
		}
		sum := 0.0
		for i := range 64 {
			sum += float64(p[1+i]) * 100 / float64(stdLuminance[i])
		}
		scale := sum / 64
		switch {
		case scale <= 0:
			q = 100
		case scale <= 100:
			q = int((200-scale)/2 + 0.5)
		default:
			q = int(5000/scale + 0.5)
		}
		q = min(100, max(1, q))
		return false
	})
	return q
}

// jfifDensity is a JPEG's JFIF density as EXIF names it: the unit (1 none,
// 2 inch, 3 centimetre) and each axis's resolution as a fraction.
func jfifDensity(b []byte) (unit int, x, y string, ok bool) {
	segments(b, func(m byte, p []byte) bool {
		if m != 0xE0 || len(p) < 12 || string(p[:5]) != "JFIF\x00" {
			return true
		}
		unit = int(p[7]) + 1
		x = strconv.Itoa(int(binary.BigEndian.Uint16(p[8:]))) + "/1"
		y = strconv.Itoa(int(binary.BigEndian.Uint16(p[10:]))) + "/1"
		ok = unit >= 1 && unit <= 3
		return false
	})
	return unit, x, y, ok
}

// exifOrientation is a JPEG's EXIF Orientation (1 to 8; 0: none).
func exifOrientation(b []byte) int {
	o := 0
	segments(b, func(m byte, p []byte) bool {
		if m != 0xE1 || len(p) < 14 || string(p[:6]) != "Exif\x00\x00" {
			return true
		}
		t := p[6:] // the TIFF structure
		var order binary.ByteOrder
		switch string(t[:2]) {
		case "II":
			order = binary.LittleEndian
		case "MM":
			order = binary.BigEndian
		default:
			return false
		}
		ifd := int(order.Uint32(t[4:]))
		if ifd+2 > len(t) {
			return false
		}
		n := int(order.Uint16(t[ifd:]))
		for i := range n {
			e := ifd + 2 + 12*i
			if e+12 > len(t) {
				break
			}
			if order.Uint16(t[e:]) == 0x0112 { // Orientation, a SHORT
				if v := int(order.Uint16(t[e+8:])); v >= 1 && v <= 8 {
					o = v
				}
				break
			}
		}
		return false
	})
	return o
}

// gifFrames counts a GIF's images by walking its blocks (header, screen
// descriptor and colour table, then extensions and image descriptors,
// each followed by data sub-blocks, extensions framed as image/gif frames
// them), decoding nothing; a malformed GIF counts the frames seen before
// the damage.
func gifFrames(b []byte) int {
	if len(b) < 13 {
		return 0
	}
	i := 13
	if b[10]&0x80 != 0 { // global colour table
		i += 3 << (b[10]&7 + 1)
	}
	// skip passes the data sub-blocks at i.
	skip := func(i int) int {
		for i < len(b) && b[i] != 0 {
			i += int(b[i]) + 1
		}
		return i + 1
	}
	n := 0
	for i < len(b) {
		switch b[i] {
		case 0x21: // extension, read as image/gif reads it
			if i+2 >= len(b) {
				return n
			}
			switch b[i+1] {
			case 0xF9: // graphic control: a fixed block of 4 and its terminator
				i += 8
			case 0x01: // plain text: 13 bytes, then sub-blocks
				i = skip(i + 15)
			case 0xFE: // comment: sub-blocks
				i = skip(i + 2)
			case 0xFF: // application: a block of any size, even 0, then sub-blocks
				i = skip(i + 3 + int(b[i+2]))
			default: // the decoder refuses it
				return n
			}
		case 0x2C: // image: descriptor, local table, LZW size, sub-blocks
			if i+10 > len(b) {
				return n
			}
			flags := b[i+9]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << (flags&7 + 1)
			}
			i = skip(i + 1)
			n++
		default: // 0x3B trailer, or damage
			return n
		}
	}
	return n
}
