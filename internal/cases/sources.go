package cases

import (
	"context"
	"time"
)

// KnownSources are the public data sets the hub has parsers for, as imports create them the first
// time (an admin can change them afterwards). Their credit lines are the ones the licences ask for.
var KnownSources = map[string]Source{
	"owid": {
		Key:         "owid",
		Name:        "Our World in Data — COVID-19 dataset",
		URL:         "https://github.com/owid/covid-19-data",
		Licence:     "CC BY 4.0",
		Attribution: "Our World in Data; case data from the European Centre for Disease Prevention and Control (ECDC)",
		Interval:    7 * 24 * time.Hour,
	},
	"jhu-csse": {
		Key:         "jhu-csse",
		Name:        "COVID-19 Data Repository by the Center for Systems Science and Engineering (CSSE) at Johns Hopkins University",
		URL:         "https://github.com/CSSEGISandData/COVID-19",
		Licence:     "CC BY 4.0",
		Attribution: "COVID-19 Data Repository by the Center for Systems Science and Engineering (CSSE) at Johns Hopkins University",
		// The series ended on 10 March 2023: an archive, never stale.
	},
}

// formatSources names the source a format's files come from when the import names none.
var formatSources = map[string]string{"owid": "owid", "jhu": "jhu-csse"}

// SourcesByID reads every source, keyed by id: pages and the API name the sources of coverage
// rows, revisions and charts from it (sources are few).
func SourcesByID(ctx context.Context, st Store) (map[int64]Source, error) {
	all, err := st.Sources(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]Source, len(all))
	for _, s := range all {
		m[s.ID] = s
	}
	return m, nil
}
