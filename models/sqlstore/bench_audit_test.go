package sqlstore_test

import (
	"context"
	"testing"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
)

// BenchmarkStore_AuditedView measures a cheap audited transaction (an
// exact-name search with one result: indexed reads and its audit row) on MySQL,
// one at a time and from 16 goroutines at once: the audit rows of
// concurrent transactions are chained one after the other (auditchain.go),
// so this is where the chain costs.
func BenchmarkStore_AuditedView(b *testing.B) {
	s := modelstest.OpenMySQL(b)
	ctx := context.Background()
	if err := s.LoadDemo(ctx, adminTG, inspectorTG); err != nil {
		b.Fatal(err)
	}
	admin := models.Viewer{TelegramID: adminTG, Role: models.RoleAdmin}
	ms, err := s.SearchMembers(ctx, admin, "李四", 1)
	if err != nil {
		b.Fatal(err)
	}
	query := func() error {
		_, err := s.SearchMembers(ctx, admin, ms[0].Member.Name, 1)
		return err
	}
	b.Run("Serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := query(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Parallel16", func(b *testing.B) {
		b.ReportAllocs()
		b.SetParallelism(8) // 8 × GOMAXPROCS (2) goroutines
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := query(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
