package importer

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"
)

// maxProbeAlloc bounds what Parse may allocate on a probe, a generous
// bound: the largest takes under 20 MB, the budget is 200 MB at peak, and
// before the limits the probes took from 1 GB to 110 GB. Bytes allocated
// do not depend on timing, so the bound makes a stable test, unlike one on
// time or on the peak heap (see BenchmarkParse_Probes for those).
const maxProbeAlloc = 64 << 20

// TestParse_Probes parses each probe: refused with its error, or read
// with its one member, and within maxProbeAlloc either way.
func TestParse_Probes(t *testing.T) {
	for _, p := range probes {
		t.Run(p.name, func(t *testing.T) {
			data := p.build(t)
			var (
				res Result
				err error
			)
			alloc := allocated(func() { res, err = parseUnhurried(p.file, data) })
			wantErr(t, err, p.want)
			if p.want == nil && len(res.Members) != 1 {
				t.Errorf("members %+v, rejected %+v", res.Members, res.Rejected)
			}
			if alloc > maxProbeAlloc {
				t.Errorf("%d MB allocated, want at most %d MB", alloc>>20, maxProbeAlloc>>20)
			}
		})
	}
}

// parseUnhurried parses without the default 5 s budget (tested on its own
// below), so that the race detector on a loaded machine cannot turn a
// check of what a file holds into a check of the clock.
func parseUnhurried(name string, data []byte) (Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	return ParseContext(ctx, name, data, testToday)
}

// allocated returns the bytes fn allocates.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestParse_ErrorsDistinct checks that each refusal matches itself and its
// broader error, and no other refusal.
func TestParse_ErrorsDistinct(t *testing.T) {
	refusals := map[error]error{
		ErrUnpackedTooLarge: ErrTooLarge, ErrTooManySharedStrings: ErrTooLarge, ErrTooManyRows: ErrTooLarge,
		ErrCellBeyondHeader: ErrTooLarge, ErrTooComplex: ErrTooLarge, ErrTimeBudget: ErrTooLarge,
		ErrEncoding: ErrFileType,
	}
	for err, broader := range refusals {
		if !errors.Is(err, broader) {
			t.Errorf("%v does not match %v", err, broader)
		}
		for other := range refusals {
			if other != err && errors.Is(err, other) {
				t.Errorf("%v matches %v", err, other)
			}
		}
	}
}

func TestParseContext_Deadline(t *testing.T) {
	data := mustXLSX(t, sheet{"人员", [][]any{anyRow(memberHeader), anyRow(okMember)}})
	for _, tc := range []struct {
		name, file string
		data       []byte
	}{{"XLSX", "a.xlsx", data}, {"CSV", "a.csv", csvOf(memberHeader, okMember)}} {
		t.Run(tc.name+"/Expired", func(t *testing.T) {
			ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
			defer cancel()
			_, err := ParseContext(ctx, tc.file, tc.data, testToday)
			wantErr(t, err, ErrTimeBudget)
			wantErr(t, err, context.DeadlineExceeded)
		})
		t.Run(tc.name+"/Cancelled", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			_, err := ParseContext(ctx, tc.file, tc.data, testToday)
			wantErr(t, err, context.Canceled)
			if errors.Is(err, ErrTimeBudget) || errors.Is(err, ErrTooLarge) {
				t.Errorf("cancelled parse refuses the file: %v", err)
			}
		})
	}
}

// TestParseContext_Midway runs out of time half way through a sheet: the
// parse stops there, with ErrTimeBudget and no result.
func TestParseContext_Midway(t *testing.T) {
	rows := [][]any{anyRow(memberHeader)}
	for range 1000 {
		rows = append(rows, anyRow(okMember))
	}
	for _, tc := range []struct {
		name, file string
		data       []byte
	}{
		{"XLSX", "a.xlsx", mustXLSX(t, sheet{"人员", rows})},
		{"CSV", "a.csv", csvOf(append([][]string{memberHeader}, repeatRow(okMember, 1000)...)...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := &countdownCtx{Context: context.Background(), left: 500}
			res, err := ParseContext(ctx, tc.file, tc.data, testToday)
			wantErr(t, err, ErrTimeBudget)
			if ctx.left > 0 || len(res.Members) > 0 {
				t.Errorf("%d checks left, %d members", ctx.left, len(res.Members))
			}
		})
	}
}

// countdownCtx is a context whose deadline passes after its Err has been
// asked left times: a deadline in the middle of a parse, without a clock.
type countdownCtx struct {
	context.Context
	left int
}

func (c *countdownCtx) Deadline() (time.Time, bool) { return time.Now().Add(time.Hour), true }

func (c *countdownCtx) Err() error {
	if c.left--; c.left < 0 {
		return context.DeadlineExceeded
	}
	return nil
}

func repeatRow(row []string, n int) [][]string {
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = row
	}
	return rows
}
