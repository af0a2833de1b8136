package store_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/store"
)

// mustSaveFile stores content as a board file of ctx's actor, checked as the forms check it.
func mustSaveFile(t *testing.T, bs *store.BoardStore, ctx context.Context, name string, content []byte) practice.Attachment {
	t.Helper()
	a, err := practice.CheckUpload(name, bytes.NewReader(content), int64(len(content)), 0, practice.Limits{})
	if err != nil {
		t.Fatalf("CheckUpload(%s): %v", name, err)
	}
	if err := bs.SaveFile(ctx, &a, bytes.NewReader(content), practice.Limits{}); err != nil {
		t.Fatalf("SaveFile(%s): %v", name, err)
	}
	return a
}

// canDownload reports whether ctx's actor may download attachment id, failing on anything but
// a download or "not found".
func canDownload(t *testing.T, db *store.DB, ctx context.Context, id int64) bool {
	t.Helper()
	_, rc, err := db.AttachmentContent(ctx, id)
	if citypact.KindOf(err) == citypact.KindNotFound {
		return false
	} else if err != nil {
		t.Fatalf("AttachmentContent(%d): %v", id, err)
	}
	defer rc.Close()
	if _, err := io.Copy(io.Discard, rc); err != nil {
		t.Fatal(err)
	}
	return true
}

// A board file is its uploader's alone until they link it; then it is as visible as the thread
// and the post that link it, hidden posts included; nobody else can link it, and a linked file
// is not deleted as an orphan.
func TestBoardFiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		bs, db := f.bs, f.db
		text := []byte("Ventilators: 12 to lend.\n")
		att := mustSaveFile(t, bs, as(f.seoulMember), "ventilators.txt", text)
		if att.ID == 0 || att.PracticeID != 0 || att.OwnerID != f.seoul.ID || att.Type != practice.TypeText {
			t.Fatalf("saved %+v", att)
		}
		if n, err := bs.FileUsage(as(f.seoulEd)); err != nil || n != int64(len(text)) {
			t.Errorf("Seoul's usage: %d, %v; want %d", n, err, len(text))
		}

		// Unlinked: the uploader's only.
		for name, want := range map[string]bool{"uploader": true, "colleague": false, "admin": false, "visitor": false} {
			ctx := map[string]context.Context{"uploader": as(f.seoulMember), "colleague": as(f.seoulEd), "admin": as(f.admin), "visitor": visitor}[name]
			if got := canDownload(t, db, ctx, att.ID); got != want {
				t.Errorf("unlinked file, %s downloads: %t, want %t", name, got, want)
			}
		}
		th := f.mustThread(t, as(f.seoulEd), f.network, "Ventilators")
		// Nobody links someone else's file.
		p := board.Post{ThreadID: th.ID, Kind: board.PostAnswer, Body: "Here is theirs.", Lang: "en", Attachments: []int64{att.ID}}
		if err := bs.CreatePost(as(f.tokyoEd), &p); citypact.KindOf(err) != citypact.KindInvalid {
			t.Fatalf("Tokyo linking Seoul's file: %v, want KindInvalid", err)
		}
		p = board.Post{ThreadID: th.ID, Kind: board.PostAnswer, Body: "Our list.", Lang: "en", Attachments: []int64{att.ID}}
		if err := bs.CreatePost(as(f.seoulMember), &p); err != nil {
			t.Fatal(err)
		}
		// Linked in a network board: its members, not others.
		for name, tt := range map[string]struct {
			ctx  context.Context
			want bool
		}{
			"network member": {as(f.tokyoEd), true},
			"colleague":      {as(f.seoulEd), true},
			"outsider":       {as(f.berlinMember), false},
			"partner":        {as(f.taipeiMember), false},
			"visitor":        {visitor, false},
		} {
			if got := canDownload(t, db, tt.ctx, att.ID); got != tt.want {
				t.Errorf("linked file, %s downloads: %t, want %t", name, got, tt.want)
			}
			files, err := bs.Files(tt.ctx, []int64{att.ID})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(files) == 1; got != tt.want {
				t.Errorf("Files for %s: %d, want shown %t", name, len(files), tt.want)
			}
		}
		if err := bs.DeleteFile(as(f.seoulMember), att.ID); citypact.KindOf(err) != citypact.KindConflict {
			t.Errorf("deleting a linked file: %v, want KindConflict", err)
		}
		if err := db.DeleteAttachment(as(f.admin), att.ID); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("deleting a board file as a practice's: %v, want KindNotFound", err)
		}

		// A hidden post's file is hidden with it.
		pub := f.mustThread(t, as(f.seoulEd), f.public, "Masks")
		att2 := mustSaveFile(t, bs, as(f.seoulMember), "masks.txt", []byte("KF94: 400 boxes.\n"))
		p2 := board.Post{ThreadID: pub.ID, Kind: board.PostAnswer, Body: "Our stock.", Lang: "en", Attachments: []int64{att2.ID}}
		if err := bs.CreatePost(as(f.seoulMember), &p2); err != nil {
			t.Fatal(err)
		}
		if !canDownload(t, db, visitor, att2.ID) {
			t.Error("a visitor cannot download a public post's file")
		}
		if err := bs.Moderate(as(f.admin), board.Moderation{Action: board.ActHide, ThreadID: pub.ID, PostID: p2.ID, Note: "spam"}); err != nil {
			t.Fatal(err)
		}
		for name, tt := range map[string]struct {
			ctx  context.Context
			want bool
		}{"visitor": {visitor, false}, "reader": {as(f.taipeiMember), false}, "author": {as(f.seoulMember), true}, "admin": {as(f.admin), true}} {
			if got := canDownload(t, db, tt.ctx, att2.ID); got != tt.want {
				t.Errorf("hidden post's file, %s downloads: %t, want %t", name, got, tt.want)
			}
		}

		// An orphan goes; someone else's does not.
		att3 := mustSaveFile(t, bs, as(f.seoulMember), "draft.txt", []byte("draft\n"))
		if err := bs.DeleteFile(as(f.seoulEd), att3.ID); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("deleting a colleague's file: %v, want KindNotFound", err)
		}
		if err := bs.DeleteFile(as(f.seoulMember), att3.ID); err != nil {
			t.Fatal(err)
		}
		if canDownload(t, db, as(f.seoulMember), att3.ID) {
			t.Error("a deleted file still downloads")
		}
		// Visitors and read-only sessions upload nothing.
		if _, err := bs.FileUsage(visitor); citypact.KindOf(err) != citypact.KindUnauthenticated {
			t.Errorf("a visitor's usage: %v", err)
		}
	})
}

// Migration 00015 keeps practices' files and their links to threads both ways; going down
// drops the board files, which the old table cannot hold, and their links.
func TestBoardFilesMigration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		bs, db, ctx := f.bs, f.db, context.Background()
		p := f.mustPublished(t, as(f.seoulEd), newPractice(f.seoul.ID, "Ventilator pool"))
		guide := mustAttach(t, db, as(f.seoulEd), p.ID, "guide.txt", []byte("How we pool ventilators.\n"))
		own := mustSaveFile(t, bs, as(f.seoulEd), "list.txt", []byte("12 ventilators.\n"))
		th := board.Thread{BoardID: f.public.ID, Title: "Pooling", Body: "See the guide.", Lang: "en", Attachments: []int64{guide.ID, own.ID}}
		if err := bs.CreateThread(as(f.seoulEd), &th); err != nil {
			t.Fatal(err)
		}
		if err := db.MigrateTo(ctx, 14); err != nil {
			t.Fatalf("down to 14: %v", err)
		}
		if err := db.MigrateTo(ctx, 15); err != nil {
			t.Fatalf("up to 15: %v", err)
		}
		got, err := bs.Thread(visitor, th.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Attachments) != 1 || got.Attachments[0] != guide.ID {
			t.Errorf("thread's files after down and up: %v, want [%d]", got.Attachments, guide.ID)
		}
		if !canDownload(t, db, visitor, guide.ID) {
			t.Error("the practice's file no longer downloads")
		}
		if canDownload(t, db, as(f.seoulEd), own.ID) {
			t.Error("a board file survived going down")
		}
	})
}
