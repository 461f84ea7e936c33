"""Regenerate ``templates/fonts/scripts/``: the open-licensed fonts for Arabic, Hebrew, Japanese and Simplified Chinese.

Arabic and Hebrew are Noto Sans as released (small). The CJK fonts are Noto Sans CJK subset to the
characters a profile or a translation in that language can reasonably use, which keeps each file
near 3 MB instead of 16 MB: Japanese = JIS X 0208 (levels 1 and 2: kana and 6,355 kanji), Simplified
Chinese = GB 2312 (6,763 hanzi), both with ASCII, general punctuation, CJK symbols and full-width forms.
OpenType layout features are kept (vertical forms, proportional kana, locl).

Usage (Debian's packages hold the upstream files; nothing is fetched by the build itself):
    apt-get download fonts-noto-cjk fonts-noto-core && for d in *.deb; do dpkg-deb -x "$d" x; done
    python tools/subset_script_fonts.py x/usr/share/fonts templates/fonts/scripts
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

COMMON = {*range(0x20, 0x7F), *range(0x2000, 0x2070), *range(0x3000, 0x3100), *range(0xFF00, 0xFFF0)}
CJK = {"JP": (0, "shift_jis"), "SC": (2, "gb2312")}  # face index in NotoSansCJK-*.ttc, codec giving the repertoire


def repertoire(codec: str) -> set[int]:
    found = set()
    for code_point in range(0x20, 0x10000):
        try:
            chr(code_point).encode(codec)
        except UnicodeEncodeError:
            continue
        found.add(code_point)
    return found | COMMON


def main(fonts: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for script in ("Arabic", "Hebrew"):
        for weight in ("Regular", "Bold"):
            name = f"NotoSans{script}-{weight}.ttf"
            shutil.copyfile(fonts / "truetype/noto" / name, out / name)
    for tag, (index, codec) in CJK.items():
        wanted = repertoire(codec)
        for weight in ("Regular", "Bold"):
            font = TTFont(fonts / f"opentype/noto/NotoSansCJK-{weight}.ttc", fontNumber=index)
            options = subset.Options()
            options.layout_features = ["*"]
            options.name_IDs = ["*"]
            options.notdef_outline = True
            options.hinting = False
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=wanted)
            subsetter.subset(font)
            font.save(out / f"NotoSans{tag}-{weight}.otf")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
