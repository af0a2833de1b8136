package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
)

const importUsage = `import directory [--database URL] [--dry-run] FILE.csv
       import cases [--database URL] [--format owid|jhu] [--mapping NAME] [--source KEY] [--partial] FILE…

import directory reads organisations in the directory's CSV format (as GET /api/v1/organisations.csv writes it;
"-" reads standard input) and creates or updates them by slug, all in one transaction. Any
problem in the file is listed as FILE:LINE:COLUMN and nothing is imported.

import cases reads daily epidemic series: Our World in Data's long CSV, JHU CSSE's wide time
series (the format is detected from the header when --format is not given), or any CSV or JSON
file through a saved column mapping (see 'citypact mapping'). Each file is one transaction: a
file with any problem imports nothing unless --partial is given, which stores its valid rows.
Importing a file again changes nothing; changed values are kept as corrections.`

// importCmd dispatches on what is imported.
func importCmd(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintf(env.Stderr, "Usage: citypact %s\n", importUsage)
		return errUsage
	}
	switch args[0] {
	case "directory":
		return importDirectory(ctx, env, args[1:])
	case "cases":
		return importCases(ctx, env, args[1:])
	case "-h", "-help", "--help":
		fmt.Fprintf(env.Stderr, "Usage: citypact %s\n", importUsage)
		return nil
	}
	fmt.Fprintf(env.Stderr, "citypact import: unknown kind %q; see 'citypact import -h'\n", args[0])
	return errUsage
}

func importDirectory(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "import directory", importUsage)
	dsn := databaseFlag(fs, env)
	dryRun := fs.Bool("dry-run", false, "check the file against the database's regions, import nothing")
	// Flags may come before or after the file.
	files, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fs.Usage()
		return errUsage
	}
	name := files[0]
	progress := progressTo(env.Stderr)

	var in io.Reader = env.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	db, err := openStore(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = citypact.WithActor(ctx, cliActor)
	regions, err := db.Regions(ctx)
	if err != nil {
		return err
	}

	start := time.Now()
	progress("reading %s…", name)
	orgs, err := directory.ReadOrganisationsCSV(in, name, directory.RegionKeys(regions))
	var ie *directory.ImportError
	if errors.As(err, &ie) {
		progress("")
		for _, l := range ie.Lines() {
			fmt.Fprintln(env.Stderr, l)
		}
		more := ""
		if ie.Truncated {
			more = fmt.Sprintf(" (only the first %d are listed)", len(ie.Problems))
		}
		return &citypact.Error{Kind: citypact.KindInvalid, Err: fmt.Errorf("%s has problems%s; nothing imported", name, more)}
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	if *dryRun {
		progress("")
		fmt.Fprintf(env.Stdout, "%s: %d organisations, no problems; nothing imported (--dry-run)\n", name, len(orgs))
		return nil
	}
	progress("importing %d organisations…", len(orgs))
	created, updated, err := db.ImportOrganisations(ctx, orgs)
	progress("")
	if err != nil {
		return err
	}
	unchanged := ""
	if n := len(orgs) - created - updated; n > 0 {
		unchanged = fmt.Sprintf(", %d unchanged", n)
	}
	fmt.Fprintf(env.Stdout, "imported %d organisations (%d created, %d updated%s)\n", len(orgs), created, updated, unchanged)
	progressDone(env.Stderr, start)
	return nil
}

// progressTo returns a function that shows a status line on w when w is a terminal, and does
// nothing otherwise, so that logs and pipes get only the results. An empty message clears it.
func progressTo(w io.Writer) func(format string, args ...any) {
	if !isTerminal(w) {
		return func(string, ...any) {}
	}
	return func(format string, args ...any) {
		fmt.Fprintf(w, "\r\033[K"+format, args...)
	}
}

func progressDone(w io.Writer, start time.Time) {
	if isTerminal(w) {
		fmt.Fprintf(w, "took %s\n", time.Since(start).Round(time.Millisecond))
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
