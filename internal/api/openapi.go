package api

import (
	_ "embed"
	"net/http"
)

// openAPIDoc is the OpenAPI 3.1 description of /api/v1. A test checks that every route in
// Routes is in it and that the answers the tests receive validate against it.
//
//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI returns the document, for tests and tools.
func OpenAPI() []byte { return openAPIDoc }

// openAPI serves GET /api/v1/openapi.json.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "public, max-age=300")
	_, err := w.Write(openAPIDoc)
	return err
}
