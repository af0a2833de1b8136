package view

import (
	"strconv"

	"github.com/a-h/templ"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/audit"
	"github.com/citypact/citypact/internal/directory"
)

// HomePage is the hub's front page.
type HomePage struct {
	Base
}

// SignInPage asks for an address and password.
type SignInPage struct {
	Base
	Form Form
	Next string // where to go after signing in: a same-site path
}

// TOTPPage asks for the second factor of a pending sign-in.
type TOTPPage struct {
	Base
	Form Form
	Next string
}

// AccountPage shows the user's profile and the password form.
type AccountPage struct {
	Base
	User account.User
	Form Form
}

// SessionsPage lists the user's signed-in browsers.
type SessionsPage struct {
	Base
	Sessions []account.Session
	Current  int64
}

// TokensPage lists API tokens and creates them; NewSecret is shown once, right after creation.
type TokensPage struct {
	Base
	Tokens    []account.Token
	Form      Form
	NewSecret string
	Orgs      []directory.Organisation // for admins, who may pick the organisation
	IsAdmin   bool
}

// TOTPEnrolPage sets up or turns off two-factor sign-in.
type TOTPEnrolPage struct {
	Base
	Enabled  bool
	Required bool
	Secret   string
	URI      string
	Form     Form
}

// AdminPage is the secretariat's index with hub settings.
type AdminPage struct {
	Base
	RequireAdminTOTP bool
	// Updates holds the daily-update page's area codes (country_area, city_area) and their errors.
	Updates Form
}

// UsersPage lists accounts and adds one.
type UsersPage struct {
	Base
	Users []account.User
	Orgs  []directory.Organisation
	Form  Form
	Next  string // cursor of the next page, or ""
}

// UserEditPage changes one account.
type UserEditPage struct {
	Base
	User account.User
	Orgs []directory.Organisation
	Form Form
}

// AuditPage lists audit entries with filters.
type AuditPage struct {
	Base
	Entries []audit.Entry
	Filter  audit.Filter
	Query   map[string]string // the filter as submitted, to refill the form
	Next    string            // query string of the next page, or ""
}

// SampleDataPage explains the demo hub's sample data.
type SampleDataPage struct {
	Base
}

// ErrorPage explains a failure without internals.
type ErrorPage struct {
	Base
	Status    int
	Message   string // i18n key
	RequestID string
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func (b Base) when(t time.Time) string {
	if t.IsZero() {
		return b.T("time.never")
	}
	return b.Tr.DateTime(t)
}

func roleKey(r citypact.Role) string { return "role." + r.String() }

// Org is an organisation as pages show it.
type Org = directory.Organisation

func selectedIf(cond bool) templ.Attributes {
	if cond {
		return templ.Attributes{"selected": true}
	}
	return templ.Attributes{}
}
