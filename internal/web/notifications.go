package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/web/view"
)

// ThreadTitles names threads for the notification and subscription lists in one query, only
// those the actor may see.
type ThreadTitles interface {
	ThreadTitles(ctx context.Context, ids []int64) (map[int64]string, error)
}

// notificationsPage is how many notifications one page lists.
const notificationsPage = 50

// unreadCount is the header's count: one COUNT for signed-in readers, never for visitors (whose
// pages may be cached and shared). A failure only costs the badge, not the page.
func (s *Server) unreadCount(r *http.Request) int {
	if s.Boards == nil || !stateOf(r).actor.SignedIn() {
		return 0
	}
	n, err := s.Boards.UnreadCount(r.Context())
	if err != nil {
		s.Log.Warn("unread count", "request_id", citypact.RequestIDFrom(r.Context()), "err", err)
		return 0
	}
	return n
}

// notificationsList serves GET /notifications: the reader's notifications, newest first;
// ?after= is the last id of the previous page.
func (s *Server) notificationsList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	after, err := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if err != nil || after < 0 {
		after = 0
	}
	ns, err := s.Boards.Notifications(ctx, board.NotificationFilter{Page: citypact.Page{After: after, Limit: notificationsPage + 1}})
	if err != nil {
		return err
	}
	p := view.NotificationsPage{Base: s.base(r, "notify.title", "notifications")}
	p.Unread = p.Viewer.Unread
	if len(ns) > notificationsPage {
		ns = ns[:notificationsPage]
		p.Next = "/notifications?after=" + strconv.FormatInt(ns[len(ns)-1].ID, 10)
	}
	ids := make([]int64, 0, len(ns))
	for _, n := range ns {
		ids = append(ids, n.ThreadID)
	}
	titles, err := s.Titles.ThreadTitles(ctx, ids)
	if err != nil {
		return err
	}
	for _, n := range ns {
		href := view.ThreadHref(n.ThreadID)
		if n.PostID != 0 {
			href += "#post-" + strconv.FormatInt(n.PostID, 10)
		}
		p.Items = append(p.Items, view.NotificationItem{Kind: "notify.kind." + string(n.Kind), Title: titles[n.ThreadID],
			Href: href, At: n.CreatedAt, Unread: n.Unread()})
	}
	return s.render(w, r, http.StatusOK, view.Notifications(p))
}

// notificationsRead serves POST /notifications/read: everything read.
func (s *Server) notificationsRead(w http.ResponseWriter, r *http.Request) error {
	if err := s.Boards.MarkRead(r.Context(), 0); err != nil {
		return err
	}
	return s.redirect(w, r, "/notifications", "flash.notify_read")
}

// notifySettings serves GET /account/notifications.
func (s *Server) notifySettings(w http.ResponseWriter, r *http.Request) error {
	f, err := s.Boards.Frequency(r.Context())
	if err != nil {
		return err
	}
	return s.notifySettingsPage(w, r, http.StatusOK, view.Form{Values: map[string]string{"frequency": string(f)}})
}

// notifyFrequency serves POST /account/notifications: the e-mail frequency. The store
// validates it; a value that is none of the four is a field error (422).
func (s *Server) notifyFrequency(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := board.Frequency(r.PostFormValue("frequency"))
	err := s.Boards.SetFrequency(r.Context(), f)
	if citypact.KindOf(err) == citypact.KindInvalid {
		return s.notifySettingsPage(w, r, http.StatusUnprocessableEntity, view.Form{Values: formValues(r, "frequency"), Errors: citypact.FieldsOf(err)})
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/account/notifications", "flash.notify_saved")
}

// unfollow serves POST /account/notifications/subscriptions/{id}/delete; the store refuses
// another user's subscription as not found.
func (s *Server) unfollow(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return citypact.NotFound("subscription")
	}
	if err := s.Boards.Unsubscribe(r.Context(), id); err != nil {
		return err
	}
	return s.redirect(w, r, "/account/notifications", "flash.notify_unfollowed")
}

func (s *Server) notifySettingsPage(w http.ResponseWriter, r *http.Request, status int, f view.Form) error {
	ctx := r.Context()
	subs, err := s.Boards.Subscriptions(ctx)
	if err != nil {
		return err
	}
	p := view.NotifySettingsPage{Base: s.base(r, "notify.settings.title", "account"), Form: f}
	p.HasErrors = f.Failed()
	for _, fr := range board.Frequencies {
		p.Frequencies = append(p.Frequencies, string(fr))
	}
	labels, err := s.subscriptionLabels(r, subs)
	if err != nil {
		return err
	}
	for i, sub := range subs {
		p.Subscriptions = append(p.Subscriptions, labels[i])
		p.Subscriptions[i].ID = sub.ID
	}
	return s.render(w, r, status, view.NotifySettings(p))
}

// subscriptionLabels names what each subscription follows, with a link where there is a page:
// one query for the boards, one for the threads, one per organisation (people follow few).
func (s *Server) subscriptionLabels(r *http.Request, subs []board.Subscription) ([]view.SubscriptionItem, error) {
	ctx := r.Context()
	tr := stateOf(r).tr
	var threadIDs []int64
	needBoards := false
	for _, sub := range subs {
		switch sub.Kind {
		case board.FollowThread:
			threadIDs = append(threadIDs, sub.TargetID)
		case board.FollowBoard:
			needBoards = true
		}
	}
	boards := map[int64]board.Board{}
	if needBoards {
		bs, err := s.Boards.Boards(ctx, board.BoardFilter{Archived: true})
		if err != nil {
			return nil, err
		}
		for _, b := range bs {
			boards[b.ID] = b
		}
	}
	titles, err := s.Titles.ThreadTitles(ctx, threadIDs)
	if err != nil {
		return nil, err
	}
	out := make([]view.SubscriptionItem, len(subs))
	unknown := tr.T("notify.follow.unknown")
	for i, sub := range subs {
		name, href := unknown, ""
		switch sub.Kind {
		case board.FollowBoard:
			if b, ok := boards[sub.TargetID]; ok {
				name, href = b.NameIn(string(tr.Lang())), "/boards/"+b.Slug
			}
		case board.FollowThread:
			if t, ok := titles[sub.TargetID]; ok {
				name, href = t, view.ThreadHref(sub.TargetID)
			}
		case board.FollowTag:
			name = sub.Tag
		case board.FollowOrg:
			o, err := s.Directory.OrganisationByID(ctx, sub.TargetID)
			if err != nil && citypact.KindOf(err) != citypact.KindNotFound {
				return nil, err
			} else if err == nil {
				name, href = o.NameIn(string(tr.Lang())), "/orgs/"+o.Slug
			}
		}
		out[i] = view.SubscriptionItem{Label: tr.T("notify.follow."+string(sub.Kind), "name", name), Href: href}
	}
	return out, nil
}
