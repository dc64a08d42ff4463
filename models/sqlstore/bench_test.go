package sqlstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
	"github.com/huifang/huifang/models/sqlstore"
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
	if err := sqlstore.InsertForTest(ctx, s, &members); err != nil {
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

// importSize is the size of BenchmarkStore_ImportRoster's file: that many
// member rows and as many sanction rows.
const importSize = 10_000

// rosterFile returns importSize members spread over units and one sanction
// for each, named with tag so that every tag is a new roster.
func rosterFile(units []string, tag string) ([]models.ImportMember, []models.ImportSanction) {
	surnames := []rune("赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许")
	members := make([]models.ImportMember, importSize)
	sanctions := make([]models.ImportSanction, importSize)
	for i := range members {
		name := string(surnames[i%len(surnames)]) + tag + strconv.Itoa(i)
		unit := units[i%len(units)]
		members[i] = models.ImportMember{Row: i + 2, Name: name, UnitName: unit, Post: "科员", Rank: models.RankOther}
		sanctions[i] = models.ImportSanction{Row: i + 2, MemberName: name, UnitName: unit, Kind: models.GovDemerit,
			DecisionNo: "导" + tag + "〔2026〕" + strconv.Itoa(i) + "号", DecisionDate: time.Date(2026, 1, 1+i%28, 0, 0, 0, 0, time.UTC)}
	}
	return members, sanctions
}

// BenchmarkStore_ImportRoster imports 10,000 members and 10,000 sanctions
// on MySQL: new rows (one transaction, batched inserts), the same file
// again (nothing changes), and a preview of new rows.
func BenchmarkStore_ImportRoster(b *testing.B) {
	s := modelstest.OpenMySQL(b)
	ctx := context.Background()
	if err := s.LoadDemo(ctx, adminTG, inspectorTG); err != nil {
		b.Fatal(err)
	}
	units := []string{"东湖镇机关党支部（演示）", "东湖村党支部（演示）", "西山街道城管执法中队（演示）", "西山社区党支部（演示）"}
	admin := models.Viewer{TelegramID: adminTG, Role: models.RoleAdmin}
	run := func(b *testing.B, apply bool, file func(i int) ([]models.ImportMember, []models.ImportSanction), want int) {
		i := 0
		for b.Loop() {
			members, sanctions := file(i)
			res, err := s.ImportRoster(ctx, admin, members, sanctions, nil, apply)
			if err != nil || len(res.Rejected) > 0 || res.NewMembers+res.Unchanged != want {
				b.Fatalf("import = %+v (%d rejected), %v", res.NewMembers, len(res.Rejected), err)
			}
			i++
		}
	}
	b.Run("New", func(b *testing.B) {
		run(b, true, func(i int) ([]models.ImportMember, []models.ImportSanction) {
			return rosterFile(units, "新"+strconv.Itoa(i)+"-")
		}, importSize)
	})
	same, sameSanctions := rosterFile(units, "同")
	if _, err := s.ImportRoster(ctx, admin, same, sameSanctions, nil, true); err != nil {
		b.Fatal(err)
	}
	b.Run("Unchanged", func(b *testing.B) {
		run(b, true, func(int) ([]models.ImportMember, []models.ImportSanction) { return same, sameSanctions }, 2*importSize)
	})
	b.Run("Preview", func(b *testing.B) {
		run(b, false, func(i int) ([]models.ImportMember, []models.ImportSanction) {
			return rosterFile(units, "览"+strconv.Itoa(i)+"-")
		}, importSize)
	})
}
