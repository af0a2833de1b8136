package store

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCheckpointerResetsTheLog writes small transactions, far below the writer's own checkpoint
// threshold, until the write-ahead log restarts: its header's checkpoint sequence number (bytes
// 12–15) changes only when a checkpoint has copied the whole log back, which here only the
// background checkpointer can have done.
func TestCheckpointerResetsTheLog(t *testing.T) {
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
	// The data survived, and Close stopped the checkpointer (a second Close has nothing to stop).
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
