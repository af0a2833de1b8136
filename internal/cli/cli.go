// Package cli implements the citypact subcommands, one file each, each with its own flag set and
// help. Exit codes follow the error kinds: 2 for usage and invalid input, 1 for everything else.
// It must never import net/http handlers directly; it goes through app or the store.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/config"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/store"
)

// Env is the outside world a command sees; tests pass their own.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

type command struct {
	summary string
	run     func(ctx context.Context, env Env, args []string) error
}

// commandTable is a function rather than a package variable because help refers back to it.
func commandTable() map[string]command {
	return map[string]command{
		"serve":   {"run the web interface and the API", serve},
		"migrate": {"bring the database schema up to date", migrate},
		"user":    {"add, list and change accounts", user},
		"routes":  {"list every route with the least role it needs", routes},
		"backup":  {"write a consistent copy of the database", backup},
		"restore": {"replace the database with a backup", restore},
		"version": {"print the version", version},
		"org":     {"add and list organisations", org},
		"import":  {"import directory FILE.csv | import cases FILE…: organisations or daily series in bulk", importCmd},
		"mapping": {"save and list column mappings for importing daily series", mappingCmd},
		"source":  {"save and list the sources of daily series", sourceCmd},
		"seed":    {"seed demo: build the demo hub from the reference documents", seed},
		"help":    {"explain the commands", help},
	}
}

// errUsage marks a command-line mistake: exit code 2 and the command's usage.
var errUsage = errors.New("usage")

// Main runs one command and returns the process exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 {
		help(ctx, env, nil)
		return 2
	}
	cmd, ok := commandTable()[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "citypact: unknown command %q; see 'citypact help'\n", args[0])
		return 2
	}
	err := cmd.run(ctx, env, args[1:])
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case citypact.KindOf(err) == citypact.KindInvalid:
		fmt.Fprintf(env.Stderr, "citypact %s: %s\n", args[0], describe(err))
		return 2
	default:
		fmt.Fprintf(env.Stderr, "citypact %s: %s\n", args[0], describe(err))
		return 1
	}
}

// describe says an error in English with its field messages, for the terminal.
func describe(err error) string {
	fields := citypact.FieldsOf(err)
	if len(fields) == 0 {
		if m := citypact.MessageOf(err); m != "" && citypact.KindOf(err) != citypact.KindInternal {
			return i18n.For(i18n.EN).T(m)
		}
		return err.Error()
	}
	tr := i18n.For(i18n.EN)
	var parts []string
	for _, f := range fields {
		parts = append(parts, f.Field+": "+tr.T(f.Key, f.Args...))
	}
	return strings.Join(parts, "; ")
}

func help(_ context.Context, env Env, _ []string) error {
	fmt.Fprintln(env.Stdout, "citypact — a hub where cities work together against pandemics and other crises.\n\nUsage: citypact COMMAND [flags]\n\nCommands:")
	commands := commandTable()
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(env.Stdout, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(env.Stdout, "\nRun 'citypact COMMAND -h' for a command's flags.")
	return nil
}

// newFlags returns a flag set that prints usage to stderr and returns errors rather than exiting.
func newFlags(env Env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("citypact "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: citypact %s\n\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseMixed parses flags that may come before, between or after the positional arguments
// ("import cases a.csv --partial b.csv"), and returns the positional ones.
func parseMixed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := parse(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return rest, nil
		}
		rest, args = append(rest, fs.Arg(0)), fs.Args()[1:]
	}
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// databaseFlag adds --database with the environment default, for commands that only need the store.
func databaseFlag(fs *flag.FlagSet, env Env) *string {
	def := config.Default().Database
	if v := env.Getenv("CITYPACT_DATABASE"); v != "" {
		def = v
	}
	return fs.String("database", def, "database: sqlite:PATH or postgres://… `URL` (CITYPACT_DATABASE)")
}

// openStore opens and migrates the database for a command.
func openStore(ctx context.Context, dsn string) (*store.DB, error) {
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func logger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}
