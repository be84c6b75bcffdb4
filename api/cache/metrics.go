package cache

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the cache's Prometheus collectors. Register them once per
// registry with NewMetrics; a nil *Metrics records nothing.
type Metrics struct {
	// Lookups counts response-cache lookups by route and result (hit,
	// miss, error: the backend failed and the response was computed).
	Lookups *prometheus.CounterVec
	// Shared counts misses answered by another request's computation of
	// the same key (singleflight).
	Shared *prometheus.CounterVec
	// BackendErrors counts failed backend operations by backend and
	// operation (get, set).
	BackendErrors *prometheus.CounterVec
	// BackendUp is 1 while the backend answers, 0 while it is skipped.
	BackendUp *prometheus.GaugeVec
}

// NewMetrics creates the collectors and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Lookups: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pdpath_cache_lookups_total",
			Help: "Response-cache lookups by route and result (hit, miss, error).",
		}, []string{"route", "result"}),
		Shared: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pdpath_cache_shared_total",
			Help: "Cache misses answered by a concurrent identical request's computation.",
		}, []string{"route"}),
		BackendErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pdpath_cache_backend_errors_total",
			Help: "Failed cache backend operations (Redis errors and timeouts) by backend and operation.",
		}, []string{"backend", "op"}),
		BackendUp: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "pdpath_cache_backend_up",
			Help: "1 while the cache backend answers, 0 while requests are served without it.",
		}, []string{"backend"}),
	}
	if reg != nil {
		reg.MustRegister(m.Lookups, m.Shared, m.BackendErrors, m.BackendUp)
	}
	return m
}

// lookups are one route's lookup counters, resolved once so a request
// does not hash its labels.
type lookups struct {
	hit, miss, error, shared prometheus.Counter
}

// forRoute resolves route's counters; nil (and every count a no-op) when m is.
func (m *Metrics) forRoute(route string) *lookups {
	if m == nil {
		return nil
	}
	return &lookups{
		hit:    m.Lookups.WithLabelValues(route, "hit"),
		miss:   m.Lookups.WithLabelValues(route, "miss"),
		error:  m.Lookups.WithLabelValues(route, "error"),
		shared: m.Shared.WithLabelValues(route),
	}
}

// add counts one lookup with result "hit", "miss", "error" or "shared".
func (l *lookups) add(result string) {
	if l == nil {
		return
	}
	switch result {
	case "hit":
		l.hit.Inc()
	case "miss":
		l.miss.Inc()
	case "error":
		l.error.Inc()
	case "shared":
		l.shared.Inc()
	}
}

func (m *Metrics) backendError(backend, op string) {
	if m != nil {
		m.BackendErrors.WithLabelValues(backend, op).Inc()
	}
}

func (m *Metrics) backendUp(backend string, up bool) {
	if m == nil {
		return
	}
	v := 0.0
	if up {
		v = 1
	}
	m.BackendUp.WithLabelValues(backend).Set(v)
}
