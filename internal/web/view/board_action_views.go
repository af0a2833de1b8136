package view

// ThreadTarget names what a form acts on: a thread, or one post in it.
type ThreadTarget struct {
	Board    BoardRef
	ThreadID int64
	Title    Name
	PostID   int64  // 0: the thread itself
	Excerpt  string // the post's text, shortened, to say which one
	Lang     string // lang attribute of Excerpt
}

// Href is the page of the thread, at the post when there is one.
func (t ThreadTarget) Href() string {
	if t.PostID != 0 {
		return ThreadHref(t.ThreadID) + "#post-" + itoa(t.PostID)
	}
	return ThreadHref(t.ThreadID)
}

// ReportFormPage is the form to report a thread or post to the board's moderators.
type ReportFormPage struct {
	Base
	Target  ThreadTarget
	Form    Form
	Reasons []Option
}

// ModeratePage is a moderator's page for a thread: lock, hide and move, with a note.
type ModeratePage struct {
	Base
	Target ThreadTarget
	Form   Form
	Locked bool
	Hidden bool
	Boards []Option // boards the thread may move to
}

// ReportRow is one report in the moderators' queue.
type ReportRow struct {
	ID     int64
	Target ThreadTarget
	Reason string
	Note   string
	Date   string
}

// ReportsPage is the queue of open reports on boards the reader moderates.
type ReportsPage struct {
	Base
	Reports []ReportRow
	Next    string
	First   string
}

// TranslateFormPage is the form to translate a thread's title and text, or one post.
type TranslateFormPage struct {
	Base
	Target       ThreadTarget
	Form         Form
	Langs        []Option
	OrigLang     string // lang attribute of the original
	OrigTitle    string // the thread's title when translating the thread
	OrigBodyHTML string
	Version      string
}

// CommentFormPage is the form to comment on an answer.
type CommentFormPage struct {
	Base
	Target ThreadTarget
	Form   Form
	Langs  []Option
	Accept string // the file input's accept list
}
