package recommender

import (
	"context"
	"testing"
)

// BenchmarkOpenModel measures opening a saved model (the semantic space
// mapped from its file, the rest derived from the records) beside building
// it, at each catalog size: the difference is what a server restart saves.
func BenchmarkOpenModel(b *testing.B) {
	for _, size := range benchSizes {
		b.Run("n="+size.name, func(b *testing.B) {
			skipLarge(b, size.n)
			bc := benchEngine(b, size.n)
			if bc.err != nil {
				b.Fatal(bc.err)
			}
			dir := b.TempDir()
			if err := bc.engine.Model().Save(dir); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := OpenModel(ctx, dir, bc.snap, BuildOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
