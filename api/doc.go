// Package api is pdpath's HTTP service: the /v1 routes (api/README.md) on Gin, with API
// keys and roles, per-key rate limits (package ratelimit: in-process, or in
// Redis shared by every server), a Redis (or in-process) response cache
// scoped by catalog version, Prometheus metrics, structured logs and
// graceful shutdown. It holds only HTTP: handlers decode a request, call
// the package that owns the rule (the pathway service, the feed syncer,
// the key store, the recommender) and encode the answer; errors are turned
// into statuses by their kind (package derrors), in one place.
//
// Dependencies arrive through one Config; only cmd/pdpath picks the concrete
// ones. Handlers return errors, and one adapter (writeError) turns an *Error
// — the client's message plus the logged cause — or any other error into a
// status and the JSON body {"error":{"code","message"}}. The middleware
// chain is assembled in one place, routes(), with its order constraints
// written beside it. The OpenAPI document that describes every route lives
// in package openapi and is served at /openapi.json; the tests validate real
// requests and responses against it.
//
// The server follows the catalog: a watcher moves to new catalog generations
// written by other processes, an in-process sync (upload or feed) makes its
// result visible before it answers, and every cache key carries the catalog
// version, so no stale entry is served after a change.
package api
