package models_test

import (
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
