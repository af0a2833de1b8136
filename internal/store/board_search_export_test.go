package store

// SetBoardSearchCandidates lowers the bound on the documents one board search ranks, so that
// tests can reach it with a few threads.
func SetBoardSearchCandidates(n int) (restore func()) {
	old := boardSearchCandidates
	boardSearchCandidates = n
	return func() { boardSearchCandidates = old }
}

// SetBoardBucketBits makes PostgreSQL's blocks of board documents small, so that a test reaches
// every tier of the candidate query with a few threads. Documents written before keep their
// bucket words.
func SetBoardBucketBits(n int) (restore func()) {
	old := boardBucketBits
	boardBucketBits = n
	return func() { boardBucketBits = old }
}
