"""Profile files: the logo and font paths a profile names, and what those files hold.

A path must stay inside the org's own folder (``org_profiles/<org-id>/``, after following links)
and name a regular file of an allowed type, told by content (``sniff``), never by extension.
Raster images are decoded in full (a broken file fails here, not in a renderer) after their
declared size is checked (a decompression bomb is refused before anything is decoded); SVG logos
must be inert; fonts must load in FreeType. Pillow and lxml are imported only when a file is checked.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, ValidationInfo
from pydantic_core import PydanticCustomError

from visitkit.profile_values import BAD_IN_LINE, fail, shown

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_PIXELS = 4096 * 4096
MAX_FONT_BYTES = 4 * 1024 * 1024

_KIND_NAMES = {
    "png": "a PNG image",
    "jpeg": "a JPEG image",
    "svg": "an SVG image",
    "font": "a TTF/OTF font",
    None: "content of an unknown type",
}


def _asset(value: str, info: ValidationInfo, kinds: tuple[str, ...]) -> str:
    """Check an asset path: inside the org's folder (after following links), a real file of an allowed type."""
    ctx = info.context or {}
    root: Path | None = ctx.get("profiles_dir")
    org_id: str | None = ctx.get("org_id")
    if root is None or org_id is None:  # schema generation / no file system
        return value
    got = shown(value)

    def outside(why: str = "") -> PydanticCustomError:
        return fail("path", "expected a path inside {org}/, got {got}{why}", org=org_id, got=got, why=why)

    parts = Path(value).parts
    if not parts or BAD_IN_LINE.search(value) or value.startswith("/") or "\\" in value or ".." in parts:
        raise outside()  # "." and "./" have no parts
    base = root.resolve()
    # The org folder itself must be a real folder: a link there would let it point anywhere.
    org_dir = base / org_id
    if parts[0] != org_id:
        meant = _in_org_folder(org_dir, value)
        raise outside(f"; did you mean {shown(meant)}?" if meant else "")
    try:
        path = (base / value).resolve(strict=False)
    except (OSError, RuntimeError, ValueError):  # link loop, name too long
        raise outside(", a link that cannot be followed") from None
    if not path.is_relative_to(org_dir):
        raise outside(", which leads outside it through a symbolic link")
    try:
        if not path.exists():
            raise fail("file_missing", "file not found: {got}", got=got)
        if not path.is_file():
            what = "a folder" if path.is_dir() else "not a regular file"
            raise fail("not_file", "expected a file, got {got}, which is {what}", got=got, what=what)
        size = path.stat().st_size
        limit = MAX_FONT_BYTES if "font" in kinds else MAX_IMAGE_BYTES
        if size > limit:
            raise fail(
                "size",
                "expected a file of at most {limit} bytes, got {size} bytes in {got}",
                limit=limit,
                size=size,
                got=got,
            )
        data = path.read_bytes()
    except OSError as exc:
        raise fail("unreadable", "expected a readable file, got {got} ({why})", got=got, why=exc.strerror) from None
    kind = sniff(data[:512])
    if kind not in kinds:
        wanted = {("png", "jpeg", "svg"): "a PNG, JPEG or SVG image", ("font",): "a TTF or OTF font"}[kinds]
        raise fail("type", "expected {wanted}, got {found} in {got}", wanted=wanted, found=_KIND_NAMES[kind], got=got)
    if kind in ("png", "jpeg"):
        _check_raster(data, kind, got)
    elif kind == "svg":
        _check_svg(data, got)
    elif kind == "font":
        _check_font(data, got)
    return path.relative_to(base).as_posix()


def _in_org_folder(org_dir: Path, value: str) -> str | None:
    """``<org-id>/<value>`` when that is a file inside the org's folder: a path written relative to it."""
    try:
        found = (org_dir / value).resolve(strict=False)
        if found.is_relative_to(org_dir) and found.is_file():
            return f"{org_dir.name}/{Path(value).as_posix()}"
    except (OSError, RuntimeError, ValueError):  # link loop, name too long
        pass
    return None


def sniff(head: bytes) -> str | None:
    """The file type by content, never by extension."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
        return "font"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in head):
        return "svg"
    return None


def _check_raster(data: bytes, kind: str, got: str) -> None:
    from PIL import Image, ImageFile

    def too_big(width: int, height: int) -> PydanticCustomError:
        return fail(
            "pixels",
            "expected an image of at most {limit} pixels (4096x4096), got {w}x{h} pixels in {got}",
            limit=MAX_IMAGE_PIXELS,
            w=width,
            h=height,
            got=got,
        )

    # Pillow's globals, set for the check and restored after it (tasks run in processes, one check at a time):
    # - MAX_IMAGE_PIXELS: our own, smaller limit is checked below, with the size in the message;
    # - LOAD_TRUNCATED_IMAGES: WeasyPrint turns it on when imported (doit workers import it), which
    #   would let a truncated file pass.
    saved = Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES
    Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = None, False
    try:
        # Opening reads the header only: a decompression bomb is refused before anything is decoded.
        with Image.open(io.BytesIO(data), formats=(kind.upper(),)) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise too_big(width, height)
            image.load()  # decodes every pixel: a broken file fails here, not in a renderer
    except PydanticCustomError:
        raise
    except Exception as exc:  # Pillow raises many types for broken files
        why = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        if isinstance(exc, Image.UnidentifiedImageError):
            why = "cannot identify image file"  # not Pillow's "… <_io.BytesIO object at 0x7f…>"
        raise fail(
            "image",
            "expected a readable {format} image, got a broken one in {got} ({why})",
            format=kind.upper(),
            got=got,
            why=why,
        ) from None
    finally:
        Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = saved


_SVG_NS = "http://www.w3.org/2000/svg"
_SVG_SCRIPT = {"script", "handler", "listener"}
_SVG_EMBEDDED = {"foreignObject", "iframe", "embed", "object", "audio", "video", "canvas", "img"}
# Namespaces whose elements a renderer might act on (metadata namespaces such as RDF or Inkscape's are inert).
_FOREIGN_ACTIVE = {
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/1998/Math/MathML",
    "http://www.w3.org/2001/XInclude",
}
_SVG_ANIMATION = {"set", "animate", "animateMotion", "animateTransform", "animateColor"}
# CSS that can load something: url() not pointing into the file itself, @import, image-set(), src().
_CSS_URL = re.compile(r"(?i)url\(\s*(?!['\"]?\s*#)|@import|image-set\(|\bsrc\(")


def _check_svg(data: bytes, got: str) -> None:
    """An SVG logo must be inert: no DTD, scripts, event handlers, embedded documents or references outside it."""
    from lxml import etree

    def refused(what: str, found: str) -> PydanticCustomError:
        return fail("svg", "expected an SVG {what}, got {found} in {got}", what=what, found=found, got=got)

    if re.search(rb"(?i)<!DOCTYPE|<!ENTITY", data):
        raise refused("without <!DOCTYPE> or <!ENTITY> declarations", "a declaration")
    try:
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, remove_pis=False
        )
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise fail(
            "svg",
            "expected a well-formed SVG, got an XML error in {got} ({why})",
            got=got,
            why=str(getattr(exc, "msg", "") or exc).splitlines()[0][:120],
        ) from None
    if root.tag != f"{{{_SVG_NS}}}svg":
        found = "<svg> without xmlns" if root.tag == "svg" else f"<{etree.QName(root).localname}>"
        raise refused(f'whose root is <svg xmlns="{_SVG_NS}">', found)
    pis = [node for node in root.itersiblings(preceding=True) if isinstance(node, etree._ProcessingInstruction)]
    pis += list(root.iter(etree.ProcessingInstruction))
    if pis:
        raise refused("without processing instructions", f"<?{pis[0].target} …?>")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments
        name = etree.QName(element)
        tag = name.localname
        if tag in _SVG_SCRIPT:
            raise refused("without scripts", f"<{tag}>")
        if tag in _SVG_EMBEDDED or name.namespace in _FOREIGN_ACTIVE:
            raise refused("without embedded documents or foreign elements", f"<{tag}>")
        if tag in _SVG_ANIMATION and (element.get("attributeName") or "").split(":")[-1] == "href":
            raise refused("without animated links", f'<{tag} attributeName="{element.get("attributeName")}">')
        # (text, is CSS): every attribute may hold url(); style text may not hide it behind escapes.
        checked = [("".join(element.itertext()), True)] if tag == "style" else []  # all of it, around comments
        for attribute, value in element.attrib.items():
            local = etree.QName(attribute).localname
            if local.lower().startswith("on"):
                raise refused("without event handlers", f"the attribute {local} on <{tag}>")
            if local == "href" and not value.strip().startswith("#"):
                raise refused("that loads nothing from other files or URLs", f"href={shown(value, 60)}")
            checked.append((value, local == "style"))
        for text, is_css in checked:
            loads = _CSS_URL.search(text)
            if loads:
                found = re.match(r"[^;)]{0,60}[;)]?", text[loads.start() :]).group()  # e.g. url(https://…)
                raise refused("that loads nothing from other files or URLs", f"{shown(found, 60)} in <{tag}>")
            if is_css and "\\" in text:
                raise refused("without CSS escapes in styles", f"a backslash in <{tag}>")


def _check_font(data: bytes, got: str) -> None:
    from PIL import ImageFont

    try:
        font = ImageFont.truetype(io.BytesIO(data), 16)
        font.getlength("Ag")
    except Exception as exc:  # FreeType reports broken fonts as OSError, sometimes others
        raise fail(
            "font",
            "expected a readable TTF or OTF font, got a broken one in {got} ({why})",
            got=got,
            why=str(exc).splitlines()[0][:120] or type(exc).__name__,
        ) from None


def _image(value: str, info: ValidationInfo) -> str:
    return _asset(value, info, ("png", "jpeg", "svg"))


def _font_file(value: str, info: ValidationInfo) -> str:
    return _asset(value, info, ("font",))


ImagePath = Annotated[str, AfterValidator(_image)]
FontPath = Annotated[str, AfterValidator(_font_file)]
