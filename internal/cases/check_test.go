package cases

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact/internal/i18n"
)

// dataDir holds the real public files the readers are tested on (see its COVID-DATA-INDEX.md).
const dataDir = "../../../shared/data/"

// openData opens one of the real files, or skips the test loudly when the folder is not there.
func openData(t testing.TB, name string) *os.File {
	t.Helper()
	f, err := os.Open(dataDir + name)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("SKIPPED: the real data %s%s is not on this machine", dataDir, name)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// readAll reads every observation, failing the test on an error of the input.
func readAll(t testing.TB, rd Reader) []Observation {
	t.Helper()
	var obs []Observation
	for {
		o, err := rd.Next()
		if err == io.EOF {
			return obs
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		obs = append(obs, o)
	}
}

// problemLines writes problems as "line:column field key", the way the tests expect them.
func problemLines(rd Reader) []string {
	var out []string
	for _, p := range rd.Problems() {
		out = append(out, fmt.Sprintf("%d:%d %s %s", p.Line, p.Column, p.Field, p.Key))
	}
	return out
}

func mustDay(t testing.TB, s string) Day {
	t.Helper()
	d, err := ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestParseCount(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		st   numStatus
	}{
		{"", 0, numMissing},
		{"  ", 0, numMissing},
		{"0", 0, numOK},
		{"12", 12, numOK},
		{"-12", -12, numOK},
		{"+7", 7, numOK},
		{"12.0", 12, numOK},
		{"51269183.0", 51269183, numOK},
		{"12.", 12, numOK},
		{" 12 ", 12, numOK},
		{"1e3", 1000, numOK},
		{"1.5e3", 1500, numOK},
		{"12.5", 0, numFraction},
		{".5", 0, numFraction},
		{"1.25e1", 0, numFraction},
		{"abc", 0, numInvalid},
		{"1,234", 0, numInvalid},
		{"12abc", 0, numInvalid},
		{"-", 0, numInvalid},
		{".", 0, numInvalid},
		{"NaN", 0, numInvalid},
		{"Inf", 0, numInvalid},
		{"0x10", 0, numInvalid},
		{"1000000000000", 1_000_000_000_000, numOK},
		{"-1000000000000", -1_000_000_000_000, numOK},
		{"1000000000001", 0, numRange},
		{"-1000000000001", 0, numRange},
		{"99999999999999999999999", 0, numRange},
		{"1e13", 0, numRange},
		{"1e400", 0, numRange},
	}
	for _, tt := range tests {
		got, st := parseCount(tt.in)
		if got != tt.want || st != tt.st {
			t.Errorf("parseCount(%q) = %d, %d; want %d, %d", tt.in, got, st, tt.want, tt.st)
		}
		if gotB, stB := parseCount([]byte(tt.in)); gotB != got || stB != st {
			t.Errorf("parseCount([]byte(%q)) = %d, %d; the string gives %d, %d", tt.in, gotB, stB, got, st)
		}
	}
}

func TestParseISODayAgreesWithTime(t *testing.T) {
	// Every day of four centuries, and the ways a date can be wrong.
	for d := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2300; d = d.AddDate(0, 0, 1) {
		s := d.Format(time.DateOnly)
		got, ok := parseISODay(s)
		if !ok || got != DayOf(d) {
			t.Fatalf("parseISODay(%q) = %v, %v; want %v", s, got, ok, DayOf(d))
		}
	}
	for _, s := range []string{"", "2020-02-30", "2021-02-29", "2020-13-01", "2020-00-10", "2020-01-00", "2020-1-01",
		"20200101", "2020/01/01", "2020-01-01T00", "２０２０-01-01", "abcd-ef-gh"} {
		if d, ok := parseISODay(s); ok {
			t.Errorf("parseISODay(%q) = %v; want no date", s, d)
		}
	}
	if d, ok := parseISODay("2000-02-29"); !ok || d.String() != "2000-02-29" {
		t.Errorf("2000-02-29 (a leap day of a century) = %v, %v", d, ok)
	}
}

func TestCheckObservation(t *testing.T) {
	today := mustDay(t, "2026-11-20")
	pos := Position{File: "push", Line: 3, Column: 5}
	obs := func(day string, m Metric, v int64) Observation {
		o := Observation{Area: "taipei", Day: mustDay(t, day), Pos: pos}
		o.Set(m, v)
		return o
	}
	tests := []struct {
		name string
		o    Observation
		want []string // keys
	}{
		{"today", obs("2026-11-20", NewCases, 12), nil},
		{"past", obs("2020-03-01", TotalCases, 3526), nil},
		{"tomorrow", obs("2026-11-21", NewCases, 12), []string{"cases.problem.date_future"}},
		{"negative daily figure, a correction", obs("2026-11-19", NewCases, -2), nil},
		{"negative running total", obs("2026-11-19", TotalDeaths, -1), []string{"cases.problem.negative_total"}},
		{"both", obs("2027-01-01", VaccineDoses, -5), []string{"cases.problem.date_future", "cases.problem.negative_total"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := CheckObservation(tt.o, today)
			var keys []string
			for _, p := range ps {
				keys = append(keys, p.Key)
				if p.Line != 3 || p.Column != 5 || p.Message == "" || strings.Contains(p.Message, "⟦") || strings.Contains(p.Message, "{") {
					t.Errorf("problem %+v: want it at 3:5 with an English message", p)
				}
			}
			if !slices.Equal(keys, tt.want) {
				t.Errorf("CheckObservation = %v; want %v", keys, tt.want)
			}
		})
	}
	ps := CheckObservation(obs("2026-11-21", NewCases, 1), today)
	if len(ps) != 1 || ps[0].Message != "2026-11-21 is in the future: today is 2026-11-20." {
		t.Errorf("message = %q", ps[0].Message)
	}
}

// csvInputs are awkward CSV texts, each read by csvRecords and encoding/csv.
var csvInputs = []string{
	"a,b,c\n1,2,3\n",
	"a,b\r\n1,2\r\n",
	"a,b\n1,2",
	"a,b\r\n1,2\r",
	"\n\na,b\n\n\r\n1,2\n",
	"\"Korea, South\",1\n\"Bonaire, Sint Eustatius and Saba\",2\n",
	"\"a \"\"quoted\"\" word\",2\n",
	"\"multi\nline\",3\nnext,4\n",
	"\"multi\r\nline\",3\r\nnext,4\r\n",
	"x,\"multi\n\nblank\",y\n",
	"a,\"b\"\n",
	",,\n",
	"a,\n",
	"\"\",\"\"\n",
	"\"a\",\n",
	"\"a\"\"\",b\n",
	"x\ry,z\n",
	"臺北市,新北市\n89,97\n",
	"a,b\"c\n",
	"\"abc\"d,e\n",
	"\"abc\n",
	"ok,1\n\"abc\ndef\n",
	" \"a\",b\n",
	"a,\"b\"c,d\n",
	"\"\"\n",
	"\"a\"\r\n",
}

// readBoth reads text with encoding/csv (as the readers used to) and with csvRecords, each up
// to its first error, and writes what each saw.
func readBoth(text string) (want, got string) {
	var w, g strings.Builder
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord, cr.ReuseRecord = -1, true
	for {
		rec, err := cr.Read()
		if err != nil {
			fmt.Fprintf(&w, "%s", errText(err))
			break
		}
		fmt.Fprintf(&w, "%q", rec)
		for i := range rec {
			line, _ := cr.FieldPos(i)
			fmt.Fprintf(&w, "@%d", line)
		}
		w.WriteString("\n")
	}
	c := &csvRecords{br: bufio.NewReader(strings.NewReader(text))}
	for {
		err := c.Next()
		if err != nil {
			fmt.Fprintf(&g, "%s", errText(err))
			break
		}
		rec := c.Strings()
		for i := range rec {
			if string(c.Bytes(i)) != rec[i] {
				fmt.Fprintf(&g, "Bytes(%d)=%q ", i, c.Bytes(i))
			}
		}
		fmt.Fprintf(&g, "%q", rec)
		for i := range rec {
			fmt.Fprintf(&g, "@%d", c.FieldLine(i))
		}
		g.WriteString("\n")
	}
	return w.String(), g.String()
}

// errText writes an error without its position: encoding/csv places a quoted field left open at
// the end of the input, csvRecords where the field opens (TestQuoteLeftOpen).
func errText(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("error: %v", pe.Err)
	}
	return err.Error()
}

func TestCSVRecordsLikeEncodingCSV(t *testing.T) {
	for _, text := range csvInputs {
		if want, got := readBoth(text); got != want {
			t.Errorf("reading %q:\ncsvRecords:\n%s\nencoding/csv:\n%s", text, got, want)
		}
	}
	// And random texts of the characters that matter.
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", ",", "\"", "\n", "\r\n", "\r", " ", "é"}
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(16) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		text := b.String()
		if want, got := readBoth(text); got != want {
			t.Fatalf("reading %q:\ncsvRecords:\n%s\nencoding/csv:\n%s", text, got, want)
		}
	}
}

func TestQuoteLeftOpen(t *testing.T) {
	c := &csvRecords{br: bufio.NewReader(strings.NewReader("a,b\n1,2\nx,\"open\n3,4\n5,6\n"))}
	var err error
	for err == nil {
		err = c.Next()
	}
	var pe *csv.ParseError
	if !errors.As(err, &pe) || pe.Err != csv.ErrQuote || pe.Line != 3 || pe.Column != 3 {
		t.Errorf("err = %v; want ErrQuote at 3:3, where the field opens", err)
	}
}

func TestNewProblem(t *testing.T) {
	p := NewProblem(Position{File: "f.csv", Line: 4, Column: 2}, "date", "cases.problem.date_invalid", "value", "2020-02-30", "layout", "YYYY-MM-DD")
	if p.Line != 4 || p.Column != 2 || p.Field != "date" || p.Message != "2020-02-30 is not a date in the layout YYYY-MM-DD." {
		t.Errorf("NewProblem = %+v", p)
	}
}

// TestMessagesExist checks that every message key the readers name is in the catalogue, so that
// no problem reads ⟦key⟧.
func TestMessagesExist(t *testing.T) {
	files := []string{"check.go", "countries.go", "detect.go", "jhu.go", "mapping.go", "mapread.go", "owid.go", "push.go"}
	keyRE := regexp.MustCompile(`"((?:cases\.problem|import|field)\.[a-z0-9_]+)"`)
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			n++
			if !i18n.For(i18n.EN).Has(m[1]) {
				t.Errorf("%s names the message %s, which locales/en lacks", f, m[1])
			}
		}
	}
	if n < 40 {
		t.Errorf("found %d message keys; the pattern must have missed some", n)
	}
}
