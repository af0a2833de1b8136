package board

import (
	"strings"
	"testing"
)

func TestValidateReport(t *testing.T) {
	for _, tt := range []struct {
		r    Report
		want string
	}{
		{Report{ThreadID: 5, Reason: ReasonSpam}, ""},
		{Report{ThreadID: 5, PostID: 8, Reason: ReasonPersonalData, Note: "A patient's name in line 3."}, ""},
		{Report{ThreadID: 5, Reason: ReasonOther}, "note:field.required"},
		{Report{ThreadID: 5, Reason: ReasonOther, Note: "Wrong board"}, ""},
		{Report{ThreadID: 5, Reason: "boring"}, "reason:field.choice"},
		{Report{Reason: ReasonSpam}, "thread:field.invalid"},
		{Report{ThreadID: 5, Reason: ReasonAbuse, Note: strings.Repeat("x", MaxNoteLen+1)}, "note:field.too_long"},
	} {
		r := tt.r
		if !r.Open() {
			t.Errorf("a new report is not open")
		}
		if got := strings.Join(keys(r.Validate()), " "); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.r, got, tt.want)
		}
	}
}

func TestValidateModeration(t *testing.T) {
	for _, tt := range []struct {
		m    Moderation
		want string
	}{
		{Moderation{Action: ActHide, ThreadID: 5}, ""},
		{Moderation{Action: ActHide, ThreadID: 5, PostID: 8, Note: "personal data"}, ""},
		{Moderation{Action: ActUnhide, ThreadID: 5, PostID: 8}, ""},
		{Moderation{Action: ActLock, ThreadID: 5}, ""},
		{Moderation{Action: ActLock, ThreadID: 5, PostID: 8}, "post:board.action_thread_only"},
		{Moderation{Action: ActMove, ThreadID: 5, ToBoard: 2}, ""},
		{Moderation{Action: ActMove, ThreadID: 5}, "to_board:field.required"},
		{Moderation{Action: ActMove, ThreadID: 5, PostID: 8, ToBoard: 2}, "post:board.action_thread_only"},
		{Moderation{Action: ActHide, ThreadID: 5, ToBoard: 2}, "to_board:field.invalid"},
		{Moderation{Action: "delete", ThreadID: 5}, "action:field.choice"},
		{Moderation{Action: ActUnlock}, "thread:field.invalid"},
	} {
		m := tt.m
		if got := strings.Join(keys(m.Validate()), " "); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.m, got, tt.want)
		}
	}
}

func TestCheckMove(t *testing.T) {
	th := Thread{ID: 5, BoardID: networkBoard.ID}
	sameScope := Board{ID: 7, Kind: KindQuestions, Scope: NetworkScope(network)}
	otherNetwork := Board{ID: 8, Kind: KindQuestions, Scope: NetworkScope(network + 1)}
	supplies := Board{ID: 9, Kind: KindSupply, Scope: NetworkScope(network)}
	archived := sameScope
	archived.Archived = true
	for _, tt := range []struct {
		name     string
		t        Thread
		from, to Board
		want     string
	}{
		{"same kind and scope", th, networkBoard, sameScope, ""},
		{"to the same board", th, networkBoard, networkBoard, "to_board:board.move_same_board"},
		{"network to public: would publish", th, networkBoard, publicBoard, "to_board:board.move_other_scope"},
		{"pair to network: would widen", Thread{ID: 5, BoardID: pairBoard.ID}, pairBoard, networkBoard, "to_board:board.move_other_scope"},
		{"to another network", th, networkBoard, otherNetwork, "to_board:board.move_other_scope"},
		{"questions to supply", th, networkBoard, supplies, "to_board:board.move_other_kind"},
		{"to an archived board", th, networkBoard, archived, "to_board:board.move_closed"},
		{"a thread of another board", Thread{ID: 5, BoardID: 99}, networkBoard, sameScope, "thread:field.invalid"},
	} {
		if got := strings.Join(keys(CheckMove(tt.t, tt.from, tt.to)), " "); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
