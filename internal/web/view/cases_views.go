package view

import "github.com/a-h/templ"

// AreaRef is an area as lists and charts name it, in the reader's language.
type AreaRef struct {
	Code string
	Name Name
	Kind string // i18n key of the kind
	Org  *OrgRef
}

// Href is the area's page.
func (a AreaRef) Href() string { return "/areas/" + a.Code }

// SourceNote is where a chart's numbers come from, shown beneath it as its licence asks.
type SourceNote struct {
	Area        string // the area whose numbers it gives; "" under a single-area chart
	Key         string
	Name        string
	URL         string
	Licence     string
	Attribution string
	LatestDay   string // in the reader's language; "" before the first import
	LastImport  string
	Stale       bool
	Archive     bool // no updates are expected
}

// ChartControls are the choices of a chart, as a GET form: the state stays in the URL.
type ChartControls struct {
	Action      string   // the form's target path
	Areas       []string // area codes; Compare shows MaxAreas inputs, an area page keeps its one hidden
	Compare     bool
	Metric      string
	Kind        string
	Per100k     bool
	Log         bool
	From        string
	To          string
	Metrics     []Option
	Kinds       []Option
	AreaOptions []Option // suggestions for the area inputs
	MaxAreas    int
}

// ChartPanel is a chart with its data table, downloads and sources.
type ChartPanel struct {
	ID       string
	Title    string
	SVG      templ.Component
	Columns  []string // one per area
	Rows     []ChartRow
	CSVHref  string
	JSONHref string
	Sources  []SourceNote
	Notes    []string // translated remarks: population unknown, no data for an area
}

// ChartRow is one day of the data table.
type ChartRow struct {
	Date  string
	Cells []string
}

// Figure is one headline number of an area's latest day.
type Figure struct {
	Label string
	Value string
	Note  string
}

// AreaCard is an area on the daily-update page: its latest figures and a small chart.
type AreaCard struct {
	Area    AreaRef
	Day     string // the latest day with data, in the reader's language
	Figures []Figure
	Panel   ChartPanel
	Stale   bool
}

// UpdatesPage is the hub's daily update: its own country and city side by side.
type UpdatesPage struct {
	Base
	Cards       []AreaCard
	Configured  bool
	CompareHref string
}

// AreasPage lists the areas with series.
type AreasPage struct {
	Base
	Query     string
	Kind      string
	Kinds     []Option
	Areas     []AreaRow
	Next      string
	CanImport bool
}

// AreaRow is one line of the areas list.
type AreaRow struct {
	Area       AreaRef
	Country    string
	Population string
}

// AreaPage is one area's series.
type AreaPage struct {
	Base
	Area        AreaRef
	Population  string // "9,586,195 (2020, source)"; "" when unknown
	Controls    ChartControls
	Form        Form
	Panel       ChartPanel
	Coverage    []CoverageRow
	Corrections []CorrectionRow
	CanWrite    bool
}

// CoverageRow says which metrics a source has for an area.
type CoverageRow struct {
	Source  SourceNote
	Metrics string
	First   string
	Last    string
	Days    string
}

// CorrectionRow is a value a source later changed.
type CorrectionRow struct {
	Day      string
	Source   string
	Before   string
	Replaced string
}

// ComparePage compares up to eight areas.
type ComparePage struct {
	Base
	Controls ChartControls
	Form     Form
	Panel    ChartPanel
	Shown    bool // at least one area chosen
}

// SourcesPage lists the sources with their freshness; admins see the stale ones first.
type SourcesPage struct {
	Base
	Sources   []SourceRow
	Stale     int
	CanManage bool
}

// SourceRow is one source with its recent imports.
type SourceRow struct {
	SourceNote
	Interval string
	Imports  []ImportRow
}

// ImportRow is one import as lists show it.
type ImportRow struct {
	ID        int64
	Source    string
	Format    string
	File      string
	Started   string
	Rows      string
	Inserted  string
	Corrected string
	Unchanged string
	Skipped   string
}

// ImportPage is the upload form, and after an upload its result or its problems.
type ImportPage struct {
	Base
	Form      Form
	Sources   []Option
	Mappings  []Option
	Formats   []Option
	Result    *ImportRow
	Problems  []ProblemRow
	Truncated bool
	Partial   bool // the result stored the valid rows of a file with problems
}

// ProblemRow is one problem of an import file, in the reader's language.
type ProblemRow struct {
	Where   string // file:line:column
	Field   string
	Message string
}

// areaAt returns the i-th area code, or "".
func areaAt(codes []string, i int) string {
	if i < len(codes) {
		return codes[i]
	}
	return ""
}
