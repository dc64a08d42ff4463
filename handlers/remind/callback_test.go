package remind

import (
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

func TestParseReminderCallback(t *testing.T) {
	due := time.Date(2027, 3, 20, 0, 0, 0, 0, time.UTC)
	ok := []struct {
		name, data string
		want       ReminderCallback
	}{
		{"Visit", "r1:v:12:34", ReminderCallback{Action: rcVisit, Member: 12, Sanction: 34}},
		{"VisitNoSanction", "r1:v:12:0", ReminderCallback{Action: rcVisit, Member: 12}},
		{"New", "r1:n:12:34:0a1b2c3d", ReminderCallback{Action: rcNew, Member: 12, Sanction: 34, Arg: "0a1b2c3d"}},
		{"Snooze", "r1:z:b:12:34:0:20270320", ReminderCallback{Action: rcSnooze, Reason: models.DueBeforeExpiry, Member: 12, Sanction: 34, Due: due}},
		{"SnoozeFollowUp", "r1:z:f:12:0:56:20270320", ReminderCallback{Action: rcSnooze, Reason: models.DueFollowUp, Member: 12, Visit: 56, Due: due}},
		{"DoneBefore", "r1:f:56", ReminderCallback{Action: rcDone, Visit: 56}},
		{"DoneUnit", "r1:f:56:u", ReminderCallback{Action: rcDone, Visit: 56, Arg: doneUnit}},
		{"DoneBranch", "r1:f:56:b", ReminderCallback{Action: rcDone, Visit: 56, Arg: doneBranch}},
		{"Digest", "r1:d:daily", ReminderCallback{Action: rcDigest, Arg: "daily"}},
		{"Lang", "r1:l:en", ReminderCallback{Action: rcLang, Arg: "en"}},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseReminderCallback(tc.data)
			if err != nil {
				t.Fatalf("parse %q: %v", tc.data, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("parse %q (-want +got):\n%s", tc.data, diff)
			}
			if s := got.String(); s != tc.data {
				t.Errorf("String() = %q, want %q", s, tc.data)
			}
		})
	}
	bad := []string{
		"", "r1", "r1:", "r1:v", "r1:v:12", "r1:v:0:1", "r1:v:012:1", "r1:v:+1:1", "r1:v:1:-1", "r1:v:1:2:3",
		"r2:v:1:2", "v1:3:v:1", "r1:x:1", "r1:n:1:2:0A1B2C3D", "r1:n:1:2:abc", "r1:z:w:1:2:0:20270320",
		"r1:z:b:1:2:0:20270230", "r1:z:b:1:2:0:2027032", "r1:z:b:0:2:0:20270320", "r1:f:0", "r1:f:", "r1:f:1:", "r1:f:1:ub", "r1:f:1:x", "r1:f:0:u", "r1:f:1:u:b", "r1:c:1:u",
		"r1:d:hourly", "r1:l:fr", "r1:v:18446744073709551616:1", "r1:v:1:1" + strings.Repeat("0", 70),
	}
	for _, data := range bad {
		if c, err := ParseReminderCallback(data); err == nil {
			t.Errorf("parse %q = %+v, want an error", data, c)
		}
	}
}

func TestSnoozeData_Fits(t *testing.T) {
	it := models.DueItem{MemberID: 123456789, SanctionID: 987654321, VisitID: 0, Reason: models.DueAfterExpiry,
		Due: time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC)}
	data, ok := snoozeData(it)
	if !ok || len(data) > kit.MaxCallbackBytes {
		t.Fatalf("snoozeData = %q, %v", data, ok)
	}
	c, err := ParseReminderCallback(data)
	if err != nil || c.itemKey() != it.Key() {
		t.Fatalf("round trip: %+v %v, key %q want %q", c, err, c.itemKey(), it.Key())
	}
	huge := it
	huge.MemberID, huge.SanctionID, huge.VisitID = 1<<63, 1<<63, 1<<63
	if data, ok := snoozeData(huge); ok {
		t.Errorf("snoozeData of huge ids = %q, want no button", data)
	}
	if _, ok := snoozeData(models.DueItem{MemberID: 1, Reason: "other"}); ok {
		t.Error("snoozeData of an unknown reason, want no button")
	}
}

// FuzzParseReminderCallback checks that any accepted data is canonical,
// fits Telegram's limit and encodes back to itself.
func FuzzParseReminderCallback(f *testing.F) {
	for _, s := range []string{"r1:v:12:34", "r1:n:1:2:0a1b2c3d", "r1:z:b:12:34:0:20270320", "r1:f:9", "r1:f:9:b", "r1:d:off", "r1:l:zh", "r1:z:k:1:0:0:20240229"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseReminderCallback(s)
		if err != nil {
			return
		}
		if len(s) > kit.MaxCallbackBytes {
			t.Fatalf("accepted %d bytes", len(s))
		}
		if got := c.String(); got != s {
			t.Fatalf("ParseReminderCallback(%q).String() = %q", s, got)
		}
		if !strings.HasPrefix(s, Prefix) {
			t.Fatalf("accepted %q without the prefix", s)
		}
	})
}

// loadKeys reads the message ids of lang from the message files of this
// feature, of kit and of the root (the command descriptions).
func loadKeys(t *testing.T, lang string) map[string]bool {
	t.Helper()
	keys := map[string]bool{}
	for _, set := range []fs.FS{locales, kit.Locales, rootLocales} {
		files, err := fs.Glob(set, "locales/*."+lang+".toml")
		if err != nil || len(files) == 0 {
			t.Fatalf("message files of %s: %v %v", lang, files, err)
		}
		for _, f := range files {
			var m map[string]any
			if _, err := toml.DecodeFS(set, f, &m); err != nil {
				t.Fatalf("decode %s: %v", f, err)
			}
			for k := range m {
				keys[k] = true
			}
		}
	}
	return keys
}

// rootLocales are the root's message files, which hold the descriptions of
// every command.
var rootLocales = os.DirFS("..")

// TestRemindCatalogue_BuiltIDs checks the message ids this feature builds
// from a prefix and a code, or keeps in data, which the catalogue test
// cannot see.
func TestRemindCatalogue_BuiltIDs(t *testing.T) {
	zh, en := loadKeys(t, "zh"), loadKeys(t, "en")
	ids := []string{"rm_dg_more", "rm_dg_more_people", "cmd_due", "cmd_digest", "cmd_settings", "cmd_holidays",
		"rm_dg_overdue", "rm_dg_due_soon", "rm_dg_expiring", "rm_dg_key", "rm_dg_followups", "rm_dg_escalations",
		"rm_hol_syntax", "rm_hol_both", "rm_hol_bad_date", "rm_hol_wrong_year", "rm_hol_range_long"}
	for r := range reasonLetters {
		ids = append(ids, "reason_"+string(r))
	}
	for _, f := range digestFreqs {
		ids = append(ids, "rm_freq_"+f)
	}
	for _, id := range ids {
		if !zh[id] || !en[id] {
			t.Errorf("message %q missing (zh %v, en %v)", id, zh[id], en[id])
		}
	}
}
