package store

import "testing"

// TestSnippetSource: the text a hit's snippet is cut from shows words, not Markdown: markup is
// blanked, link and image addresses dropped, a "!" that starts no image kept.
func TestSnippetSource(t *testing.T) {
	for _, c := range []struct{ summary, body, want string }{
		{"Sum", "plain 확진 text", "Sum\n\nplain 확진 text"},
		{"", "**bold** _it_ `code` ~~x~~", "\n\n  bold    it   code    x  "},
		{"", "# Head\n> quote | cell |", "\n\n  Head\n  quote   cell  "},
		{"", "see [the SOP](https://example.org/sop.pdf) now", "\n\nsee  the SOP  now"},
		{"", "![mask](img.png)Wow!", "\n\n  mask Wow!"},
		{"", "a ](unclosed", "\n\na  (unclosed"},
		{"", "end]", "\n\nend "},
	} {
		if got := snippetSource(c.summary, c.body); got != c.want {
			t.Errorf("snippetSource(%q, %q) = %q, want %q", c.summary, c.body, got, c.want)
		}
	}
}
