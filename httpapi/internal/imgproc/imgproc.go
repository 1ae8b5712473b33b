// Package imgproc applies OSS image processing (x-oss-process=image/...):
// a chain of actions separated by '/', each "name,key_value,..." or
// "name,value", run in the order given on an image decoded in memory.
//
// Served: resize, crop, rotate, format, quality, info, auto-orient,
// interlace, circle, rounded-corners, indexcrop, blur, bright, contrast,
// sharpen, average-hue and watermarks (image or text), on JPEG, PNG,
// GIF, BMP, TIFF and WebP sources, writing JPEG, PNG, GIF, BMP or TIFF;
// animated GIFs are resized, cropped, rotated and watermarked frame by
// frame. Not served, with *Error codes that say so: watermarks of text
// and image together, text the Go Regular font cannot draw, WebP/HEIC/
// AVIF output, other actions on animations, HEIC/AVIF sources. Where OSS
// documents no formula (bright, contrast, sharpen, the rotation
// background) the choice is this package's and said in its action.
package imgproc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"strconv"
	"strings"

	"golang.org/x/image/bmp"
	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"
	"golang.org/x/image/tiff"
	_ "golang.org/x/image/webp" // a source format
)

// Limits of OSS image processing.
const (
	// MaxSourceSize is the largest object processed (OSS: 20 MB).
	MaxSourceSize = 20 << 20
	maxSide       = 30000 // of a source
	// maxPixels bounds a source: OSS takes 250 million pixels; osslite
	// decodes at most 50 million (200 MB in memory), so that one request
	// cannot take a gigabyte.
	maxPixels     = 50_000_000
	maxOutSide    = 16384      // of a resized image
	maxOutPixels  = 16_777_216 // of a resized image
	maxRotateSide = 4096       // of an image rotated
	maxActions    = 32         // in one chain (no limit documented; a guard)
	// maxFramePixels bounds the frames of an animation written, in all.
	maxFramePixels = maxPixels
)

// Budgets of one request (variables so that tests can make them small).
var (
	// maxWork bounds what one request spends, in pixel operations: every
	// action costs the pixels it reads and writes, a filter its kernel
	// taps (about 7 s of one core of the development machine at the
	// limit).
	maxWork int64 = 1_000_000_000
	// maxMarkPixels bounds the watermark images one request decodes, in
	// all.
	maxMarkPixels int64 = maxPixels
)

// budget is what one request has spent: shared by every frame of an
// animation and by every watermark's own chain.
type budget struct {
	work, marks, frames int64
}

// spend counts n pixel operations against the request's budget.
func (st *state) spend(n int64) error {
	st.budget.work += n
	if st.budget.work > maxWork {
		return &Error{Code: "ImageTooLarge", Message: fmt.Sprintf("The processing asked for is more than %d pixel operations.", maxWork), EC: "0040-00000009"}
	}
	return nil
}

// pixels is the pixel count of img.
func pixels(img image.Image) int64 {
	b := img.Bounds()
	return int64(b.Dx()) * int64(b.Dy())
}

// runActions runs actions on st, each paying for the pixels it reads and
// writes.
func runActions(st *state, actions []action) error {
	for _, a := range actions {
		if err := st.spend(pixels(st.img)); err != nil {
			return err
		}
		if err := a.run(st); err != nil {
			return err
		}
		if st.body != nil {
			return nil
		}
		if err := st.spend(pixels(st.img)); err != nil {
			return err
		}
	}
	return nil
}

// Error is a request the chain cannot serve: Code and Message are OSS's
// error document, EC its error number where OSS documents one, and
// NotImplemented marks what this package does not do.
type Error struct {
	Code, Message, EC string
	NotImplemented    bool
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func invalid(ec, param, value string) *Error {
	return &Error{Code: "InvalidArgument", Message: fmt.Sprintf("The value: %s of parameter: %s is invalid.", value, param), EC: ec}
}

func notImplemented(format string, args ...any) *Error {
	return &Error{Code: "NotImplemented", Message: fmt.Sprintf(format, args...), NotImplemented: true}
}

// Pipeline is a parsed chain.
type Pipeline struct {
	actions []action
	// Load, when set, reads an object of the source's bucket (the image
	// of a watermark); without it a watermark fails.
	Load func(key string) ([]byte, error)
}

// action is one parsed action.
type action struct {
	name string
	run  func(*state) error
}

// state is the image between actions and what the encoder needs.
type state struct {
	img        image.Image
	srcFormat  string // jpg, png, gif, bmp, tiff, webp
	outFormat  string
	srcQuality int // estimated JPEG quality of the source (0: not a JPEG)
	quality    int // JPEG quality asked for (0: the default)
	relQuality int // relative quality asked for (q)
	size       int64
	raw        []byte
	frames     int // of a GIF
	// load reads a watermark's image; marks caches them, decoded.
	load  func(key string) ([]byte, error)
	marks map[string]image.Image
	// base is the size of the image a watermark goes on, while the
	// watermark's own chain runs (its resize's P is a percentage of it).
	base image.Point
	// budget is what the request has spent (spend).
	budget *budget
	// body, when set, is the answer instead of an image (info,
	// average-hue).
	body        []byte
	contentType string
}

// Parse reads a processing string ("image/resize,w_100/format,png").
func Parse(process string) (*Pipeline, error) {
	spec, ok := strings.CutPrefix(process, "image/")
	if !ok {
		return nil, notImplemented("Processing %q is not implemented: only image/ actions are.", strings.SplitN(process, "/", 2)[0])
	}
	if spec == "" {
		return nil, &Error{Code: "InvalidArgument", Message: "No image processing action was given.", EC: "0040-00000212"}
	}
	var p Pipeline
	for _, seg := range strings.Split(spec, "/") {
		if seg == "" {
			continue
		}
		if len(p.actions) == maxActions {
			return nil, &Error{Code: "InvalidArgument", Message: fmt.Sprintf("At most %d image processing actions are chained.", maxActions)}
		}
		fields := strings.Split(seg, ",")
		name, args := fields[0], fields[1:]
		build, ok := actions[name]
		if !ok {
			return nil, &Error{Code: "InvalidArgument", Message: fmt.Sprintf("The image processing action %q is not supported.", name), EC: "0040-00000213"}
		}
		run, err := build(args)
		if err != nil {
			return nil, err
		}
		p.actions = append(p.actions, action{name: name, run: run})
	}
	if len(p.actions) == 0 {
		return nil, &Error{Code: "InvalidArgument", Message: "No image processing action was given.", EC: "0040-00000212"}
	}
	return &p, nil
}

// Result is a processed image, or the JSON of info and average-hue.
type Result struct {
	Body        []byte
	ContentType string
}

// Apply runs the chain on src, the whole object.
func (p *Pipeline) Apply(src []byte) (Result, error) {
	if len(src) > MaxSourceSize {
		return Result{}, &Error{Code: "ImageTooLarge", Message: fmt.Sprintf("The image is larger than %d bytes.", MaxSourceSize)}
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(src))
	if err != nil {
		return Result{}, &Error{Code: "BadRequest", Message: "This image format is not supported.", EC: "0040-00000005"}
	}
	if cfg.Width > maxSide || cfg.Height > maxSide || cfg.Width*cfg.Height > maxPixels {
		return Result{}, &Error{Code: "ImageTooLarge", Message: fmt.Sprintf("The image is %dx%d: at most %d pixels a side and %d in all.", cfg.Width, cfg.Height, maxSide, maxPixels), EC: "0040-00000009"}
	}
	st := &state{srcFormat: formatName(format), size: int64(len(src)), raw: src, load: p.Load, budget: &budget{}}
	st.outFormat = st.srcFormat
	if format == "gif" {
		// Frames are counted before any is decoded.
		if st.frames = gifFrames(src); st.frames > 1 && !p.describesOnly() {
			return p.applyAnimated(src, cfg, st.frames, st.budget)
		}
	}
	if st.img, _, err = image.Decode(bytes.NewReader(src)); err != nil {
		return Result{}, &Error{Code: "BadRequest", Message: "The image cannot be decoded: " + err.Error()}
	}
	if format == "jpeg" {
		st.srcQuality = jpegQuality(src)
	}
	if err := runActions(st, p.actions); err != nil {
		return Result{}, err
	}
	if st.body != nil {
		return Result{Body: st.body, ContentType: st.contentType}, nil
	}
	return st.encode()
}

// animatedActions are the actions an animated GIF takes (OSS: resize,
// crop, rotate and image watermarks), each applied to every frame; format
// and quality change nothing of a GIF written as a GIF.
var animatedActions = map[string]bool{"resize": true, "crop": true, "rotate": true, "watermark": true, "format": true, "quality": true, "interlace": true}

// applyAnimated runs the chain on every frame of an animated GIF: each is
// drawn onto the canvas as the frames before it left it (their disposal
// methods), processed whole, then mapped back to its palette; the output
// keeps the delays and the loop count.
func (p *Pipeline) applyAnimated(src []byte, cfg image.Config, frames int, spent *budget) (Result, error) {
	for _, a := range p.actions {
		if !animatedActions[a.name] {
			return Result{}, notImplemented("Processing animated images with %s is not implemented (resize, crop and rotate are).", a.name)
		}
	}
	if int64(cfg.Width)*int64(cfg.Height)*int64(frames) > maxPixels {
		return Result{}, &Error{Code: "ImageTooLarge", Message: fmt.Sprintf("The animation is %d frames of %dx%d: at most %d pixels in all.", frames, cfg.Width, cfg.Height, maxPixels), EC: "0040-00000009"}
	}
	g, err := gif.DecodeAll(bytes.NewReader(src))
	if err != nil {
		return Result{}, &Error{Code: "BadRequest", Message: "The image cannot be decoded: " + err.Error()}
	}
	canvas := image.NewRGBA(image.Rect(0, 0, g.Config.Width, g.Config.Height))
	out := &gif.GIF{LoopCount: g.LoopCount}
	marks := map[string]image.Image{} // watermarks, read once for every frame
	for i, fr := range g.Image {
		var saved *image.RGBA
		disposal := byte(0)
		if i < len(g.Disposal) {
			disposal = g.Disposal[i]
		}
		if disposal == gif.DisposalPrevious {
			saved = image.NewRGBA(canvas.Bounds())
			copy(saved.Pix, canvas.Pix)
		}
		draw.Draw(canvas, fr.Bounds(), fr, fr.Bounds().Min, draw.Over)
		st := &state{img: canvas, srcFormat: "gif", outFormat: "gif", size: int64(len(src)), raw: src, frames: frames, load: p.Load, marks: marks, budget: spent}
		if err := runActions(st, p.actions); err != nil {
			return Result{}, err
		}
		if spent.frames += pixels(st.img); spent.frames > maxFramePixels {
			return Result{}, &Error{Code: "ImageTooLarge", Message: fmt.Sprintf("The processed animation would be more than %d pixels in all.", maxFramePixels), EC: "0040-00000009"}
		}
		if st.outFormat != "gif" {
			return Result{}, notImplemented("Converting an animated GIF to %s is not implemented.", st.outFormat)
		}
		pal := fr.Palette
		if len(pal) == 0 {
			pal = palette.Plan9
		}
		pf := image.NewPaletted(image.Rect(0, 0, st.img.Bounds().Dx(), st.img.Bounds().Dy()), pal)
		draw.Draw(pf, pf.Bounds(), st.img, st.img.Bounds().Min, draw.Src)
		out.Image = append(out.Image, pf)
		out.Delay = append(out.Delay, g.Delay[i])
		out.Disposal = append(out.Disposal, gif.DisposalNone) // whole frames
		switch disposal {
		case gif.DisposalBackground:
			draw.Draw(canvas, fr.Bounds(), image.Transparent, image.Point{}, draw.Src)
		case gif.DisposalPrevious:
			canvas = saved
		}
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, out); err != nil {
		return Result{}, fmt.Errorf("imgproc: encoding gif: %w", err)
	}
	return Result{Body: b.Bytes(), ContentType: "image/gif"}, nil
}

// describesOnly reports whether the chain only describes the image.
func (p *Pipeline) describesOnly() bool {
	return len(p.actions) > 0 && (p.actions[0].name == "info" || p.actions[0].name == "average-hue")
}

// formatName is OSS's name of a decoder's format.
func formatName(f string) string {
	if f == "jpeg" {
		return "jpg"
	}
	return f
}

// contentTypes are the answers' types by output format.
var contentTypes = map[string]string{"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "bmp": "image/bmp", "tiff": "image/tiff"}

func (st *state) encode() (Result, error) {
	var b bytes.Buffer
	var err error
	switch st.outFormat {
	case "jpg":
		q := st.jpegQuality()
		err = jpeg.Encode(&b, flatten(st.img), &jpeg.Options{Quality: q})
	case "png":
		err = png.Encode(&b, st.img)
	case "gif":
		err = gif.Encode(&b, st.img, nil)
	case "bmp":
		err = bmp.Encode(&b, st.img)
	case "tiff":
		err = tiff.Encode(&b, st.img, &tiff.Options{Compression: tiff.Deflate})
	default:
		return Result{}, notImplemented("Writing %s images is not implemented: add format,jpg or format,png.", st.outFormat)
	}
	if err != nil {
		return Result{}, fmt.Errorf("imgproc: encoding %s: %w", st.outFormat, err)
	}
	return Result{Body: b.Bytes(), ContentType: contentTypes[st.outFormat]}, nil
}

// jpegQuality is the quality a JPEG is written with: Q (absolute, never
// above the source's), q (relative to the source's), else the source's
// own, else 90.
func (st *state) jpegQuality() int {
	src := st.srcQuality
	switch {
	case st.quality > 0:
		if src > 0 && src < st.quality {
			return src
		}
		return st.quality
	case st.relQuality > 0:
		if src == 0 {
			return st.relQuality
		}
		return max(1, src*st.relQuality/100)
	case src > 0:
		return src
	}
	return 90
}

// flatten draws img over white: JPEG has no transparency.
func flatten(img image.Image) image.Image {
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		return img
	}
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Over)
	return out
}

// args are an action's key_value arguments.
type args map[string]string

func keyed(list []string) args {
	a := args{}
	for _, f := range list {
		k, v, _ := strings.Cut(f, "_")
		a[k] = v
	}
	return a
}

// intArg reads a's key as an integer in [lo, hi]; ok is false when it is
// absent.
func (a args) intArg(key string, lo, hi int, ec string) (n int, ok bool, err error) {
	v, ok := a[key]
	if !ok {
		return 0, false, nil
	}
	n, err = strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, true, invalid(ec, key, v)
	}
	return n, true, nil
}

// bare reads an action's one value as an integer in [lo, hi].
func bare(name string, list []string, lo, hi int, missingEC, badEC string) (int, error) {
	if len(list) == 0 || list[0] == "" {
		return 0, &Error{Code: "InvalidArgument", Message: fmt.Sprintf("The %s action needs a value.", name), EC: missingEC}
	}
	if len(list) > 1 {
		return 0, &Error{Code: "InvalidArgument", Message: fmt.Sprintf("The %s action takes one value.", name), EC: "0040-00000203"}
	}
	n, err := strconv.Atoi(list[0])
	if err != nil || n < lo || n > hi {
		return 0, invalid(badEC, name, list[0])
	}
	return n, nil
}

// actions builds each action from its arguments (set in init: a
// watermark's chain is parsed with it).
var actions map[string]func([]string) (func(*state) error, error)

func init() {
	actions = map[string]func([]string) (func(*state) error, error){
		"resize":          parseResize,
		"crop":            parseCrop,
		"rotate":          parseRotate,
		"format":          parseFormat,
		"quality":         parseQuality,
		"info":            func([]string) (func(*state) error, error) { return info, nil },
		"auto-orient":     parseAutoOrient,
		"interlace":       parseInterlace,
		"circle":          parseCircle,
		"rounded-corners": parseRoundedCorners,
		"indexcrop":       parseIndexCrop,
		"blur":            parseBlur,
		"bright":          parseBright,
		"contrast":        parseContrast,
		"sharpen":         parseSharpen,
		"average-hue":     func([]string) (func(*state) error, error) { return averageHue, nil },
		"watermark":       parseWatermark,
	}
}

// scaleTo resizes img to w x h.
func scaleTo(img image.Image, w, h int) image.Image {
	b := img.Bounds()
	if b.Dx() == w && b.Dy() == h {
		return img
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(out, out.Bounds(), img, b, draw.Src, nil)
	return out
}

func roundDim(v float64) int { return max(1, int(math.Floor(v+0.5))) }

func parseResize(list []string) (func(*state) error, error) {
	a := keyed(list)
	mode := "lfit"
	if m, ok := a["m"]; ok {
		switch m {
		case "lfit", "mfit", "fill", "pad", "fixed":
			mode = m
		default:
			return nil, invalid("0040-00000311", "m", m)
		}
	}
	w, hasW, err := a.intArg("w", 1, maxOutSide, "0040-00000312")
	if err != nil {
		return nil, err
	}
	h, hasH, err := a.intArg("h", 1, maxOutSide, "0040-00000313")
	if err != nil {
		return nil, err
	}
	l, hasL, err := a.intArg("l", 1, maxOutSide, "0040-00000314")
	if err != nil {
		return nil, err
	}
	s, hasS, err := a.intArg("s", 1, maxOutSide, "0040-00000315")
	if err != nil {
		return nil, err
	}
	pct, hasP, err := a.intArg("p", 1, 1000, "0040-00000317")
	if err != nil {
		return nil, err
	}
	// P: a watermark's size, in percent of the image it goes on.
	markPct, hasMarkP, err := a.intArg("P", 1, 100, "")
	if err != nil {
		return nil, err
	}
	limit, _, err := a.intArg("limit", 0, 1, "0040-00000319")
	if err != nil {
		return nil, err
	}
	if _, ok := a["limit"]; !ok {
		limit = 1
	}
	fill := color.RGBA{255, 255, 255, 255}
	if c, ok := a["color"]; ok {
		v, err := strconv.ParseUint(c, 16, 32)
		if len(c) != 6 || err != nil {
			return nil, invalid("0040-00000318", "color", c)
		}
		fill = color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
	}
	if !hasW && !hasH && !hasL && !hasS && !hasP && !hasMarkP {
		return nil, &Error{Code: "MissingArgument", Message: "The resize action needs w, h, l, s or p."}
	}
	return func(st *state) error {
		b := st.img.Bounds()
		sw, sh := float64(b.Dx()), float64(b.Dy())
		bw, bh, hasBW, hasBH := w, h, hasW, hasH
		if hasMarkP && !hasW && !hasH {
			if st.base == (image.Point{}) {
				return invalid("", "P", strconv.Itoa(markPct))
			}
			bw, bh, hasBW, hasBH = max(1, st.base.X*markPct/100), max(1, st.base.Y*markPct/100), true, true
		}
		if !hasW && !hasH && (hasL || hasS) {
			// The long side is the source's longer one.
			long, short := &bw, &bh
			hasLong, hasShort := &hasBW, &hasBH
			if sh > sw {
				long, short, hasLong, hasShort = &bh, &bw, &hasBH, &hasBW
			}
			*long, *hasLong = l, hasL
			*short, *hasShort = s, hasS
		}
		var tw, th int // the scaled size
		switch {
		case !hasBW && !hasBH: // p alone
			tw, th = roundDim(sw*float64(pct)/100), roundDim(sh*float64(pct)/100)
		case mode == "fixed":
			tw, th = bw, bh
			if !hasBW {
				tw = bh
			}
			if !hasBH {
				th = bw
			}
		default:
			rw, rh := float64(bw)/sw, float64(bh)/sh
			var r float64
			switch {
			case !hasBH:
				r = rw
			case !hasBW:
				r = rh
			case mode == "lfit" || mode == "pad":
				r = min(rw, rh)
			default: // mfit, fill
				r = max(rw, rh)
			}
			tw, th = roundDim(sw*r), roundDim(sh*r)
		}
		if limit == 1 && !hasMarkP && (tw > b.Dx() || th > b.Dy()) {
			return nil // not enlarged: the source as it is
		}
		cw, ch := tw, th // the canvas, padded
		if mode == "pad" && hasBW && hasBH {
			cw, ch = max(tw, bw), max(th, bh)
		}
		if cw > maxOutSide || ch > maxOutSide || cw*ch > maxOutPixels {
			return &Error{Code: "ImageTooLarge", Message: fmt.Sprintf("The resized image would be %dx%d: at most %d pixels a side and %d in all.", tw, th, maxOutSide, maxOutPixels), EC: "0040-00000007"}
		}
		img := scaleTo(st.img, tw, th)
		switch {
		case mode == "fill" && hasBW && hasBH:
			x0, y0 := (tw-bw)/2, (th-bh)/2
			img = cropTo(img, image.Rect(x0, y0, x0+bw, y0+bh))
		case mode == "pad" && hasBW && hasBH:
			canvas := image.NewRGBA(image.Rect(0, 0, bw, bh))
			draw.Draw(canvas, canvas.Bounds(), image.NewUniform(fill), image.Point{}, draw.Src)
			off := image.Pt((bw-tw)/2, (bh-th)/2)
			draw.Draw(canvas, image.Rectangle{Min: off, Max: off.Add(image.Pt(tw, th))}, img, img.Bounds().Min, draw.Over)
			img = canvas
		}
		st.img = img
		return nil
	}, nil
}

// cropTo is the part r (relative to img's origin) of img, as its own image.
func cropTo(img image.Image, r image.Rectangle) image.Image {
	b := img.Bounds()
	r = r.Add(b.Min).Intersect(b)
	out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Bounds(), img, r.Min, draw.Src)
	return out
}

func parseCrop(list []string) (func(*state) error, error) {
	a := keyed(list)
	w, _, err := a.intArg("w", 0, math.MaxInt32, "0040-00000225")
	if err != nil {
		return nil, err
	}
	h, _, err := a.intArg("h", 0, math.MaxInt32, "0040-00000226")
	if err != nil {
		return nil, err
	}
	x, _, err := a.intArg("x", 0, math.MaxInt32, "")
	if err != nil {
		return nil, err
	}
	y, _, err := a.intArg("y", 0, math.MaxInt32, "")
	if err != nil {
		return nil, err
	}
	g := a["g"]
	switch g {
	case "", "nw", "north", "ne", "west", "center", "east", "sw", "south", "se":
	default:
		return nil, invalid("", "g", g)
	}
	return func(st *state) error {
		b := st.img.Bounds()
		sw, sh := b.Dx(), b.Dy()
		cw, ch := w, h
		if cw == 0 || cw > sw {
			cw = sw
		}
		if ch == 0 || ch > sh {
			ch = sh
		}
		ox, oy := 0, 0
		switch g {
		case "north", "center", "south":
			ox = sw/2 - cw/2
		case "ne", "east", "se":
			ox = sw - cw
		}
		switch g {
		case "west", "center", "east":
			oy = sh/2 - ch/2
		case "sw", "south", "se":
			oy = sh - ch
		}
		x0, y0 := ox+x, oy+y
		if x0 >= sw || y0 >= sh {
			return &Error{Code: "BadRequest", Message: "Advance cut's position is out of image."}
		}
		st.img = cropTo(st.img, image.Rect(x0, y0, min(x0+cw, sw), min(y0+ch, sh)))
		return nil
	}, nil
}

func parseRotate(list []string) (func(*state) error, error) {
	deg, err := bare("rotate", list, 0, 360, "0040-00000217", "0040-00000217")
	if err != nil {
		return nil, err
	}
	return func(st *state) error {
		if err := checkRotatable(st.img); err != nil {
			return err
		}
		st.img = rotate(st.img, deg)
		return nil
	}, nil
}

func checkRotatable(img image.Image) error {
	if b := img.Bounds(); b.Dx() > maxRotateSide || b.Dy() > maxRotateSide {
		return &Error{Code: "BadRequest", Message: "Picture exceed the maximum allowable rotation range.", EC: "0040-00000006"}
	}
	return nil
}

// rotate turns img deg degrees clockwise: exactly for multiples of 90,
// else onto the bounding box of the turned image, the corners white.
func rotate(img image.Image, deg int) image.Image { return rotateOn(img, deg, image.White) }

// rotateOn is rotate with the corners bg.
func rotateOn(img image.Image, deg int, bg image.Image) image.Image {
	deg %= 360
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if deg%90 == 0 {
		if deg == 0 {
			return img
		}
		ow, oh := w, h
		if deg != 180 {
			ow, oh = h, w
		}
		out := image.NewRGBA(image.Rect(0, 0, ow, oh))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				var dx, dy int
				switch deg {
				case 90:
					dx, dy = h-1-y, x
				case 180:
					dx, dy = w-1-x, h-1-y
				case 270:
					dx, dy = y, w-1-x
				}
				out.Set(dx, dy, img.At(b.Min.X+x, b.Min.Y+y))
			}
		}
		return out
	}
	rad := float64(deg) * math.Pi / 180
	sin, cos := math.Sin(rad), math.Cos(rad)
	ow := int(math.Ceil(math.Abs(float64(w)*cos) + math.Abs(float64(h)*sin)))
	oh := int(math.Ceil(math.Abs(float64(w)*sin) + math.Abs(float64(h)*cos)))
	out := image.NewRGBA(image.Rect(0, 0, ow, oh))
	draw.Draw(out, out.Bounds(), bg, image.Point{}, draw.Src)
	// Source to destination: move the source's centre to the origin,
	// turn clockwise (y grows downwards), move to the output's centre.
	cx, cy := float64(w)/2+float64(b.Min.X), float64(h)/2+float64(b.Min.Y)
	ox, oy := float64(ow)/2, float64(oh)/2
	m := f64.Aff3{cos, -sin, ox - cos*cx + sin*cy, sin, cos, oy - sin*cx - cos*cy}
	draw.BiLinear.Transform(out, m, img, b, draw.Over, nil)
	return out
}

func parseFormat(list []string) (func(*state) error, error) {
	if len(list) != 1 {
		return nil, &Error{Code: "InvalidArgument", Message: "The format action takes one value.", EC: "0040-00000206"}
	}
	f := list[0]
	switch f {
	case "jpg", "jpeg", "png", "bmp", "tiff":
	case "gif":
	case "webp", "heic", "avif":
		return nil, notImplemented("Writing %s images is not implemented.", f)
	default:
		return nil, invalid("0040-00000206", "format", f)
	}
	return func(st *state) error {
		switch f {
		case "jpeg":
			st.outFormat = "jpg"
		case "gif":
			if st.srcFormat == "gif" {
				st.outFormat = "gif"
			}
			// Not a GIF: the source's format stays (OSS's rule).
		default:
			st.outFormat = f
		}
		return nil
	}, nil
}

func parseQuality(list []string) (func(*state) error, error) {
	if len(list) == 0 || list[0] == "" {
		return nil, &Error{Code: "InvalidArgument", Message: "The quality action needs q or Q.", EC: "0040-00000307"}
	}
	var abs, rel int
	for _, f := range list {
		k, v, ok := strings.Cut(f, "_")
		if !ok { // a bare value: absolute
			k, v = "Q", f
		}
		n, err := strconv.Atoi(v)
		switch {
		case k == "Q" && (err != nil || n < 1 || n > 100):
			ec := "0040-00000308"
			if !ok {
				ec = "0040-00000310"
			}
			return nil, invalid(ec, "quality", v)
		case k == "q" && (err != nil || n < 1 || n > 100):
			return nil, invalid("0040-00000309", "quality", v)
		case k == "Q":
			abs = n
		case k == "q":
			rel = n
		default:
			return nil, invalid("", "quality", f)
		}
	}
	return func(st *state) error {
		if abs > 0 { // Q wins over q
			st.quality, st.relQuality = abs, 0
		} else {
			st.relQuality = rel
		}
		return nil
	}, nil
}

// info answers the source image's description as OSS's JSON (every value
// a string): FileSize, Format, FrameCount, ImageHeight, ImageWidth, and
// the resolution and orientation a JPEG records.
func info(st *state) error {
	b := st.img.Bounds()
	frames := max(1, st.frames)
	out := map[string]map[string]string{
		"FileSize":    {"value": strconv.FormatInt(st.size, 10)},
		"Format":      {"value": st.srcFormat},
		"FrameCount":  {"value": strconv.Itoa(frames)},
		"ImageHeight": {"value": strconv.Itoa(b.Dy())},
		"ImageWidth":  {"value": strconv.Itoa(b.Dx())},
	}
	if st.srcFormat == "jpg" {
		if unit, xr, yr, ok := jfifDensity(st.raw); ok {
			out["ResolutionUnit"] = map[string]string{"value": strconv.Itoa(unit)}
			out["XResolution"] = map[string]string{"value": xr}
			out["YResolution"] = map[string]string{"value": yr}
		}
		if o := exifOrientation(st.raw); o > 0 {
			out["Orientation"] = map[string]string{"value": strconv.Itoa(o)}
		}
	}
	body, err := json.Marshal(out) // keys sorted, as OSS's examples
	if err != nil {
		return err
	}
	st.body, st.contentType = body, "application/json"
	return nil
}

func parseAutoOrient(list []string) (func(*state) error, error) {
	on, err := bare("auto-orient", list, 0, 1, "0040-00000214", "0040-00000215")
	if err != nil {
		return nil, err
	}
	return func(st *state) error {
		if on == 0 || st.srcFormat != "jpg" {
			return nil
		}
		o := exifOrientation(st.raw)
		if o <= 1 {
			return nil
		}
		if err := checkRotatable(st.img); err != nil {
			return err
		}
		st.img = orient(st.img, o)
		return nil
	}, nil
}

// orient applies EXIF orientation o (2 to 8) to img.
func orient(img image.Image, o int) image.Image {
	switch o {
	case 2:
		return flipH(img)
	case 3:
		return rotate(img, 180)
	case 4:
		return flipH(rotate(img, 180))
	case 5:
		return flipH(rotate(img, 90))
	case 6:
		return rotate(img, 90)
	case 7:
		return flipH(rotate(img, 270))
	case 8:
		return rotate(img, 270)
	}
	return img
}

func flipH(img image.Image) image.Image {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			out.Set(b.Dx()-1-x, y, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return out
}

// parseInterlace accepts interlace,0|1. Go's JPEG encoder writes baseline
// JPEGs only, so interlace,1 gives the same image, not progressive.
func parseInterlace(list []string) (func(*state) error, error) {
	if _, err := bare("interlace", list, 0, 1, "0040-00000281", "0040-00000282"); err != nil {
		return nil, err
	}
	return func(*state) error { return nil }, nil
}

func parseCircle(list []string) (func(*state) error, error) {
	r, ok, err := keyed(list).intArg("r", 1, 4096, "0040-00000233")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &Error{Code: "MissingArgument", Message: "The circle action needs r.", EC: "0040-00000233"}
	}
	return func(st *state) error {
		b := st.img.Bounds()
		rr := r
		if short := min(b.Dx(), b.Dy()); 2*rr > short {
			rr = (short - 1) / 2
		}
		cx, cy := b.Dx()/2, b.Dy()/2
		sq := cropTo(st.img, image.Rect(cx-rr, cy-rr, cx+rr+1, cy+rr+1))
		st.img = mask(sq, func(x, y int) bool {
			dx, dy := x-rr, y-rr
			return dx*dx+dy*dy <= rr*rr
		})
		return nil
	}, nil
}

// mask keeps the pixels of img inside reports (others transparent).
func mask(img image.Image, inside func(x, y int) bool) image.Image {
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			if inside(x, y) {
				out.Set(x, y, img.At(b.Min.X+x, b.Min.Y+y))
			}
		}
	}
	return out
}

func parseRoundedCorners(list []string) (func(*state) error, error) {
	r, ok, err := keyed(list).intArg("r", 1, 4096, "0040-00000237")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &Error{Code: "MissingArgument", Message: "The rounded-corners action needs r.", EC: "0040-00000237"}
	}
	return func(st *state) error {
		b := st.img.Bounds()
		w, h := b.Dx(), b.Dy()
		rr := min(r, min(w, h)/2)
		st.img = mask(st.img, func(x, y int) bool {
			cx, cy := x, y
			switch {
			case x < rr:
				cx = rr
			case x >= w-rr:
				cx = w - rr - 1
			}
			switch {
			case y < rr:
				cy = rr
			case y >= h-rr:
				cy = h - rr - 1
			}
			dx, dy := x-cx, y-cy
			return dx*dx+dy*dy <= rr*rr
		})
		return nil
	}, nil
}

func parseIndexCrop(list []string) (func(*state) error, error) {
	a := keyed(list)
	x, hasX, err := a.intArg("x", 1, math.MaxInt32, "0040-00000230")
	if err != nil {
		return nil, err
	}
	y, hasY, err := a.intArg("y", 1, math.MaxInt32, "0040-00000224")
	if err != nil {
		return nil, err
	}
	i, _, err := a.intArg("i", 0, math.MaxInt32, "0040-00000229")
	if err != nil {
		return nil, err
	}
	if !hasX && !hasY {
		return nil, &Error{Code: "MissingArgument", Message: "The indexcrop action needs x or y."}
	}
	return func(st *state) error {
		b := st.img.Bounds()
		if hasY { // y wins when both are given
			if y > b.Dy() {
				return invalid("0040-00000224", "y", strconv.Itoa(y))
			}
			if i*y >= b.Dy() {
				return nil // past the last slice: the source
			}
			st.img = cropTo(st.img, image.Rect(0, i*y, b.Dx(), min((i+1)*y, b.Dy())))
			return nil
		}
		if x > b.Dx() {
			return invalid("0040-00000230", "x", strconv.Itoa(x))
		}
		if i*x >= b.Dx() {
			return nil
		}
		st.img = cropTo(st.img, image.Rect(i*x, 0, min((i+1)*x, b.Dx()), b.Dy()))
		return nil
	}, nil
}

func parseBlur(list []string) (func(*state) error, error) {
	a := keyed(list)
	r, hasR, err := a.intArg("r", 1, 50, "0040-00000241")
	if err != nil {
		return nil, err
	}
	s, hasS, err := a.intArg("s", 1, 50, "0040-00000242")
	if err != nil {
		return nil, err
	}
	if !hasR || !hasS {
		return nil, &Error{Code: "MissingArgument", Message: "The blur action needs r and s."}
	}
	return func(st *state) error {
		if err := st.spend(2 * pixels(st.img) * int64(2*r+1)); err != nil { // two passes
			return err
		}
		st.img = gaussian(toNRGBA(st.img), r, float64(s))
		return nil
	}, nil
}

// toNRGBA copies img into an NRGBA image at the origin.
func toNRGBA(img image.Image) *image.NRGBA {
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	return out
}

// gaussian blurs img with a kernel of radius r and deviation sigma, in
// two passes (rows, then columns), edges clamped.
func gaussian(img *image.NRGBA, r int, sigma float64) *image.NRGBA {
	k := make([]float64, 2*r+1)
	sum := 0.0
	for i := -r; i <= r; i++ {
		k[i+r] = math.Exp(-float64(i*i) / (2 * sigma * sigma))
		sum += k[i+r]
	}
	for i := range k {
		k[i] /= sum
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	pass := func(src *image.NRGBA, horizontal bool) *image.NRGBA {
		dst := image.NewNRGBA(src.Rect)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				var acc [4]float64
				for i := -r; i <= r; i++ {
					sx, sy := x, y
					if horizontal {
						sx = min(max(x+i, 0), w-1)
					} else {
						sy = min(max(y+i, 0), h-1)
					}
					o := src.PixOffset(sx, sy)
					for c := range 4 {
						acc[c] += k[i+r] * float64(src.Pix[o+c])
					}
				}
				o := dst.PixOffset(x, y)
				for c := range 4 {
					dst.Pix[o+c] = uint8(min(255, max(0, math.Round(acc[c]))))
				}
			}
		}
		return dst
	}
	return pass(pass(img, true), false)
}

// perChannel maps every colour channel (not alpha) of img through f.
func perChannel(img image.Image, f func(v float64) float64) image.Image {
	out := toNRGBA(img)
	var lut [256]uint8
	for i := range lut {
		lut[i] = uint8(min(255, max(0, math.Round(f(float64(i))))))
	}
	for i := 0; i < len(out.Pix); i += 4 {
		out.Pix[i], out.Pix[i+1], out.Pix[i+2] = lut[out.Pix[i]], lut[out.Pix[i+1]], lut[out.Pix[i+2]]
	}
	return out
}

// parseBright: each channel moves by value% of its range (OSS documents
// no formula).
func parseBright(list []string) (func(*state) error, error) {
	v, err := bare("bright", list, -100, 100, "0040-00000245", "0040-00000246")
	if err != nil {
		return nil, err
	}
	return func(st *state) error {
		st.img = perChannel(st.img, func(c float64) float64 { return c + 2.55*float64(v) })
		return nil
	}, nil
}

// parseContrast: channels spread from (or gather to) mid-grey by
// (100+value)% (OSS documents no formula).
func parseContrast(list []string) (func(*state) error, error) {
	v, err := bare("contrast", list, -100, 100, "", "")
	if err != nil {
		return nil, err
	}
	return func(st *state) error {
		f := float64(100+v) / 100
		st.img = perChannel(st.img, func(c float64) float64 { return (c-127.5)*f + 127.5 })
		return nil
	}, nil
}

// parseSharpen: an unsharp mask of strength value/100 over a 1-pixel
// blur (OSS documents no algorithm).
func parseSharpen(list []string) (func(*state) error, error) {
	v, err := bare("sharpen", list, 50, 399, "0040-00000279", "0040-00000280")
	if err != nil {
		return nil, err
	}
	return func(st *state) error {
		if err := st.spend(6 * pixels(st.img)); err != nil { // a 3-tap blur, two passes
			return err
		}
		src := toNRGBA(st.img)
		blurred := gaussian(src, 1, 1)
		amount := float64(v) / 100
		for i := 0; i < len(src.Pix); i++ {
			if i%4 == 3 {
				continue // alpha
			}
			d := float64(src.Pix[i]) + amount*(float64(src.Pix[i])-float64(blurred.Pix[i]))
			src.Pix[i] = uint8(min(255, max(0, math.Round(d))))
		}
		st.img = src
		return nil
	}, nil
}

// averageHue answers the mean colour as OSS's JSON, {"RGB":"0xrrggbb"}.
func averageHue(st *state) error {
	img := toNRGBA(st.img)
	var sum [3]float64
	n := 0.0
	for i := 0; i < len(img.Pix); i += 4 {
		for c := range 3 {
			sum[c] += float64(img.Pix[i+c])
		}
		n++
	}
	if n == 0 {
		return errors.New("imgproc: an empty image")
	}
	body, err := json.Marshal(map[string]string{"RGB": fmt.Sprintf("0x%02x%02x%02x",
		uint8(math.Round(sum[0]/n)), uint8(math.Round(sum[1]/n)), uint8(math.Round(sum[2]/n)))})
	if err != nil {
		return err
	}
	st.body, st.contentType = body, "application/json"
	return nil
}
