package cli

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/cases"
)

const sourceUsage = `source save [--database URL] --name NAME [--url URL] [--licence L] [--attribution TEXT] [--interval-days N] KEY
       source list [--database URL]

A source is where daily numbers come from: a public data set or a city's own reports. Its licence
and credit line are shown beneath every chart that uses it; --interval-days is how often new data
are expected (0: an archive), after which the source is marked stale.`

func sourceCmd(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintf(env.Stderr, "Usage: citypact %s\n", sourceUsage)
		return errUsage
	}
	fs := newFlags(env, "source "+args[0], sourceUsage)
	dsn := databaseFlag(fs, env)
	name := fs.String("name", "", "the source's name")
	url := fs.String("url", "", "where the data are published")
	licence := fs.String("licence", "", "the data's licence, e.g. CC BY 4.0")
	attribution := fs.String("attribution", "", "the credit line the licence asks for")
	interval := fs.Int("interval-days", 1, "how often new data are expected, in days; 0 for an archive")
	rest, err := parseMixed(fs, args[1:])
	if err != nil {
		return err
	}
	db, err := openStore(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = citypact.WithActor(ctx, cliActor)
	switch args[0] {
	case "save":
		if len(rest) != 1 {
			fs.Usage()
			return errUsage
		}
		s := cases.Source{Key: rest[0], Name: *name, URL: *url, Licence: *licence, Attribution: *attribution,
			Interval: time.Duration(*interval) * 24 * time.Hour}
		if err := db.SaveSource(ctx, &s); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "saved source %s\n", s.Key)
		return nil
	case "list":
		all, err := db.Sources(ctx)
		if err != nil {
			return err
		}
		now := time.Now()
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "KEY\tNAME\tLATEST DAY\tLAST IMPORT\tSTALE")
		for _, s := range all {
			latest, last := "-", "-"
			if s.LatestDay != 0 {
				latest = s.LatestDay.String()
			}
			if !s.LastImport.IsZero() {
				last = s.LastImport.Format(time.DateTime)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\n", s.Key, s.Name, latest, last, s.Stale(now))
		}
		return tw.Flush()
	}
	fmt.Fprintf(env.Stderr, "Usage: citypact %s\n", sourceUsage)
	return errUsage
}
