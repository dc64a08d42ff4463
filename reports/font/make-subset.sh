#!/bin/sh
# make-subset.sh remakes NotoSansSC-GB2312.otf: Noto Sans CJK SC Regular
# (SIL Open Font License 1.1, see OFL.txt) cut to ASCII, CJK and
# full-width punctuation and the characters of GB2312 (levels 1 and 2 and
# its symbols), kept as OpenType/CFF, which golang.org/x/image/font/opentype
# reads. Needs fonttools (Debian: python3-fonttools) and the Noto CJK fonts
# (Debian: fonts-noto-cjk). Run from this directory.
set -eu
SRC=${NOTO_CJK_TTC:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}
PY=${PYTHON:-/usr/bin/python3}
chars=$(mktemp)
trap 'rm -f "$chars"' EXIT
"$PY" - "$chars" <<'PYEOF'
import sys
out = set(chr(c) for c in range(0x20, 0x7F))               # ASCII
out.update(chr(c) for c in range(0x3000, 0x3040))           # CJK symbols and punctuation
out.update(chr(c) for c in range(0xFF01, 0xFF5F))           # full-width forms
out.update("·—‘’“”…‰※℃№←↑→↓─│□■△▲○●★☆")
for hi in range(0xA1, 0xF8):                                  # GB2312 rows 1..87
    for lo in range(0xA1, 0xFF):
        try:
            out.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
open(sys.argv[1], "w", encoding="utf-8").write("".join(sorted(out)))
PYEOF
# font number 2 of the collection is Noto Sans CJK SC.
"$PY" -m fontTools.subset "$SRC" --font-number=2 --text-file="$chars" \
	--layout-features='' --no-hinting --name-IDs='*' --notdef-outline \
	--output-file=NotoSansSC-GB2312.otf
ls -l NotoSansSC-GB2312.otf
