package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/pdpath/pdpath/api/web"
	"github.com/pdpath/pdpath/indexer/auth"
)

// mountPages adds the web pages (package web) to e. They call this
// server's own JSON routes in-process, so they follow the same roles,
// --open-reader rule, limits and cache.
func (s *Server) mountPages(e *gin.Engine) error {
	pages, err := web.New(web.Config{
		API: e,
		Role: func(ctx context.Context, secret string) (string, bool, error) {
			k, err := s.cfg.Keys.Lookup(ctx, secret)
			if errors.Is(err, auth.ErrNoKey) {
				return "", false, nil
			}
			if err != nil {
				return "", false, err
			}
			return string(k.Role), true, nil
		},
		OpenReader:    s.cfg.OpenReader,
		SecureCookies: s.cfg.SecureCookies,
		Logger:        s.log,
	})
	if err != nil {
		return err
	}
	for _, r := range pages.Routes() {
		e.Handle(r.Method, r.Path, gin.WrapH(r.Handler))
		if r.Method == http.MethodGet {
			e.Handle(http.MethodHead, r.Path, gin.WrapH(r.Handler))
		}
	}
	s.pages = pages
	return nil
}
