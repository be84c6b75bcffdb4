package api

import (
	"net/http"
	"testing"
)

// TestFeedRegistrationRefusesSpecialAddresses reproduces feeds registered
// at addresses that embed or stand for local ones, or spelled with
// full-width digits.
func TestFeedRegistrationRefusesSpecialAddresses(t *testing.T) {
	h := newHarness(t, options{memory: true})
	for _, u := range []string{
		"http://１２７.０.０.１/feed.csv",
		"http://127.1/feed.csv",
		"http://[::127.0.0.1]/feed.csv",
		"http://[::ffff:127.0.0.1]/feed.csv",
		"http://[2002:7f00:1::1]/feed.csv",
		"http://[2001::1]/feed.csv",
		"http://[64:ff9b:1::1]/feed.csv",
		"http://[fec0::1]/feed.csv",
		"http://[100::1]/feed.csv",
		"http://[fd00::1]/feed.csv",
		"http://100.64.0.1/feed.csv",
	} {
		t.Run(u, func(t *testing.T) {
			h.t = t
			r := h.do("POST", "/v1/feeds", "aggregator", `{"url":"`+u+`"}`)
			if r.status != http.StatusBadRequest {
				t.Errorf("register %s: %d %s; want 400", u, r.status, r.body)
			}
		})
	}
}
