package practice

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/citypact/citypact"
)

// Files built in memory, small, real enough for their readers.

const minimalPDF = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

func imageFile(t testing.TB, encode func(io.Writer, image.Image) error) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 30, 30, 255})
	var buf bytes.Buffer
	if err := encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pngFile(t testing.TB) []byte { return imageFile(t, png.Encode) }
func jpegFile(t testing.TB) []byte {
	return imageFile(t, func(w io.Writer, m image.Image) error { return jpeg.Encode(w, m, nil) })
}
func gifFile(t testing.TB) []byte {
	return imageFile(t, func(w io.Writer, m image.Image) error { return gif.Encode(w, m, nil) })
}

// webpFile is a 1×1 lossless WebP.
var webpFile = []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")

type entry struct {
	name string
	body string
	// raw, when set, is written as the entry's compressed data with the header as given.
	raw *zip.FileHeader
	dat []byte
}

func zipFile(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		if e.raw != nil {
			w, err := zw.CreateRaw(e.raw)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write(e.dat); err != nil {
				t.Fatal(err)
			}
			continue
		}
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, e.body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const contentTypes = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`

// ooxml builds an Office Open XML package whose main part lives under dir ("word/", "xl/",
// "ppt/"), with extra entries after it.
func ooxml(t testing.TB, dir string, extra ...entry) []byte {
	t.Helper()
	es := []entry{
		{name: "[Content_Types].xml", body: contentTypes},
		{name: "_rels/.rels", body: `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>`},
		{name: dir + "document.xml", body: `<?xml version="1.0"?><document><body><p>Drive-through screening</p></body></document>`},
	}
	return zipFile(t, append(es, extra...)...)
}

// odf builds an OpenDocument package of the given media type: "mimetype" first and stored.
func odf(t testing.TB, mediaType string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, mediaType)
	w, _ = zw.Create("content.xml")
	io.WriteString(w, `<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>`)
	zw.Close()
	return buf.Bytes()
}

// deflated returns n zero bytes deflated, and their CRC-32.
func deflated(t testing.TB, n int) ([]byte, uint32) {
	t.Helper()
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	zeros := make([]byte, 1<<20)
	h := crc32.NewIEEE()
	for left := n; left > 0; left -= len(zeros) {
		chunk := zeros[:min(left, len(zeros))]
		fw.Write(chunk)
		h.Write(chunk)
	}
	fw.Close()
	return buf.Bytes(), h.Sum32()
}

// zeroEntry is an entry of n zero bytes, written raw from data deflated once.
func zeroEntry(name string, n int, data []byte, crc uint32) entry {
	return entry{raw: &zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(len(data)), UncompressedSize64: uint64(n)}, dat: data}
}

func check(name string, b []byte, used int64, lim Limits) (Attachment, error) {
	return CheckUpload(name, bytes.NewReader(b), int64(len(b)), used, lim)
}

func TestCheckUploadAccepts(t *testing.T) {
	for _, tt := range []struct {
		name     string
		content  []byte
		wantType string
		wantName string
	}{
		{"SOP.pdf", []byte(minimalPDF), TypePDF, "SOP.pdf"},
		{"chart.png", pngFile(t), TypePNG, "chart.png"},
		{"photo.JPG", jpegFile(t), TypeJPEG, "photo.JPG"},
		{"photo.jpeg", jpegFile(t), TypeJPEG, "photo.jpeg"},
		{"anim.gif", gifFile(t), TypeGIF, "anim.gif"},
		{"icon.webp", webpFile, TypeWebP, "icon.webp"},
		{"guide.docx", ooxml(t, "word/"), TypeDOCX, "guide.docx"},
		{"stock.xlsx", ooxml(t, "xl/"), TypeXLSX, "stock.xlsx"},
		{"briefing.pptx", ooxml(t, "ppt/"), TypePPTX, "briefing.pptx"},
		{"guide.odt", odf(t, TypeODT), TypeODT, "guide.odt"},
		{"stock.ods", odf(t, TypeODS), TypeODS, "stock.ods"},
		{"briefing.odp", odf(t, TypeODP), TypeODP, "briefing.odp"},
		{"notes.txt", []byte("Screening hours: 9:00-18:00\n선별진료소 운영시간\n"), TypeText, "notes.txt"},
		{"cases.csv", []byte("date,area,new_cases\n2020-03-01,Seoul,10\n2020-03-02,Seoul,12\n"), TypeCSV, "cases.csv"},
		// The name does not decide the type; the download name gets the content's extension.
		{"scan.png", []byte(minimalPDF), TypePDF, "scan.png.pdf"},
		{"../../etc/cron.d/job", []byte(minimalPDF), TypePDF, "job.pdf"},
		{"", pngFile(t), TypePNG, "attachment.png"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, err := check(tt.name, tt.content, 0, Limits{})
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			sum := sha256.Sum256(tt.content)
			if a.Type != tt.wantType || a.Name != tt.wantName || a.Size != int64(len(tt.content)) || a.SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("got %+v, want type %s name %q", a, tt.wantType, tt.wantName)
			}
		})
	}
}

func TestCheckUploadRefuses(t *testing.T) {
	bomb, bombCRC := deflated(t, 40<<20)   // 40 MiB of zeros in about 40 KiB
	small, smallCRC := deflated(t, 10<<20) // 10 MiB in about 10 KiB: a ratio near 1000
	var many []entry
	for i := range DefaultMaxEntries + 1 {
		many = append(many, entry{name: "word/media/" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + ".xml"})
	}
	var long []entry
	for i := range 1500 {
		long = append(long, entry{name: "word/" + strings.Repeat("n", 100) + strconv.Itoa(i)})
	}
	bombDoc := ooxml(t, "word/", zeroEntry("word/a.xml", 40<<20, bomb, bombCRC),
		zeroEntry("word/b.xml", 40<<20, bomb, bombCRC), zeroEntry("word/c.xml", 40<<20, bomb, bombCRC))
	for _, tt := range []struct {
		name    string
		content []byte
		lim     Limits
		want    string
		why     string // in the logged cause, for office documents
	}{
		{"empty.pdf", nil, Limits{}, "practice.file_empty", ""},
		{"drawing.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>`), Limits{}, "practice.file_type", ""},
		{"drawing.png", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), Limits{}, "practice.file_type", ""},
		{"photo.jpg", []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"), Limits{}, "practice.file_type", ""},
		{"photo.jpg", []byte("<html><img src=x onerror=alert(1)>"), Limits{}, "practice.file_type", ""},
		{"data.xml", []byte(`<?xml version="1.0"?><data><row/></data>`), Limits{}, "practice.file_type", ""},
		{"notes.txt", []byte("Meeting notes\nsee <script>alert(1)</script>\n"), Limits{}, "practice.file_type", ""},
		{"notes.txt", utf16le("x\n<html><script>alert(1)</script>"), Limits{}, "practice.file_type", ""},
		{"setup.pdf", append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), make([]byte, 200)...), Limits{}, "practice.file_type", ""},
		{"tool.docx", append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 200)...), Limits{}, "practice.file_type", ""},
		{"run.txt", []byte("#!/bin/sh\nrm -rf /\n"), Limits{}, "practice.file_type", ""},
		{"archive.docx", zipFile(t, entry{name: "payload.exe", body: "MZ"}), Limits{}, "practice.file_type", ""},
		{"old.doc", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + strings.Repeat("\x00", 600)), Limits{}, "practice.file_type", ""},
		{"big.pdf", []byte(minimalPDF + strings.Repeat(" ", 2000)), Limits{MaxFile: 1000}, "practice.file_too_large", ""},
		{"quota.pdf", []byte(minimalPDF), Limits{Quota: 100}, "practice.file_quota", ""},
		// A zip bomb disguised as an office document: entries declaring 120 MiB in all, in an
		// archive of about 120 KiB. Refused by the ratio, and by the total without it.
		{"bomb.docx", bombDoc, Limits{}, "practice.file_archive", "declares more than"},
		{"bomb.docx", bombDoc, Limits{MaxRatio: 1 << 30}, "practice.file_archive", "declares more than 104857600 bytes"},
		// Under the total, over the ratio.
		{"dense.xlsx", ooxml(t, "xl/", zeroEntry("xl/sheet1.xml", 10<<20, small, smallCRC)), Limits{}, "practice.file_archive", "times its size"},
		// A header that lies about the size: caught when the entry is decompressed.
		{"liar.docx", ooxml(t, "word/", entry{raw: &zip.FileHeader{Name: "word/big.xml", Method: zip.Deflate, CRC32: smallCRC,
			CompressedSize64: uint64(len(small)), UncompressedSize64: 50 << 10}, dat: small}), Limits{}, "practice.file_archive", "word/big.xml"},
		// A wrong checksum.
		{"crc.docx", ooxml(t, "word/", entry{raw: &zip.FileHeader{Name: "word/x.xml", Method: zip.Deflate, CRC32: smallCRC ^ 1,
			CompressedSize64: uint64(len(small)), UncompressedSize64: 10 << 20}, dat: small}), Limits{MaxRatio: 10000}, "practice.file_archive", "checksum"},
		{"many.docx", ooxml(t, "word/", many...), Limits{}, "practice.file_archive", "10004 entries"},
		{"few.docx", ooxml(t, "word/", many[:50]...), Limits{MaxEntries: 20}, "practice.file_archive", "53 entries"},
		// A central directory too large for the entries allowed is not even read in full.
		{"long.docx", ooxml(t, "word/", long...), Limits{MaxEntries: 20}, "practice.file_archive", "over budget"},
		{"method.docx", ooxml(t, "word/", entry{raw: &zip.FileHeader{Name: "word/x.xml", Method: 12}, dat: []byte("BZh9")}), Limits{}, "practice.file_archive", "method 12"},
		{"cut.docx", cut(ooxml(t, "word/"), 40), Limits{}, "practice.file_archive", "not a valid zip"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, err := check(tt.name, tt.content, 0, tt.lim)
			if err == nil {
				t.Fatalf("accepted as %+v", a)
			}
			if citypact.KindOf(err) != citypact.KindInvalid || !slices.Contains(keys(err), "file:"+tt.want) {
				t.Errorf("got %v, want file:%s", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.why) {
				t.Errorf("refused for %v, want %q", err, tt.why)
			}
		})
	}
}

// cut drops the last n bytes of b (the end of a zip's central directory).
func cut(b []byte, n int) []byte { return b[:len(b)-n] }

func utf16le(s string) []byte {
	out := []byte{0xff, 0xfe}
	for _, r := range s {
		out = append(out, byte(r), byte(r>>8))
	}
	return out
}

// hugeReaderAt pretends to be a file of any size without holding it.
type hugeReaderAt struct{ reads int }

func (h *hugeReaderAt) ReadAt(p []byte, off int64) (int, error) {
	h.reads++
	clear(p)
	return len(p), nil
}

func TestCheckUploadSizeFirst(t *testing.T) {
	r := &hugeReaderAt{}
	_, err := CheckUpload("huge.pdf", r, DefaultMaxFile+1, 0, Limits{})
	if !slices.Contains(keys(err), "file:practice.file_too_large") {
		t.Fatalf("got %v", err)
	}
	if r.reads != 0 {
		t.Errorf("read %d times a file over the limit", r.reads)
	}
	if f := citypact.FieldsOf(err); len(f) != 1 || !slices.Equal(f[0].Args, []string{"max_mb", "20"}) {
		t.Errorf("args %v", f)
	}
}

func TestCheckQuota(t *testing.T) {
	for _, tt := range []struct {
		used, size, quota int64
		ok                bool
	}{
		{0, 10, 10, true}, {5, 5, 10, true}, {5, 6, 10, false}, {11, 0, 10, false},
		{-1, 1, 10, false}, {1 << 62, 1 << 62, 1 << 62, false}, {0, DefaultQuota, 0, true}, {1, DefaultQuota, 0, false},
	} {
		if err := CheckQuota(tt.used, tt.size, tt.quota); (err == nil) != tt.ok {
			t.Errorf("CheckQuota(%d, %d, %d) = %v", tt.used, tt.size, tt.quota, err)
		}
	}
}

func TestCleanFileName(t *testing.T) {
	for _, tt := range []struct{ in, typ, want string }{
		{"report.pdf", TypePDF, "report.pdf"},
		{"C:\\Users\\kim\\Desktop\\report.pdf", TypePDF, "report.pdf"},
		{"/etc/passwd", TypeText, "passwd.txt"},
		{"..", TypePDF, "attachment.pdf"},
		{"...pdf", TypePDF, "pdf.pdf"},
		{"  .hidden.pdf  ", TypePDF, "hidden.pdf"},
		{"report.pdf.", TypePDF, "report.pdf"},
		{"report.pdf.exe", TypePDF, "report.pdf.exe.pdf"},
		{"evil\u202efdp.exe", TypePDF, "evilfdp.exe.pdf"}, // no right-to-left override
		{"a\"b\r\nc;d.pdf", TypePDF, "a_b c_d.pdf"},
		{"a<b>c:d|e?f*g.csv", TypeCSV, "a_b_c_d_e_f_g.csv"},
		{"선별진료소 지침.docx", TypeDOCX, "선별진료소 지침.docx"},
		{"\u1100\u1161.txt", TypeText, "가.txt"}, // NFC
		{"bad\xffutf8.pdf", TypePDF, "badutf8.pdf"},
		{"x\x00y\x7f.pdf", TypePDF, "xy.pdf"},
		{"photo.JPEG", TypeJPEG, "photo.JPEG"},
		{"photo.png", TypeJPEG, "photo.png.jpg"},
	} {
		if got := CleanFileName(tt.in, tt.typ); got != tt.want {
			t.Errorf("CleanFileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	long := CleanFileName(strings.Repeat("긴", 400)+".pdf", TypePDF)
	if utf8.RuneCountInString(long) != MaxFileNameLen || !strings.HasSuffix(long, ".pdf") {
		t.Errorf("long name: %d characters, %q", utf8.RuneCountInString(long), long[len(long)-8:])
	}
}

func FuzzCleanFileName(f *testing.F) {
	for _, s := range []string{"report.pdf", "../../a", "a\u202eb.exe", "\x00", "....", strings.Repeat("ab.", 100), "con.pdf", "a/b\\c"} {
		f.Add(s)
	}
	types := []string{TypePDF, TypeDOCX, TypeText, TypeJPEG}
	f.Fuzz(func(t *testing.T, name string) {
		for _, typ := range types {
			got := CleanFileName(name, typ)
			ok := false
			for _, ext := range Extensions(typ) {
				ok = ok || strings.HasSuffix(strings.ToLower(got), ext)
			}
			switch {
			case !ok:
				t.Fatalf("%q → %q: no %s extension", name, got, typ)
			case !utf8.ValidString(got) || utf8.RuneCountInString(got) > MaxFileNameLen:
				t.Fatalf("%q → %q: invalid or long", name, got)
			case strings.ContainsAny(got, "/\\\"<>:|?*;") || strings.HasPrefix(got, ".") || strings.HasPrefix(got, " "):
				t.Fatalf("%q → %q: unsafe character or leading dot", name, got)
			case strings.IndexFunc(got, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) >= 0:
				t.Fatalf("%q → %q: control or format character", name, got)
			}
		}
	})
}

func FuzzCheckUpload(f *testing.F) {
	f.Add([]byte(minimalPDF))
	f.Add(pngFile(f))
	f.Add(ooxml(f, "word/"))
	f.Add(odf(f, TypeODS))
	f.Add([]byte("a,b\n1,2\n"))
	f.Add([]byte("<svg/>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := check("f", b, 0, Limits{MaxFile: 1 << 20})
		if err != nil {
			if citypact.KindOf(err) != citypact.KindInvalid {
				t.Fatalf("error of kind %v: %v", citypact.KindOf(err), err)
			}
			return
		}
		if !slices.Contains(AllowedTypes(), a.Type) || a.Size != int64(len(b)) {
			t.Fatalf("accepted %+v", a)
		}
	})
}

// wordsEntry is an entry of about n bytes of text that compresses as prose does.
func wordsEntry(name string, n int) entry {
	words := strings.Fields("screening testing masks quarantine hotel contact tracing vaccination schedule district office residents elderly care 선별진료소 검사 口罩 檢疫 マスク")
	var sb strings.Builder
	x := uint32(1)
	for sb.Len() < n {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		sb.WriteString(words[x%uint32(len(words))])
		sb.WriteByte(" \n"[x>>31])
	}
	return entry{name: name, body: sb.String()}
}

func TestCheckUploadLargeDocument(t *testing.T) {
	doc := ooxml(t, "word/", wordsEntry("word/body.xml", 8<<20), wordsEntry("word/notes.xml", 1<<20))
	a, err := check("long.docx", doc, 0, Limits{})
	if err != nil || a.Type != TypeDOCX {
		t.Fatalf("an ordinary 9 MiB document (%d KiB zipped): %+v, %v", len(doc)>>10, a, err)
	}
}

// BenchmarkCheckUploadWorstDocument measures the most work an accepted office document can
// cost: 100 MiB declared (and decompressed) within the ratio.
func BenchmarkCheckUploadWorstDocument(b *testing.B) {
	zeros, crc := deflated(b, 98<<20)
	noise := make([]byte, 3<<19) // 1.5 MiB that does not compress, to stay within the ratio
	rand.NewChaCha8([32]byte{}).Read(noise)
	doc := ooxml(b, "word/", entry{name: "word/media/image1.bin", body: string(noise)}, zeroEntry("word/pad.xml", 98<<20, zeros, crc))
	if _, err := check("worst.docx", doc, 0, Limits{}); err != nil {
		b.Fatalf("%d KiB: %v", len(doc)>>10, err)
	}
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		check("worst.docx", doc, 0, Limits{})
	}
}
