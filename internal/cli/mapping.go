package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/cases"
)

const mappingUsage = `mapping save [--database URL] --source KEY NAME SPEC.json
       mapping list [--database URL]
       mapping show [--database URL] NAME

A mapping describes a CSV or JSON file the hub has no parser for (which column is the date and in
what layout, which the area, which the metrics), so 'citypact import cases --mapping NAME FILE'
can read it. SPEC.json is the mapping's definition ("-" reads standard input); 'mapping show'
prints one in that form.`

func mappingCmd(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintf(env.Stderr, "Usage: citypact %s\n", mappingUsage)
		return errUsage
	}
	fs := newFlags(env, "mapping "+args[0], mappingUsage)
	dsn := databaseFlag(fs, env)
	source := fs.String("source", "", "the key of the source the mapped files come from")
	rest, err := parseMixed(fs, args[1:])
	if err != nil {
		return err
	}
	open := func() (cases.Store, func(), error) {
		db, err := openStore(ctx, *dsn)
		if err != nil {
			return nil, nil, err
		}
		return db, func() { db.Close() }, nil
	}
	ctx = citypact.WithActor(ctx, cliActor)
	switch args[0] {
	case "save":
		if len(rest) != 2 || *source == "" {
			fs.Usage()
			return errUsage
		}
		var spec cases.MappingSpec
		var r io.Reader = env.Stdin
		if rest[1] != "-" {
			f, err := os.Open(rest[1])
			if err != nil {
				return err
			}
			defer f.Close()
			r = f
		}
		dec := json.NewDecoder(r)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&spec); err != nil {
			return &citypact.Error{Kind: citypact.KindInvalid, Err: fmt.Errorf("%s: %w", rest[1], err)}
		}
		st, done, err := open()
		if err != nil {
			return err
		}
		defer done()
		m := cases.Mapping{Name: rest[0], Source: *source, Spec: spec}
		if err := st.SaveMapping(ctx, &m); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "saved mapping %s (source %s)\n", m.Name, m.Source)
		return nil
	case "list":
		st, done, err := open()
		if err != nil {
			return err
		}
		defer done()
		ms, err := st.Mappings(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tSOURCE\tFORMAT\tUPDATED")
		for _, m := range ms {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.Name, m.Source, m.Spec.Format, m.UpdatedAt.Format(time.DateOnly))
		}
		return tw.Flush()
	case "show":
		if len(rest) != 1 {
			fs.Usage()
			return errUsage
		}
		st, done, err := open()
		if err != nil {
			return err
		}
		defer done()
		m, err := st.MappingByName(ctx, rest[0])
		if err != nil {
			return err
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(m.Spec)
	}
	fmt.Fprintf(env.Stderr, "Usage: citypact %s\n", mappingUsage)
	return errUsage
}
