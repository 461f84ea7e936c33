"""Regenerates ``substitute.DATA`` from the DejaVu Sans files (run by hand; needs fontTools).

Kept apart from ``substitute.py`` so that the slide renderer does not import fontTools (the build
tracks the libraries a renderer's modules import, and would rebuild slides when fontTools changes).
"""

from __future__ import annotations

import base64
import struct
import zlib

from visitkit.render.slide.substitute import FILES, LIMIT, UPEM


def generate(folder: str = "/usr/share/fonts/truetype/dejavu") -> dict[bool, str]:
    """``DATA`` from the font files (run by hand when the table should change)."""
    from fontTools.ttLib import TTFont

    out = {}
    for bold, name in FILES.items():
        font = TTFont(f"{folder}/{name}")
        assert font["head"].unitsPerEm == UPEM
        cmap, hmtx = font.getBestCmap(), font["hmtx"]
        points = sorted(cp for cp in cmap if cp < LIMIT)
        blob = b""
        index = 0
        while index < len(points):
            end = index
            while end + 1 < len(points) and points[end + 1] == points[end] + 1 and end - index < 60000:
                end += 1
            run = points[index:end + 1]
            blob += struct.pack("<IH", run[0], len(run))
            blob += struct.pack(f"<{len(run)}H", *(hmtx[cmap[cp]][0] for cp in run))
            index = end + 1
        out[bold] = base64.b64encode(zlib.compress(blob, 9)).decode()
    return out


if __name__ == "__main__":
    for bold, data in generate().items():
        print(f"{bold}: {len(data)} characters of base64")
