package web

import (
	"net/http"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/httpx"
)

// Routes is the HTML route table: every page and action with the least role it needs.
func (s *Server) Routes() []httpx.Route {
	routes := []httpx.Route{
		public(route(get, "/{$}", V, s.home)),
		route(get, "/signin", V, s.signInForm),
		route(post, "/signin", V, s.signIn),
		route(get, "/signin/totp", V, s.signInTOTPForm),
		route(post, "/signin/totp", V, s.signInTOTP),
		route(post, "/signout", V, s.signOut),
		// Links from account mail: the token is in the query, which request logs leave out.
		route(get, "/password/forgot", V, s.forgotForm),
		route(post, "/password/forgot", V, s.forgotSend),
		route(get, "/password/reset", V, s.resetForm),
		route(post, "/password/reset", V, s.resetSave),
		route(get, "/join", V, s.joinForm),
		route(post, "/join", V, s.join),
		route(post, "/language", V, s.setLanguage),
		public(route(get, "/about/sample-data", V, s.sampleData)),

		route(get, "/account", M, s.accountShow),
		route(post, "/account/password", M, s.passwordChange),
		route(post, "/account/email", M, s.emailChange),
		route(get, "/account/sessions", M, s.sessionsList),
		route(post, "/account/sessions/{id}/end", M, s.sessionEnd),
		route(get, "/account/tokens", M, s.tokensList),
		route(post, "/account/tokens", M, s.tokenCreate),
		route(post, "/account/tokens/{id}/revoke", M, s.tokenRevoke),
		route(get, "/account/totp", M, s.totpShow),
		route(post, "/account/totp/begin", M, s.totpBegin),
		route(post, "/account/totp", M, s.totpEnable),
		route(post, "/account/totp/disable", M, s.totpDisable),

		// Invitations: editors invite into their own organisation, admins anywhere
		// (account.CanInvite); each sees and revokes the pending ones they manage.
		route(get, "/invitations", E, s.invitationsList),
		route(post, "/invitations", E, s.invitationCreate),
		route(post, "/invitations/{id}/revoke", E, s.invitationRevoke),

		route(get, "/admin", A, s.adminShow),
		route(post, "/admin/settings", A, s.adminSettings),
		route(get, "/admin/users", A, s.usersList),
		route(post, "/admin/users", A, s.userCreate),
		route(get, "/admin/users/{id}", A, s.userEditForm),
		route(post, "/admin/users/{id}", A, s.userUpdate),
		route(get, "/admin/audit", A, s.auditList),

		// The directory: the least role opens the door; each handler then asks the domain
		// (directory.CanEdit, CanChangeTie, CanChangeEntry, CanChangeMembership) about the
		// organisation at hand.
		public(route(get, "/directory", V, s.directoryList)),
		public(route(get, "/directory.csv", V, s.directoryCSV)),
		route(get, "/orgs/new", A, s.orgNewForm),
		route(post, "/orgs/new", A, s.orgCreate),
		public(route(get, "/orgs/{slug}", V, s.orgShow)),
		public(route(get, "/orgs/{slug}/partners/{partner}", V, s.partnerShow)),
		public(route(get, "/orgs/{slug}/ties.csv", V, s.orgTiesCSV)),
		public(route(get, "/orgs/{slug}/networks.csv", V, s.orgNetworksCSV)),
		public(route(get, "/orgs/{slug}/contacts.csv", V, s.orgContactsCSV)),
		public(route(get, "/orgs/{slug}/timeline.csv", V, s.orgTimelineCSV)),
		route(get, "/orgs/{slug}/edit", E, s.orgEditForm),
		route(post, "/orgs/{slug}/edit", E, s.orgUpdate),
		route(get, "/orgs/{slug}/delete", A, s.orgDeleteForm),
		route(post, "/orgs/{slug}/delete", A, s.orgDelete),
		route(get, "/orgs/{slug}/contacts/new", E, s.contactNewForm),
		route(post, "/orgs/{slug}/contacts", E, s.contactCreate),
		route(get, "/orgs/{slug}/contacts/{id}/edit", E, s.contactEditForm),
		route(post, "/orgs/{slug}/contacts/{id}", E, s.contactUpdate),
		route(post, "/orgs/{slug}/contacts/{id}/delete", E, s.contactDelete),
		route(get, "/orgs/{slug}/ties/new", E, s.tieNewForm),
		route(post, "/orgs/{slug}/ties", E, s.tieCreate),
		route(post, "/orgs/{slug}/ties/{id}/delete", E, s.tieDelete),
		route(get, "/orgs/{slug}/timeline/new", E, s.entryNewForm),
		route(post, "/orgs/{slug}/timeline", E, s.entryCreate),
		route(post, "/orgs/{slug}/timeline/{id}/delete", E, s.entryDelete),
		public(route(get, "/networks/{slug}", V, s.networkShow)),
		public(route(get, "/networks/{slug}/members.csv", V, s.networkMembersCSV)),
		route(get, "/networks/{slug}/members/new", E, s.membershipNewForm),
		route(post, "/networks/{slug}/members", E, s.membershipCreate),
		route(post, "/networks/{slug}/members/{id}/end", E, s.membershipEnd),
		route(post, "/networks/{slug}/members/{id}/delete", E, s.membershipDelete),

		// Daily updates: public to read; editors import their own areas' numbers (cases.CanWrite
		// per area), admins configure sources and the daily-update page.
		heavy(public(route(get, "/updates", V, s.updatesShow))),
		public(route(get, "/areas", V, s.areasList)),
		heavy(public(route(get, "/areas/{code}", V, s.areaShow))),
		heavy(public(route(get, "/compare", V, s.compareShow))),
		heavy(public(route(get, "/compare.csv", V, s.compareCSV))),
		heavy(public(route(get, "/compare.json", V, s.compareJSON))),
		public(route(get, "/sources", V, s.sourcesList)),
		route(get, "/imports/new", E, s.importForm),
		route(post, "/imports", E, s.importUpload),
		route(post, "/orgs/{slug}/area", E, s.orgAreaCreate),
		route(post, "/admin/updates", A, s.homeAreasSave),

		// The countermeasure library: public to read (the store shows each reader only what they
		// may see); each write asks the domain (practice.CanEdit for the owner's editors); any
		// member follows and translates what they can read.
		heavy(public(route(get, "/library", V, s.libraryList))),
		// Atom feeds of public practices, one per language (?lang=, else the reader's).
		heavy(public(route(get, "/library.atom", V, s.libraryFeed))),
		heavy(public(route(get, "/orgs/{slug}/practices.atom", V, s.orgPracticesFeed))),
		route(get, "/practices/new", E, s.practiceNewForm),
		route(post, "/practices/new", E, s.practiceCreate),
		public(route(get, "/practices/{id}", V, s.practiceShow)),
		route(get, "/practices/{id}/edit", E, s.practiceEditForm),
		route(post, "/practices/{id}/edit", E, s.practiceUpdate),
		route(post, "/practices/{id}/publish", E, s.practicePublish),
		route(post, "/practices/{id}/status", E, s.practiceStatus),
		route(post, "/practices/{id}/delete", E, s.practiceDelete),
		route(post, "/practices/{id}/follow", M, s.practiceFollow),
		public(route(get, "/practices/{id}/versions", V, s.practiceVersions)),
		heavy(public(route(get, "/practices/{id}/diff", V, s.practiceDiff))),
		route(get, "/practices/{id}/translations/new", M, s.translationNewForm),
		route(post, "/practices/{id}/translations", M, s.translationSave),
		// Members: the boards' forms with a file post here (the one path with the upload's body
		// limit); a practice's file still needs practice.CanEdit, asked before the body is read.
		route(post, "/attachments", E, s.attachmentUpload),
		route(get, "/attachments/{id}", V, s.attachmentDownload),
		route(post, "/attachments/{id}/delete", E, s.attachmentDelete),
		route(get, "/handbooks/new", E, s.handbookNewForm),
		route(post, "/handbooks/new", E, s.handbookCreate),
		heavy(public(route(get, "/handbooks/{id}", V, s.handbookShow))),
		route(get, "/handbooks/{id}/edit", E, s.handbookEditForm),
		route(post, "/handbooks/{id}/edit", E, s.handbookUpdate),
	}
	routes = append(routes, s.boardRoutes()...)
	routes = append(routes, s.notificationRoutes()...)
	routes = append(routes, s.searchRoutes()...)
	// Anything else is a page that does not exist (404) or a wrong method (405), in the reader's
	// language.
	return append(routes, httpx.Route{Method: "", Pattern: "/", Role: V, Surface: httpx.HTML, Handler: s.unmatched.NotFound})
}

// The least role a route needs.
const (
	V = citypact.RoleVisitor
	M = citypact.RoleMember
	E = citypact.RoleEditor
	A = citypact.RoleAdmin
)

const get, post = http.MethodGet, http.MethodPost

// route is an HTML route.
func route(method, pattern string, role citypact.Role, h httpx.HandlerFunc) httpx.Route {
	return httpx.Route{Method: method, Pattern: pattern, Role: role, Surface: httpx.HTML, Handler: h}
}

// public marks a route whose answer is the same for every visitor, so it may be page-cached.
func public(rt httpx.Route) httpx.Route { rt.Public = true; return rt }

// ticking marks a public route whose page also changes with the clock, kept in the page cache for
// maxAge at most.
func ticking(rt httpx.Route, maxAge time.Duration) httpx.Route {
	rt.Public, rt.MaxAge = true, maxAge
	return rt
}

// heavy marks a route that computes much per request, which the server admits fewer of at once.
func heavy(rt httpx.Route) httpx.Route { rt.Heavy = true; return rt }
