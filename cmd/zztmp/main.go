package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/pdpath/pdpath/indexer/store"
	"github.com/pdpath/pdpath/recommender"
)

func main() {
	ctx := context.Background()
	t := time.Now()
	cat, err := store.Open(ctx, os.Args[1], store.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println("open", time.Since(t))
	f, _ := os.Create("/tmp/perfwork/open.prof")
	pprof.StartCPUProfile(f)
	t = time.Now()
	m, err := recommender.OpenModel(ctx, cat.GenerationDir(cat.Version()), cat.Snapshot(), recommender.BuildOptions{})
	pprof.StopCPUProfile()
	fmt.Println("model", time.Since(t), err, m != nil)
}
