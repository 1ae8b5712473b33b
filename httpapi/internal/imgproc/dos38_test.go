package imgproc

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestDos38FilledTextTilesArePaid: a filled text watermark pays for each
// tile it draws, not only for the image's pixels. A "." at size 1 tiled
// over a 7000x7000 source of 62 KB drew 5.4 million tiles and took 12 s
// for one action (and ten such actions fit the 10^9 budget): it is now
// ImageTooLarge before anything is drawn. A fill of ordinary text is
// drawn as before.
func TestDos38FilledTextTilesArePaid(t *testing.T) {
	var big bytes.Buffer
	require.NoError(t, png.Encode(&big, image.NewGray(image.Rect(0, 0, 7000, 7000))))
	p, err := Parse("image/watermark,text_Lg,size_1,fill_1,x_0,y_0")
	require.NoError(t, err)
	start := time.Now()
	_, err = p.Apply(big.Bytes())
	var e *Error
	require.True(t, errors.As(err, &e), "%v", err)
	require.Equal(t, "ImageTooLarge", e.Code)
	require.Less(t, time.Since(start), 8*time.Second)

	var small bytes.Buffer
	require.NoError(t, png.Encode(&small, image.NewGray(image.Rect(0, 0, 1000, 800))))
	p, err = Parse("image/watermark,text_b3NzbGl0ZQ,size_40,fill_1")
	require.NoError(t, err)
	res, err := p.Apply(small.Bytes())
	require.NoError(t, err)
	require.NotEmpty(t, res.Body)
}
