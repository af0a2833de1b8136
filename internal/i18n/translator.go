package i18n

import "strings"

// A Translator gives messages, plurals, numbers and dates in one language.
// It is immutable and safe for concurrent use; get one with [For].
type Translator struct {
	lang   Lang
	msgs   map[string]string
	hasOne bool // the language's cardinal rule has a "one" category
}

// For returns the translator for l, or English's if l is not supported.
// It never returns nil.
func For(l Lang) *Translator {
	ts := &catalogues().translators
	switch l {
	case KO:
		return ts[1]
	case ZHTW:
		return ts[2]
	case JA:
		return ts[3]
	}
	return ts[0]
}

// Lang returns the translator's language.
func (t *Translator) Lang() Lang { return t.lang }

// Has reports whether key is in the catalogue.
func (t *Translator) Has(key string) bool {
	_, ok := t.msgs[key]
	return ok
}

// T returns the message for key with its {name} placeholders filled from
// args, which are name, value pairs: T("error.request_id", "id", reqID).
// Values are inserted as they are, never re-scanned for placeholders; a
// placeholder with no value stays visible as {name}, and an odd last arg is
// ignored. A key not in the catalogue gives "⟦key⟧", so a missing message is
// visible on the page and in tests rather than blank.
//
// The result is plain text: templates escape it like any other string.
// Without args, T does not allocate.
func (t *Translator) T(key string, args ...string) string {
	msg, ok := t.msgs[key]
	if !ok {
		return missing(key)
	}
	if len(args) < 2 {
		return msg
	}
	return fill(msg, "", false, args)
}

// N returns the plural form of key for the count n: the message under
// key+".one" or key+".other", chosen by the language's CLDR cardinal rule.
// English uses "one" for 1 (and -1); Korean, Chinese and Japanese do not
// inflect for number and always use "other". If the form the rule picks is
// missing, ".other" is used; if that is missing too, the result is
// "⟦key.one⟧" or "⟦key.other⟧". {n} is replaced by n formatted
// as by [Translator.Int]; other placeholders are filled from args as in
// [Translator.T].
func (t *Translator) N(key string, n int, args ...string) string {
	form := ".other"
	if t.hasOne && (n == 1 || n == -1) {
		form = ".one"
	}
	// Build the key on the stack: the map index does not copy it.
	var buf [96]byte
	k := append(append(buf[:0], key...), form...)
	msg, ok := t.msgs[string(k)]
	if !ok && form != ".other" {
		msg, ok = t.msgs[string(append(k[:len(key)], ".other"...))]
	}
	if !ok {
		return missing(key + form)
	}
	return fill(msg, t.Int(int64(n)), true, args)
}

func missing(key string) string { return "⟦" + key + "⟧" }

// fill replaces each {name} in msg by its value: n for {n} when hasN, or
// the value paired with name in args.
func fill(msg, n string, hasN bool, args []string) string {
	if strings.IndexByte(msg, '{') < 0 {
		return msg
	}
	var b strings.Builder
	b.Grow(len(msg) + 16)
	for {
		i := strings.IndexByte(msg, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(msg[i+1:], '}')
		if j < 0 {
			break
		}
		name := msg[i+1 : i+1+j]
		v, ok := n, hasN && name == "n"
		if !ok {
			v, ok = arg(args, name)
		}
		if !ok {
			// Not a placeholder we can fill: keep the brace and look
			// again just after it, so "{{id}" still fills {id}.
			b.WriteString(msg[:i+1])
			msg = msg[i+1:]
			continue
		}
		b.WriteString(msg[:i])
		b.WriteString(v)
		msg = msg[i+1+j+1:]
	}
	b.WriteString(msg)
	return b.String()
}

// arg returns the value paired with name in args, a list of name, value
// pairs; an odd last element is ignored.
func arg(args []string, name string) (string, bool) {
	for i := 0; i+1 < len(args); i += 2 {
		if args[i] == name {
			return args[i+1], true
		}
	}
	return "", false
}
