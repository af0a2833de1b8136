package cli

import (
	"context"
	"fmt"
)

func migrate(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "migrate", "migrate [--database URL]")
	dsn := databaseFlag(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := openStoreNoMigrate(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	v, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "applied %d migration(s); schema version %d\n", len(applied), v)
	return nil
}
