package practice

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
	"golang.org/x/text/unicode/norm"

	"github.com/citypact/citypact"
)

// Attachment is a file attached to a practice: a PDF, an image, an office document or plain
// text. Its content is kept by the store under ID, never under Name; it is served only for
// download (Content-Disposition: attachment, the stored Type, X-Content-Type-Options: nosniff and
// a sandboxing CSP), to those who may see its practice.
type Attachment struct {
	ID         int64
	PracticeID int64
	OwnerID    int64  // the practice's owner, whose quota it counts against
	Name       string // display and download name, cleaned by CleanFileName
	Type       string // one of AllowedTypes(), from the content (never the name or the client)
	Size       int64  // bytes
	SHA256     string // of the content, lower-case hex
	At         time.Time
}

// The types an attachment may have: the media type without parameters, as the content shows it.
const (
	TypePDF  = "application/pdf"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	TypeGIF  = "image/gif"
	TypeWebP = "image/webp"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	TypePPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	TypeODT  = "application/vnd.oasis.opendocument.text"
	TypeODS  = "application/vnd.oasis.opendocument.spreadsheet"
	TypeODP  = "application/vnd.oasis.opendocument.presentation"
	TypeText = "text/plain"
	TypeCSV  = "text/csv"
	TypeTSV  = "text/tab-separated-values"
)

// allowedTypes maps each allowed type to the file-name extensions it goes by; the first is the
// one a download name gets when its own does not fit the content.
var allowedTypes = map[string][]string{
	TypePDF:  {".pdf"},
	TypePNG:  {".png"},
	TypeJPEG: {".jpg", ".jpeg"},
	TypeGIF:  {".gif"},
	TypeWebP: {".webp"},
	TypeDOCX: {".docx"},
	TypeXLSX: {".xlsx"},
	TypePPTX: {".pptx"},
	TypeODT:  {".odt"},
	TypeODS:  {".ods"},
	TypeODP:  {".odp"},
	TypeText: {".txt", ".md"},
	TypeCSV:  {".csv"},
	TypeTSV:  {".tsv"},
}

// AllowedTypes lists the types an attachment may have, sorted (for a form's accept attribute
// with Extensions, and for documentation).
func AllowedTypes() []string {
	ts := make([]string, 0, len(allowedTypes))
	for t := range allowedTypes {
		ts = append(ts, t)
	}
	slices.Sort(ts)
	return ts
}

// Extensions returns the file-name extensions of an allowed type (".jpg", ".jpeg"), the
// canonical one first; nil for a type that is not allowed.
func Extensions(typ string) []string { return slices.Clone(allowedTypes[typ]) }

// zipTypes are the allowed types that are zip archives, checked for bombs.
var zipTypes = []string{TypeDOCX, TypeXLSX, TypePPTX, TypeODT, TypeODS, TypeODP}

// textTypes are the allowed types that are text, checked for markup.
var textTypes = []string{TypeText, TypeCSV, TypeTSV}

// IsImage reports whether t is an image type pages may show inline as <img> (still from the
// attachment's own download URL, with nosniff). Nothing else is ever shown inline.
func IsImage(t string) bool { return t == TypePNG || t == TypeJPEG || t == TypeGIF || t == TypeWebP }

// Default upload limits.
const (
	DefaultMaxFile         = 20 << 20  // 20 MiB a file
	DefaultQuota           = 512 << 20 // 512 MiB an organisation
	DefaultMaxUncompressed = 100 << 20 // 100 MiB inside an office document
	DefaultMaxRatio        = 100       // uncompressed : compressed
	DefaultMaxEntries      = 10000     // entries in an office document
	MaxFileNameLen         = 150       // characters in a display name
)

// Limits bound uploads; a zero field takes its default. The configuration sets them once.
type Limits struct {
	MaxFile         int64 // bytes in one file
	Quota           int64 // bytes of all attachments of one organisation
	MaxUncompressed int64 // declared uncompressed bytes of all entries of an office document
	MaxRatio        int64 // declared uncompressed bytes per byte of the office document
	MaxEntries      int   // entries in an office document
}

func (l Limits) withDefaults() Limits {
	if l.MaxFile <= 0 {
		l.MaxFile = DefaultMaxFile
	}
	if l.Quota <= 0 {
		l.Quota = DefaultQuota
	}
	if l.MaxUncompressed <= 0 {
		l.MaxUncompressed = DefaultMaxUncompressed
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = DefaultMaxRatio
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	return l
}

// sniffLen is how much of the start of a file type detection reads (mimetype's default limit).
const sniffLen = 4096

// CheckUpload checks an uploaded file of size bytes, readable through r, for an organisation
// whose attachments already use used bytes, and returns its attachment record (Name, Type, Size,
// SHA256; the caller fills PracticeID, OwnerID, and the store ID and At). The handler must have
// bounded the upload while reading it (http.MaxBytesReader at lim.MaxFile plus the form's
// overhead) and keep it in memory or a temporary file; CheckUpload reads it but writes nothing.
//
// Refused, as KindInvalid on the field "file":
//   - an empty file (practice.file_empty) or one over the per-file limit (practice.file_too_large)
//     or the organisation's quota (practice.file_quota);
//   - any type but AllowedTypes(), detected from the content whatever the name says: SVG, HTML,
//     XML, scripts, executables, archives other than office documents
//     (practice.file_type); and text whose start holds markup a browser could render
//     (practice.file_type);
//   - an office document (OOXML or ODF, both zip) that does not open as a zip, has more than
//     lim.MaxEntries entries, declares more than lim.MaxUncompressed bytes in all or more than
//     lim.MaxRatio times its own size, uses a compression method other than store and deflate, or
//     whose entries do not decompress to the sizes and checksums they declare
//     (practice.file_archive). The check decompresses into nothing (no disk, bounded memory);
//     its work is bounded by lim.MaxUncompressed.
//
// The quota check here is advisory (it gives the user the message early); the store checks the
// quota again in the transaction that saves the file (see CheckQuota), so that two concurrent
// uploads cannot overrun it. A read error of r is returned as it is (an internal error).
func CheckUpload(name string, r io.ReaderAt, size, used int64, lim Limits) (Attachment, error) {
	lim = lim.withDefaults()
	switch {
	case size <= 0:
		return Attachment{}, fileErr("practice.file_empty")
	case size > lim.MaxFile:
		return Attachment{}, fileErr("practice.file_too_large", "max_mb", mib(lim.MaxFile))
	}
	if err := CheckQuota(used, size, lim.Quota); err != nil {
		return Attachment{}, err
	}
	head := make([]byte, min(size, sniffLen))
	if _, err := r.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return Attachment{}, err
	}
	typ, err := sniff(head)
	if err != nil {
		return Attachment{}, err
	}
	if slices.Contains(zipTypes, typ) {
		if err := checkZip(r, size, lim); err != nil {
			return Attachment{}, err
		}
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(r, 0, size)); err != nil {
		return Attachment{}, err
	}
	return Attachment{
		Name:   CleanFileName(name, typ),
		Type:   typ,
		Size:   size,
		SHA256: hex.EncodeToString(h.Sum(nil)),
	}, nil
}

// CheckQuota reports whether an organisation using used bytes may store size more under quota
// (DefaultQuota when quota ≤ 0). Stores call it inside the saving transaction, after reading the
// organisation's usage there.
func CheckQuota(used, size, quota int64) error {
	if quota <= 0 {
		quota = DefaultQuota
	}
	if used < 0 || size < 0 || used > quota || size > quota-used {
		return fileErr("practice.file_quota", "quota_mb", mib(quota), "left_mb", mib(max(quota-used, 0)))
	}
	return nil
}

func fileErr(key string, args ...string) error { return citypact.Invalid(fe("file", key, args...)) }

// mib formats bytes as whole mebibytes, rounded down.
func mib(n int64) string { return strconv.FormatInt(n>>20, 10) }

// sniff returns the allowed type of a file starting with head, or a KindInvalid error.
func sniff(head []byte) (string, error) {
	m := mimetype.Detect(head)
	typ, _, _ := strings.Cut(m.String(), ";")
	typ = strings.TrimSpace(typ)
	if _, ok := allowedTypes[typ]; !ok {
		return "", fileErr("practice.file_type", "type", truncate(typ, 100))
	}
	if slices.Contains(textTypes, typ) && looksLikeMarkup(head) {
		return "", fileErr("practice.file_type", "type", "text/html")
	}
	return typ, nil
}

// markupSigns are what a browser sniffing a text file would take for HTML, SVG or XML. Files are
// served with nosniff, so this is a second line: text that carries them has no business here.
var markupSigns = [][]byte{
	[]byte("<!doctype"), []byte("<html"), []byte("<head"), []byte("<body"), []byte("<script"),
	[]byte("<iframe"), []byte("<svg"), []byte("<?xml"), []byte("<object"), []byte("<embed"),
	[]byte("<meta"), []byte("<style"), []byte("<img"), []byte("<a "), []byte("<!--"),
}

func looksLikeMarkup(head []byte) bool {
	// Without NUL bytes, UTF-16 text in the ASCII range reads as ASCII.
	lower := bytes.ToLower(bytes.ReplaceAll(head, []byte{0}, nil))
	for _, s := range markupSigns {
		if bytes.Contains(lower, s) {
			return true
		}
	}
	return false
}

// centralDirBudget is how many bytes zip.NewReader may read (the end record's search and the
// central directory) per allowed entry. Office documents' entry names are short; the budget
// keeps the memory a crafted directory can make zip.NewReader allocate proportional to
// MaxEntries rather than to the file's size.
const centralDirBudget = 256

// checkZip checks an office document's archive: entries, declared sizes and ratio, then that the
// entries decompress to exactly what they declare.
func checkZip(r io.ReaderAt, size int64, lim Limits) error {
	bad := func(format string, args ...any) error {
		return &citypact.Error{Kind: citypact.KindInvalid, Fields: []citypact.FieldError{fe("file", "practice.file_archive")},
			Err: fmt.Errorf("office document refused: "+format, args...)}
	}
	if size <= 0 {
		return bad("empty")
	}
	br := &budgetReaderAt{r: r, left: 128<<10 + int64(lim.MaxEntries)*centralDirBudget}
	zr, err := zip.NewReader(br, size)
	if err != nil {
		// Not a zip, a damaged one, an insecure path, or a directory over budget.
		return bad("%v", err)
	}
	br.left = -1 // the entries' data are read below, bounded by their declared sizes
	if len(zr.File) > lim.MaxEntries {
		return bad("%d entries", len(zr.File))
	}
	// The most the entries may declare: the limit, or the ratio times the file's size when
	// that is less (saturating rather than overflowing for absurd settings).
	most := lim.MaxUncompressed
	if lim.MaxRatio <= math.MaxInt64/size {
		most = min(most, size*lim.MaxRatio)
	}
	var total int64
	sizes := make([]int64, len(zr.File))
	for i, f := range zr.File {
		if f.Method != zip.Store && f.Method != zip.Deflate || (f.FileInfo().IsDir() && f.UncompressedSize64 != 0) {
			return bad("entry %q: method %d", f.Name, f.Method)
		}
		d := f.UncompressedSize64
		if d > math.MaxInt64 || int64(d) > most-total {
			if most < lim.MaxUncompressed {
				return bad("declares more than %d times its size", lim.MaxRatio)
			}
			return bad("declares more than %d bytes", lim.MaxUncompressed)
		}
		sizes[i] = int64(d)
		total += sizes[i]
	}
	// archive/zip refuses to yield more bytes than an entry declares and checks its CRC-32 at
	// the end, so reading every entry through proves the declared sizes, and so the checks
	// above, true. Entries that share their data (overlapping entries) are each counted. Each
	// read is bounded by the declared size all the same.
	for i, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return bad("entry %q: %v", f.Name, err)
		}
		d := sizes[i]
		n, err := io.CopyN(io.Discard, rc, d+1)
		_ = rc.Close() // nothing was written
		if err != io.EOF || n != d {
			return bad("entry %q: %d bytes read of %d declared: %v", f.Name, n, d, err)
		}
	}
	return nil
}

// budgetReaderAt fails reads once left bytes have been read; left < 0 means no limit.
type budgetReaderAt struct {
	r    io.ReaderAt
	left int64
}

var errOverBudget = errors.New("zip directory over budget")

func (b *budgetReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if b.left >= 0 {
		if int64(len(p)) > b.left {
			return 0, errOverBudget
		}
		b.left -= int64(len(p))
	}
	return b.r.ReadAt(p, off)
}

// CleanFileName makes the display and download name of a file of type typ from the name the
// client sent: its last path element only (a name is never a path on the server: stores keep
// content by id), NFC, without control or format characters (no right-to-left override to turn
// "gpj.exe" around), without the characters Windows refuses in names or that break header
// quoting, without leading dots or spaces and trailing dots or spaces, at most MaxFileNameLen
// characters, and ending in an extension of typ: when its own extension does not fit the
// content, typ's is appended ("report.pdf.exe" with PDF content → "report.pdf.exe.pdf").
// An empty result becomes "attachment" with typ's extension.
func CleanFileName(name, typ string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.ToValidUTF8(name, "")
	name = norm.NFC.String(name)
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError:
			return -1
		case strings.ContainsRune(`<>:"|?*;`, r):
			return '_'
		}
		return r
	}, name)
	name = strings.Join(strings.Fields(name), " ")
	name = strings.TrimLeft(name, ". ")
	name = strings.TrimRight(name, ". ")

	exts := allowedTypes[typ]
	ext := strings.ToLower(path.Ext(name))
	if !slices.Contains(exts, ext) && len(exts) > 0 {
		ext = exts[0]
		name += ext
	}
	if name == ext || name == "" {
		name = "attachment" + ext
	}
	if utf8.RuneCountInString(name) > MaxFileNameLen {
		keep := MaxFileNameLen - utf8.RuneCountInString(ext)
		stem := strings.TrimRight(truncate(strings.TrimSuffix(name, name[len(name)-len(ext):]), keep), ". ")
		name = stem + name[len(name)-len(ext):]
	}
	return name
}
