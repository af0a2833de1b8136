package view

import "time"

// NotificationsPage is the reader's notification list, newest first.
type NotificationsPage struct {
	Base
	Items  []NotificationItem
	Unread int
	Next   string // the next page's URL, or ""
}

// NotificationItem is one notification as the list shows it.
type NotificationItem struct {
	Kind   string // i18n key of what happened
	Title  string // the thread's title; "" when the reader can no longer see it
	Href   string
	At     time.Time
	Unread bool
}

// NotifySettingsPage chooses the e-mail frequency and lists the reader's subscriptions.
type NotifySettingsPage struct {
	Base
	Form          Form
	Frequencies   []string
	Subscriptions []SubscriptionItem
}

// SubscriptionItem is one thing the reader follows.
type SubscriptionItem struct {
	ID    int64
	Label string // already translated: "Board: Questions"
	Href  string // its page, or ""
}

// UnsubscribePage confirms or reports an unsubscribe link's action; it needs no sign-in.
type UnsubscribePage struct {
	Base
	Token string
	What  string // what the link stops, already translated
	All   bool   // all board mail rather than one subscription
	Done  bool
}
