package citypact_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/citypact/citypact"

// rules says, for packages under a prefix, which imports (direct or indirect) they must never have.
// They keep the arrows of docs/ARCHITECTURE.md pointing one way.
var rules = []struct {
	pkgs      []string
	forbidden []string
	why       string
}{
	{[]string{mod}, []string{mod + "/internal/", "net/http", "database/sql"}, "the root vocabulary depends on nothing"},
	{[]string{mod + "/internal/account", mod + "/internal/audit", mod + "/internal/directory", mod + "/internal/cases", mod + "/internal/series", mod + "/internal/practice", mod + "/internal/board", mod + "/internal/boardmail"},
		[]string{"net/http", "database/sql", mod + "/internal/store", mod + "/internal/web", mod + "/internal/api", mod + "/internal/httpx"},
		"domain logic knows no HTTP and no SQL"},
	{[]string{mod + "/internal/i18n", mod + "/internal/password", mod + "/internal/totp", mod + "/internal/chart", mod + "/internal/search", mod + "/internal/tags"},
		[]string{"net/http", "database/sql", mod + "/internal/store"}, "pure helpers"},
	{[]string{mod + "/internal/web", mod + "/internal/api", mod + "/internal/httpx"},
		[]string{mod + "/internal/store", "database/sql"}, "surfaces reach storage only through domain interfaces"},
	{[]string{mod + "/internal/store"}, []string{"net/http", mod + "/internal/web", mod + "/internal/api", mod + "/internal/httpx"},
		"storage knows no HTTP"},
	{[]string{mod + "/internal/httpx"}, []string{mod + "/internal/web", mod + "/internal/api"}, "httpx is shared below both surfaces"},
}

// testOnly packages must never be built into the binary.
var testOnly = []string{mod + "/internal/dbtest", mod + "/internal/apptest", mod + "/internal/mail/mailtest"}

type pkg struct {
	ImportPath string
	Deps       []string
}

func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps=false", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []pkg
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	for _, p := range pkgs {
		for _, r := range rules {
			applies := false
			for _, prefix := range r.pkgs {
				// The root rule is for the root package alone; the others cover subpackages too.
				applies = applies || p.ImportPath == prefix || (prefix != mod && strings.HasPrefix(p.ImportPath, prefix+"/"))
			}
			if !applies {
				continue
			}
			for _, d := range p.Deps {
				for _, f := range r.forbidden {
					if d == f || (strings.HasSuffix(f, "/") && strings.HasPrefix(d, f)) || strings.HasPrefix(d, f+"/") {
						t.Errorf("%s imports %s: %s", p.ImportPath, d, r.why)
					}
				}
			}
		}
		if strings.Contains(p.ImportPath, "/internal/dbtest") || strings.Contains(p.ImportPath, "/internal/apptest") || strings.Contains(p.ImportPath, "/internal/e2e") ||
			strings.Contains(p.ImportPath, "/internal/mail/mailtest") {
			continue
		}
		for _, d := range p.Deps {
			for _, tp := range testOnly {
				if d == tp {
					t.Errorf("%s imports the test-only package %s", p.ImportPath, d)
				}
			}
		}
	}
}
