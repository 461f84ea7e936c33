"""visitkit/render/png.py: the PNG writer of the previews."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from visitkit.render import png


def _image(mode: str) -> Image.Image:
    """Every value of every channel somewhere (a gradient per channel), so that a byte out of place shows."""
    width, height = 37, 29  # odd sizes: a row is not a multiple of any word
    bands = {"L": 1, "LA": 2, "RGB": 3, "RGBA": 4}[mode]
    data = bytes((x * 7 + y * 13 + channel * 91) % 256 for y in range(height) for x in range(width)
                 for channel in range(bands))
    return Image.frombytes(mode, (width, height), data)


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        chunks.append((kind, body))
        at += 12 + length
    return chunks


@pytest.mark.parametrize("mode", ["L", "LA", "RGB", "RGBA"])
def test_the_pixels_come_back_exactly(mode):
    image = _image(mode)
    decoded = Image.open(io.BytesIO(png.encode(image)))
    decoded.load()  # Pillow checks every chunk's CRC as it reads
    assert (decoded.mode, decoded.size) == (mode, image.size)
    assert decoded.tobytes() == image.tobytes()


def test_only_the_three_chunks_and_every_row_unfiltered():
    image = _image("RGB")
    chunks = _chunks(png.encode(image))
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]  # no time, text or gamma
    width, height, depth, colour, *_ = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (width, height, depth, colour) == (37, 29, 8, 2)
    rows = zlib.decompress(chunks[1][1])
    stride = 1 + 37 * 3
    assert len(rows) == 29 * stride
    assert {rows[i] for i in range(0, len(rows), stride)} == {0}


def test_same_pixels_same_bytes_and_the_level_changes_only_the_size():
    image = _image("RGBA")
    assert png.encode(image) == png.encode(image.copy())
    fast, small = png.encode(image, level=1), png.encode(image, level=9)
    assert Image.open(io.BytesIO(fast)).tobytes() == Image.open(io.BytesIO(small)).tobytes()


def test_other_modes_are_refused_with_what_was_found():
    with pytest.raises(ValueError, match="'P'"):
        png.encode(Image.new("P", (2, 2)))
