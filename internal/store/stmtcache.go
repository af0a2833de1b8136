package store

import (
	"context"
	"database/sql"
	"sync"
)

// SQLite compiles every statement it runs, and the driver compiles a query's text anew each
// time it is asked: for the library's search, compiling its five queries took a fifth of the
// search's time. stmtCache keeps the reader pool's statements compiled, by their text (database/sql
// prepares a statement again on each connection that runs it, and closes them all with the
// statement). PostgreSQL needs none: pgx keeps its own cache per connection.
type stmtCache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// maxCachedStmts bounds the cache: queries are built from a bounded set of shapes, but a shape
// with a list of n placeholders is n texts. When full, it starts again.
const maxCachedStmts = 512

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

// stmt returns the statement of query, compiling it the first time.
func (c *stmtCache) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.m[query]; ok {
		return s, nil
	}
	if len(c.m) >= maxCachedStmts {
		c.closeLocked()
	}
	// Not bound to the request: the statement outlives it.
	s, err := c.db.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil, err
	}
	c.m[query] = s
	return s, nil
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := c.stmt(ctx, query)
	if err != nil {
		// A *sql.Row cannot be made to carry an error; the uncached query reports it.
		return c.db.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

// closeLocked closes every statement (each as soon as the rows reading from it are closed).
func (c *stmtCache) closeLocked() {
	for q, s := range c.m {
		s.Close()
		delete(c.m, q)
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeLocked()
}
