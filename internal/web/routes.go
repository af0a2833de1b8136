package web

import (
	"net/http"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/httpx"
)

// Routes is the HTML route table: every page and action with the least role it needs.
func (s *Server) Routes() []httpx.Route {
	const (
		V = citypact.RoleVisitor
		M = citypact.RoleMember
		E = citypact.RoleEditor
		A = citypact.RoleAdmin
	)
	r := func(method, pattern string, role citypact.Role, h httpx.HandlerFunc) httpx.Route {
		return httpx.Route{Method: method, Pattern: pattern, Role: role, Surface: httpx.HTML, Handler: h}
	}
	get, post := http.MethodGet, http.MethodPost
	public := func(rt httpx.Route) httpx.Route { rt.Public = true; return rt }
	heavy := func(rt httpx.Route) httpx.Route { rt.Heavy = true; return rt }
	return []httpx.Route{
		public(r(get, "/{$}", V, s.home)),
		r(get, "/signin", V, s.signInForm),
		r(post, "/signin", V, s.signIn),
		r(get, "/signin/totp", V, s.signInTOTPForm),
		r(post, "/signin/totp", V, s.signInTOTP),
		r(post, "/signout", V, s.signOut),
		// Links from account mail: the token is in the query, which request logs leave out.
		r(get, "/password/forgot", V, s.forgotForm),
		r(post, "/password/forgot", V, s.forgotSend),
		r(get, "/password/reset", V, s.resetForm),
		r(post, "/password/reset", V, s.resetSave),
		r(get, "/join", V, s.joinForm),
		r(post, "/join", V, s.join),
		r(post, "/language", V, s.setLanguage),
		public(r(get, "/about/sample-data", V, s.sampleData)),

		r(get, "/account", M, s.accountShow),
		r(post, "/account/password", M, s.passwordChange),
		r(post, "/account/email", M, s.emailChange),
		r(get, "/account/sessions", M, s.sessionsList),
		r(post, "/account/sessions/{id}/end", M, s.sessionEnd),
		r(get, "/account/tokens", M, s.tokensList),
		r(post, "/account/tokens", M, s.tokenCreate),
		r(post, "/account/tokens/{id}/revoke", M, s.tokenRevoke),
		r(get, "/account/totp", M, s.totpShow),
		r(post, "/account/totp/begin", M, s.totpBegin),
		r(post, "/account/totp", M, s.totpEnable),
		r(post, "/account/totp/disable", M, s.totpDisable),

		// Invitations: editors invite into their own organisation, admins anywhere
		// (account.CanInvite); each sees and revokes the pending ones they manage.
		r(get, "/invitations", E, s.invitationsList),
		r(post, "/invitations", E, s.invitationCreate),
		r(post, "/invitations/{id}/revoke", E, s.invitationRevoke),

		r(get, "/admin", A, s.adminShow),
		r(post, "/admin/settings", A, s.adminSettings),
		r(get, "/admin/users", A, s.usersList),
		r(post, "/admin/users", A, s.userCreate),
		r(get, "/admin/users/{id}", A, s.userEditForm),
		r(post, "/admin/users/{id}", A, s.userUpdate),
		r(get, "/admin/audit", A, s.auditList),

		// The directory: the least role opens the door; each handler then asks the domain
		// (directory.CanEdit, CanChangeTie, CanChangeEntry, CanChangeMembership) about the
		// organisation at hand.
		public(r(get, "/directory", V, s.directoryList)),
		public(r(get, "/directory.csv", V, s.directoryCSV)),
		r(get, "/orgs/new", A, s.orgNewForm),
		r(post, "/orgs/new", A, s.orgCreate),
		public(r(get, "/orgs/{slug}", V, s.orgShow)),
		public(r(get, "/orgs/{slug}/partners/{partner}", V, s.partnerShow)),
		public(r(get, "/orgs/{slug}/ties.csv", V, s.orgTiesCSV)),
		public(r(get, "/orgs/{slug}/networks.csv", V, s.orgNetworksCSV)),
		public(r(get, "/orgs/{slug}/contacts.csv", V, s.orgContactsCSV)),
		public(r(get, "/orgs/{slug}/timeline.csv", V, s.orgTimelineCSV)),
		r(get, "/orgs/{slug}/edit", E, s.orgEditForm),
		r(post, "/orgs/{slug}/edit", E, s.orgUpdate),
		r(get, "/orgs/{slug}/delete", A, s.orgDeleteForm),
		r(post, "/orgs/{slug}/delete", A, s.orgDelete),
		r(get, "/orgs/{slug}/contacts/new", E, s.contactNewForm),
		r(post, "/orgs/{slug}/contacts", E, s.contactCreate),
		r(get, "/orgs/{slug}/contacts/{id}/edit", E, s.contactEditForm),
		r(post, "/orgs/{slug}/contacts/{id}", E, s.contactUpdate),
		r(post, "/orgs/{slug}/contacts/{id}/delete", E, s.contactDelete),
		r(get, "/orgs/{slug}/ties/new", E, s.tieNewForm),
		r(post, "/orgs/{slug}/ties", E, s.tieCreate),
		r(post, "/orgs/{slug}/ties/{id}/delete", E, s.tieDelete),
		r(get, "/orgs/{slug}/timeline/new", E, s.entryNewForm),
		r(post, "/orgs/{slug}/timeline", E, s.entryCreate),
		r(post, "/orgs/{slug}/timeline/{id}/delete", E, s.entryDelete),
		public(r(get, "/networks/{slug}", V, s.networkShow)),
		public(r(get, "/networks/{slug}/members.csv", V, s.networkMembersCSV)),
		r(get, "/networks/{slug}/members/new", E, s.membershipNewForm),
		r(post, "/networks/{slug}/members", E, s.membershipCreate),
		r(post, "/networks/{slug}/members/{id}/end", E, s.membershipEnd),
		r(post, "/networks/{slug}/members/{id}/delete", E, s.membershipDelete),

		// Daily updates: public to read; editors import their own areas' numbers (cases.CanWrite
		// per area), admins configure sources and the daily-update page.
		heavy(public(r(get, "/updates", V, s.updatesShow))),
		public(r(get, "/areas", V, s.areasList)),
		heavy(public(r(get, "/areas/{code}", V, s.areaShow))),
		heavy(public(r(get, "/compare", V, s.compareShow))),
		heavy(public(r(get, "/compare.csv", V, s.compareCSV))),
		heavy(public(r(get, "/compare.json", V, s.compareJSON))),
		public(r(get, "/sources", V, s.sourcesList)),
		r(get, "/imports/new", E, s.importForm),
		r(post, "/imports", E, s.importUpload),
		r(post, "/orgs/{slug}/area", E, s.orgAreaCreate),
		r(post, "/admin/updates", A, s.homeAreasSave),

		// The countermeasure library: public to read (the store shows each reader only what they
		// may see); each write asks the domain (practice.CanEdit for the owner's editors); any
		// member follows and translates what they can read.
		heavy(public(r(get, "/library", V, s.libraryList))),
		// Atom feeds of public practices, one per language (?lang=, else the reader's).
		heavy(public(r(get, "/library.atom", V, s.libraryFeed))),
		heavy(public(r(get, "/orgs/{slug}/practices.atom", V, s.orgPracticesFeed))),
		r(get, "/practices/new", E, s.practiceNewForm),
		r(post, "/practices/new", E, s.practiceCreate),
		public(r(get, "/practices/{id}", V, s.practiceShow)),
		r(get, "/practices/{id}/edit", E, s.practiceEditForm),
		r(post, "/practices/{id}/edit", E, s.practiceUpdate),
		r(post, "/practices/{id}/publish", E, s.practicePublish),
		r(post, "/practices/{id}/status", E, s.practiceStatus),
		r(post, "/practices/{id}/delete", E, s.practiceDelete),
		r(post, "/practices/{id}/follow", M, s.practiceFollow),
		public(r(get, "/practices/{id}/versions", V, s.practiceVersions)),
		heavy(public(r(get, "/practices/{id}/diff", V, s.practiceDiff))),
		r(get, "/practices/{id}/translations/new", M, s.translationNewForm),
		r(post, "/practices/{id}/translations", M, s.translationSave),
		r(post, "/attachments", E, s.attachmentUpload),
		r(get, "/attachments/{id}", V, s.attachmentDownload),
		r(post, "/attachments/{id}/delete", E, s.attachmentDelete),
		r(get, "/handbooks/new", E, s.handbookNewForm),
		r(post, "/handbooks/new", E, s.handbookCreate),
		heavy(public(r(get, "/handbooks/{id}", V, s.handbookShow))),
		r(get, "/handbooks/{id}/edit", E, s.handbookEditForm),
		r(post, "/handbooks/{id}/edit", E, s.handbookUpdate),

		// The cities network boards: each reader sees the boards their organisation may read (the
		// store applies board.CanSeeBoard); what they may not see is not found. A board's and a
		// thread's pages say how long a question has waited, which changes with the clock and not
		// only with the data, so they are not kept in the page cache.
		public(r(get, "/boards", V, s.boardsList)),
		r(get, "/boards/{slug}", V, s.boardShow),
		r(get, "/threads/{id}", V, s.threadShow),
		// Writing on the boards: the least role opens the door; the store asks board.CanPost and
		// board.CanAccept about the board and thread at hand.
		r(get, "/boards/{slug}/new", M, s.threadNewForm),
		r(post, "/boards/{slug}/new", M, s.threadCreate),
		r(post, "/threads/{id}/posts", M, s.postCreate),
		r(post, "/threads/{id}/accept", M, s.acceptAnswer),

		// Anything else is a page that does not exist (404) or a wrong method (405), in the
		// reader's language.
		{Method: "", Pattern: "/", Role: V, Surface: httpx.HTML, Handler: s.unmatched.NotFound},
	}
}
