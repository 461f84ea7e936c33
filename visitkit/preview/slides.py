"""The slide as LibreOffice shows it: the .pptx converted to PNG on first view, cached by the .pptx's
sha256 in a folder outside build/ (the build's outputs stay exactly what doit wrote)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

TIMEOUT = 120  # seconds; a first LibreOffice start on a cold machine takes a while


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "visitkit" / "slides"


class Slides:
    def __init__(self, cache: Path | None = None) -> None:
        self.command = soffice()
        self.cache = cache or cache_dir()
        # One LibreOffice at a time: two conversions sharing a user profile fail.
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        return self.command is not None

    def png(self, pptx: Path) -> bytes | None:
        """The first slide of ``pptx`` as PNG, or None when LibreOffice is missing or fails."""
        if self.command is None:
            return None
        try:
            data = pptx.read_bytes()
        except OSError:
            return None
        target = self.cache / f"{hashlib.sha256(data).hexdigest()}.png"
        with self._lock:
            if target.is_file():
                return target.read_bytes()
            self.cache.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=self.cache) as work:
                source = Path(work) / "slide.pptx"
                source.write_bytes(data)
                profile = (self.cache / "libreoffice-profile").resolve().as_uri()
                try:
                    subprocess.run(
                        [self.command, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "png",
                         "--outdir", work, str(source)],
                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                        timeout=TIMEOUT, check=False,
                    )
                except (OSError, subprocess.TimeoutExpired):
                    return None
                made = Path(work) / "slide.png"
                if not made.is_file():
                    return None
                os.replace(made, target)
            return target.read_bytes()
