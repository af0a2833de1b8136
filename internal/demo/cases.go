package demo

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/directory"
)

// The demo hub's series: real public data (see series/PROVENANCE.md), imported through the same
// path as any upload, so the demo shows what an import gives.
//
//go:embed series
var seriesFS embed.FS

// demoSources are the sources of the demo's series, with the credit their licences ask for.
var demoSources = []cases.Source{
	cases.KnownSources["owid"],
	{
		Key: "readr-taiwan", Name: "READr — Taiwan local COVID-19 cases by city and county (from Taiwan CDC releases)",
		URL: "https://github.com/readr-media/readr-data/tree/master/covid-19", Licence: "CC0 1.0",
		Attribution: "Compiled by READr (readr.tw) from Taiwan Centers for Disease Control releases",
		Interval:    24 * time.Hour,
	},
	{
		Key: "tokyo-metro", Name: "Tokyo Metropolitan Government — COVID-19 information site data (東京都 新型コロナウイルス感染症対策サイト)",
		URL: "https://github.com/Tokyo-Metro-Gov/covid19", Licence: "CC BY 4.0",
		Attribution: "東京都 / Tokyo Metropolitan Government",
		Interval:    24 * time.Hour,
	},
}

// demoImports are the files the demo imports, in order: OWID first, so that country areas exist.
var demoImports = []struct {
	file, mapping, source string
}{
	{"owid-covid-data.csv.gz", "", "owid"},
	{"readr-indigenous_case_group_after0514.csv", "readr-taiwan-national", "readr-taiwan"},
	{"readr-indigenous_case_county.csv", "readr-taiwan-county", "readr-taiwan"},
	{"tokyo-daily_positive_detail.json.gz", "tokyo-daily-positive", "tokyo-metro"},
}

// Settings reads and writes hub settings.
type Settings interface {
	SetSetting(ctx context.Context, key, value string) error
}

// SeedCases builds the demo hub's daily updates into st: sources, city areas for Taipei and Tokyo
// (from their directory organisations, which Seed creates), saved mappings, the imports, and the
// daily-update page's areas (Taiwan and Taipei). Running it again changes nothing.
func SeedCases(ctx context.Context, st cases.Store, dir directory.Store, settings Settings) (err error) {
	defer citypact.Wrap(&err, "demo.SeedCases")
	for _, s := range demoSources {
		if err := st.SaveSource(ctx, &s); err != nil {
			return fmt.Errorf("source %s: %w", s.Key, err)
		}
	}
	for _, slug := range []string{"taipei", "tokyo"} {
		o, err := dir.OrganisationBySlug(ctx, slug)
		if err != nil {
			return err
		}
		a := cases.Area{Code: slug, Kind: cases.AreaCity, Name: o.NameIn("en"), Country: o.Country, OrgID: o.ID,
			Population: o.Population, PopulationYear: o.PopulationYear, PopulationSource: o.PopulationSource}
		if err := st.SaveArea(ctx, &a); err != nil {
			return fmt.Errorf("area %s: %w", slug, err)
		}
	}
	mappings, err := seriesFS.ReadDir("series/mappings")
	if err != nil {
		return err
	}
	for _, e := range mappings {
		name := strings.TrimSuffix(e.Name(), ".json")
		b, err := seriesFS.ReadFile("series/mappings/" + e.Name())
		if err != nil {
			return err
		}
		m := cases.Mapping{Name: name, Source: mappingSource(name)}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&m.Spec); err != nil {
			return fmt.Errorf("mapping %s: %w", name, err)
		}
		if err := st.SaveMapping(ctx, &m); err != nil {
			return fmt.Errorf("mapping %s: %w", name, err)
		}
	}
	for _, im := range demoImports {
		body, err := seriesFile(im.file)
		if err != nil {
			return err
		}
		_, err = cases.ImportFile(ctx, st, cases.File{Name: strings.TrimSuffix(im.file, ".gz"), Body: body, Mapping: im.mapping, Source: im.source})
		var ie *citypact.ImportError
		if errors.As(err, &ie) {
			return fmt.Errorf("%s: %s", im.file, strings.Join(ie.Lines(), "; "))
		}
		if err != nil {
			return fmt.Errorf("%s: %w", im.file, err)
		}
	}
	if err := settings.SetSetting(ctx, "updates.country", "TWN"); err != nil {
		return err
	}
	return settings.SetSetting(ctx, "updates.city", "taipei")
}

// mappingSource is the source of a demo mapping's files, from its name.
func mappingSource(name string) string {
	switch {
	case strings.HasPrefix(name, "readr-"):
		return "readr-taiwan"
	case strings.HasPrefix(name, "tokyo-"):
		return "tokyo-metro"
	}
	return ""
}

// seriesFile opens an embedded file, uncompressed, as the import wants it: seekable.
func seriesFile(name string) (io.ReadSeeker, error) {
	b, err := seriesFS.ReadFile(path.Join("series", name))
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		if b, err = io.ReadAll(zr); err != nil {
			return nil, err
		}
	}
	return bytes.NewReader(b), nil
}
