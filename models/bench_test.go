package models_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
)

// BenchmarkStore_SearchMembers searches a roster of 5,000 members on MySQL,
// each search with its audit row in one transaction.
func BenchmarkStore_SearchMembers(b *testing.B) {
	s := modelstest.OpenMySQL(b)
	ctx := context.Background()
	if err := s.LoadDemo(ctx, adminTG, inspectorTG); err != nil {
		b.Fatal(err)
	}
	var units []uint64
	for _, n := range []string{"东湖镇机关党支部（演示）", "东湖村党支部（演示）", "西山街道城管执法中队（演示）", "西山社区党支部（演示）"} {
		u, err := s.FindUnitByName(ctx, n)
		if err != nil {
			b.Fatal(err)
		}
		units = append(units, u.ID)
	}
	surnames := []rune("赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许")
	members := make([]models.Member, 5000)
	for i := range members {
		members[i] = models.Member{
			Name:   string(surnames[i%len(surnames)]) + "某" + strconv.Itoa(i),
			UnitID: units[i%len(units)],
			Rank:   models.RankOther,
		}
	}
	if err := models.InsertForTest(ctx, s, &members); err != nil {
		b.Fatal(err)
	}
	east, err := s.FindUnitByName(ctx, "东湖镇（演示）")
	if err != nil {
		b.Fatal(err)
	}
	inspector := models.Viewer{TelegramID: inspectorTG, Role: models.RoleInspector, UnitID: east.ID}
	for _, q := range []struct{ name, query string }{
		{"Exact", "张三"},
		{"Substring", "某12"},
		{"ID", strconv.FormatUint(members[0].ID, 10)},
	} {
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.SearchMembers(ctx, inspector, q.query, 20); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
