package citypact

import (
	"fmt"
	"strings"
)

// MaxImportProblems is how many problems an import lists before it stops reading: enough to fix a
// file in one go, few enough to read.
const MaxImportProblems = 100

// Problem is one thing wrong in an import file: where and what. Line is the 1-based line the
// field starts on; Column the 1-based number of the field in its row (for a quoting mistake,
// which has no field, the 1-based position of the character in the line); 0 when unknown. Key and
// Args are the i18n message, for surfaces that speak the reader's language; Message is it in
// English.
type Problem struct {
	Line, Column int
	Field        string // the column's name; empty for a problem of the row or the file
	Key          string
	Args         []string
	Message      string
}

// ImportError lists what is wrong with an import file: at most MaxImportProblems problems, in file
// order; Truncated says there were more.
type ImportError struct {
	File      string
	Problems  []Problem
	Truncated bool
}

// Lines returns each problem as "file:line:column: field: message" (without "field: " when the
// problem is not about one column, without the column when it is not known), as compilers do, so
// that editors can jump to it.
func (e *ImportError) Lines() []string {
	out := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		field := ""
		if p.Field != "" {
			field = p.Field + ": "
		}
		switch {
		case p.Line == 0:
			out[i] = fmt.Sprintf("%s: %s%s", e.File, field, p.Message)
		case p.Column == 0:
			out[i] = fmt.Sprintf("%s:%d: %s%s", e.File, p.Line, field, p.Message)
		default:
			out[i] = fmt.Sprintf("%s:%d:%d: %s%s", e.File, p.Line, p.Column, field, p.Message)
		}
	}
	return out
}

func (e *ImportError) Error() string {
	s := strings.Join(e.Lines(), "\n")
	if e.Truncated {
		s += fmt.Sprintf("\n%s: more than %d problems; the rest are not listed", e.File, MaxImportProblems)
	}
	return s
}
