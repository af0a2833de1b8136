package cli

import (
	"context"
	"fmt"

	"github.com/citypact/citypact/internal/store"
)

func backup(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "backup", "backup [--database URL] --out FILE")
	dsn := databaseFlag(fs, env)
	out := fs.String("out", "", "the backup `file` to write (must not exist)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(env.Stderr, "backup: --out FILE is required")
		return errUsage
	}
	db, err := openStoreNoMigrate(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backup written to %s\n", *out)
	return nil
}

func restore(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "restore", "restore [--database URL] --from FILE [--force]")
	dsn := databaseFlag(fs, env)
	from := fs.String("from", "", "the backup `file` to restore")
	force := fs.Bool("force", false, "replace a database that already holds data")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" {
		fmt.Fprintln(env.Stderr, "restore: --from FILE is required")
		return errUsage
	}
	if err := store.Restore(ctx, *dsn, *from, *force); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "restored %s\n", *from)
	return nil
}

func openStoreNoMigrate(ctx context.Context, dsn string) (*store.DB, error) {
	return store.Open(ctx, dsn, store.Options{})
}
