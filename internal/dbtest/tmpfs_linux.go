package dbtest

import "syscall"

// roomyTmpfs reports whether /dev/shm can hold a throwaway cluster: there, creating and dropping a
// database takes a few tens of milliseconds instead of a few hundred on a busy ext4 disk. Containers
// often give /dev/shm only 64 MiB, too little for a cluster of 40 MiB plus 8 MiB per database.
func roomyTmpfs() (string, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs("/dev/shm", &st); err != nil {
		return "", false
	}
	return "/dev/shm", uint64(st.Bavail)*uint64(st.Bsize) >= 2<<30
}
