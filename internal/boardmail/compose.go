package boardmail

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/mail"
)

// SettingsPath is the page where a user chooses their frequency and subscriptions;
// NotificationsPath their in-app list. The web package serves them.
const (
	SettingsPath      = "/account/notifications"
	NotificationsPath = "/notifications"
)

// maxTitleInSubject bounds the thread title in a subject, in characters: the subject then stays
// within what clients show and Message.Validate accepts, whatever the title.
const maxTitleInSubject = 120

// itemMails is one message per item of d, for users who want mail immediately.
func (j *Job) itemMails(r Recipient, d board.Digest) []mail.Message {
	tr := i18n.For(r.Lang)
	var out []mail.Message
	for _, b := range d.Boards {
		for _, t := range b.Threads {
			for _, it := range t.Items {
				var body strings.Builder
				writeItem(&body, tr, j.links, b.Name, t, it, true)
				subject := tr.T("notify.mail.subject."+string(it.Kind), "title", headerText(t.Title, maxTitleInSubject), "board", headerText(b.Name, 60))
				out = append(out, j.letter(r, tr, subject, body.String(), "notify.mail.why_immediately"))
			}
		}
	}
	return out
}

// digestMail is a daily or weekly digest: boards, their threads, their items, in BuildDigest's
// order.
func (j *Job) digestMail(r Recipient, d board.Digest) mail.Message {
	tr := i18n.For(r.Lang)
	var body strings.Builder
	body.WriteString(tr.T("notify.digest.intro", "from", tr.DateTime(d.Period.From), "to", tr.DateTime(d.Period.To)))
	for _, b := range d.Boards {
		body.WriteString("\n\n== " + oneLine(b.Name) + " ==")
		for _, t := range b.Threads {
			body.WriteString("\n\n" + oneLine(t.Title) + "\n" + j.links.Thread(t.ID, 0))
			for _, it := range t.Items {
				body.WriteString("\n")
				writeItem(&body, tr, j.links, b.Name, t, it, false)
			}
		}
	}
	if d.Omitted > 0 {
		body.WriteString("\n\n" + tr.N("notify.digest.omitted", d.Omitted, "url", j.links.URL(NotificationsPath)))
	}
	subject := tr.N("notify.digest.subject."+string(d.Frequency), d.Count, "site", tr.T("site.name"))
	return j.letter(r, tr, subject, body.String(), "notify.mail.why_"+string(d.Frequency))
}

// writeItem writes one item: in a message of its own with the thread's title and a link, in a
// digest as a line under its thread.
func writeItem(b *strings.Builder, tr *i18n.Translator, links *Links, board string, t board.DigestThread, it board.DigestItem, alone bool) {
	kind := tr.T("notify.kind." + string(it.Kind))
	if alone {
		b.WriteString(kind + ": " + oneLine(t.Title) + "\n")
		meta := []string{oneLine(board)}
		if it.Author != "" {
			meta = append(meta, oneLine(it.Author))
		}
		meta = append(meta, tr.DateTime(it.At))
		b.WriteString(strings.Join(meta, " · "))
		if it.Excerpt != "" {
			b.WriteString("\n\n> " + it.Excerpt)
		}
		b.WriteString("\n\n" + tr.T("notify.mail.read") + "\n" + links.Thread(it.ThreadID, it.PostID))
		return
	}
	b.WriteString("- " + kind)
	if it.Author != "" {
		b.WriteString(", " + oneLine(it.Author))
	}
	b.WriteString(", " + tr.DateTime(it.At))
	if it.Excerpt != "" {
		b.WriteString(": " + it.Excerpt)
	}
}

// letter wraps a body in the greeting, the reason for the mail, the settings and unsubscribe
// links and the signature, as account mail does.
func (j *Job) letter(r Recipient, tr *i18n.Translator, subject, body, why string) mail.Message {
	greeting := tr.T("mail.greeting")
	if r.Name != "" {
		greeting = tr.T("mail.greeting_name", "name", r.Name)
	}
	unsub := j.links.Unsubscribe(Target{User: r.ID})
	var b strings.Builder
	b.WriteString(greeting + "\n\n" + body + "\n\n-- \n")
	b.WriteString(tr.T(why) + "\n")
	b.WriteString(tr.T("notify.mail.settings", "url", j.links.URL(SettingsPath)) + "\n")
	b.WriteString(tr.T("notify.mail.unsubscribe", "url", unsub) + "\n")
	b.WriteString(tr.T("mail.signature", "site", tr.T("site.name")) + "\n")
	m := mail.Message{To: r.Email, ToName: headerText(r.Name, 200), Lang: string(tr.Lang()), Subject: headerText(subject, 250), Text: b.String()}
	if j.links.OneClick() {
		m.Unsubscribe = unsub
	}
	return m
}

// oneLine folds any line breaks or other control characters of a name or title into spaces.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == ' '
	}), " ")
}

// headerText makes s fit a header: one line, at most n characters.
func headerText(s string, n int) string {
	s = oneLine(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
