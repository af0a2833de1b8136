//go:build !linux

package dbtest

func roomyTmpfs() (string, bool) { return "", false }
