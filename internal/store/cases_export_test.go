package store

// SetStageRows makes PostgreSQL imports merge their staged rows every n rows, so that a test of a
// few rows takes the path of a large import; the returned function restores the default.
func SetStageRows(n int) (restore func()) {
	old := pgStageRows
	pgStageRows = n
	return func() { pgStageRows = old }
}
