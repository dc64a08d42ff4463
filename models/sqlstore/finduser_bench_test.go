package sqlstore_test

import (
	"context"
	"testing"

	"github.com/huifang/huifang/models/modelstest"
)

func BenchmarkStore_FindUser(b *testing.B) {
	store := modelstest.OpenMySQL(b)
	ctx := context.Background()
	if err := store.LoadDemo(ctx, 10001, 10002); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := store.FindUser(ctx, 10002); err != nil {
			b.Fatal(err)
		}
	}
}
