package store

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestMaintainerResetsTheLog writes small transactions, far below the writer's own checkpoint
// threshold, until the write-ahead log restarts: its header's checkpoint sequence number (bytes
// 12–15) changes only when a checkpoint has copied the whole log back, which here only the
// maintainer can have done.
func TestMaintainerResetsTheLog(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	db, err := Open(ctx, "sqlite:"+path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE t (v TEXT)`); err != nil {
		t.Fatal(err)
	}
	var limit int
	if err := db.w.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&limit); err != nil || limit != walSafetyPages {
		t.Fatalf("writer's wal_autocheckpoint = %d, %v; want %d", limit, err, walSafetyPages)
	}
	seq := func() uint32 {
		h := make([]byte, 16)
		f, err := os.Open(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.ReadAt(h, 0); err != nil {
			t.Fatal(err)
		}
		return binary.BigEndian.Uint32(h[12:])
	}
	first := seq()
	deadline := time.Now().Add(30 * time.Second)
	for seq() == first {
		if time.Now().After(deadline) {
			t.Fatal("the log never restarted: no checkpoint ran beside the writer")
		}
		if _, err := db.w.ExecContext(ctx, `INSERT INTO t VALUES ('x')`); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// The data survived, and Close stopped the maintainer.
	db, err = Open(ctx, "sqlite:"+path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil || n == 0 {
		t.Fatalf("rows after reopening: %d, %v", n, err)
	}
}

// TestMaintainerMergesTheIndex writes forty documents to the full-text index, one transaction
// each, as publishing does. Each makes a segment; FTS5 no longer merges them inside the inserts
// (migration 00009), so the segments only come down to a few if the maintainer merges them:
// left alone they would stay at ten (FTS5's crisis merges at sixteen on a level).
func TestMaintainerMergesTheIndex(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "m.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var automerge int
	if err := db.r.QueryRowContext(ctx, `SELECT v FROM practice_search_config WHERE k = 'automerge'`).Scan(&automerge); err != nil || automerge != 0 {
		t.Fatalf("automerge = %d, %v; want 0", automerge, err)
	}
	for i := range 40 {
		_, err := db.w.ExecContext(ctx, `INSERT INTO practice_search (rowid, index_text, doc_id, practice_id, lang) VALUES ($1, $2, $1, $1, 'en')`,
			i+1, "quarantine hotel document "+strconv.Itoa(i))
		if err != nil {
			t.Fatal(err)
		}
	}
	segments := func() int {
		var n int
		if err := db.r.QueryRowContext(ctx, `SELECT count(DISTINCT segid) FROM practice_search_idx`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	deadline := time.Now().Add(30 * time.Second)
	for segments() > 3 {
		if time.Now().After(deadline) {
			t.Fatalf("%d segments after 30 s: the index was not merged", segments())
		}
		time.Sleep(50 * time.Millisecond)
	}
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM practice_search WHERE practice_search MATCH 'quarantine'`).Scan(&n); err != nil || n != 40 {
		t.Fatalf("after merging, %d documents match, %v; want 40", n, err)
	}
}
