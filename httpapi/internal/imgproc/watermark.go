package imgproc

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image"
	"image/color"
	"strings"

	"golang.org/x/image/draw"
)

// Image watermarks: watermark,image_<URL-safe Base64 of a key in the
// same bucket, with an optional ?x-oss-process=image/... of resize
// (P_: percent of the image it goes on), crop, indexcrop,
// rounded-corners or rotate>, t (opacity), g (position), x, y (margins)
// and voffset (offset from the middle line). Text watermarks need OSS's
// fonts and are not implemented.

// ErrNoWatermark is what Pipeline.Load returns for a watermark image
// that does not exist.
var ErrNoWatermark = errors.New("imgproc: no such watermark image")

// watermarkPre are the actions a watermark's own chain may run.
var watermarkPre = map[string]bool{"resize": true, "crop": true, "indexcrop": true, "rounded-corners": true, "rotate": true}

func parseWatermark(list []string) (func(*state) error, error) {
	a := keyed(list)
	if _, ok := a["text"]; ok {
		return nil, notImplemented("Text watermarks are not implemented (image watermarks are).")
	}
	enc, ok := a["image"]
	if !ok {
		return nil, &Error{Code: "MissingArgument", Message: "The watermark action needs image (text watermarks are not implemented)."}
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(enc, "="))
	if err != nil || len(raw) == 0 {
		return nil, &Error{Code: "BadRequest", Message: "Input is not base64 decoding."}
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
	t, _, err := a.intArg("t", 0, 100, "")
	if err != nil {
		return nil, err
	}
	if _, ok := a["t"]; !ok {
		t = 100
	}
	x, hasX, err := a.intArg("x", 0, 4096, "")
	if err != nil {
		return nil, err
	}
	y, hasY, err := a.intArg("y", 0, 4096, "")
	if err != nil {
		return nil, err
	}
	if !hasX {
		x = 10
	}
	if !hasY {
		y = 10
	}
	voffset, _, err := a.intArg("voffset", -1000, 1000, "")
	if err != nil {
		return nil, err
	}
	g := a["g"]
	switch g {
	case "":
		g = "se"
	case "nw", "north", "ne", "west", "center", "east", "sw", "south", "se":
	default:
		return nil, invalid("", "g", g)
	}
	return func(st *state) error {
		mark, err := st.watermark(key)
		if err != nil {
			return err
		}
		b := st.img.Bounds()
		if chain != nil {
			ws := &state{img: mark, base: image.Pt(b.Dx(), b.Dy())}
			for _, act := range chain.actions {
				if err := act.run(ws); err != nil {
					return err
				}
			}
			mark = ws.img
		}
		mb := mark.Bounds()
		w, h := mb.Dx(), mb.Dy()
		W, H := b.Dx(), b.Dy()
		var px, py int
		switch g {
		case "nw", "west", "sw":
			px = x
		case "north", "center", "south":
			px = (W - w) / 2
		default:
			px = W - w - x
		}
		switch g {
		case "nw", "north", "ne":
			py = y
		case "west", "center", "east":
			py = (H-h)/2 + voffset
		default:
			py = H - h - y
		}
		out := image.NewRGBA(image.Rect(0, 0, W, H))
		draw.Draw(out, out.Bounds(), st.img, b.Min, draw.Src)
		at := image.Rect(px, py, px+w, py+h)
		draw.DrawMask(out, at, mark, mb.Min, image.NewUniform(color.Alpha{uint8(t * 255 / 100)}), image.Point{}, draw.Over)
		st.img = out
		return nil
	}, nil
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
