package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pdpath/pdpath/indexer/auth"
)

// keyJSON is a stored key as listed: never its secret or hash.
type keyJSON struct {
	ID         string    `json:"id"`
	Role       auth.Role `json:"role"`
	Created    time.Time `json:"created"`
	Label      string    `json:"label,omitempty"`
	RatePerSec float64   `json:"rate_per_sec,omitempty"`
	Burst      int       `json:"burst,omitempty"`
}

func toKeyJSON(k auth.Key) keyJSON {
	return keyJSON{ID: k.ID, Role: k.Role, Created: k.Created, Label: k.Label, RatePerSec: k.RatePerSec, Burst: k.Burst}
}

func (s *Server) listKeys(c *gin.Context) error {
	keys, err := s.cfg.Keys.List()
	if err != nil {
		return err
	}
	out := struct {
		Keys []keyJSON `json:"keys"`
	}{Keys: make([]keyJSON, 0, len(keys))}
	for _, k := range keys {
		out.Keys = append(out.Keys, toKeyJSON(k))
	}
	writeJSON(c, http.StatusOK, out)
	return nil
}

type createKeyRequest struct {
	Role       string  `json:"role"`
	Label      string  `json:"label"`
	RatePerSec float64 `json:"rate_per_sec"`
	Burst      int     `json:"burst"`
}

// createdKey is the answer to POST /v1/keys, the same shape as
// `pdpath keys create --json`: the only time the secret is shown.
type createdKey struct {
	Key  string    `json:"key"`
	ID   string    `json:"id"`
	Role auth.Role `json:"role"`
}

func (s *Server) createKey(c *gin.Context) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	var req createKeyRequest
	if err := decodeStrict(body, &req); err != nil {
		return err
	}
	role, err := auth.ParseRole(req.Role)
	if err != nil {
		return badRequest("role: %v", err)
	}
	if req.RatePerSec < 0 || req.Burst < 0 {
		return badRequest("rate_per_sec and burst must not be negative")
	}
	if err := auth.CheckLabel(req.Label); err != nil {
		return badRequest("label: %v", err)
	}
	secret, k, err := s.cfg.Keys.Create(c.Request.Context(), role, auth.CreateOptions{Label: req.Label, RatePerSec: req.RatePerSec, Burst: req.Burst})
	if err != nil {
		return err
	}
	s.log.InfoContext(c.Request.Context(), "api key created", "id", k.ID, "role", k.Role, "by", caller(c).ID)
	writeJSON(c, http.StatusCreated, createdKey{Key: secret, ID: k.ID, Role: k.Role})
	return nil
}

func (s *Server) revokeKey(c *gin.Context) error {
	id := c.Param("id")
	if id == caller(c).ID {
		return badRequest("a key cannot revoke itself; use another admin key")
	}
	if err := s.cfg.Keys.Revoke(c.Request.Context(), id); err != nil {
		return err
	}
	s.log.InfoContext(c.Request.Context(), "api key revoked", "id", id, "by", caller(c).ID)
	c.Status(http.StatusNoContent)
	return nil
}
