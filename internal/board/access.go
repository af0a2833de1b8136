package board

import (
	"slices"
	"time"

	"github.com/citypact/citypact"
)

// Relations are the directory facts board access depends on, about the acting user's
// organisation. The store fills them once per request, so that checking a page of threads needs
// no query per item. (They are a subset of internal/practice's Relations, filled by the same
// queries; domains do not share types.)
//
//   - OrgID: the organisation the facts are about. It must be the actor's OrgID; relations
//     filled for another organisation grant nothing.
//   - Networks: networks of which OrgID is a current member, whatever its membership role.
//
// A pair board needs no relation: it names its two organisations. The tie that opened it
// matters only when the store opens the channel (Store.OpenPair); if the tie ends later, the two
// keep their conversation.
type Relations struct {
	OrgID    int64
	Networks []int64
}

func (r Relations) about(a citypact.Actor) bool { return a.OrgID != 0 && r.OrgID == a.OrgID }

// inNetwork reports whether a's organisation is network id itself (its secretariat) or a
// current member of it.
func inNetwork(a citypact.Actor, id int64, rel Relations) bool {
	return a.OrgID != 0 && (a.OrgID == id || (rel.about(a) && slices.Contains(rel.Networks, id)))
}

// CanSeeBoard reports whether actor a may read board b, and so the threads and posts in it. It
// is the one rule every page, list, feed, search, export, attachment download, notification and
// digest applies:
//
//  1. Admins read every board (the secretariat moderates).
//  2. Everyone, visitors included, reads public boards.
//  3. Otherwise the actor must be signed in and belong to an organisation; then
//     - network:N is read by the staff of N's current members and of N itself;
//     - pair:A-B is read by the staff of A and of B, and nobody else.
//
// An invalid scope fails closed. As SQL, for an actor with organisation :org (:signed is true
// for a signed-in actor with a non-zero organisation):
//
//	:admin
//	OR scope = 'public'
//	OR (:signed AND (
//	       (scope = 'network' AND (network_id = :org OR network_id IN (:networks)))
//	    OR (scope = 'pair' AND (org_a = :org OR org_b = :org))))
func CanSeeBoard(a citypact.Actor, b Board, rel Relations) bool {
	switch {
	case a.IsAdmin():
		return true
	case !b.Scope.Valid():
		return false
	case b.Scope.Kind == ScopePublic:
		return true
	case !a.SignedIn() || a.OrgID == 0:
		return false
	case b.Scope.Kind == ScopeNetwork:
		return inNetwork(a, b.Scope.NetworkID, rel)
	}
	return a.OrgID == b.Scope.OrgA || a.OrgID == b.Scope.OrgB
}

// isModerator reports whether a moderates board b: admins everywhere; on a network board, the
// editors of the network itself and of its current members. Pair channels are moderated by
// admins only: neither partner's editor moderates the other's staff.
func isModerator(a citypact.Actor, b Board, rel Relations) bool {
	if a.IsAdmin() {
		return true
	}
	return a.Role == citypact.RoleEditor && b.Scope.Valid() && b.Scope.Kind == ScopeNetwork &&
		inNetwork(a, b.Scope.NetworkID, rel)
}

// CanSeeThread adds the moderation rule to CanSeeBoard: a hidden thread is seen only by the
// board's moderators and by its author (who is shown that it was hidden). A thread that claims
// another board fails closed.
func CanSeeThread(a citypact.Actor, b Board, t Thread, rel Relations) bool {
	if t.BoardID != b.ID || !CanSeeBoard(a, b, rel) {
		return false
	}
	return !t.Hidden || isModerator(a, b, rel) || (a.SignedIn() && a.UserID == t.AuthorID)
}

// CanSeePost is CanSeeThread for a post: a hidden post is seen only by moderators and its
// author.
func CanSeePost(a citypact.Actor, b Board, t Thread, p Post, rel Relations) bool {
	if p.ThreadID != t.ID || !CanSeeThread(a, b, t, rel) {
		return false
	}
	return !p.Hidden || isModerator(a, b, rel) || (a.SignedIn() && a.UserID == p.AuthorID)
}

// canWrite is the start every change shares. What the actor may not see does not exist for
// them (KindNotFound), checked before anything else, so that a visitor cannot tell a private
// board from a missing one by being asked to sign in. Then a visitor is asked to sign in, and a
// read-only API token is refused.
func canWrite(a citypact.Actor, visible bool, what string) error {
	switch {
	case !visible:
		return citypact.NotFound(what)
	case !a.SignedIn():
		return citypact.ErrUnauthenticated
	case a.Scope == citypact.ScopeRead:
		return citypact.Forbidden("read-only token")
	}
	return nil
}

// CanModerate: the board's moderators (admins; on a network board, the editors of the network
// and of its member organisations) may hide, lock and move threads and posts, and work through
// its reports. Moving a thread needs CanModerate on both boards.
func CanModerate(a citypact.Actor, b Board, rel Relations) error {
	if err := canWrite(a, CanSeeBoard(a, b, rel), "board"); err != nil {
		return err
	}
	if !isModerator(a, b, rel) {
		return citypact.Forbidden("not a moderator of this board")
	}
	return nil
}

// CanManageBoard decides creating a board or changing its names, description, lock or archive.
// Admins manage every board; a network's own editors (its secretariat) manage its boards; the
// editors of either partner manage their pair channel. Anyone else is refused; a board that
// exists but the actor cannot see does not exist for them.
func CanManageBoard(a citypact.Actor, b Board, rel Relations) error {
	visible := b.ID == 0 || CanSeeBoard(a, b, rel)
	if err := canWrite(a, visible, "board"); err != nil {
		return err
	}
	if a.IsAdmin() {
		return nil
	}
	editor := a.Role == citypact.RoleEditor && a.OrgID != 0 && b.Scope.Valid()
	switch {
	case editor && b.Scope.Kind == ScopeNetwork && a.OrgID == b.Scope.NetworkID:
		return nil
	case editor && b.Scope.Kind == ScopePair && (a.OrgID == b.Scope.OrgA || a.OrgID == b.Scope.OrgB):
		return nil
	}
	return citypact.Forbidden("may not manage this board")
}

// CanPost decides a new thread on board b (t nil) or a new post in thread t. The poster must see
// the board (and the thread), be signed in with a write-capable session or token, and belong to
// an organisation (posts are signed with one) unless they are an admin; visitors never post.
// Nothing is posted to a locked or archived board, nor into a locked or hidden thread, by anyone:
// a moderator who wants to add a word unlocks first, which the audit log records.
func CanPost(a citypact.Actor, b Board, t *Thread, rel Relations) error {
	visible, what := CanSeeBoard(a, b, rel), "board"
	if t != nil {
		visible, what = CanSeeThread(a, b, *t, rel), "thread"
	}
	if err := canWrite(a, visible, what); err != nil {
		return err
	}
	if a.OrgID == 0 && !a.IsAdmin() {
		return citypact.Forbidden("no organisation")
	}
	return checkOpen(b, t)
}

// checkOpen refuses a change to a closed board or thread as KindConflict, with a message key
// saying which.
func checkOpen(b Board, t *Thread) error {
	switch {
	case b.Archived:
		return citypact.Conflict("board.archived")
	case b.Locked:
		return citypact.Conflict("board.locked")
	case t != nil && t.Hidden:
		return citypact.Conflict("board.thread_hidden")
	case t != nil && t.Locked:
		return citypact.Conflict("board.thread_locked")
	}
	return nil
}

// CanAccept: only the asker (the thread's author) or an admin accepts an answer, or withdraws
// the acceptance, on a question board's open thread. Which post may be accepted is CheckAccept's.
func CanAccept(a citypact.Actor, b Board, t Thread, rel Relations) error {
	if err := canWrite(a, CanSeeThread(a, b, t, rel), "thread"); err != nil {
		return err
	}
	if b.Kind != KindQuestions {
		return citypact.Conflict("board.not_questions")
	}
	if a.UserID != t.AuthorID && !a.IsAdmin() {
		return citypact.Forbidden("not the asker")
	}
	return checkOpen(b, &t)
}

// CanMarkSame: any signed-in user who sees a question, other than its asker, may mark "same
// question" (which also subscribes them to it), even once it is locked: following a settled
// question harms nobody.
func CanMarkSame(a citypact.Actor, b Board, t Thread, rel Relations) error {
	if err := canWrite(a, CanSeeThread(a, b, t, rel), "thread"); err != nil {
		return err
	}
	switch {
	case b.Kind != KindQuestions:
		return citypact.Conflict("board.not_questions")
	case t.Hidden:
		return citypact.Conflict("board.thread_hidden")
	case a.UserID == t.AuthorID:
		return citypact.Conflict("board.same_own_question")
	}
	return nil
}

// EditWindow is how long authors may change what they wrote. After it, only moderators change a
// post (to remove personal data, say): readers have quoted, answered, accepted or translated it
// by then, and a text that changes under them misleads.
const EditWindow = 24 * time.Hour

// CanEditThread: the board's moderators at any time; the author within EditWindow of
// creating it (a thread created exactly EditWindow ago still may be), while it is neither
// hidden nor locked and the board is open.
func CanEditThread(a citypact.Actor, b Board, t Thread, rel Relations, now time.Time) error {
	if err := canWrite(a, CanSeeThread(a, b, t, rel), "thread"); err != nil {
		return err
	}
	return canEdit(a, b, &t, rel, t.AuthorID, t.CreatedAt, false, now)
}

// CanEditPost is CanEditThread for a post in thread t.
func CanEditPost(a citypact.Actor, b Board, t Thread, p Post, rel Relations, now time.Time) error {
	if err := canWrite(a, CanSeePost(a, b, t, p, rel), "post"); err != nil {
		return err
	}
	return canEdit(a, b, &t, rel, p.AuthorID, p.CreatedAt, p.Hidden, now)
}

func canEdit(a citypact.Actor, b Board, t *Thread, rel Relations, author int64, created time.Time, hidden bool, now time.Time) error {
	if isModerator(a, b, rel) {
		return nil
	}
	if a.UserID != author {
		return citypact.Forbidden("not the author")
	}
	if hidden {
		// An author must not rewrite what a moderator hid into something else and ask to have it
		// shown again.
		return citypact.Conflict("board.post_hidden")
	}
	if err := checkOpen(b, t); err != nil {
		return err
	}
	if now.Sub(created) > EditWindow {
		return citypact.Conflict("board.edit_window_closed")
	}
	return nil
}

// CanTranslate decides whether a may save a translation of thread t (p nil) or of post p,
// replacing existing (the stored translation in the same language; the zero Translation when
// there is none). Any signed-in user who can see the original may translate it, even in a locked
// thread: a settled question is worth reading in every language. A hidden original is not
// translated. A translation someone else wrote is replaced only by its translator or the board's
// moderators.
func CanTranslate(a citypact.Actor, b Board, t Thread, p *Post, rel Relations, existing Translation) error {
	visible, hidden := CanSeeThread(a, b, t, rel), t.Hidden
	if p != nil {
		visible, hidden = CanSeePost(a, b, t, *p, rel), hidden || p.Hidden
	}
	if err := canWrite(a, visible, "thread"); err != nil {
		return err
	}
	switch {
	case hidden:
		return citypact.Conflict("board.post_hidden")
	case existing.TranslatorID != 0 && existing.TranslatorID != a.UserID && !isModerator(a, b, rel):
		return citypact.Forbidden("another translator's translation")
	}
	return nil
}

// CanReport: any signed-in user who sees a thread (p nil) or post may report it to the
// moderators.
func CanReport(a citypact.Actor, b Board, t Thread, p *Post, rel Relations) error {
	visible := CanSeeThread(a, b, t, rel)
	if p != nil {
		visible = CanSeePost(a, b, t, *p, rel)
	}
	return canWrite(a, visible, "thread")
}

// CanSubscribe decides whether a may follow s. Following a board needs CanSeeBoard of it (b),
// a thread CanSeeThread (b, t); a tag or an organisation needs only a signed-in user, because
// what it brings is filtered by visibility when notifications fan out. Users follow for
// themselves only.
func CanSubscribe(a citypact.Actor, s Subscription, b Board, t Thread, rel Relations) error {
	visible := true
	switch s.Kind {
	case FollowBoard:
		visible = s.TargetID == b.ID && CanSeeBoard(a, b, rel)
	case FollowThread:
		visible = s.TargetID == t.ID && CanSeeThread(a, b, t, rel)
	}
	if err := canWrite(a, visible, string(s.Kind)); err != nil {
		return err
	}
	if s.UserID != a.UserID {
		return citypact.Forbidden("subscriptions are one's own")
	}
	return nil
}
