package cli

import (
	"context"
	"fmt"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/demo"
)

func seed(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "demo" {
		fmt.Fprintln(env.Stderr, "Usage: citypact seed demo [--database URL]")
		return errUsage
	}
	fs := newFlags(env, "seed demo", "seed demo [--database URL]")
	dsn := databaseFlag(fs, env)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	db, err := openStore(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = citypact.WithActor(ctx, citypact.Actor{Name: "demo", Role: citypact.RoleAdmin})
	sum, err := demo.Seed(ctx, db)
	if err != nil {
		return err
	}
	if err := demo.SeedCases(ctx, db, db, db); err != nil {
		return err
	}
	if err := demo.SeedPractices(ctx, db, db); err != nil {
		return err
	}
	if err := demo.SeedBoards(ctx, db.BoardStore(), db, db, db); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "demo hub: %d organisations, %d memberships, %d ties, %d contacts, %d timeline entries added\n",
		sum.Organisations, sum.Memberships, sum.Ties, sum.Contacts, sum.Entries)
	return nil
}
