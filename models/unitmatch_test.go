package models_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/models"
)

func TestMatchUnits(t *testing.T) {
	units := []models.Unit{
		{ID: 1, Name: "示范区纪委（演示）"},
		{ID: 2, Name: "东湖镇（演示）"},
		{ID: 3, Name: "东湖村党支部（演示）"},
		{ID: 4, Name: "西山街道（演示）"},
		{ID: 5, Name: "东湖镇"},
		{ID: 6, Name: "东湖镇机关党支部（演示）"},
		{ID: 7, Name: "北山乡【试点】"},
		{ID: 8, Name: "北山乡林场"},
	}
	ids := func(us []models.Unit) []uint64 {
		var out []uint64
		for _, u := range us {
			out = append(out, u.ID)
		}
		return out
	}
	for q, want := range map[string][]uint64{
		"东湖镇（演示）":    {2},             // the whole name
		"东湖镇(演示)":    {2},             // ASCII brackets
		" 东湖镇 （演示） ": {2},             // spaces
		"东湖镇":        {5},             // a whole name wins over the names containing it
		"东湖镇机关党支部":   {6},             // the name without what stands in brackets
		"北山乡":        {7},             // 【】 are brackets too
		"东湖":         {2, 3, 5, 6},    // a part
		"机关":         {6},             // a part in the middle
		"4":          {4},             // a number
		"xishan":     {4},             // full pinyin
		"XiShan":     {4},             // any case
		"shan":       {4, 7, 8},       // from a syllable on
		"jiedao":     {4},             // a later syllable
		"dhz":        {2, 5, 6},       // initials
		"donghuzhen": {2, 5, 6},       // full pinyin of a part
		"ishan":      nil,             // not from a syllable
		"演示":         {1, 2, 3, 4, 6}, // the demo's mark
		"南山":         nil,
		"":           nil,
		"  ":         nil,
	} {
		if got := ids(models.MatchUnits(units, q)); !cmp.Equal(got, want) {
			t.Errorf("MatchUnits(%q) = %v, want %v", q, got, want)
		}
	}
}

func TestPinyin(t *testing.T) {
	for name, want := range map[string][2]string{
		"张三":       {"zhangsan", "zs"},
		"阿依古丽·买买提": {"ayiguli" + "maimaiti", "aygl" + "mmt"},
		"东湖镇（演示）":  {"donghuzhenyanshi", "dhzys"},
		"Li Lei 2": {"lilei2", "lilei2"},
	} {
		full, initials := models.Pinyin(name)
		if full != want[0] || initials != want[1] {
			t.Errorf("Pinyin(%q) = %q, %q, want %q, %q", name, full, initials, want[0], want[1])
		}
	}
}

// TestMatchScope: a name that finds a unit and units inside it means that
// unit (its subtree is the scope); units side by side stay several.
func TestMatchScope(t *testing.T) {
	units := []models.Unit{
		{ID: 1, Name: "示范区纪委（演示）", Path: "/1/"},
		{ID: 2, Name: "东湖镇（演示）", Path: "/1/2/"},
		{ID: 3, Name: "东湖村党支部（演示）", Path: "/1/2/3/"},
		{ID: 6, Name: "东湖镇机关党支部（演示）", Path: "/1/2/6/"},
		{ID: 4, Name: "西山街道（演示）", Path: "/1/4/"},
		{ID: 7, Name: "西山社区党支部（演示）", Path: "/1/4/7/"},
		{ID: 8, Name: "东湖林场", Path: "/1/8/"},
	}
	for q, want := range map[string][]uint64{
		"东湖镇": {2},          // the township, not also its two branches
		"西山":  {4},          // the street office holds the community branch
		"党支部": {3, 6, 7},    // side by side: no one holds the others
		"东湖":  {2, 3, 6, 8}, // the forest farm is not inside the township
		"纪委":  {1},
		"南山":  nil,
	} {
		var got []uint64
		for _, u := range models.MatchScope(units, q) {
			got = append(got, u.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("MatchScope(%q) = %v, want %v", q, got, want)
		}
	}
}
