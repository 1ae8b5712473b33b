package imgproc

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/stretchr/testify/require"
)

// testJPEG is a w x h gradient JPEG written at quality q.
func testJPEG(t testing.TB, w, h, q int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 90, 255})
		}
	}
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, img, &jpeg.Options{Quality: q}))
	return b.Bytes()
}

func run(t testing.TB, src []byte, process string) (Result, error) {
	t.Helper()
	p, err := Parse(process)
	if err != nil {
		return Result{}, err
	}
	return p.Apply(src)
}

func size(t testing.TB, r Result) (int, int) {
	t.Helper()
	cfg, _, err := image.DecodeConfig(bytes.NewReader(r.Body))
	require.NoError(t, err)
	return cfg.Width, cfg.Height
}

// TestResizeModes: OSS's documented example (a 200x100 source, w_150,h_80)
// in each mode, one side alone, percentages, the long and short sides,
// and limit (no enlarging unless limit_0).
func TestResizeModes(t *testing.T) {
	src := testJPEG(t, 200, 100, 90)
	for process, want := range map[string][2]int{
		"image/resize,w_150,h_80":         {150, 75},
		"image/resize,m_lfit,w_150,h_80":  {150, 75},
		"image/resize,m_mfit,w_150,h_80":  {160, 80},
		"image/resize,m_fill,w_150,h_80":  {150, 80},
		"image/resize,m_pad,w_150,h_80":   {150, 80},
		"image/resize,m_fixed,w_150,h_80": {150, 80},
		"image/resize,w_100":              {100, 50},
		"image/resize,h_20":               {40, 20},
		"image/resize,m_fixed,h_30":       {30, 30},
		"image/resize,p_50":               {100, 50},
		"image/resize,l_100":              {100, 50},
		"image/resize,s_10":               {20, 10},
		"image/resize,w_400":              {200, 100},
		"image/resize,w_400,limit_0":      {400, 200},
		"image/resize,p_200":              {200, 100},
		"image/resize,p_200,limit_0":      {400, 200},
	} {
		r, err := run(t, src, process)
		require.NoError(t, err, process)
		require.Equal(t, "image/jpeg", r.ContentType, process)
		w, h := size(t, r)
		require.Equal(t, want, [2]int{w, h}, process)
	}
	// m_pad fills with color around the fitted image.
	r, err := run(t, src, "image/resize,m_pad,w_100,h_100,color_FF0000/format,png")
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(r.Body))
	require.NoError(t, err)
	require.Equal(t, color.RGBA{255, 0, 0, 255}, color.RGBAModel.Convert(img.At(50, 2)))
}

// TestActions: the other actions' geometry and answers.
func TestActions(t *testing.T) {
	src := testJPEG(t, 200, 100, 85)
	for process, want := range map[string][2]int{
		"image/crop,w_50,h_40":               {50, 40},
		"image/crop,w_50,h_40,g_se":          {50, 40},
		"image/crop,x_180,y_90":              {20, 10},
		"image/crop,x_150,w_100":             {50, 100},
		"image/rotate,90":                    {100, 200},
		"image/rotate,180":                   {200, 100},
		"image/rotate,45":                    {213, 213},
		"image/resize,w_100/rotate,90":       {50, 100},
		"image/circle,r_20":                  {41, 41},
		"image/circle,r_400":                 {99, 99},
		"image/indexcrop,y_30,i_1":           {200, 30},
		"image/indexcrop,y_30,i_3":           {200, 10},
		"image/indexcrop,y_30,i_4":           {200, 100},
		"image/indexcrop,x_60,i_0":           {60, 100},
		"image/rounded-corners,r_10":         {200, 100},
		"image/blur,r_3,s_2":                 {200, 100},
		"image/bright,50/contrast,-20":       {200, 100},
		"image/sharpen,100":                  {200, 100},
		"image/interlace,1":                  {200, 100},
		"image/quality,q_80/format,bmp":      {200, 100},
		"image/format,tiff":                  {200, 100},
		"image/format,gif":                   {200, 100},
		"image/auto-orient,1/resize,w_50":    {50, 25},
		"image/crop,w_10,h_10/format,png":    {10, 10},
		"image/resize,w_20/quality,Q_50":     {20, 10},
		"image/resize,w_20/quality,q_50,Q_5": {20, 10},
	} {
		r, err := run(t, src, process)
		require.NoError(t, err, process)
		w, h := size(t, r)
		require.Equal(t, want, [2]int{w, h}, process)
	}
	r, err := run(t, src, "image/format,png")
	require.NoError(t, err)
	require.Equal(t, "image/png", r.ContentType)
	r, err = run(t, src, "image/format,gif")
	require.NoError(t, err)
	require.Equal(t, "image/jpeg", r.ContentType, "format,gif keeps a source that is not a GIF")

	// Quality: Q is absolute but never above the source's; q relative.
	require.InDelta(t, 85, jpegQuality(src), 1)
	for process, want := range map[string]int{
		"image/quality,Q_50": 50, "image/quality,Q_95": 85, "image/quality,q_50": 42, "image/quality,q_50,Q_30": 30, "image/resize,w_100": 85,
	} {
		r, err := run(t, src, process)
		require.NoError(t, err, process)
		require.InDelta(t, want, jpegQuality(r.Body), 2, process)
	}

	// info and average-hue answer JSON.
	r, err = run(t, src, "image/info")
	require.NoError(t, err)
	require.Equal(t, "application/json", r.ContentType)
	var info map[string]map[string]string
	require.NoError(t, json.Unmarshal(r.Body, &info))
	require.Equal(t, "200", info["ImageWidth"]["value"])
	require.Equal(t, "100", info["ImageHeight"]["value"])
	require.Equal(t, "jpg", info["Format"]["value"])
	require.Equal(t, "1", info["FrameCount"]["value"])
	require.Equal(t, len(src), mustAtoi(t, info["FileSize"]["value"]))
	red := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for i := range red.Pix {
		red.Pix[i] = []uint8{255, 0, 0, 255}[i%4]
	}
	var pb bytes.Buffer
	require.NoError(t, png.Encode(&pb, red))
	r, err = run(t, pb.Bytes(), "image/average-hue")
	require.NoError(t, err)
	require.JSONEq(t, `{"RGB":"0xff0000"}`, string(r.Body))
	r, err = run(t, pb.Bytes(), "image/resize,w_2")
	require.NoError(t, err)
	require.Equal(t, "image/png", r.ContentType, "the source's format is kept")

	// A circle keeps only its disc (transparent corners in PNG).
	r, err = run(t, src, "image/circle,r_20/format,png")
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(r.Body))
	require.NoError(t, err)
	_, _, _, a := img.At(0, 0).RGBA()
	require.Zero(t, a)
	_, _, _, a = img.At(20, 20).RGBA()
	require.NotZero(t, a)
}

func mustAtoi(t testing.TB, s string) int {
	t.Helper()
	var n int
	for _, c := range s {
		require.True(t, c >= '0' && c <= '9', s)
		n = n*10 + int(c-'0')
	}
	return n
}

// TestAutoOrient: an EXIF Orientation of 6 (turn 90 degrees clockwise)
// is applied by auto-orient,1 and reported by info; auto-orient,0 keeps
// the pixels as stored.
func TestAutoOrient(t *testing.T) {
	src := withOrientation(testJPEG(t, 200, 100, 90), 6)
	r, err := run(t, src, "image/auto-orient,1")
	require.NoError(t, err)
	w, h := size(t, r)
	require.Equal(t, [2]int{100, 200}, [2]int{w, h})
	r, err = run(t, src, "image/auto-orient,0")
	require.NoError(t, err)
	w, h = size(t, r)
	require.Equal(t, [2]int{200, 100}, [2]int{w, h})
	r, err = run(t, src, "image/info")
	require.NoError(t, err)
	require.Contains(t, string(r.Body), `"Orientation":{"value":"6"}`)
}

// withOrientation inserts an EXIF segment holding orientation o after the
// JPEG's SOI.
func withOrientation(jpg []byte, o uint16) []byte {
	var t bytes.Buffer
	t.WriteString("MM\x00\x2a")
	binary.Write(&t, binary.BigEndian, uint32(8)) // IFD0 offset
	binary.Write(&t, binary.BigEndian, uint16(1)) // one entry
	binary.Write(&t, binary.BigEndian, []uint16{0x0112, 3})
	binary.Write(&t, binary.BigEndian, uint32(1))
	binary.Write(&t, binary.BigEndian, []uint16{o, 0})
	binary.Write(&t, binary.BigEndian, uint32(0))
	payload := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(append(out, seg...), payload...)
	return append(out, jpg[2:]...)
}

// TestRefusals: OSS's errors for bad chains and sources, and what is not
// implemented.
func TestRefusals(t *testing.T) {
	src := testJPEG(t, 200, 100, 90)
	for process, want := range map[string]Error{
		"image/":                                     {Code: "InvalidArgument", EC: "0040-00000212"},
		"image/slim,1":                               {Code: "InvalidArgument", EC: "0040-00000213"},
		"image/resize,m_abc,w_10":                    {Code: "InvalidArgument", EC: "0040-00000311"},
		"image/resize,w_0":                           {Code: "InvalidArgument", EC: "0040-00000312"},
		"image/resize,p_0":                           {Code: "InvalidArgument", EC: "0040-00000317"},
		"image/resize,w_10,color_AABBC":              {Code: "InvalidArgument", EC: "0040-00000318"},
		"image/resize,w_10,limit_3":                  {Code: "InvalidArgument", EC: "0040-00000319"},
		"image/resize,m_lfit":                        {Code: "MissingArgument"},
		"image/crop,w_abc":                           {Code: "InvalidArgument", EC: "0040-00000225"},
		"image/crop,x_300":                           {Code: "BadRequest"},
		"image/rotate,400":                           {Code: "InvalidArgument", EC: "0040-00000217"},
		"image/rotate,90,200":                        {Code: "InvalidArgument", EC: "0040-00000203"},
		"image/format,dng":                           {Code: "InvalidArgument", EC: "0040-00000206"},
		"image/quality":                              {Code: "InvalidArgument", EC: "0040-00000307"},
		"image/quality,Q_200":                        {Code: "InvalidArgument", EC: "0040-00000308"},
		"image/quality,q_200":                        {Code: "InvalidArgument", EC: "0040-00000309"},
		"image/auto-orient":                          {Code: "InvalidArgument", EC: "0040-00000214"},
		"image/auto-orient,10":                       {Code: "InvalidArgument", EC: "0040-00000215"},
		"image/interlace,2":                          {Code: "InvalidArgument", EC: "0040-00000282"},
		"image/circle,r_5000":                        {Code: "InvalidArgument", EC: "0040-00000233"},
		"image/blur,r_200,s_2":                       {Code: "InvalidArgument", EC: "0040-00000241"},
		"image/bright,200":                           {Code: "InvalidArgument", EC: "0040-00000246"},
		"image/sharpen,10":                           {Code: "InvalidArgument", EC: "0040-00000280"},
		"image/resize,m_fixed,w_5000,h_5000,limit_0": {Code: "ImageTooLarge", EC: "0040-00000007"},
		"image/watermark,text_5Lit5paH":              {Code: "NotImplemented", NotImplemented: true},
		"image/format,webp":                          {Code: "NotImplemented", NotImplemented: true},
		"video/snapshot,t_1":                         {Code: "NotImplemented", NotImplemented: true},
	} {
		_, err := run(t, src, process)
		var e *Error
		require.True(t, errors.As(err, &e), "%s: %v", process, err)
		require.Equal(t, want.Code, e.Code, process)
		require.Equal(t, want.EC, e.EC, process)
		require.Equal(t, want.NotImplemented, e.NotImplemented, process)
	}
	_, err := run(t, []byte("not an image"), "image/resize,w_10")
	var e *Error
	require.True(t, errors.As(err, &e))
	require.Equal(t, "0040-00000005", e.EC)

	// An animated GIF is described, not processed.
	pal := []color.Color{color.Black, color.White}
	anim := &gif.GIF{Image: []*image.Paletted{image.NewPaletted(image.Rect(0, 0, 4, 4), pal), image.NewPaletted(image.Rect(0, 0, 4, 4), pal)}, Delay: []int{1, 1}}
	var gb bytes.Buffer
	require.NoError(t, gif.EncodeAll(&gb, anim))
	r, err := run(t, gb.Bytes(), "image/info")
	require.NoError(t, err)
	require.Contains(t, string(r.Body), `"FrameCount":{"value":"2"}`)
	// Resized, cropped and rotated frame by frame; other actions are not
	// done on animations.
	r, err = run(t, gb.Bytes(), "image/resize,w_2,limit_0/rotate,90")
	require.NoError(t, err)
	require.Equal(t, "image/gif", r.ContentType)
	out, err := gif.DecodeAll(bytes.NewReader(r.Body))
	require.NoError(t, err)
	require.Len(t, out.Image, 2)
	require.Equal(t, []int{1, 1}, out.Delay)
	require.Equal(t, image.Rect(0, 0, 2, 2), out.Image[1].Bounds())
	for _, process := range []string{"image/blur,r_1,s_1", "image/resize,w_2/format,png"} {
		_, err = run(t, gb.Bytes(), process)
		require.True(t, errors.As(err, &e), process)
		require.True(t, e.NotImplemented, process)
	}
}

// FuzzParse: no chain panics, in parsing or applied to a small image.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"image/resize,w_10,h_5,m_pad,color_00FF00", "image/crop,x_1,y_1,w_3,h_3,g_center/rotate,33",
		"image/circle,r_2/format,png", "image/indexcrop,x_2,i_1/blur,r_1,s_1/sharpen,60", "image/info", "image/average-hue",
		"image/quality,q_10/bright,-100/contrast,100/rounded-corners,r_3"} {
		f.Add(s)
	}
	src := testJPEG(f, 16, 8, 80)
	// An animation of three frames, the second smaller and disposed to
	// the background, the third with its own palette.
	pal := []color.Color{color.Black, color.White, color.RGBA{255, 0, 0, 255}}
	anim := &gif.GIF{Config: image.Config{Width: 6, Height: 4}, Delay: []int{2, 3, 4},
		Disposal: []byte{gif.DisposalNone, gif.DisposalBackground, gif.DisposalPrevious}}
	for i, r := range []image.Rectangle{image.Rect(0, 0, 6, 4), image.Rect(1, 1, 4, 3), image.Rect(0, 0, 6, 4)} {
		fr := image.NewPaletted(r, pal)
		if i == 2 {
			fr.Palette = []color.Color{color.White, color.Gray{100}}
		}
		anim.Image = append(anim.Image, fr)
	}
	var gb bytes.Buffer
	require.NoError(f, gif.EncodeAll(&gb, anim))
	f.Fuzz(func(t *testing.T, process string) {
		p, err := Parse(process)
		if err != nil {
			return
		}
		_, _ = p.Apply(src)
		_, _ = p.Apply(gb.Bytes())
	})
}

// FuzzGIFFrames: counting a GIF's frames never panics, and counts what
// the decoder decodes.
func FuzzGIFFrames(f *testing.F) {
	pal := []color.Color{color.Black, color.White}
	for n := 1; n <= 3; n++ {
		g := &gif.GIF{Config: image.Config{Width: 5, Height: 2}}
		for i := range n {
			p := image.NewPaletted(image.Rect(0, 0, 3+i, 2), pal)
			if i == 1 {
				p.Palette = []color.Color{color.White, color.Black, color.Gray{128}} // a local table
			}
			g.Image, g.Delay = append(g.Image, p), append(g.Delay, 1)
		}
		var b bytes.Buffer
		require.NoError(f, gif.EncodeAll(&b, g))
		f.Add(b.Bytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n := gifFrames(b)
		if g, err := gif.DecodeAll(bytes.NewReader(b)); err == nil && len(g.Image) != n {
			t.Fatalf("counted %d frames, decoded %d", n, len(g.Image))
		}
	})
}

// TestWatermark: an image watermark from the bucket (read through Load)
// at its gravity and margins, its opacity, its own chain with P (percent
// of the image it goes on); the refusals.
func TestWatermark(t *testing.T) {
	src := testJPEG(t, 200, 100, 95)
	logo := image.NewRGBA(image.Rect(0, 0, 20, 10))
	for i := range logo.Pix {
		logo.Pix[i] = []uint8{0, 0, 255, 255}[i%4]
	}
	var lb bytes.Buffer
	require.NoError(t, png.Encode(&lb, logo))
	loads := 0
	load := func(key string) ([]byte, error) {
		loads++
		if key != "logo.png" {
			return nil, ErrNoWatermark
		}
		return lb.Bytes(), nil
	}
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	apply := func(process string) (image.Image, error) {
		p, err := Parse(process)
		if err != nil {
			return nil, err
		}
		p.Load = load
		r, err := p.Apply(src)
		if err != nil {
			return nil, err
		}
		img, _, err := image.Decode(bytes.NewReader(r.Body))
		return img, err
	}
	blue := func(c color.Color) bool { r, g, b, _ := c.RGBA(); return b > 0xE000 && r < 0x2000 && g < 0x2000 }
	img, err := apply("image/watermark,image_" + b64("logo.png") + ",g_nw,x_5,y_5/format,png")
	require.NoError(t, err)
	require.True(t, blue(img.At(5, 5)) && blue(img.At(24, 14)), "the logo at (5,5)")
	require.False(t, blue(img.At(25, 15)) || blue(img.At(4, 4)))
	img, err = apply("image/watermark,image_" + b64("logo.png") + "/format,png") // se, 10 px margins
	require.NoError(t, err)
	require.True(t, blue(img.At(189, 89)) && blue(img.At(170, 80)))
	require.False(t, blue(img.At(190, 90)))
	img, err = apply("image/watermark,image_" + b64("logo.png") + ",g_center,t_50/format,png")
	require.NoError(t, err)
	r, _, bl, _ := img.At(100, 50).RGBA()
	require.True(t, bl > 0x7000 && bl < 0xF000 && r > 0x1000, "half transparent: %x %x", r, bl)
	img, err = apply("image/watermark,image_" + b64("logo.png?x-oss-process=image/resize,P_50") + ",g_nw,x_0,y_0/format,png")
	require.NoError(t, err)
	require.True(t, blue(img.At(99, 49)) && !blue(img.At(101, 51)), "resized to fit half of 200x100")
	// Text, in the Go Regular font: red ink in the corner asked for, or
	// tiled over the whole image.
	red := func(c color.Color) bool { r, g, b, _ := c.RGBA(); return r > 0xC000 && g < 0x4000 && b < 0x4000 }
	count := func(img image.Image, r image.Rectangle) int {
		n := 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if red(img.At(x, y)) {
					n++
				}
			}
		}
		return n
	}
	img, err = apply("image/watermark,text_" + b64("Hi") + ",color_FF0000,size_30,g_nw,x_0,y_0,shadow_50/format,png")
	require.NoError(t, err)
	require.Positive(t, count(img, image.Rect(0, 0, 40, 35)), "the text")
	require.Zero(t, count(img, image.Rect(60, 40, 200, 100)))
	img, err = apply("image/watermark,text_" + b64("Hi") + ",color_FF0000,size_20,fill_1,rotate_30/format,png")
	require.NoError(t, err)
	require.Positive(t, count(img, image.Rect(120, 60, 200, 100)), "tiled")
	loads = 0
	_, err = apply("image/watermark,image_" + b64("logo.png") + "/watermark,image_" + b64("logo.png") + ",g_nw")
	require.NoError(t, err)
	require.Equal(t, 1, loads, "read once a chain")

	var e *Error
	for process, want := range map[string]Error{
		"image/watermark,image_" + b64("none.png"):                                        {Code: "WatermarkError"},
		"image/watermark,text_SGVsbG8,image_" + b64("logo.png"):                           {Code: "NotImplemented", NotImplemented: true},
		"image/watermark,t_50":                                                            {Code: "MissingArgument"},
		"image/watermark,image_" + b64("logo.png?x-oss-process=image/watermark,image_YQ"): {Code: "InvalidArgument", EC: "0040-00000373"},
		"image/watermark,image_" + b64("logo.png") + ",t_101":                             {Code: "InvalidArgument"},
		"image/resize,P_50":                                                               {Code: "InvalidArgument"},
	} {
		_, err := apply(process)
		require.True(t, errors.As(err, &e), "%s: %v", process, err)
		require.Equal(t, want.Code, e.Code, process)
		require.Equal(t, want.EC, e.EC, process)
	}
}
