package imgproc

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRequestBudget: a small source cannot make one request take
// gigabytes or minutes: an animation's frames are bounded together, a
// text watermark's size before it is drawn or turned, the work of a chain
// of filters as a whole, and the watermark images a chain decodes.
func TestRequestBudget(t *testing.T) {
	tooLarge := func(t *testing.T, process string, src []byte) {
		t.Helper()
		p, err := Parse(process)
		require.NoError(t, err)
		_, err = p.Apply(src)
		var e *Error
		require.True(t, errors.As(err, &e), "%v", err)
		require.Contains(t, []string{"ImageTooLarge", "WatermarkError"}, e.Code, e.Message)
	}
	tinyGIF := func(frames int) []byte {
		g := &gif.GIF{}
		for range frames {
			g.Image = append(g.Image, image.NewPaletted(image.Rect(0, 0, 1, 1), color.Palette{color.Black, color.White}))
			g.Delay = append(g.Delay, 1)
		}
		var b bytes.Buffer
		require.NoError(t, gif.EncodeAll(&b, g))
		return b.Bytes()
	}
	png1 := func(w, h int) []byte {
		var b bytes.Buffer
		require.NoError(t, png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h))))
		return b.Bytes()
	}
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

	// 16 frames of 1x1 resized to 16 M pixels each: 268 M pixels.
	tooLarge(t, "image/resize,m_fixed,w_4096,h_4096,limit_0", tinyGIF(16))
	// A wide text turned 45 degrees, and one too large to draw at all.
	tooLarge(t, "image/watermark,text_"+b64(strings.Repeat("W", 64))+",size_150,rotate_45", png1(1, 1))
	tooLarge(t, "image/watermark,text_"+b64(strings.Repeat("W", 64))+",size_1000", png1(1, 1))
	// The budgets at a smaller scale (the real ones take seconds to
	// reach): a chain of blurs each allowed alone, and watermarks
	// decoded in all.
	defer func(w, m int64) { maxWork, maxMarkPixels = w, m }(maxWork, maxMarkPixels)
	maxWork, maxMarkPixels = 20_000_000, 2_500_000
	tooLarge(t, "image/resize,m_fixed,w_400,h_100,limit_0"+strings.Repeat("/blur,r_50,s_50", 5), png1(1, 1))
	big := png1(1000, 1000) // 1 M pixels each
	p, err := Parse("image/watermark,image_" + b64("a.png") + "/watermark,image_" + b64("b.png") + "/watermark,image_" + b64("c.png"))
	require.NoError(t, err)
	p.Load = func(string) ([]byte, error) { return big, nil }
	_, err = p.Apply(png1(10, 10))
	var e *Error
	require.True(t, errors.As(err, &e), "%v", err)
	require.Equal(t, "WatermarkError", e.Code, e.Message)

	// What stays within the budget is served.
	for _, ok := range []string{"image/resize,m_fixed,w_400,h_300,limit_0/blur,r_5,s_5", "image/watermark,text_" + b64("hello") + ",size_40,rotate_30"} {
		p, err := Parse(ok)
		require.NoError(t, err)
		_, err = p.Apply(png1(20, 20))
		require.NoError(t, err, ok)
	}
	p, err = Parse("image/resize,w_2")
	require.NoError(t, err)
	_, err = p.Apply(tinyGIF(16))
	require.NoError(t, err, "a small animation")
}
