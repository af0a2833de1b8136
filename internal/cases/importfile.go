package cases

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/citypact/citypact"
)

// File is a file to import, and how: the one path of the command line, the upload form and the
// demo, so that all three read, check and record a file the same way.
type File struct {
	Name    string        // as given, for problems and the import's record
	Body    io.ReadSeeker // read twice: once for its checksum, once to import
	Format  string        // "owid", "jhu", or "" to detect it from the header (or to use Mapping)
	Mapping string        // a saved mapping's name; the format is then the mapping's
	Source  string        // a source key; by default the mapping's or the format's source
	Partial bool          // store the valid rows of a file with problems
}

// ImportFile imports f into st as the actor in ctx. The result is the import's record; data
// problems come as a *citypact.ImportError (with the record too when f.Partial stored the rest).
func ImportFile(ctx context.Context, st Store, f File) (Import, error) {
	actor := citypact.ActorFrom(ctx)
	if err := CanImport(actor); err != nil {
		return Import{}, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f.Body); err != nil {
		return Import{}, fmt.Errorf("reading %s: %w", f.Name, err)
	}
	if _, err := f.Body.Seek(0, io.SeekStart); err != nil {
		return Import{}, err
	}
	sourceKey, format := f.Source, f.Format
	var spec *MappingSpec
	if f.Mapping != "" {
		m, err := st.MappingByName(ctx, f.Mapping)
		if err != nil {
			return Import{}, err
		}
		spec, format = &m.Spec, "mapping:"+m.Name
		if sourceKey == "" {
			sourceKey = m.Source
		}
	}
	rd, detected, err := Open(f.Format, f.Name, f.Body, spec)
	if err != nil {
		return Import{}, err
	}
	if spec == nil {
		format = detected
	}
	if sourceKey == "" {
		sourceKey = formatSources[format]
	}
	if sourceKey == "" {
		return Import{}, citypact.Invalid(citypact.FieldError{Field: "source", Key: "import.source_required"})
	}
	src, err := st.SourceByKey(ctx, sourceKey)
	if known, ok := KnownSources[sourceKey]; ok && citypact.KindOf(err) == citypact.KindNotFound && CanManage(actor) == nil {
		src, err = known, st.SaveSource(ctx, &known)
		src = known
	}
	if err != nil {
		return Import{}, err
	}
	meta := Import{Format: format, File: f.Name, SHA256: hex.EncodeToString(h.Sum(nil))}
	// Public data sets name every country; a mapping or a push writes areas that exist.
	opt := ImportOptions{Partial: f.Partial, CreateCountries: !strings.HasPrefix(format, "mapping:")}
	return st.Import(ctx, src, meta, rd, opt)
}
