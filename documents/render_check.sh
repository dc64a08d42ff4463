#!/bin/sh
# Renders a record form and an archive of the demo roster to PNG pages with
# LibreOffice, to look at them (not part of CI). Usage, from the repository:
#   sh documents/render_check.sh [OUT-DIR]     (default /tmp/huifang-docs)
# Needs soffice (LibreOffice) and pdftoppm (poppler-utils).
set -eu
out=${1:-/tmp/huifang-docs}
mkdir -p "$out"
go build -o "$out/huifang" .
export HUIFANG_SQLITE_PATH="$out/demo.db"
"$out/huifang" demo >/dev/null 2>&1
"$out/huifang" form 1 "$out/form.docx" >/dev/null 2>&1         # a talk: the talk form's title
"$out/huifang" archive 4 "$out/archive.docx" >/dev/null 2>&1    # 王五: two visits
cd "$out"
soffice --headless --convert-to pdf form.docx archive.docx >/dev/null
pdftoppm -png -r 60 form.pdf form
pdftoppm -png -r 60 archive.pdf archive
ls "$out"/*.png
