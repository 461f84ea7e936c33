"""This process's one WeasyPrint ``FontConfiguration``, shared by the PDF renderer and the rasteriser.

A fresh configuration per document leaks (about 0.2 MB each, the default of a
plain ``write_pdf()``); one per process does not. Kept apart from the renderers
so that an edit to one of them does not count as an edit to the other.
"""

from __future__ import annotations

import atexit
from typing import Any

_shared: Any = None  # weasyprint.text.fonts.FontConfiguration, created on first use


def shared() -> Any:
    global _shared
    if _shared is None:
        from weasyprint.text.fonts import FontConfiguration

        _shared = FontConfiguration()
        atexit.register(_drop)
    return _shared


def _drop() -> None:
    """Free the configuration (and its temporary font folder) while the interpreter still works."""
    global _shared
    _shared = None
