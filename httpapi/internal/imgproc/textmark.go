package imgproc

import (
	"fmt"
	"image"
	"image/color"
	"strconv"
	"sync"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// goRegular is the font text watermarks are drawn in, parsed once.
var goRegular = sync.OnceValues(func() (*opentype.Font, error) { return opentype.Parse(goregular.TTF) })

// parseTextWatermark reads a text watermark: text (at most 64
// characters), color (RRGGBB, default black), size ((0,1000], default
// 40), shadow (opacity of a shadow, [0,100], default none), rotate
// (clockwise degrees), fill (tile the image with it), and the placement.
func parseTextWatermark(a args) (func(*state) error, error) {
	raw, err := decodeB64(a["text"])
	if err != nil {
		return nil, err
	}
	text := string(raw)
	if !utf8.ValidString(text) || utf8.RuneCountInString(text) > 64 {
		return nil, invalid("", "text", a["text"])
	}
	if t, ok := a["type"]; ok {
		if _, err := decodeB64(t); err != nil {
			return nil, err
		}
	}
	ink := color.RGBA{0, 0, 0, 255}
	if c, ok := a["color"]; ok {
		v, err := strconv.ParseUint(c, 16, 32)
		if len(c) != 6 || err != nil {
			return nil, invalid("", "color", c)
		}
		ink = color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
	}
	size, hasSize, err := a.intArg("size", 1, 1000, "")
	if err != nil {
		return nil, err
	}
	if !hasSize {
		size = 40
	}
	shadow, _, err := a.intArg("shadow", 0, 100, "")
	if err != nil {
		return nil, err
	}
	deg, _, err := a.intArg("rotate", 0, 360, "0040-00000272")
	if err != nil {
		return nil, err
	}
	fill, _, err := a.intArg("fill", 0, 1, "")
	if err != nil {
		return nil, err
	}
	pl, err := parsePlacement(a)
	if err != nil {
		return nil, err
	}
	f, err := goRegular()
	if err != nil {
		return nil, err
	}
	for _, r := range text {
		if i, err := f.GlyphIndex(nil, r); err != nil || i == 0 {
			return nil, notImplemented("Text watermarks are drawn in the Go Regular font, which has no glyph for %q.", r)
		}
	}
	return func(st *state) error {
		mark, err := renderText(f, text, float64(size), ink, shadow)
		if err != nil {
			return err
		}
		if deg%360 != 0 {
			// The turned text's box is at most (w+h) on a side.
			b := mark.Bounds()
			if side := int64(b.Dx() + b.Dy()); side*side > maxOutPixels {
				return &Error{Code: "ImageTooLarge", Message: fmt.Sprintf("The text watermark (%dx%d) is too large to rotate.", b.Dx(), b.Dy()), EC: "0040-00000009"}
			}
			if err := st.spend(pixels(mark) * 4); err != nil {
				return err
			}
			mark = rotateOn(mark, deg, image.Transparent)
		}
		if fill == 1 {
			if err := st.spend(pl.tiles(st.img, mark) * tileCost); err != nil {
				return err
			}
		}
		st.img = pl.draw(st.img, mark, fill == 1)
		return nil
	}, nil
}

// renderText draws text on a transparent image just large enough, with
// a shadow one pixel down and right when shadow (its opacity) is set.
func renderText(f *opentype.Font, text string, size float64, ink color.RGBA, shadow int) (image.Image, error) {
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	defer face.Close()
	m := face.Metrics()
	w := font.MeasureString(face, text).Ceil() + 2
	h := (m.Ascent + m.Descent).Ceil() + 2
	if int64(w)*int64(h) > maxOutPixels {
		return nil, &Error{Code: "ImageTooLarge", Message: fmt.Sprintf("The text watermark would be %dx%d pixels.", w, h), EC: "0040-00000009"}
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	dot := fixed.Point26_6{X: fixed.I(0), Y: m.Ascent}
	if shadow > 0 {
		d := font.Drawer{Dst: img, Src: image.NewUniform(color.NRGBA{0, 0, 0, uint8(shadow * 255 / 100)}), Face: face,
			Dot: dot.Add(fixed.P(1, 1))}
		d.DrawString(text)
	}
	d := font.Drawer{Dst: img, Src: image.NewUniform(ink), Face: face, Dot: dot}
	d.DrawString(text)
	return img, nil
}
