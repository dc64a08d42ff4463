package documents

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// BodyText opens a .docx and returns the text of its body: the text of
// its runs, a line break for every paragraph and <w:br/>. It fails when
// the file is not a zip, lacks a part Word needs, or holds an XML part
// that is not well-formed. Tests and checks read documents back with it.
func BodyText(docx []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		return "", fmt.Errorf("open docx: %w", err)
	}
	have := map[string]bool{}
	var text string
	for _, f := range zr.File {
		have[f.Name] = true
		if !strings.HasSuffix(f.Name, ".xml") && !strings.HasSuffix(f.Name, ".rels") {
			continue
		}
		body, err := readPart(f)
		if err != nil {
			return "", err
		}
		t, err := xmlText(body, f.Name == "word/document.xml")
		if err != nil {
			return "", fmt.Errorf("part %s: %w", f.Name, err)
		}
		text += t
	}
	for _, want := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels"} {
		if !have[want] {
			return "", fmt.Errorf("open docx: part %s missing", want)
		}
	}
	return text, nil
}

func readPart(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("part %s: %w", f.Name, err)
	}
	defer func() { _ = rc.Close() }()
	body, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("part %s: %w", f.Name, err)
	}
	return body, nil
}

// xmlText checks that body is well-formed XML and, when collect is set,
// returns the text of its <w:t> elements with line breaks.
func xmlText(body []byte, collect bool) (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	var b strings.Builder
	inT := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return b.String(), nil
		}
		if err != nil {
			return "", err
		}
		if !collect {
			continue
		}
		switch x := tok.(type) {
		case xml.StartElement:
			inT = x.Name.Local == "t"
			if x.Name.Local == "br" || x.Name.Local == "p" {
				b.WriteString("\n")
			}
		case xml.EndElement:
			inT = false
		case xml.CharData:
			if inT {
				b.Write(x)
			}
		}
	}
}
