// Package citypact holds the vocabulary every part of the platform shares: error kinds, roles, the
// acting user and paging. It imports nothing of the project's own and never net/http or database/sql,
// so that domain packages, storage and the HTTP surfaces can all speak it.
package citypact
