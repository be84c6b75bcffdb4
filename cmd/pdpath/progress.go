package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/term"

	"github.com/pdpath/pdpath/indexer/store"
)

// progressBar draws ingest progress on stderr when stderr is a terminal and
// stays silent otherwise, so logs and pipes are not filled with redraws.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	phase string
	last  int
}

func newProgressBar(w io.Writer) *progressBar {
	if f, ok := w.(*os.File); !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &progressBar{w: w, last: -1}
}

// update is a store.Options.Progress callback.
func (p *progressBar) update(pr store.Progress) {
	if p == nil || pr.Total <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	const width = 30
	filled := width * pr.Done / pr.Total
	if pr.Phase == p.phase && filled == p.last && pr.Done != pr.Total {
		return
	}
	if pr.Phase != p.phase && p.phase != "" {
		fmt.Fprintln(p.w)
	}
	p.phase, p.last = pr.Phase, filled
	fmt.Fprintf(p.w, "\r%-9s [%s%s] %d/%d", pr.Phase, strings.Repeat("#", filled), strings.Repeat(" ", width-filled), pr.Done, pr.Total)
}

// done ends the bar's line.
func (p *progressBar) done() {
	if p != nil && p.phase != "" {
		fmt.Fprintln(p.w)
	}
}
