"""Reproducible zip archives: the same entries always give the same bytes.

The one helper for every zip visitkit writes: the toolkit zip (``bundle.toolkit_zip``) and the
re-zipped PowerPoint package (``render/slide/package.py``). Entries are written in the order
given, each dated 1980-01-01 (the earliest date a zip entry can hold) with 0644 permissions and
a fixed "made by" system, so neither the clock, the umask nor the building machine reaches the
bytes. The standard library's ``zipfile`` does the rest; the reproducible-zip packages on PyPI
wrap the same calls (and read ``SOURCE_DATE_EPOCH``, which would put a date into the outputs).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold
UNIX, MS_DOS = 3, 0  # the "made by" system of an entry


def reproducible_zip(
    entries: Iterable[tuple[str, bytes]], *, level: int = 9, stored: tuple[str, ...] = (), system: int = UNIX
) -> bytes:
    """A zip of ``entries`` (name, bytes), in the order given: deflated at ``level``, except names
    ending in one of ``stored`` (formats that are compressed already), which are stored."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.create_system = system
            info.compress_type = zipfile.ZIP_STORED if stored and name.endswith(stored) else zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=level)
    return out.getvalue()
