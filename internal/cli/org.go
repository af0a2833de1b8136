package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
)

const orgUsage = `org add --slug SLUG --name NAME [--kind city]
       citypact org list`

func org(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintf(env.Stderr, "Usage: citypact %s\n", orgUsage)
		return errUsage
	}
	sub, args := args[0], args[1:]
	fs := newFlags(env, "org "+sub, orgUsage)
	dsn := databaseFlag(fs, env)
	slug := fs.String("slug", "", "stable `slug` used in URLs, e.g. seoul")
	name := fs.String("name", "", "the organisation's `name`")
	kind := fs.String("kind", "city", "`kind`: city, national, network, international, ngo, mission, academia, company")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := openStore(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = citypact.WithActor(ctx, cliActor)
	switch sub {
	case "add":
		o := directory.Organisation{Slug: *slug, Name: *name, Kind: directory.Kind(*kind)}
		o.Normalize()
		regions, err := db.Regions(ctx)
		if err != nil {
			return err
		}
		if err := o.Validate(directory.RegionKeys(regions)); err != nil {
			return err
		}
		if err := db.CreateOrganisation(ctx, &o); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "added %s (%s)\n", o.Name, o.Slug)
		return nil
	case "list":
		orgs, err := db.ListOrganisations(ctx, citypact.Page{Limit: citypact.MaxLimit})
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSLUG\tKIND\tNAME")
		for _, o := range orgs {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", o.ID, o.Slug, o.Kind, o.Name)
		}
		return tw.Flush()
	}
	fmt.Fprintf(env.Stderr, "Usage: citypact %s\n", orgUsage)
	return errUsage
}
