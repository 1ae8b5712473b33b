package imgproc

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/color"
	"strings"

	"golang.org/x/image/draw"
)

// Watermarks: watermark,image_<URL-safe Base64 of a key in the same
// bucket, with an optional ?x-oss-process=image/... of resize (P_:
// percent of the image it goes on), crop, indexcrop, rounded-corners or
// rotate>, or text_<URL-safe Base64 text> with color, size, shadow,
// rotate and fill; both with t (opacity), g (position), x, y (margins)
// and voffset (offset from the middle line). Text is drawn in the Go
// Regular font whatever type_ names (OSS's fonts, wqy-zenhei and the
// FangZheng families, are not shipped): text holding a character that
// font has not (CJK, for one) is refused rather than drawn as boxes.
// Text and image together (order, align, interval) are not implemented.

// ErrNoWatermark is what Pipeline.Load returns for a watermark image
// that does not exist.
var ErrNoWatermark = errors.New("imgproc: no such watermark image")

// watermarkPre are the actions a watermark's own chain may run.
var watermarkPre = map[string]bool{"resize": true, "crop": true, "indexcrop": true, "rounded-corners": true, "rotate": true}

func parseWatermark(list []string) (func(*state) error, error) {
	a := keyed(list)
	_, hasText := a["text"]
	enc, hasImage := a["image"]
	switch {
	case hasText && hasImage:
		return nil, notImplemented("Watermarks of text and image together are not implemented (each alone is).")
	case hasText:
		return parseTextWatermark(a)
	case !hasImage:
		return nil, &Error{Code: "MissingArgument", Message: "The watermark action needs image or text."}
	}
	raw, err := decodeB64(enc)
	if err != nil {
		return nil, err
	}
	key, pre, _ := strings.Cut(string(raw), "?x-oss-process=")
	var chain *Pipeline
	if pre != "" {
		if chain, err = Parse(pre); err != nil {
			return nil, err
		}
		for _, act := range chain.actions {
			if act.name == "watermark" {
				return nil, &Error{Code: "InvalidArgument", Message: "A watermark's image cannot carry a watermark.", EC: "0040-00000373"}
			}
			if !watermarkPre[act.name] {
				return nil, &Error{Code: "InvalidArgument", Message: "A watermark's image takes resize, crop, indexcrop, rounded-corners and rotate only, not " + act.name + "."}
			}
		}
	}
	pl, err := parsePlacement(a)
	if err != nil {
		return nil, err
	}
	return func(st *state) error {
		mark, err := st.watermark(key)
		if err != nil {
			return err
		}
		b := st.img.Bounds()
		if chain != nil {
			ws := &state{img: mark, base: image.Pt(b.Dx(), b.Dy()), budget: st.budget}
			if err := runActions(ws, chain.actions); err != nil {
				return err
			}
			mark = ws.img
		}
		st.img = pl.draw(st.img, mark, false)
		return nil
	}, nil
}

// decodeB64 reads a watermark parameter: URL-safe Base64, padded or not.
func decodeB64(v string) ([]byte, error) {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(v, "="))
	if err != nil || len(raw) == 0 {
		return nil, &Error{Code: "BadRequest", Message: "Input is not base64 decoding."}
	}
	return raw, nil
}

// placement is where a watermark goes and how opaque it is.
type placement struct {
	t, x, y, voffset int
	g                string
}

func parsePlacement(a args) (placement, error) {
	p := placement{t: 100, x: 10, y: 10, g: "se"}
	var err error
	for _, f := range []struct {
		key    string
		lo, hi int
		dst    *int
	}{{"t", 0, 100, &p.t}, {"x", 0, 4096, &p.x}, {"y", 0, 4096, &p.y}, {"voffset", -1000, 1000, &p.voffset}} {
		n, ok, e := a.intArg(f.key, f.lo, f.hi, "")
		if e != nil {
			err = e
			break
		}
		if ok {
			*f.dst = n
		}
	}
	if err != nil {
		return p, err
	}
	switch g := a["g"]; g {
	case "":
	case "nw", "north", "ne", "west", "center", "east", "sw", "south", "se":
		p.g = g
	default:
		return p, invalid("", "g", g)
	}
	return p, nil
}

// tileCost is what drawing one tile of a filled watermark costs beyond
// its pixels, in pixel operations: on the development machine a tile of
// a few pixels took about 1.8 us, what 250 pixel operations take, so
// that a one-character text at size 1 tiled over 49 million pixels
// (5.4 million tiles) took 12 s for one action.
const tileCost = 256

// tiles is how many times a filled watermark draws mark over img.
func (p placement) tiles(img, mark image.Image) int64 {
	b, mb := img.Bounds(), mark.Bounds()
	across := (b.Dx() + mb.Dx() + p.x - 1) / (mb.Dx() + p.x)
	down := (b.Dy() + mb.Dy() + p.y - 1) / (mb.Dy() + p.y)
	return int64(across) * int64(down)
}

// draw returns img with mark over it where p says (tiled over all of it
// with fill).
func (p placement) draw(img, mark image.Image, fill bool) image.Image {
	b, mb := img.Bounds(), mark.Bounds()
	w, h := mb.Dx(), mb.Dy()
	W, H := b.Dx(), b.Dy()
	out := image.NewRGBA(image.Rect(0, 0, W, H))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	alpha := image.NewUniform(color.Alpha{uint8(p.t * 255 / 100)})
	if fill {
		for y := 0; y < H; y += h + p.y {
			for x := 0; x < W; x += w + p.x {
				draw.DrawMask(out, image.Rect(x, y, x+w, y+h), mark, mb.Min, alpha, image.Point{}, draw.Over)
			}
		}
		return out
	}
	var px, py int
	switch p.g {
	case "nw", "west", "sw":
		px = p.x
	case "north", "center", "south":
		px = (W - w) / 2
	default:
		px = W - w - p.x
	}
	switch p.g {
	case "nw", "north", "ne":
		py = p.y
	case "west", "center", "east":
		py = (H-h)/2 + p.voffset
	default:
		py = H - h - p.y
	}
	draw.DrawMask(out, image.Rect(px, py, px+w, py+h), mark, mb.Min, alpha, image.Point{}, draw.Over)
	return out
}

// watermark is the decoded image of key, read once per chain.
func (st *state) watermark(key string) (image.Image, error) {
	if m, ok := st.marks[key]; ok {
		return m, nil
	}
	if st.load == nil {
		return nil, &Error{Code: "WatermarkError", Message: "Watermark images cannot be read here."}
	}
	data, err := st.load(key)
	if errors.Is(err, ErrNoWatermark) {
		return nil, &Error{Code: "WatermarkError", Message: "The watermark image " + key + " does not exist."}
	}
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSourceSize {
		return nil, &Error{Code: "WatermarkError", Message: "The watermark image is too large."}
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width*cfg.Height > maxPixels {
		return nil, &Error{Code: "WatermarkError", Message: "The watermark image is not an image this server processes.", EC: "0040-00000027"}
	}
	if st.budget.marks += int64(cfg.Width) * int64(cfg.Height); st.budget.marks > maxMarkPixels {
		return nil, &Error{Code: "WatermarkError", Message: fmt.Sprintf("The watermark images of one request are more than %d pixels in all.", maxMarkPixels), EC: "0040-00000027"}
	}
	if err := st.spend(int64(cfg.Width) * int64(cfg.Height)); err != nil {
		return nil, err
	}
	m, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, &Error{Code: "WatermarkError", Message: "The watermark image cannot be decoded: " + err.Error(), EC: "0040-00000027"}
	}
	if st.marks == nil {
		st.marks = map[string]image.Image{}
	}
	st.marks[key] = m
	return m, nil
}
