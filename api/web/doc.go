// Package web owns the server-rendered pages of pdpath serve: the teacher's
// form and suggestions (/, /recommend), the catalog (/catalog,
// /credentials/{id}), the coach's plans and saved pathways (/coach,
// /coach/plan, /coach/pathways/…), the aggregator's feeds (/feeds) and
// the key sign-in (/signin).
//
// The pages are a client of the JSON API: each handler calls the API's
// own handler in-process with the visitor's key, so roles, --open-reader,
// rate limits, validation and the response cache are exactly the API's,
// and a 4xx from the API becomes a friendly page with the same status.
//
// Every page works without JavaScript: forms that only read submit with
// GET (so every result is a link), and forms that change state POST with a
// CSRF token. Text from feeds is escaped by html/template; a description
// that holds HTML goes through a bluemonday allow-list policy, and only
// http and https URLs ever become links.
package web
