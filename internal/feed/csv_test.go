package feed

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCellNeutralisesFormulas(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Seoul", "Seoul"},
		{"서울특별시", "서울특별시"},
		{"=1+1", "'=1+1"},
		{"=HYPERLINK(\"http://evil.example\",\"click\")", "'=HYPERLINK(\"http://evil.example\",\"click\")"},
		{"+1-2", "'+1-2"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\n=1"}, // a CR becomes a line feed, and the cell still starts with a trigger
		{"\n=1", "'\n=1"},
		{"- a Markdown list item", "'- a Markdown list item"},
		// Plain numbers cannot run: a negative longitude stays a number.
		{"-122.4194", "-122.4194"},
		{"+82", "+82"},
		{"-1e5", "-1e5"},
		{"-.5", "-.5"},
		{"-", "'-"},
		{"+", "'+"},
		{"-1-1", "'-1-1"},
		{"-0x1p-2", "'-0x1p-2"},
		{"-Inf", "'-Inf"},
		// Apostrophes already there before a trigger get one more, so RestoreCell is exact.
		{"'=1", "''=1"},
		{"''-x", "'''-x"},
		{"'hello", "'hello"},
		{"'", "'"},
		{"it's = fine", "it's = fine"},
		// Line breaks inside cells become LF (written as CRLF inside quotes).
		{"a\r\nb", "a\nb"},
		{"a\rb", "a\nb"},
		// Invalid UTF-8 is replaced.
		{"caf\xe9", "caf\uFFFD"},
		{"\xff=1", "\uFFFD=1"},
	} {
		got := Cell(tc.in)
		if got != tc.want {
			t.Errorf("Cell(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if r := RestoreCell(got); utf8.ValidString(tc.in) && !strings.Contains(tc.in, "\r") && r != tc.in {
			t.Errorf("RestoreCell(Cell(%q)) = %q", tc.in, r)
		}
	}
}

func TestCSVWriterFormat(t *testing.T) {
	var b bytes.Buffer
	w := NewCSVWriter(&b, []string{"slug", "name", "note"}, true)
	w.Write("seoul", "Seoul, Korea", "=cmd")
	w.Write("taipei", `Taipei "City"`, "line 1\nline 2")
	w.Write("", "", "")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFslug,name,note\r\n" +
		"seoul,\"Seoul, Korea\",'=cmd\r\n" +
		"taipei,\"Taipei \"\"City\"\"\",\"line 1\r\nline 2\"\r\n" +
		",,\r\n"
	if got := b.String(); got != want {
		t.Errorf("output\n%q\nwant\n%q", got, want)
	}
}

func TestCSVWriterOneColumn(t *testing.T) {
	var b bytes.Buffer
	w := NewCSVWriter(&b, []string{"name"}, false)
	w.Write("a")
	w.Write("")
	w.Write("b")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]string{{"name"}, {"a"}, {""}, {"b"}}; !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("rows %q, want %q", rows, want)
	}
}

func TestCSVWriterErrors(t *testing.T) {
	w := NewCSVWriter(&bytes.Buffer{}, []string{"a", "b"}, false)
	if err := w.Write("only one"); err == nil {
		t.Error("a short row was accepted")
	}
	if err := w.Flush(); err == nil {
		t.Error("Flush forgot the earlier error")
	}
	boom := errors.New("disk full")
	w = NewCSVWriter(failWriter{boom}, []string{"a"}, true)
	w.Write("x")
	if err := w.Flush(); !errors.Is(err, boom) {
		t.Errorf("Flush = %v, want %v", err, boom)
	}
	w = NewCSVWriter(failWriter{boom}, []string{"a"}, false)
	w.Write("x")
	if err := w.Flush(); !errors.Is(err, boom) {
		t.Errorf("Flush = %v, want %v", err, boom)
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

// FuzzCSVWriter checks that encoding/csv reads back exactly the cells Cell made, whatever they
// hold, and that RestoreCell then gives the original cell (up to UTF-8 repair and line breaks).
func FuzzCSVWriter(f *testing.F) {
	f.Add("seoul", "Seoul, Korea", "=1+1", true)
	f.Add("", "\"", "\r\n", false)
	f.Add("'-1", "\t", "-3.5", true)
	f.Add("\xff\xfe", "a\rb", `\.`, false)
	f.Fuzz(func(t *testing.T, a, b, c string, bom bool) {
		var buf bytes.Buffer
		w := NewCSVWriter(&buf, []string{"a", "b", "c"}, bom)
		w.Write(a, b, c)
		w.Write(c, a, b)
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		out := buf.Bytes()
		if bom {
			var ok bool
			if out, ok = bytes.CutPrefix(out, []byte(BOM)); !ok {
				t.Fatal("no byte-order mark")
			}
		}
		if !utf8.Valid(out) {
			t.Fatalf("output is not UTF-8: %q", out)
		}
		if bytes.Contains(bytes.ReplaceAll(out, []byte("\r\n"), nil), []byte("\n")) {
			t.Fatalf("a line ends without CR: %q", out)
		}
		r := csv.NewReader(bytes.NewReader(out))
		r.FieldsPerRecord = 3
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("reading back %q: %v", out, err)
		}
		want := [][]string{{"a", "b", "c"}, {Cell(a), Cell(b), Cell(c)}, {Cell(c), Cell(a), Cell(b)}}
		if !slices.EqualFunc(rows, want, slices.Equal) {
			t.Fatalf("read back %q, want %q", rows, want)
		}
		for _, s := range []string{a, b, c} {
			cell := Cell(s)
			if cell != "" && strings.ContainsRune(triggers, rune(cell[0])) && !number.MatchString(cell) {
				t.Errorf("Cell(%q) = %q still starts a formula", s, cell)
			}
			clean := strings.ReplaceAll(strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\r\n", "\n"), "\r", "\n")
			if got := RestoreCell(cell); got != clean {
				t.Errorf("RestoreCell(Cell(%q)) = %q, want %q", s, got, clean)
			}
		}
	})
}
