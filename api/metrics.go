package api

import (
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pdpath/pdpath/api/cache"
	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/feedsync"
)

// metrics are the server's Prometheus collectors.
type metrics struct {
	requests *prometheus.HistogramVec
	// observers holds the requests histogram resolved per route, method
	// and status (requestLabels -> prometheus.Observer), so a request does
	// not format and hash its labels again.
	observers   sync.Map
	rateLimited *prometheus.CounterVec
	ingestRuns  *prometheus.CounterVec
	ingested    *prometheus.CounterVec
	cache       *cache.Metrics
}

func newMetrics(reg prometheus.Registerer, cat Catalog, rec Recommender, cm *cache.Metrics) *metrics {
	if cm == nil {
		cm = cache.NewMetrics(reg)
	}
	m := &metrics{
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "pdpath_http_request_duration_seconds",
			Help: "HTTP request latency by route pattern, method and status code.",
			// From a cache hit (~100 µs) to a large plan (seconds).
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "code"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pdpath_rate_limited_total",
			Help: "Requests refused with 429, by role (anonymous for open readers).",
		}, []string{"role"}),
		ingestRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pdpath_ingest_runs_total",
			Help: "Feed syncs run by the server (on request or on schedule) by status (ok, not-modified, failed).",
		}, []string{"status"}),
		ingested: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pdpath_ingest_records_total",
			Help: "Credentials seen by the server's syncs, by change (added, updated, unchanged, retired, rejected).",
		}, []string{"change"}),
		cache: cm,
	}
	catalogVersion := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pdpath_catalog_version",
		Help: "The catalog version the server reads.",
	}, func() float64 { return float64(cat.Version()) })
	modelVersion := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pdpath_model_catalog_version",
		Help: "The catalog version the live recommender model was built from (0 before the first build).",
	}, func() float64 {
		if md := rec.Model(); md != nil {
			return float64(md.Version())
		}
		return 0
	})
	reg.MustRegister(m.requests, m.rateLimited, m.ingestRuns, m.ingested, catalogVersion, modelVersion)
	if ch, ok := cat.(catalogHealth); ok {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "pdpath_catalog_fallbacks_total",
			Help: "Times the server found a catalog generation damaged and fell back to the last complete one.",
		}, func() float64 { return float64(ch.Health().Fallbacks) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "pdpath_catalog_ready",
				Help: "1 while the catalog serves a sound generation, 0 while damage found in it has no replacement.",
			}, func() float64 {
				if ch.Health().Ready {
					return 1
				}
				return 0
			}))
	}
	return m
}

// countRun records one feed run and, when it ingested, its report.
func (m *metrics) countRun(status string, rep catalog.Report) {
	m.ingestRuns.WithLabelValues(status).Inc()
	if status != feedsync.StatusOK {
		return
	}
	m.ingested.WithLabelValues("added").Add(float64(rep.Added))
	m.ingested.WithLabelValues("updated").Add(float64(rep.Updated))
	m.ingested.WithLabelValues("unchanged").Add(float64(rep.Unchanged))
	m.ingested.WithLabelValues("retired").Add(float64(rep.Retired))
	m.ingested.WithLabelValues("rejected").Add(float64(len(rep.Rejected)))
}

// requestLabels are the labels of one series of the requests histogram.
type requestLabels struct {
	route, method string
	status        int
}

// observeRequest records one request's latency in its route, method and
// status series.
func (m *metrics) observeRequest(route, method string, status int, seconds float64) {
	l := requestLabels{route, method, status}
	o, ok := m.observers.Load(l)
	if !ok {
		o, _ = m.observers.LoadOrStore(l, m.requests.WithLabelValues(route, method, strconv.Itoa(status)))
	}
	o.(prometheus.Observer).Observe(seconds)
}
