package reports

import (
	"bytes"
	_ "embed" // the font
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strconv"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/huifang/huifang/models"
)

// The chart's font: Noto Sans CJK SC cut to GB2312, ASCII and CJK
// punctuation (font/make-subset.sh; SIL Open Font License, font/OFL.txt),
// OpenType/CFF, which x/image's opentype reads. A character outside it
// is drawn as the font's .notdef box.
//
//go:embed font/NotoSansSC-GB2312.otf
var fontData []byte

var parsedFont = sync.OnceValues(func() (*opentype.Font, error) { return opentype.Parse(fontData) })

// The chart's size in pixels.
const (
	ChartWidth  = 1200
	chartTop    = 560 // height of the visits per month
	rowHeight   = 50  // per unit of the coverage
	chartMargin = 24
)

var (
	colBackground = color.RGBA{255, 255, 255, 255}
	colText       = color.RGBA{33, 33, 33, 255}
	colGrid       = color.RGBA{224, 224, 224, 255}
	colBar        = color.RGBA{46, 117, 182, 255}
	colMandatory  = color.RGBA{197, 90, 17, 255}
	colKey        = color.RGBA{84, 130, 53, 255}
	colTrack      = color.RGBA{242, 242, 242, 255}
)

// ChartHeight is the height of f's chart: the visits per month and one
// row per unit of the coverage.
func ChartHeight(f models.Figures) int {
	return chartTop + 90 + rowHeight*max(len(f.Rows), 1) + chartMargin
}

// canvas draws on an image with the chart's font.
type canvas struct {
	img         *image.RGBA
	face, small font.Face
}

// Chart draws f's PNG for the chat: the final visits per month as
// columns, then per unit of the figures the coverage of the mandatory
// (a/b) and key (c/d) targets as bars.
func Chart(f models.Figures, tr Text) ([]byte, error) {
	fnt, err := parsedFont()
	if err != nil {
		return nil, fmt.Errorf("chart font: %w", err)
	}
	c := canvas{img: image.NewRGBA(image.Rect(0, 0, ChartWidth, ChartHeight(f)))}
	if c.face, err = opentype.NewFace(fnt, &opentype.FaceOptions{Size: 22, DPI: 72, Hinting: font.HintingNone}); err != nil {
		return nil, fmt.Errorf("chart face: %w", err)
	}
	defer c.face.Close()
	if c.small, err = opentype.NewFace(fnt, &opentype.FaceOptions{Size: 17, DPI: 72, Hinting: font.HintingNone}); err != nil {
		return nil, fmt.Errorf("chart face: %w", err)
	}
	defer c.small.Close()
	draw.Draw(c.img, c.img.Bounds(), image.NewUniform(colBackground), image.Point{}, draw.Src)
	c.months(f, tr)
	c.coverage(f, tr)
	var buf bytes.Buffer
	if err := png.Encode(&buf, c.img); err != nil {
		return nil, fmt.Errorf("encode chart: %w", err)
	}
	return buf.Bytes(), nil
}

func (c *canvas) rect(x0, y0, x1, y1 int, col color.Color) {
	draw.Draw(c.img, image.Rect(x0, y0, x1, y1), image.NewUniform(col), image.Point{}, draw.Over)
}

// text draws s with its baseline at y, starting at x (align 0), centred
// on x (1) or ending at x (2).
func (c *canvas) text(face font.Face, s string, x, y, align int) {
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(colText), Face: face}
	w := d.MeasureString(s).Round()
	x -= w * align / 2
	d.Dot = fixed.P(x, y)
	d.DrawString(s)
}

// months draws the final visits per month.
func (c *canvas) months(f models.Figures, tr Text) {
	c.text(c.face, tr("rp_png_months", "Year", f.Year, "N", f.Total.Visits), ChartWidth/2, 40, 1)
	top, bottom, left, right := 80, chartTop-50, 80, ChartWidth-chartMargin
	peak := 1
	for _, n := range f.PerMonth {
		peak = max(peak, n)
	}
	step := niceStep(peak)
	peak = (peak + step - 1) / step * step
	for v := 0; v <= peak; v += step {
		y := bottom - (bottom-top)*v/peak
		c.rect(left, y, right, y+1, colGrid)
		c.text(c.small, strconv.Itoa(v), left-8, y+6, 2)
	}
	slot := (right - left) / 12
	for m, n := range f.PerMonth {
		x := left + m*slot
		h := (bottom - top) * n / peak
		c.rect(x+slot/5, bottom-h, x+slot-slot/5, bottom, colBar)
		if n > 0 {
			c.text(c.small, strconv.Itoa(n), x+slot/2, bottom-h-6, 1)
		}
		c.text(c.small, tr("rp_month", "M", m+1), x+slot/2, bottom+26, 1)
	}
}

// niceStep is a grid step of 1, 2 or 5 times a power of ten giving at
// most about six lines up to peak.
func niceStep(peak int) int {
	for p := 1; ; p *= 10 {
		for _, s := range []int{1, 2, 5} {
			if peak/(s*p) <= 6 {
				return s * p
			}
		}
	}
}

// coverage draws per unit the mandatory and key targets visited.
func (c *canvas) coverage(f models.Figures, tr Text) {
	y := chartTop + 20
	c.text(c.face, tr("rp_png_coverage"), ChartWidth/2, y, 1)
	y += 30
	c.rect(ChartWidth/2-260, y-12, ChartWidth/2-244, y+2, colMandatory)
	c.text(c.small, tr("rp_png_mandatory"), ChartWidth/2-238, y, 0)
	c.rect(ChartWidth/2+40, y-12, ChartWidth/2+56, y+2, colKey)
	c.text(c.small, tr("rp_png_key"), ChartWidth/2+62, y, 0)
	y += 30
	labelRight, left, right := 300, 320, ChartWidth-160
	if len(f.Rows) == 0 {
		c.text(c.small, tr("rp_png_none"), ChartWidth/2, y+24, 1)
	}
	for _, u := range f.Rows {
		t := f.UnitTotal(u.ID)
		c.text(c.small, clip(c.small, u.Name, labelRight-chartMargin), labelRight, y+26, 2)
		bar := func(yy, visited, all int, col color.Color) {
			c.rect(left, yy, right, yy+14, colTrack)
			if all > 0 {
				c.rect(left, yy, left+(right-left)*visited/all, yy+14, col)
			}
			c.text(c.small, fmt.Sprintf("%d/%d", visited, all), right+10, yy+13, 0)
		}
		bar(y+4, t.MandatoryVisited, t.Mandatory, colMandatory)
		bar(y+26, t.KeyVisited, t.Key, colKey)
		y += rowHeight
	}
}

// clip shortens s with an ellipsis to fit width pixels.
func clip(face font.Face, s string, width int) string {
	if font.MeasureString(face, s).Round() <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && font.MeasureString(face, string(r)+"…").Round() > width {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}
