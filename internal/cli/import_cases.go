package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/cases"
)

func importCases(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "import cases", importUsage)
	dsn := databaseFlag(fs, env)
	format := fs.String("format", "", "owid or jhu; detected from the header when empty")
	mapping := fs.String("mapping", "", "the name of a saved column mapping")
	source := fs.String("source", "", "the key of the source the numbers come from")
	partial := fs.Bool("partial", false, "store the valid rows of a file with problems, and list the rest")
	files, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fs.Usage()
		return errUsage
	}
	switch *format {
	case "", "owid", "jhu":
	default:
		fmt.Fprintf(env.Stderr, "citypact import cases: --format must be owid or jhu, not %q\n", *format)
		return errUsage
	}
	db, err := openStore(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = citypact.WithActor(ctx, cliActor)
	failed := false
	for _, name := range files {
		if err := importCasesFile(ctx, env, db, name, cases.File{Name: name, Format: *format, Mapping: *mapping, Source: *source, Partial: *partial}); err != nil {
			var ie *citypact.ImportError
			if !errors.As(err, &ie) {
				return err
			}
			failed = true
		}
	}
	if failed {
		return &citypact.Error{Kind: citypact.KindInvalid, Err: errors.New("some files had problems")}
	}
	return nil
}

// importCasesFile imports one file, with a progress bar on a terminal, and lists its problems.
func importCasesFile(ctx context.Context, env Env, st cases.Store, name string, f cases.File) error {
	file, err := os.Open(name)
	if err != nil {
		return err
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return err
	}
	start := time.Now()
	pr := &progressReader{ReadSeeker: file, size: info.Size()}
	f.Body = pr
	stop := pr.show(env.Stderr, name)
	im, err := cases.ImportFile(ctx, st, f)
	stop()
	var ie *citypact.ImportError
	if errors.As(err, &ie) {
		for _, l := range ie.Lines() {
			fmt.Fprintln(env.Stderr, l)
		}
		if ie.Truncated {
			fmt.Fprintf(env.Stderr, "%s: only the first %d problems are listed\n", name, len(ie.Problems))
		}
		if im.ID == 0 {
			fmt.Fprintf(env.Stderr, "%s: nothing imported\n", name)
			return err
		}
	} else if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	fmt.Fprintf(env.Stdout, "%s: %d rows: %d new, %d corrected, %d unchanged, %d skipped (import %d, %s)\n",
		name, im.Rows, im.Inserted, im.Corrected, im.Unchanged, im.Skipped, im.ID, time.Since(start).Round(time.Millisecond))
	return err
}

// progressReader counts what the import has read, for a progress bar drawn from the bytes read
// out of the file's size (the rows are counted inside the store's transaction).
type progressReader struct {
	io.ReadSeeker
	size int64
	read atomic.Int64
	pass atomic.Int32 // the file is read twice: for its checksum, then to import it
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.ReadSeeker.Read(b)
	p.read.Add(int64(n))
	return n, err
}

func (p *progressReader) Seek(off int64, whence int) (int64, error) {
	n, err := p.ReadSeeker.Seek(off, whence)
	if err == nil {
		p.read.Store(n)
		p.pass.Add(1)
	}
	return n, err
}

// show draws the bar on w every 200 ms while w is a terminal; the returned func clears it.
func (p *progressReader) show(w io.Writer, name string) func() {
	if !isTerminal(w) || p.size == 0 {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(w, "\r\033[K")
				return
			case <-t.C:
				frac := float64(p.read.Load()) / float64(p.size)
				step := "checking"
				if p.pass.Load() > 0 {
					step = "importing"
				}
				const width = 30
				fill := min(width, int(frac*width))
				fmt.Fprintf(w, "\r\033[K%s %s [%s%s] %3.0f%%", name, step, strings.Repeat("#", fill), strings.Repeat(".", width-fill), 100*min(frac, 1))
			}
		}
	}()
	return func() { close(done); <-finished }
}
