package store_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/audit"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/store"
)

// caseWorld is a store with a source, two countries, a city of an organisation and an editor of
// that organisation.
type caseWorld struct {
	db          *store.DB
	src         cases.Source
	kor, jpn    cases.Area
	seoul       cases.Area
	editor      citypact.Actor
	otherEditor citypact.Actor
}

func newCaseWorld(t *testing.T, dsn string) *caseWorld {
	t.Helper()
	db, _ := open(t, dsn)
	w := &caseWorld{db: db, src: mustSource(t, db, "owid")}
	seoulOrg, busan := mustOrg(t, db, "seoul"), mustOrg(t, db, "busan")
	w.kor = mustArea(t, db, "KOR", cases.AreaCountry, 0)
	w.jpn = mustArea(t, db, "JPN", cases.AreaCountry, 0)
	w.seoul = mustArea(t, db, "seoul", cases.AreaCity, seoulOrg.ID)
	w.editor = mustUser(t, db, "editor@seoul.example", citypact.RoleEditor, seoulOrg.ID).Actor()
	w.otherEditor = mustUser(t, db, "editor@busan.example", citypact.RoleEditor, busan.ID).Actor()
	return w
}

func (w *caseWorld) importAs(a citypact.Actor, rd cases.Reader, opt cases.ImportOptions) (cases.Import, error) {
	return w.db.Import(ctxAs(a), w.src, cases.Import{Format: "owid", File: "test.csv", SHA256: "abc"}, rd, opt)
}

func (w *caseWorld) mustImport(t *testing.T, rd cases.Reader) cases.Import {
	t.Helper()
	im, err := w.importAs(admin, rd, cases.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return im
}

func (w *caseWorld) series(t *testing.T, a cases.Area) []cases.Point {
	t.Helper()
	ps, err := w.db.Series(context.Background(), a.ID, w.src.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func (w *caseWorld) revisions(t *testing.T, a cases.Area) []cases.Revision {
	t.Helper()
	rs, err := w.db.Revisions(context.Background(), a.ID, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// snapshot is everything an import may change.
type snapshot struct {
	series   map[string][]cases.Point
	revs     map[string][]cases.Revision
	coverage []cases.Coverage
	imports  []cases.Import
	sources  []cases.Source
	areas    []cases.Area
	version  int64
}

func (w *caseWorld) snapshot(t *testing.T) snapshot {
	t.Helper()
	ctx := context.Background()
	s := snapshot{series: map[string][]cases.Point{}, revs: map[string][]cases.Revision{}}
	var err error
	if s.areas, err = w.db.Areas(ctx, cases.AreaFilter{}); err != nil {
		t.Fatal(err)
	}
	for _, a := range s.areas {
		s.series[a.Code], s.revs[a.Code] = w.series(t, a), w.revisions(t, a)
	}
	if s.coverage, err = w.db.Coverage(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if s.imports, err = w.db.Imports(ctx, 0, citypact.Page{}); err != nil {
		t.Fatal(err)
	}
	if s.sources, err = w.db.Sources(ctx); err != nil {
		t.Fatal(err)
	}
	if s.version, err = w.db.DataVersion(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func point(date string, importID int64, mv ...any) cases.Point {
	return cases.Point{Day: mustDay(date), Values: vals(mv...), ImportID: importID}
}

func importCounts(im cases.Import) [5]int {
	return [5]int{im.Rows, im.Inserted, im.Corrected, im.Unchanged, im.Skipped}
}

func TestImportStoresAndReadsBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		w := newCaseWorld(t, dsn)
		ctx := context.Background()
		before, _ := w.db.DataVersion(ctx)
		rd := rows(
			ob(2, "KOR", "2020-03-01", cases.NewCases, 3, cases.TotalCases, 10),
			ob(3, "KOR", "2020-03-02", cases.NewCases, -1, cases.TotalCases, 9), // a negative daily figure is a correction, stored as is
			ob(4, "KOR", "2020-03-04", cases.TotalCases, 12, cases.PeopleVaccinated, 0),
			ob(5, "JPN", "2020-03-01", cases.TotalDeaths, 1),
			ob(6, "KOR", "2020-03-01", cases.NewCases, 3, cases.TotalCases, 10),                      // given twice alike: fine
			cases.Observation{Area: "JPN", Day: mustDay("2020-03-02"), Pos: cases.Position{Line: 7}}, // nothing reported
		)
		rd.skipped = 2
		im := w.mustImport(t, rd)
		if im.ID == 0 || im.SourceID != w.src.ID || im.Format != "owid" || im.File != "test.csv" || im.SHA256 != "abc" ||
			!im.StartedAt.Equal(epoch) || !im.EndedAt.Equal(epoch) || importCounts(im) != [5]int{6, 4, 0, 1, 3} {
			t.Errorf("import %+v", im)
		}
		want := []cases.Point{
			point("2020-03-01", im.ID, cases.NewCases, 3, cases.TotalCases, 10),
			point("2020-03-02", im.ID, cases.NewCases, -1, cases.TotalCases, 9),
			point("2020-03-04", im.ID, cases.TotalCases, 12, cases.PeopleVaccinated, 0),
		}
		if got := w.series(t, w.kor); !reflect.DeepEqual(got, want) {
			t.Errorf("series\n%+v\nwant\n%+v", got, want)
		}
		if got, _ := w.db.Series(ctx, w.kor.ID, w.src.ID, mustDay("2020-03-02"), mustDay("2020-03-03")); !reflect.DeepEqual(got, want[1:2]) {
			t.Errorf("series from, to: %+v", got)
		}
		if got, err := w.db.Series(ctx, w.seoul.ID, w.src.ID, 0, 0); err != nil || len(got) != 0 {
			t.Errorf("series of an area without data: %+v %v", got, err)
		}
		cov, err := w.db.Coverage(ctx, w.kor.ID)
		wantCov := []cases.Coverage{{AreaID: w.kor.ID, SourceID: w.src.ID, First: mustDay("2020-03-01"), Last: mustDay("2020-03-04"), Days: 3,
			Has: 1<<cases.NewCases | 1<<cases.TotalCases | 1<<cases.PeopleVaccinated}}
		if err != nil || !reflect.DeepEqual(cov, wantCov) {
			t.Errorf("coverage %+v %v", cov, err)
		}
		if all, _ := w.db.Coverage(ctx, 0); len(all) != 2 || all[1].AreaID != w.jpn.ID || all[1].Has != 1<<cases.TotalDeaths {
			t.Errorf("all coverage %+v", all)
		}
		src, _ := w.db.SourceByKey(ctx, "owid")
		if src.LatestDay != mustDay("2020-03-04") || !src.LastImport.Equal(epoch) {
			t.Errorf("source freshness %+v", src)
		}
		// One audit row, for the import.
		after, _ := w.db.DataVersion(ctx)
		es, _ := w.db.AuditLog(ctx, audit.Filter{})
		if after != before+1 || es[0].Action != "cases.import" || es[0].Entity != "case_import" || es[0].EntityID != im.ID ||
			!strings.Contains(es[0].After, `"inserted":4`) {
			t.Errorf("audit: %d → %d, %+v", before, after, es[0])
		}
		if ims, err := w.db.Imports(ctx, w.src.ID, citypact.Page{}); err != nil || len(ims) != 1 || !reflect.DeepEqual(ims[0], im) {
			t.Errorf("imports %+v %v, want %+v", ims, err, im)
		}
	})
}

func TestImportAgainChangesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		w := newCaseWorld(t, dsn)
		file := func() *obsReader {
			return rows(
				ob(2, "KOR", "2020-03-01", cases.NewCases, 3, cases.TotalCases, 10),
				ob(3, "KOR", "2020-03-02", cases.NewCases, 1, cases.TotalCases, 11),
				ob(4, "JPN", "2020-03-01", cases.TotalDeaths, 1),
			)
		}
		first := w.mustImport(t, file())
		s1 := w.snapshot(t)
		second := w.mustImport(t, file())
		if second.ID == first.ID || importCounts(second) != [5]int{3, 0, 0, 3, 0} {
			t.Errorf("second import %+v", second)
		}
		s2 := w.snapshot(t)
		if !reflect.DeepEqual(s1.series, s2.series) || !reflect.DeepEqual(s1.revs, s2.revs) ||
			!reflect.DeepEqual(s1.coverage, s2.coverage) || len(s2.imports) != 2 || s2.version != s1.version+1 {
			t.Errorf("second import changed data:\n%+v\n%+v", s1, s2)
		}
		// A file that repeats part of what is stored and adds a day inserts just the day.
		third := w.mustImport(t, rows(
			ob(2, "KOR", "2020-03-02", cases.NewCases, 1, cases.TotalCases, 11),
			ob(3, "KOR", "2020-03-03", cases.NewCases, 2, cases.TotalCases, 13),
		))
		if importCounts(third) != [5]int{2, 1, 0, 1, 0} {
			t.Errorf("third import %+v", third)
		}
		cov, _ := w.db.Coverage(context.Background(), w.kor.ID)
		if len(cov) != 1 || cov[0].Days != 3 || cov[0].Last != mustDay("2020-03-03") {
			t.Errorf("coverage %+v", cov)
		}
	})
}

func TestImportKeepsCorrections(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		w := newCaseWorld(t, dsn)
		first := w.mustImport(t, rows(
			ob(2, "KOR", "2020-03-01", cases.NewCases, 3, cases.TotalCases, 10),
			ob(3, "KOR", "2020-03-02", cases.NewCases, 1, cases.TotalCases, 11),
		))
		second := w.mustImport(t, rows(
			ob(2, "KOR", "2020-03-01", cases.NewCases, 4, cases.TotalCases, 10), // corrected
			ob(3, "KOR", "2020-03-02", cases.NewCases, 1, cases.TotalCases, 11),
		))
		if importCounts(second) != [5]int{2, 0, 1, 1, 0} {
			t.Errorf("second import %+v", second)
		}
		want := []cases.Point{
			point("2020-03-01", second.ID, cases.NewCases, 4, cases.TotalCases, 10),
			point("2020-03-02", first.ID, cases.NewCases, 1, cases.TotalCases, 11),
		}
		if got := w.series(t, w.kor); !reflect.DeepEqual(got, want) {
			t.Errorf("series\n%+v\nwant\n%+v", got, want)
		}
		wantRev := []cases.Revision{{AreaID: w.kor.ID, SourceID: w.src.ID, Day: mustDay("2020-03-01"),
			Values: vals(cases.NewCases, 3, cases.TotalCases, 10), ImportID: first.ID, Replaced: epoch, ReplacedBy: second.ID}}
		if got := w.revisions(t, w.kor); !reflect.DeepEqual(got, wantRev) {
			t.Errorf("revisions\n%+v\nwant\n%+v", got, wantRev)
		}
		ctx := context.Background()
		if got, _ := w.db.Revisions(ctx, w.kor.ID, w.src.ID, mustDay("2020-03-02"), 0); len(got) != 0 {
			t.Errorf("revisions from a later day: %+v", got)
		}
		if got, _ := w.db.Revisions(ctx, w.kor.ID, w.src.ID+1, 0, 0); len(got) != 0 {
			t.Errorf("revisions of another source: %+v", got)
		}
	})
}

func TestImportMergesMetrics(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		w := newCaseWorld(t, dsn)
		// JHU publishes confirmed cases and deaths in separate files.
		confirmed := w.mustImport(t, rows(
			ob(2, "KOR", "2020-03-01", cases.TotalCases, 10),
			ob(2, "KOR", "2020-03-02", cases.TotalCases, 11),
		))
		deaths := w.mustImport(t, rows(
			ob(2, "KOR", "2020-03-01", cases.TotalDeaths, 1),
			ob(2, "KOR", "2020-03-02", cases.TotalDeaths, 1),
			ob(2, "KOR", "2020-03-03", cases.TotalDeaths, 2),
		))
		if importCounts(deaths) != [5]int{3, 3, 0, 0, 0} {
			t.Errorf("deaths import %+v", deaths)
		}
		want := []cases.Point{
			point("2020-03-01", deaths.ID, cases.TotalCases, 10, cases.TotalDeaths, 1),
			point("2020-03-02", deaths.ID, cases.TotalCases, 11, cases.TotalDeaths, 1),
			point("2020-03-03", deaths.ID, cases.TotalDeaths, 2),
		}
		if got := w.series(t, w.kor); !reflect.DeepEqual(got, want) {
			t.Errorf("series\n%+v\nwant\n%+v", got, want)
		}
		if got := w.revisions(t, w.kor); len(got) != 0 {
			t.Errorf("filling in metrics kept revisions: %+v", got)
		}
		cov, _ := w.db.Coverage(context.Background(), w.kor.ID)
		if len(cov) != 1 || cov[0].Days != 3 || cov[0].Has != 1<<cases.TotalCases|1<<cases.TotalDeaths {
			t.Errorf("coverage %+v", cov)
		}
		_ = confirmed
	})
}

// wantProblems checks that err is an *ImportError listing problems with these lines and keys.
func wantProblems(t *testing.T, err error, want ...string) *citypact.ImportError {
	t.Helper()
	var ie *citypact.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("got %v, want an ImportError", err)
	}
	var got []string
	for _, p := range ie.Problems {
		got = append(got, strconv.Itoa(p.Line)+" "+p.Key)
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q\n%v", got, want, ie)
	}
	return ie
}

func TestImportProblems(t *testing.T) {
	good := ob(2, "KOR", "2020-03-01", cases.TotalCases, 10)
	for _, tc := range []struct {
		name  string
		as    string // "admin", "editor" (of Seoul), "other" (an editor of Busan)
		obs   []cases.Observation
		want  []string // "line key"
		stays int      // rows stored with Partial
		msg   string   // in the first problem's message
	}{
		{"unknown area", "admin", []cases.Observation{good, ob(3, "XXX", "2020-03-01", cases.NewCases, 1), ob(4, "XXX", "2020-03-02", cases.NewCases, 1)},
			[]string{"3 cases.problem.area_not_found"}, 1, "XXX"},
		{"future day", "admin", []cases.Observation{good, ob(3, "KOR", "2026-11-22", cases.NewCases, 1), ob(4, "KOR", "2026-11-24", cases.NewCases, 1)},
			[]string{"4 cases.problem.date_future"}, 2, ""},
		{"negative running total", "admin", []cases.Observation{good, ob(3, "KOR", "2020-03-02", cases.TotalDeaths, -1)},
			[]string{"3 cases.problem.negative_total"}, 1, ""},
		{"day twice, other values", "admin", []cases.Observation{good, ob(3, "JPN", "2020-03-01", cases.NewCases, 1), ob(9, "KOR", "2020-03-01", cases.TotalCases, 11)},
			[]string{"9 cases.problem.day_twice"}, 2, "line 2"},
		{"day twice, other metrics", "admin", []cases.Observation{good, ob(9, "KOR", "2020-03-01", cases.TotalCases, 10, cases.NewCases, 0)},
			[]string{"9 cases.problem.day_twice"}, 1, "line 2"},
		{"area of another organisation", "other", []cases.Observation{ob(2, "seoul", "2020-03-01", cases.NewCases, 1), ob(3, "seoul", "2020-03-02", cases.NewCases, 1)},
			[]string{"2 cases.problem.area_forbidden"}, 0, ""},
		{"a country, for an editor", "editor", []cases.Observation{ob(3, "seoul", "2020-03-01", cases.NewCases, 1), good},
			[]string{"2 cases.problem.area_forbidden"}, 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, dsn string) {
				w := newCaseWorld(t, dsn)
				as := map[string]citypact.Actor{"admin": admin, "editor": w.editor, "other": w.otherEditor}[tc.as]
				// Something stored before, which a failed import must leave as it was.
				w.mustImport(t, rows(ob(2, "JPN", "2020-02-01", cases.TotalCases, 1)))
				before := w.snapshot(t)
				im, err := w.importAs(as, rows(tc.obs...), cases.ImportOptions{})
				ie := wantProblems(t, err, tc.want...)
				if im != (cases.Import{}) {
					t.Errorf("failed import returned %+v", im)
				}
				if ie.File != "test.csv" || (tc.msg != "" && !strings.Contains(ie.Problems[0].Message, tc.msg)) {
					t.Errorf("import error %+v", ie)
				}
				if after := w.snapshot(t); !reflect.DeepEqual(before, after) {
					t.Errorf("a failed import changed data:\n%+v\n%+v", before, after)
				}

				// With Partial the valid rows are stored, and the problems still reported.
				im, err = w.importAs(as, rows(tc.obs...), cases.ImportOptions{Partial: true})
				wantProblems(t, err, tc.want...)
				if im.ID == 0 || im.Inserted != tc.stays || im.Skipped != len(tc.obs)-tc.stays-im.Unchanged {
					t.Errorf("partial import %+v", im)
				}
				after := w.snapshot(t)
				if len(after.imports) != 2 || after.version != before.version+1 {
					t.Errorf("partial import: %d imports, version %d → %d", len(after.imports), before.version, after.version)
				}
			})
		})
	}
}

func TestImportReaderProblems(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		w := newCaseWorld(t, dsn)
		rd := func() *obsReader {
			r := rows(ob(2, "KOR", "2020-03-01", cases.TotalCases, 10), ob(5, "XXX", "2020-03-01", cases.TotalCases, 10))
			r.problems = []citypact.Problem{{Line: 3, Key: "cases.problem.number_invalid", Message: "not a number"},
				{Line: 4, Key: "cases.problem.number_invalid", Message: "not a number"}}
			return r
		}
		_, err := w.importAs(admin, rd(), cases.ImportOptions{})
		wantProblems(t, err, "3 cases.problem.number_invalid", "4 cases.problem.number_invalid", "5 cases.problem.area_not_found")
		if got := w.series(t, w.kor); len(got) != 0 {
			t.Errorf("stored %+v", got)
		}
		im, err := w.importAs(admin, rd(), cases.ImportOptions{Partial: true})
		wantProblems(t, err, "3 cases.problem.number_invalid", "4 cases.problem.number_invalid", "5 cases.problem.area_not_found")
		if importCounts(im) != [5]int{2, 1, 0, 0, 3} || len(w.series(t, w.kor)) != 1 {
			t.Errorf("partial import %+v", im)
		}
	})
}

func TestImportStopsAfterManyProblems(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		w := newCaseWorld(t, dsn)
		var obs []cases.Observation
		for i := range 500 {
			obs = append(obs, ob(i+2, "KOR", "2020-03-01", cases.TotalCases, i)) // the same day, other values
		}
		rd := rows(obs...)
		_, err := w.importAs(admin, rd, cases.ImportOptions{})
		var ie *citypact.ImportError
		if !errors.As(err, &ie) || len(ie.Problems) != citypact.MaxImportProblems || !ie.Truncated || ie.Problems[0].Line != 3 {
			t.Fatalf("%v", err)
		}
		if rd.i == len(obs) {
			t.Error("read the whole file")
		}
	})
}

func TestImportCreatesCountries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		w := newCaseWorld(t, dsn)
		ctx := context.Background()
		file := func() hintReader {
			return hintReader{rows(
				ob(2, "FRA", "2020-03-01", cases.TotalCases, 10),
				ob(3, "FRA", "2020-03-02", cases.TotalCases, 12),
				ob(4, "KOR", "2020-03-01", cases.TotalCases, 5),
				ob(5, "OWID_WRL", "2020-03-01", cases.TotalCases, 100),
				ob(6, "NOHINT", "2020-03-01", cases.TotalCases, 100),
			), map[string]cases.Area{
				"FRA":      {Code: "FRA", Kind: cases.AreaCountry, Name: "France", Country: "FR", Population: 68_000_000, PopulationYear: 2023, PopulationSource: "OWID"},
				"OWID_WRL": {Code: "OWID_WRL", Kind: cases.AreaAggregate, Name: "World"},
			}}
		}
		// Without CreateCountries unknown areas are problems, and nothing is created.
		_, err := w.importAs(admin, file(), cases.ImportOptions{})
		wantProblems(t, err, "2 cases.problem.area_not_found", "5 cases.problem.area_not_found", "6 cases.problem.area_not_found")
		if _, err := w.db.AreaByCode(ctx, "FRA"); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("FRA: %v", err)
		}
		// An editor may not create countries either.
		_, err = w.importAs(w.editor, file(), cases.ImportOptions{CreateCountries: true})
		wantProblems(t, err, "2 cases.problem.area_forbidden", "4 cases.problem.area_forbidden", "5 cases.problem.area_forbidden", "6 cases.problem.area_not_found")

		before, _ := w.db.DataVersion(ctx)
		im, err := w.importAs(admin, file(), cases.ImportOptions{CreateCountries: true, Partial: true})
		wantProblems(t, err, "6 cases.problem.area_not_found")
		if im.Inserted != 4 {
			t.Errorf("import %+v", im)
		}
		fra, err := w.db.AreaByCode(ctx, "FRA")
		if err != nil || fra.Name != "France" || fra.Population != 68_000_000 || fra.Kind != cases.AreaCountry {
			t.Errorf("FRA %+v %v", fra, err)
		}
		if got := w.series(t, fra); len(got) != 2 {
			t.Errorf("FRA series %+v", got)
		}
		// Two areas and the import: three audit rows.
		after, _ := w.db.DataVersion(ctx)
		es, _ := w.db.AuditLog(ctx, audit.Filter{Page: citypact.Page{Limit: 3}})
		if after != before+3 || es[0].Action != "cases.import" || es[1].Action != "area.create" || es[2].Action != "area.create" {
			t.Errorf("audit %d → %d %+v", before, after, es)
		}
	})
}

func TestImportByEditor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		w := newCaseWorld(t, dsn)
		im, err := w.importAs(w.editor, rows(ob(2, "seoul", "2020-03-01", cases.NewCases, 5)), cases.ImportOptions{})
		if err != nil || im.UserID != w.editor.UserID || im.Inserted != 1 {
			t.Fatalf("%+v %v", im, err)
		}
		if _, err := w.importAs(citypact.Actor{}, rows(), cases.ImportOptions{}); citypact.KindOf(err) != citypact.KindUnauthenticated {
			t.Errorf("visitor: %v", err)
		}
		member := citypact.Actor{UserID: 99, Role: citypact.RoleMember, OrgID: w.seoul.OrgID}
		if _, err := w.importAs(member, rows(), cases.ImportOptions{}); citypact.KindOf(err) != citypact.KindForbidden {
			t.Errorf("member: %v", err)
		}
		missing := w.src
		missing.ID, missing.Key = 0, "nope"
		if _, err := w.db.Import(ctxAs(admin), missing, cases.Import{Format: "owid"}, rows(), cases.ImportOptions{}); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("unknown source: %v", err)
		}
	})
}

// A file whose areas alternate between those the source has series for and those it has not, and
// that names an area twice apart, takes every path of an import: on PostgreSQL, COPY straight into
// observations, into the staging table (merged every two rows here), and COPYs cut short by the
// creation of an area.
func TestImportMixedFile(t *testing.T) {
	defer store.SetStageRows(2)()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		w := newCaseWorld(t, dsn)
		ctx := context.Background()
		first := w.mustImport(t, rows(
			ob(2, "KOR", "2020-03-01", cases.TotalCases, 10),
			ob(3, "KOR", "2020-03-02", cases.TotalCases, 11),
			ob(4, "KOR", "2020-03-03", cases.TotalCases, 12),
		))
		rd := hintReader{rows(
			ob(2, "KOR", "2020-03-01", cases.TotalCases, 10),                    // unchanged
			ob(3, "KOR", "2020-03-02", cases.TotalCases, 11, cases.NewCases, 1), // filled in
			ob(4, "JPN", "2020-03-01", cases.TotalCases, 1),                     // new series
			ob(5, "JPN", "2020-03-02", cases.TotalCases, 2),
			ob(6, "KOR", "2020-03-03", cases.TotalCases, 13), // corrected
			ob(7, "FRA", "2020-03-01", cases.TotalCases, 5),  // a new area
			ob(8, "KOR", "2020-02-28", cases.TotalCases, 9),  // before the stored span
			ob(9, "JPN", "2020-03-03", cases.TotalCases, 3),
			ob(10, "FRA", "2020-03-02", cases.TotalCases, 6),
			ob(11, "KOR", "2020-03-05", cases.TotalCases, 15), // after it
		), map[string]cases.Area{"FRA": {Code: "FRA", Kind: cases.AreaCountry, Name: "France"}}}
		second, err := w.importAs(admin, rd, cases.ImportOptions{CreateCountries: true})
		if err != nil {
			t.Fatal(err)
		}
		if importCounts(second) != [5]int{10, 8, 1, 1, 0} {
			t.Errorf("import %+v", second)
		}
		want := []cases.Point{
			point("2020-02-28", second.ID, cases.TotalCases, 9),
			point("2020-03-01", first.ID, cases.TotalCases, 10),
			point("2020-03-02", second.ID, cases.TotalCases, 11, cases.NewCases, 1),
			point("2020-03-03", second.ID, cases.TotalCases, 13),
			point("2020-03-05", second.ID, cases.TotalCases, 15),
		}
		if got := w.series(t, w.kor); !reflect.DeepEqual(got, want) {
			t.Errorf("KOR\n%+v\nwant\n%+v", got, want)
		}
		if got := w.series(t, w.jpn); len(got) != 3 || got[2].Values != vals(cases.TotalCases, 3) {
			t.Errorf("JPN %+v", got)
		}
		fra, _ := w.db.AreaByCode(ctx, "FRA")
		if got := w.series(t, fra); len(got) != 2 {
			t.Errorf("FRA %+v", got)
		}
		if got := w.revisions(t, w.kor); len(got) != 1 || got[0].Values != vals(cases.TotalCases, 12) || got[0].ImportID != first.ID {
			t.Errorf("revisions %+v", got)
		}
		cov, _ := w.db.Coverage(ctx, 0)
		days := map[int64]cases.Coverage{}
		for _, c := range cov {
			days[c.AreaID] = c
		}
		if c := days[w.kor.ID]; c.Days != 5 || c.First != mustDay("2020-02-28") || c.Last != mustDay("2020-03-05") ||
			c.Has != 1<<cases.TotalCases|1<<cases.NewCases {
			t.Errorf("KOR coverage %+v", c)
		}
		if days[w.jpn.ID].Days != 3 || days[fra.ID].Days != 2 || len(cov) != 3 {
			t.Errorf("coverage %+v", cov)
		}
	})
}

// An import larger than one COPY message (64 KB) and than the staging table's batch, read back
// day by day, and imported again.
func TestImportLargerFile(t *testing.T) {
	defer store.SetStageRows(700)()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		w := newCaseWorld(t, dsn)
		file := func() *obsReader {
			r := rows()
			for i, a := range []string{"KOR", "JPN", "seoul"} {
				for d := range 1000 {
					o := ob(2+i*1000+d, a, "2020-01-01", cases.NewCases, d, cases.TotalCases, d*(d+1)/2, cases.ICU, i)
					o.Day += cases.Day(d)
					r.obs = append(r.obs, o)
				}
			}
			return r
		}
		first := w.mustImport(t, file())
		if importCounts(first) != [5]int{3000, 3000, 0, 0, 0} {
			t.Errorf("first %+v", first)
		}
		again := w.mustImport(t, file())
		if importCounts(again) != [5]int{3000, 0, 0, 3000, 0} {
			t.Errorf("again %+v", again)
		}
		ps := w.series(t, w.seoul)
		if len(ps) != 1000 || ps[999].Day != mustDay("2020-01-01")+999 || ps[999].Values != vals(cases.NewCases, 999, cases.TotalCases, 999*1000/2, cases.ICU, 2) {
			t.Errorf("seoul: %d points, last %+v", len(ps), ps[len(ps)-1])
		}
		cov, _ := w.db.Coverage(context.Background(), w.seoul.ID)
		if len(cov) != 1 || cov[0].Days != 1000 {
			t.Errorf("coverage %+v", cov)
		}
	})
}
