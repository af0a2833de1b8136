package board

import (
	"slices"
	"strings"
	"time"

	"github.com/citypact/citypact"
)

// Reason is why a reader reports a thread or post.
type Reason string

const (
	ReasonSpam         Reason = "spam"
	ReasonAbuse        Reason = "abuse"         // insults, harassment
	ReasonPersonalData Reason = "personal_data" // a patient's or a staff member's data
	ReasonMisleading   Reason = "misleading"    // false or dangerous health or supply information
	ReasonOffTopic     Reason = "off_topic"
	ReasonOther        Reason = "other" // Note says what
)

// Reasons lists the reasons in display order.
var Reasons = []Reason{ReasonSpam, ReasonAbuse, ReasonPersonalData, ReasonMisleading, ReasonOffTopic, ReasonOther}

// MaxNoteLen bounds report and moderation notes, in characters.
const MaxNoteLen = 1000

// Report is a reader's report of a thread (PostID 0) or a post to the board's moderators.
type Report struct {
	ID         int64
	ThreadID   int64
	PostID     int64 // 0: the thread itself
	ReporterID int64 // store: the actor
	Reason     Reason
	Note       string // plain text; required for ReasonOther
	CreatedAt  time.Time
	ResolvedBy int64     // store: the moderator who closed it; 0 while open
	ResolvedAt time.Time // store
}

// Open reports whether no moderator has closed the report yet.
func (r Report) Open() bool { return r.ResolvedAt.IsZero() }

// Validate checks a new report.
func (r *Report) Validate() error {
	r.Note = normalizeText(r.Note)
	var errs []citypact.FieldError
	if r.ThreadID <= 0 || r.PostID < 0 {
		errs = append(errs, fe("thread", "field.invalid"))
	}
	if !slices.Contains(Reasons, r.Reason) {
		errs = append(errs, fe("reason", "field.choice"))
	}
	errs = append(errs, checkText("note", r.Note, MaxNoteLen, r.Reason == ReasonOther)...)
	if len(errs) > 0 {
		return citypact.Invalid(errs...)
	}
	return nil
}

// Action is what a moderator does to a thread or post.
type Action string

const (
	ActHide   Action = "hide"   // a thread or a post: only moderators and the author see it
	ActUnhide Action = "unhide" // undoes hide
	ActLock   Action = "lock"   // a thread: no new posts, no acceptance, no author edits
	ActUnlock Action = "unlock" // undoes lock
	ActMove   Action = "move"   // a thread: to another board (CheckMove)
)

// Actions lists the actions in display order.
var Actions = []Action{ActHide, ActUnhide, ActLock, ActUnlock, ActMove}

// Moderation is one moderator's action, which the store applies and records in the audit log
// with its note. Actions are idempotent (locking a locked thread changes nothing) so that a
// repeated form submission does no harm.
type Moderation struct {
	Action   Action
	ThreadID int64
	PostID   int64  // hide or unhide this post; 0 acts on the thread
	ToBoard  int64  // ActMove: the destination
	Note     string // why; shown to the author of what was hidden, kept in the audit log
}

// Validate checks that m's fields fit its action: a post only for hide and unhide, a
// destination exactly for a move.
func (m *Moderation) Validate() error {
	m.Note = strings.TrimSpace(normalizeText(m.Note))
	var errs []citypact.FieldError
	if !slices.Contains(Actions, m.Action) {
		errs = append(errs, fe("action", "field.choice"))
	}
	if m.ThreadID <= 0 || m.PostID < 0 {
		errs = append(errs, fe("thread", "field.invalid"))
	}
	if m.PostID != 0 && m.Action != ActHide && m.Action != ActUnhide {
		errs = append(errs, fe("post", "board.action_thread_only"))
	}
	switch {
	case m.Action == ActMove && m.ToBoard <= 0:
		errs = append(errs, fe("to_board", "field.required"))
	case m.Action != ActMove && m.ToBoard != 0:
		errs = append(errs, fe("to_board", "field.invalid"))
	}
	errs = append(errs, checkText("note", m.Note, MaxNoteLen, false)...)
	if len(errs) > 0 {
		return citypact.Invalid(errs...)
	}
	return nil
}

// CheckMove decides whether thread t may move from board from to board to (the moderator needs
// CanModerate on both). The destination must be another board of the same kind (a question
// keeps its answers and acceptance, a supply post its fields) and the same scope: a move must
// never show a thread to readers its author did not write for, nor hide it from addressees who
// were asked. It must be open to posts.
func CheckMove(t Thread, from, to Board) error {
	switch {
	case t.BoardID != from.ID:
		return citypact.Invalid(fe("thread", "field.invalid"))
	case to.ID == from.ID:
		return citypact.Invalid(fe("to_board", "board.move_same_board"))
	case to.Kind != from.Kind:
		return citypact.Invalid(fe("to_board", "board.move_other_kind"))
	case to.Scope != from.Scope:
		return citypact.Invalid(fe("to_board", "board.move_other_scope"))
	case to.Closed():
		return citypact.Invalid(fe("to_board", "board.move_closed"))
	}
	return nil
}
