package importer

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// Honest files as large as Parse takes: the control for the probes, and
// what the time and memory budget is measured on (BenchmarkParse_Honest).

// honestRows is each sheet's rows in the honest files: the most allowed.
const honestRows = MaxDataRows

// honestFile is an honest file of one of the shapes below.
type honestFile struct {
	name      string
	file      string
	sanctions bool // a workbook's 处分 sheet is filled too
	reason    int  // 重点原因 runs from reason to 2*reason Han characters
	keyEvery  int  // every keyEvery-th member is 重点, with a reason
	picture   int  // bytes of random picture in the workbook
	data      []byte
	err       error
}

// honest are the honest files: the heaviest to parse, a workbook of
// MaxFileBytes and a CSV file of MaxFileBytes. Names and reasons are
// random Han characters, which compress no better than real ones. Text
// cannot fill 10 MB within MaxUnpackedBytes (a full roster's XML
// compresses three- to tenfold), so the 10 MB workbook holds a picture (a
// scanned seal, say) of random bytes.
var honest = []*honestFile{
	{name: "XLSXMostRows", file: "a.xlsx", sanctions: true, reason: 60, keyEvery: 2},
	{name: "XLSX10MB", file: "a.xlsx", reason: 10, keyEvery: 2, picture: 8_400_000},
	{name: "CSV10MB", file: "a.csv", reason: 95, keyEvery: 1},
}

var honestOnce sync.Once

// honestFiles builds the honest files once per test binary.
func honestFiles(tb testing.TB) []*honestFile {
	tb.Helper()
	honestOnce.Do(func() {
		for i, h := range honest {
			rng := rand.New(rand.NewPCG(7, uint64(i)))
			members, sanctions := honestRecords(rng, h.reason, h.keyEvery)
			if h.file == "a.csv" {
				h.data = csvOf(append([][]string{memberHeader}, members...)...)
				continue
			}
			if !h.sanctions {
				sanctions = nil
			}
			h.data, h.err = honestWorkbook(tb, rng, members, sanctions, h.picture)
		}
	})
	for _, h := range honest {
		must(tb, h.err)
	}
	return honest
}

// honestRecords returns valid member and sanction rows.
func honestRecords(rng *rand.Rand, reason, keyEvery int) (members, sanctions [][]string) {
	han := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteRune(rune(0x4E00 + rng.IntN(0x9FA5-0x4E00)))
		}
		return b.String()
	}
	ranks := []string{"科级领导干部", "国家公务员", "其他"}
	kinds := []string{"党内警告", "记过", "留党察看", "政务警告", "降级"}
	for i := range honestRows {
		name, unit := han(2+rng.IntN(2)), fmt.Sprintf("%s镇/第%d党支部", han(2), rng.IntN(40))
		key, why := "否", ""
		if i%keyEvery == 0 {
			key, why = "是", han(reason+rng.IntN(reason+1))
		}
		members = append(members, []string{name, unit, han(4) + "主任", ranks[i%3], key, why})
		months := ""
		if kinds[i%5] == "留党察看" {
			months = "12"
		}
		serial := fmt.Sprint(44000 + rng.IntN(1800))
		sanctions = append(sanctions, []string{name, unit, kinds[i%5], months,
			fmt.Sprintf("%s纪处〔2025〕%d号", han(2), i), serial, serial})
	}
	return members, sanctions
}

// honestWorkbook writes the rows as Excel would: text in the shared-string
// table, serial dates as numbers.
func honestWorkbook(tb testing.TB, rng *rand.Rand, members, sanctions [][]string, picture int) ([]byte, error) {
	base := mustXLSX(tb, sheet{"人员", [][]any{anyRow(memberHeader)}}, sheet{"处分", [][]any{anyRow(sanctionHeader)}})
	sst := map[string]int{}
	var texts []string
	index := func(s string) int {
		i, ok := sst[s]
		if !ok {
			i = len(texts)
			sst[s] = i
			texts = append(texts, s)
		}
		return i
	}
	sheetOf := func(name string, header []string, rows [][]string, numeric func(col int) bool) part {
		var b bytes.Buffer
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="%s"><sheetData>`, xmlns)
		for r, row := range append([][]string{header}, rows...) {
			fmt.Fprintf(&b, `<row r="%d">`, r+1)
			for c, v := range row {
				switch {
				case v == "":
				case r > 0 && numeric(c):
					fmt.Fprintf(&b, `<c r="%s%d"><v>%s</v></c>`, columnLetters(c), r+1, v)
				default:
					fmt.Fprintf(&b, `<c r="%s%d" t="s"><v>%d</v></c>`, columnLetters(c), r+1, index(v))
				}
			}
			b.WriteString("</row>")
		}
		b.WriteString("</sheetData></worksheet>")
		return part{name: name, write: func(w *bufio.Writer) error { _, err := w.Write(b.Bytes()); return err }}
	}
	parts := []part{
		sheetOf("xl/worksheets/sheet1.xml", memberHeader, members, func(int) bool { return false }),
		sheetOf("xl/worksheets/sheet2.xml", sanctionHeader, sanctions, func(c int) bool { return c >= 5 }),
	}
	parts = append(parts, part{name: "xl/sharedStrings.xml", write: func(w *bufio.Writer) error {
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="%s" count="%d" uniqueCount="%d">`, xmlns, len(texts), len(texts))
		for _, s := range texts {
			fmt.Fprintf(w, "<si><t>%s</t></si>", s)
		}
		_, err := w.WriteString("</sst>")
		return err
	}})
	if picture > 0 {
		parts = append(parts, part{name: "xl/media/image1.png", write: func(w *bufio.Writer) error {
			var b [8]byte
			for range picture / len(b) {
				for i := range b {
					b[i] = byte(rng.Uint32())
				}
				w.Write(b[:])
			}
			return nil
		}})
	}
	return mustPatchXLSX(tb, base, parts...), nil
}

// TestParse_Honest reads the honest files whole: the limits leave the
// largest honest files alone. The time budget is BenchmarkParse_Honest's
// to measure; here a generous deadline keeps the race detector (which
// slows excelize sixfold) or a busy machine from failing the test.
func TestParse_Honest(t *testing.T) {
	if raceEnabled {
		t.Skip("the honest files take half a minute under the race detector; the plain run reads them")
	}
	for _, h := range honestFiles(t) {
		t.Run(h.name, func(t *testing.T) {
			t.Logf("%.1f MB", float64(len(h.data))/(1<<20))
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := ParseContext(ctx, h.file, h.data, testToday)
			must(t, err)
			wantSanctions := 0
			if h.sanctions {
				wantSanctions = honestRows
			}
			if len(res.Members) != honestRows || len(res.Sanctions) != wantSanctions || len(res.Rejected) > 0 {
				t.Errorf("%d members, %d sanctions, rejected %v", len(res.Members), len(res.Sanctions), res.Rejected[:min(3, len(res.Rejected))])
			}
		})
	}
}
