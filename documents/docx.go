// Package documents writes the office's Word documents: the record form of
// one visit (《回访情况记录表》, for a talk 《受纪律处分人员谈心回访情况登记表》)
// and a member's archive (回访教育档案). It takes plain, display-ready
// values and returns the bytes of a .docx; it knows no storage and no
// Telegram.
//
// A document is the template kept in template/ (the parts of a .docx:
// styles, page set-up, footer) with word/document.xml written from
// template/form.xml or template/archive.xml by text/template. Every value
// reaches the XML escaped: the values a template sees are of type Text,
// whose String escapes them, and the helpers (cell, label, para) escape
// what they are given. Characters XML cannot hold are dropped.
package documents

import (
	"archive/zip"
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"
)

//go:embed all:template
var parts embed.FS

// The body templates; every other file under template/ is copied into the
// package as it is.
const (
	formBody    = "form.xml"
	archiveBody = "archive.xml"
)

// Text is a value shown in a document. Printed by a template ({{.Name}})
// it is escaped for the content of a <w:t xml:space="preserve"> element,
// a line break becoming <w:br/>; the helpers take it as it is and escape it
// themselves.
type Text string

// String is t escaped for a run's text.
func (t Text) String() string { return runText(string(t)) }

var bodies = template.Must(template.New("").Funcs(template.FuncMap{
	"cell":  cell,
	"label": labelCell,
	"para":  para,
	"cells": cells,
	"dict":  func(d archiveView, v visitView) visitArgs { return visitArgs{D: d, V: v} },
}).ParseFS(parts, "template/"+formBody, "template/"+archiveBody))

// visitArgs are what the archive's "visit" template needs: the whole view
// (its widths) and the visit.
type visitArgs struct {
	D archiveView
	V visitView
}

// clean drops what XML 1.0 cannot hold (control characters but tab and
// line breaks, U+FFFE/U+FFFF, invalid UTF-8) and makes line breaks "\n".
func clean(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\t' || r == '\n':
			return r
		case r < 0x20, r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF, r == utf8.RuneError:
			return -1
		}
		return r
	}, s)
}

// escape escapes s for XML text and attribute values.
func escape(s string) string {
	var b strings.Builder
	for _, r := range clean(s) {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&apos;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// runText is s for the inside of <w:t xml:space="preserve">: escaped, each
// line break a <w:br/> between two text elements.
func runText(s string) string {
	return strings.ReplaceAll(escape(s), "\n", `</w:t><w:br/><w:t xml:space="preserve">`)
}

// paragraphs renders s as paragraphs of style, one per line; an empty s is
// one empty paragraph (a table cell needs one).
func paragraphs(style, s string, bold bool) string {
	rpr := ""
	if bold {
		rpr = "<w:rPr><w:b/></w:rPr>"
	}
	var b strings.Builder
	for _, line := range strings.Split(clean(s), "\n") {
		b.WriteString(`<w:p><w:pPr><w:pStyle w:val="` + style + `"/></w:pPr>`)
		if line != "" {
			b.WriteString(`<w:r>` + rpr + `<w:t xml:space="preserve">` + escape(line) + `</w:t></w:r>`)
		}
		b.WriteString(`</w:p>`)
	}
	return b.String()
}

// para is a paragraph (several, one per line) of style.
func para(style string, t Text) string { return paragraphs(style, string(t), false) }

// tc is a table cell of width twips spanning span grid columns.
func tc(width, span int, shade bool, body string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, width)
	if span > 1 {
		fmt.Fprintf(&b, `<w:gridSpan w:val="%d"/>`, span)
	}
	if shade {
		b.WriteString(`<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>`)
	}
	b.WriteString(`<w:vAlign w:val="center"/></w:tcPr>` + body + `</w:tc>`)
	return b.String()
}

// cell is a value cell of width twips spanning span grid columns.
func cell(width, span int, t Text) string {
	return tc(width, span, false, paragraphs("Cell", string(t), false))
}

// labelCell is a label cell (bold, centred, shaded) of width twips.
func labelCell(width int, t Text) string {
	return tc(width, 1, true, paragraphs("CellLabel", string(t), false))
}

// cells is a row of a list table (small type): cells of the given widths,
// values in order; a header row (head) is shaded and bold.
func cells(head bool, widths []int, values ...Text) string {
	var b strings.Builder
	for i, v := range values {
		w := 0
		if i < len(widths) {
			w = widths[i]
		}
		style := "CellSmall"
		if head {
			style = "CellSmallLabel"
		}
		b.WriteString(tc(w, 1, head, paragraphs(style, string(v), false)))
	}
	return b.String()
}

// pack writes the .docx: the template's parts, word/document.xml from the
// body template file name (its template defined by the name without .xml)
// run on data, and docProps/core.xml with title.
func pack(name string, data any, title string, at time.Time) ([]byte, error) {
	var doc bytes.Buffer
	if err := bodies.ExecuteTemplate(&doc, strings.TrimSuffix(name, ".xml"), data); err != nil {
		return nil, fmt.Errorf("fill %s: %w", name, err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	add := func(path string, content []byte) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: path, Method: zip.Deflate, Modified: at})
		if err != nil {
			return err
		}
		_, err = w.Write(content)
		return err
	}
	err := fs.WalkDir(parts, "template", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(path, "template/")
		if rel == formBody || rel == archiveBody {
			return nil
		}
		content, err := parts.ReadFile(path)
		if err != nil {
			return err
		}
		return add(rel, content)
	})
	if err == nil {
		err = add("word/document.xml", doc.Bytes())
	}
	if err == nil {
		err = add("docProps/core.xml", coreXML(title, at))
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", name, err)
	}
	return out.Bytes(), nil
}

// coreXML is the document's properties: its title and when it was made.
func coreXML(title string, at time.Time) []byte {
	stamp := at.UTC().Format(time.RFC3339)
	return []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ` +
		`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + escape(title) + `</dc:title><dc:creator>Huifang</dc:creator>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + stamp + `</dcterms:created></cp:coreProperties>`)
}
