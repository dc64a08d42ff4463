package importer

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// bigRows is the size of each sheet of the large workbook.
const bigRows = 10000

var (
	bigMu   sync.Mutex
	bigData = map[int][]byte{}
)

// bigWorkbook returns a workbook of n members and n sanctions, written
// with excelize's stream writer (dates as serial numbers, as Excel stores
// them), built once per size and test binary.
func bigWorkbook(tb testing.TB, n int) []byte {
	tb.Helper()
	bigMu.Lock()
	defer bigMu.Unlock()
	if data, ok := bigData[n]; ok {
		return data
	}
	data, err := writeBigWorkbook(n)
	must(tb, err)
	bigData[n] = data
	return data
}

func writeBigWorkbook(n int) (_ []byte, err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	if err := f.SetSheetName("Sheet1", "人员"); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet("处分"); err != nil {
		return nil, err
	}
	ranks := []string{"科级领导干部", "国家公务员", "其他"}
	kinds := []string{"党内警告", "记过", "留党察看", "政务警告", "降级"}
	err = streamSheet(f, "人员", memberHeader, n, func(i int) []any {
		key, reason := "否", ""
		if i%10 == 0 {
			key, reason = "是", "对处分不服"
		}
		return []any{fmt.Sprintf("成员%05d", i), fmt.Sprintf("东湖镇/第%d党支部", i%50), "科员", ranks[i%3], key, reason}
	})
	if err != nil {
		return nil, err
	}
	err = streamSheet(f, "处分", sanctionHeader, n, func(i int) []any {
		months := ""
		if kinds[i%5] == "留党察看" {
			months = "12"
		}
		serial := 45000 + i%900
		return []any{fmt.Sprintf("成员%05d", i), fmt.Sprintf("东湖镇/第%d党支部", i%50), kinds[i%5], months,
			fmt.Sprintf("东纪处〔2025〕%d号", i), serial, serial + 3}
	})
	if err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func streamSheet(f *excelize.File, sheet string, header []string, n int, row func(int) []any) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = h
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	for i := range n {
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, row(i)); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// TestParse_10k parses 10,000 members and 10,000 sanctions (2,000 of
// each under the race detector, to keep the run short).
func TestParse_10k(t *testing.T) {
	n := bigRows
	if raceEnabled {
		n = 2000
	}
	data := bigWorkbook(t, n)
	res, err := parseUnhurried("big.xlsx", data)
	must(t, err)
	if len(res.Members) != n || len(res.Sanctions) != n || len(res.Rejected) != 0 {
		t.Fatalf("%d members, %d sanctions, rejected %v", len(res.Members), len(res.Sanctions), res.Rejected[:min(5, len(res.Rejected))])
	}
	last := res.Sanctions[n-1]
	if last.Row != n+1 || last.DecisionDate.IsZero() || res.Members[0].Rank == "" {
		t.Errorf("last sanction %+v", last)
	}
}

// BenchmarkParse_10k parses a workbook of 10,000 members and 10,000
// sanctions; MB/op is the memory allocated per parse.
func BenchmarkParse_10k(b *testing.B) {
	data := bigWorkbook(b, bigRows)
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		res, err := Parse("big.xlsx", data, testToday)
		if err != nil || len(res.Members) != bigRows {
			b.Fatal(err, len(res.Members))
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/1e6, "MB/op")
}

// BenchmarkParse_10kCSV parses 10,000 sanctions from CSV.
func BenchmarkParse_10kCSV(b *testing.B) {
	var buf bytes.Buffer
	buf.Write(csvOf(sanctionHeader))
	for i := range bigRows {
		buf.Write(csvOf([]string{fmt.Sprintf("成员%05d", i), "东湖镇/机关党支部", "记过", "", fmt.Sprintf("东纪处〔2025〕%d号", i), "2025-11-20", ""}))
	}
	data := buf.Bytes()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse("big.csv", data, testToday); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse_Honest parses the honest files, for which the budget is
// 5 s and 200 MB. MB/op is the memory allocated per parse; peak-MB the
// most heap (live objects and garbage not yet swept) beyond what was in
// use before, sampled every millisecond: the 10 MB file itself is not in
// it.
func BenchmarkParse_Honest(b *testing.B) {
	for _, h := range honestFiles(b) {
		b.Run(h.name, func(b *testing.B) { benchParse(b, h.file, h.data, nil) })
	}
}

// BenchmarkParse_Probes parses the probes, each refused (or read) as
// TestParse_Probes says.
func BenchmarkParse_Probes(b *testing.B) {
	for _, p := range probes {
		b.Run(p.name, func(b *testing.B) { benchParse(b, p.file, p.build(b), p.want) })
	}
}

func benchParse(b *testing.B, file string, data []byte, want error) {
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	stop := samplePeakHeap()
	for b.Loop() {
		if _, err := Parse(file, data, testToday); !errors.Is(err, want) || want == nil && err != nil {
			b.Fatalf("error %v, want %v", err, want)
		}
	}
	peak := stop()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/1e6, "MB/op")
	b.ReportMetric(float64(peak-min(peak, before.HeapAlloc))/1e6, "peak-MB")
}

// samplePeakHeap samples the heap every millisecond until stop is called,
// which returns the most it saw.
func samplePeakHeap() (stop func() uint64) {
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var most uint64
		for {
			metrics.Read(s)
			most = max(most, s[0].Value.Uint64())
			select {
			case <-done:
				peak <- most
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		return <-peak
	}
}
