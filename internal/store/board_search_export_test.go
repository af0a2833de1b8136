package store

// SetBoardSearchCandidates lowers the bound on the documents one board search ranks, so that
// tests can reach it with a few threads.
func SetBoardSearchCandidates(n int) (restore func()) {
	old := boardSearchCandidates
	boardSearchCandidates = n
	return func() { boardSearchCandidates = old }
}
