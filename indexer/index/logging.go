package index

import (
	"log"
	"log/slog"

	"github.com/blevesearch/bleve/v2"
)

// SetLogger routes what Bleve writes into l, as structured records with
// component=bleve: Bleve's own logger and the standard library's default
// logger, which Bleve's storage layer writes to ("unable to load snapshot
// ..."). Call it once, when a command has built its logger; it changes
// process-wide state.
func SetLogger(l *slog.Logger) {
	h := l.With("component", "bleve").Handler()
	bleve.SetLog(slog.NewLogLogger(h, slog.LevelInfo))
	std := slog.NewLogLogger(h, slog.LevelWarn)
	log.SetFlags(0)
	log.SetPrefix("")
	log.SetOutput(std.Writer())
}
