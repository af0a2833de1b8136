package web

import (
	"net/http"
	"strconv"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
)

// addressPeople reads the new-thread form's people, by e-mail address, into t.ToUsers: an address
// without an active account is a field error. Whether each person may read the board is the
// store's check (board.addressee_invalid on the same field).
func (s *Server) addressPeople(r *http.Request, t *board.Thread, fe *formErrors) error {
	emails := splitList(r.PostFormValue("to_users"))
	if len(emails) > board.MaxAddressees {
		fe.add("to_users", "board.to_users_too_many", "max", strconv.Itoa(board.MaxAddressees))
		return nil
	}
	for _, e := range emails {
		id, err := s.Accounts.AddresseeByEmail(r.Context(), stateOf(r).actor, e)
		if citypact.KindOf(err) == citypact.KindNotFound {
			fe.add("to_users", "board.person_unknown", "email", e)
			return nil
		} else if err != nil {
			return err
		}
		t.ToUsers = append(t.ToUsers, id)
	}
	return nil
}
