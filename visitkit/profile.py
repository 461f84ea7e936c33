"""Organisation profiles: the one place that loads and validates them.

A profile is ``org_profiles/<org-id>.yaml``; its assets live in
``org_profiles/<org-id>/``. Every field is declared here with its
documentation, which also feeds the JSON Schema (``doit schema``).
Profiles are untrusted: every value is checked before any renderer sees it,
and every problem becomes one line ``<file>:<line>: <field>: expected …, got …``
(``ProfileError``; the line is that of the field's key), never a traceback.
"""

from __future__ import annotations

import datetime
import difflib
import io
import json
import re
import unicodedata
import warnings
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import unquote, urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from visitkit import richtext
from visitkit.profile_file import (  # noqa: F401 - this module's API
    MAX_PROFILE_BYTES,
    KeyLines,
    ProfileError,
    read_yaml,
    read_yaml_with_lines,
)
from visitkit.selection import ORG_ID

LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_PIXELS = 4096 * 4096
MAX_FONT_BYTES = 4 * 1024 * 1024
MAX_URL_CHARS = 2000
DEFAULT_JOIN_HELP = (
    "https://support.microsoft.com/office/"
    "join-a-bookings-appointment-as-an-attendee-95cea12d-2220-421f-a663-6efb20913c7f"
)


def _fail(kind: str, message: str, **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError(kind, message, ctx)


def _shown(value: str, limit: int = 80) -> str:
    """A value quoted for an error line: repr (so control characters stay visible), shortened."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def _describe(value: Any) -> str:
    """What was found, in YAML terms: ``nothing``, ``the number 5``, ``a list``, ``'blue'``…"""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        return _shown(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple, set)):
        return "a list"
    if isinstance(value, bytes):
        return "binary data"
    return type(value).__name__


# ---------------------------------------------------------------- value types

# Control characters (C0, DEL, C1), lone surrogates and non-characters never belong in profile text:
# they break XML (PPTX), email headers and one-line layouts. Bidi and zero-width format characters
# (U+200D, U+202E…) are legitimate in real names and are allowed: every output escapes them as text.
_BAD_IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_BAD_IN_PROSE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")  # \t and \n allowed


def _control_error(value: str, match: re.Match[str], what: str) -> PydanticCustomError:
    return _fail(
        "control_character",
        "expected {what} without control characters, got U+{code} at character {at} of {got}",
        what=what,
        code=f"{ord(match.group()):04X}",
        at=match.start() + 1,
        got=_shown(value),
    )


def _require_visible(value: str) -> None:
    if not any(unicodedata.category(ch)[0] not in "ZC" for ch in value):
        raise _fail("invisible", "expected text with at least one visible character, got {got}", got=_shown(value))


def _line(value: str) -> str:
    """One line of visible text (names, labels, list items)."""
    bad = _BAD_IN_LINE.search(value)
    if bad:
        raise _control_error(value, bad, "one line of text")
    _require_visible(value)
    return value


def _colour(value: Any) -> Any:
    if value is None:
        raise _fail(
            "colour",
            'expected a colour like "#1A2B3C" in quotes (unquoted, # starts a YAML comment), got nothing',
        )
    if not isinstance(value, str) or not re.fullmatch(r"#[0-9A-Fa-f]{6}", value.strip()):
        raise _fail("colour", "expected a colour like #1A2B3C, got {got}", got=_describe(value))
    return value.strip().upper()


_URL_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f-\x9f<>\"'`\\{}|^]")
# A host name with a dot (IDN allowed) or an IPv4 address; no "localhost", no user info.
_LABEL = r"[a-z0-9_\u00a1-\uffff](?:[a-z0-9_\u00a1-\uffff-]*[a-z0-9_\u00a1-\uffff])?"
_HOST = re.compile(
    rf"(?i)(?:{_LABEL}\.)+[a-z\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]*[a-z0-9\u00a1-\uffff])?\.?"
    r"|\d{1,3}(?:\.\d{1,3}){3}"
)
_MAILTO = re.compile(r"mailto:[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}(\?[^#]*)?", re.I)
_TEL = re.compile(r"tel:\+?[0-9][0-9().-]{2,30}", re.I)


def _url(value: str, schemes: tuple[str, ...], shown: str | None = None) -> str:
    """An absolute URL with an allowed scheme: the only kind of link that reaches an output.

    ``shown`` is what the author wrote, when ``value`` is a decoded form of it.
    """
    wanted = (", ".join(f"{s}:" for s in schemes[:-1]) + " or " if len(schemes) > 1 else "") + f"{schemes[-1]}:"
    got = _shown(shown if shown is not None else value)

    def fail(problem: str = "") -> PydanticCustomError:
        return _fail("url", "expected a {wanted} URL{problem}, got {got}", wanted=wanted, problem=problem, got=got)

    if len(value) > MAX_URL_CHARS:
        raise _fail("url", "expected a URL of at most {limit} characters, got {n}", limit=MAX_URL_CHARS, n=len(value))
    scheme = value.split(":", 1)[0].lower() if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", value) else ""
    if scheme not in schemes:
        raise fail()
    if _URL_UNSAFE.search(value):
        suffix = " (its escapes decode to one of them)" if shown is not None and shown != value else ""
        raise fail(f" without spaces, quotes, angle brackets or other characters that must be %-encoded{suffix}")
    if scheme in ("http", "https"):
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - raises ValueError for a malformed port
        except ValueError:
            raise fail(" with a valid host name and port") from None
        if not value.lower().startswith(f"{scheme}://") or not parts.netloc:
            raise fail(" with a host name, like https://example.org/")
        if "@" in parts.netloc:
            raise fail(" without a user name or password before the host")
        if not _HOST.fullmatch(parts.hostname or ""):
            raise fail(" with a public host name, like https://example.org/")
    elif scheme == "mailto" and not _MAILTO.fullmatch(value):
        raise fail(" with an email address, like mailto:help@example.org")
    elif scheme == "tel" and not _TEL.fullmatch(value):
        raise fail(" with a phone number, like tel:+15550102000")
    return value


def _web_url(value: str) -> str:
    return _url(value, ("https", "http"))


def _prose_url(value: str, shown: str | None = None) -> str:
    return _url(value, ("https", "http", "mailto", "tel"), shown)


def _all_links_parser() -> Any:
    """richtext's Markdown subset, but keeping every link (markdown-it drops ``javascript:`` & co.)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False})
    # The same rules as richtext's parser, so the same text is a link in both.
    md.enable([rule for chain in richtext._MD.get_active_rules().values() for rule in chain], ignoreInvalid=True)
    md.validateLink = lambda url: True
    md.normalizeLink = lambda url: url  # the target exactly as written
    return md


_LINKS = _all_links_parser()


def _hrefs(tokens: list[Any]) -> list[str]:
    found = []
    for token in tokens:
        if token.type == "link_open":
            found.append(str(token.attrs.get("href", "")))
        found += _hrefs(token.children or [])
    return found


def _prose(value: str) -> str:
    """Markdown-subset prose: no control characters, and every link it makes is an allowed absolute URL."""
    bad = _BAD_IN_PROSE.search(value)
    if bad:
        raise _control_error(value, bad, "text")
    _require_visible(value)
    for href in _hrefs(_LINKS.parse(value)):
        # A link markdown-it refuses (javascript:, data:…) would silently show as text: say so instead.
        _prose_url(href)
        # richtext decodes %-escapes in link targets; the decoded form reaches the outputs.
        _prose_url(unquote(href), shown=href)
    for href in richtext.links(richtext.parse(value)):
        _prose_url(href)  # belt and braces: exactly what renderers receive
    return value


def _phone(value: str) -> str:
    if not re.fullmatch(r"\+?[0-9][0-9 ().-]{3,30}", value):
        raise _fail("phone", "expected a phone number like +1 555 010 2000, got {got}", got=_shown(value))
    return value


def _email(value: str) -> str:
    if len(value) > 254 or not re.fullmatch(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", value):
        raise _fail("email", "expected an email address like help@example.org, got {got}", got=_shown(value))
    return value


def _family(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 -]{0,62}", value):
        raise _fail(
            "family", "expected a font family name of letters, digits, spaces and '-', got {got}", got=_shown(value)
        )
    return value


Colour = Annotated[str, AfterValidator(_colour), Field(json_schema_extra={"pattern": "^#[0-9A-Fa-f]{6}$"})]
WebUrl = Annotated[str, AfterValidator(_web_url), Field(json_schema_extra={"format": "uri"})]
Text = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_line)]
Markdown = Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(_prose)]


def _translations(value: str | dict[str, str], info: ValidationInfo) -> str | dict[str, str]:
    """A mapping must give exactly the profile's locales."""
    wanted = (info.context or {}).get("profile_locales")
    if isinstance(value, dict) and wanted:
        missing = [code for code in wanted if code not in value]
        extra = [code for code in value if code not in wanted]
        if missing or extra:
            raise _fail(
                "translations",
                "expected a translation for each of the profile's locales ({wanted}), {problem}",
                wanted=", ".join(wanted),
                problem=f"got none for {', '.join(missing)}"
                if missing
                else f"got an extra one for {', '.join(map(_code, extra))}",
            )
    return value


def _code(value: Any) -> str:
    """A locale code as typed, quoted when it is not a plausible code."""
    return value if isinstance(value, str) and LOCALE.match(value) else _describe(value)


Prose = Annotated[Markdown | dict[str, Markdown], AfterValidator(_translations)]
"""Localizable prose: one string for every locale, or a mapping ``{en: …, es: …}``."""
LocalText = Annotated[Text | dict[str, Text], AfterValidator(_translations)]


# ------------------------------------------------------------- asset paths

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
    got = _shown(value)

    def outside(why: str = "") -> PydanticCustomError:
        return _fail("path", "expected a path inside {org}/, got {got}{why}", org=org_id, got=got, why=why)

    parts = Path(value).parts
    if not parts or _BAD_IN_LINE.search(value) or value.startswith("/") or "\\" in value or ".." in parts:
        raise outside()  # "." and "./" have no parts
    base = root.resolve()
    # The org folder itself must be a real folder: a link there would let it point anywhere.
    org_dir = base / org_id
    if parts[0] != org_id:
        meant = _in_org_folder(org_dir, value)
        raise outside(f"; did you mean {_shown(meant)}?" if meant else "")
    try:
        path = (base / value).resolve(strict=False)
    except (OSError, RuntimeError, ValueError):  # link loop, name too long
        raise outside(", a link that cannot be followed") from None
    if not path.is_relative_to(org_dir):
        raise outside(", which leads outside it through a symbolic link")
    try:
        if not path.exists():
            raise _fail("file_missing", "file not found: {got}", got=got)
        if not path.is_file():
            what = "a folder" if path.is_dir() else "not a regular file"
            raise _fail("not_file", "expected a file, got {got}, which is {what}", got=got, what=what)
        size = path.stat().st_size
        limit = MAX_FONT_BYTES if "font" in kinds else MAX_IMAGE_BYTES
        if size > limit:
            raise _fail(
                "size",
                "expected a file of at most {limit} bytes, got {size} bytes in {got}",
                limit=limit,
                size=size,
                got=got,
            )
        data = path.read_bytes()
    except OSError as exc:
        raise _fail("unreadable", "expected a readable file, got {got} ({why})", got=got, why=exc.strerror) from None
    kind = sniff(data[:512])
    if kind not in kinds:
        wanted = {("png", "jpeg", "svg"): "a PNG, JPEG or SVG image", ("font",): "a TTF or OTF font"}[kinds]
        raise _fail("type", "expected {wanted}, got {found} in {got}", wanted=wanted, found=_KIND_NAMES[kind], got=got)
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


def _declared_size(data: bytes, kind: str) -> tuple[int, int] | None:
    """Width and height as the file's header declares them, read before any decoder allocates pixels."""
    if kind == "png":
        if data[12:16] == b"IHDR" and len(data) >= 24:
            return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        return None
    at = 2  # JPEG: walk the marker segments to the first start-of-frame
    while at + 9 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xFF:
            at += 1
            continue
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return int.from_bytes(data[at + 7 : at + 9], "big"), int.from_bytes(data[at + 5 : at + 7], "big")
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return None


def _check_raster(data: bytes, kind: str, got: str) -> None:
    from PIL import Image, ImageFile

    def too_big(width: int, height: int) -> PydanticCustomError:
        return _fail(
            "pixels",
            "expected an image of at most {limit} pixels (4096x4096), got {w}x{h} pixels in {got}",
            limit=MAX_IMAGE_PIXELS,
            w=width,
            h=height,
            got=got,
        )

    declared = _declared_size(data, kind)
    if declared and declared[0] * declared[1] > MAX_IMAGE_PIXELS:
        raise too_big(*declared)  # a decompression bomb is refused before anything is decoded
    # WeasyPrint sets Pillow's global LOAD_TRUNCATED_IMAGES on import (doit workers import it), which
    # would let a truncated file pass: validation turns it off while it decodes (tasks run in processes).
    truncated_ok, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise too_big(width, height)
                image.load()  # decodes every pixel: a broken file fails here, not in a renderer
    except PydanticCustomError:
        raise
    except Exception as exc:  # Pillow raises many types for broken files
        why = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise _fail(
            "image",
            "expected a readable {format} image, got a broken one in {got} ({why})",
            format=kind.upper(),
            got=got,
            why=why,
        ) from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated_ok


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
        return _fail("svg", "expected an SVG {what}, got {found} in {got}", what=what, found=found, got=got)

    if re.search(rb"(?i)<!DOCTYPE|<!ENTITY", data):
        raise refused("without <!DOCTYPE> or <!ENTITY> declarations", "a declaration")
    try:
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, remove_pis=False
        )
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _fail(
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
                raise refused("that loads nothing from other files or URLs", f"href={_shown(value, 60)}")
            checked.append((value, local == "style"))
        for text, is_css in checked:
            loads = _CSS_URL.search(text)
            if loads:
                found = re.match(r"[^;)]{0,60}[;)]?", text[loads.start() :]).group()  # e.g. url(https://…)
                raise refused("that loads nothing from other files or URLs", f"{_shown(found, 60)} in <{tag}>")
            if is_css and "\\" in text:
                raise refused("without CSS escapes in styles", f"a backslash in <{tag}>")


def _check_font(data: bytes, got: str) -> None:
    from PIL import ImageFont

    try:
        font = ImageFont.truetype(io.BytesIO(data), 16)
        font.getlength("Ag")
    except Exception as exc:  # FreeType reports broken fonts as OSError, sometimes others
        raise _fail(
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


# ------------------------------------------------------------------ schema


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_attribute_docstrings=True)


class Font(Strict):
    family: Annotated[str, AfterValidator(_family)]
    """The family name written into the PowerPoint theme (e.g. ``Source Sans 3``)."""
    regular: FontPath
    """Regular-weight TTF/OTF file, relative to ``org_profiles/`` (e.g. ``acme/fonts/Brand.ttf``)."""
    bold: FontPath | None = None
    """Bold TTF/OTF file; without it the regular file is used for bold text too."""


class Brand(Strict):
    primary: Colour
    """Main brand colour, ``#RRGGBB``: headers, buttons, step numbers."""
    secondary: Colour | None = None
    """Second colour, ``#RRGGBB``: the other end of the header gradient. Default: derived from primary."""
    text: Colour = "#1F2933"
    """Body text colour on the page background."""
    background: Colour = "#FFFFFF"
    """Page background colour."""
    logo: ImagePath | None = None
    """Logo file (PNG, JPEG or SVG), relative to ``org_profiles/`` and inside the org's own folder."""
    logo_alt: LocalText | None = None
    """Alternative text for the logo. Default: the organisation's name."""
    font: Font | None = None
    """Brand font files. Default: the bundled Inter font."""

    @field_validator("primary", "secondary", "text", "background", mode="before")
    @classmethod
    def _colours(cls, value: Any) -> Any:
        # "before": an unquoted #RRGGBB is a YAML comment, i.e. null, which must not pass as "not given".
        return _colour(value)


class Links(Strict):
    booking: WebUrl
    """The online booking page. Required."""
    cancellation_policy: WebUrl | None = None
    """Page with the cancellation and rescheduling policy."""
    billing: WebUrl | None = None
    """Page with billing and payment information."""
    homepage: WebUrl | None = None
    """The organisation's home page."""
    join_help: WebUrl = DEFAULT_JOIN_HELP
    """Article that shows clients how to join. Default: the vendor's attendee help article."""
    patient_portal: WebUrl | None = None
    """Patient portal (healthcare) from which patients can join their visit."""


class Contact(Strict):
    phone: Annotated[str, AfterValidator(_phone)] | None = None
    """Phone number clients can call to book or ask questions."""
    email: Annotated[str, AfterValidator(_email)] | None = None
    """Email address clients can write to."""
    social: dict[Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_line)], WebUrl] = {}
    """Social media accounts that take bookings: name → URL (e.g. ``Facebook: https://…``)."""


class Policies(Strict):
    service_differences: Prose | None = None
    """Which services are offered virtually and which only in person."""
    fee_differences: Prose | None = None
    """How fees for virtual appointments differ from in-person visits."""
    payment_methods: list[LocalText] = []
    """Payment methods accepted for virtual appointments (e.g. ``credit card``)."""
    staff_availability: Prose | None = None
    """Which staff meet virtually only, in person only, or both."""
    cancellation_differences: Prose | None = None
    """How cancelling or rescheduling differs for virtual appointments."""
    equipment: Prose | None = None
    """Extra equipment clients need, beyond a browser (e.g. a webcam)."""


class Features(Strict):
    sms_reminders: bool = False
    """Clients receive text-message reminders before the appointment."""
    branded_waiting_room: bool = False
    """The virtual waiting room shows the organisation's logo."""
    pre_visit_forms: bool = False
    """Clients fill in forms before the appointment."""
    patient_portal_join: bool = False
    """Patients can join from their patient portal (healthcare with an integrated health record)."""


class Email(Strict):
    platform: Literal["generic", "mailchimp", "hubspot", "campaign_monitor"] = "generic"
    """Email platform the campaign is sent with: its unsubscribe and postal-address tokens go in the footer."""


class FaqOptions(Strict):
    structured_data: bool = False
    """Also write ``faq.jsonld``, schema.org ``FAQPage`` metadata for the FAQ (metadata only)."""


class Profile(Strict):
    """One organisation's profile."""

    name: Text
    """The organisation's full name, as clients know it."""
    short_name: Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_line)] | None = None
    """A short form of the name for tight spaces. Default: ``name``."""
    vertical: Literal["healthcare", "financial", "retail", "generic"]
    """Which wording and icon to use: ``healthcare``, ``financial``, ``retail`` or ``generic``."""
    locales: list[Annotated[str, Field(pattern=LOCALE.pattern)]] = Field(default=["en"], min_length=1)
    """Locales to build, each present in ``sources/``; the first is the default."""
    page_size: Literal["a4", "letter"] = "a4"
    """Paper size of the PDF and the slide: ``a4`` or ``letter``."""
    brand: Brand
    """Colours, logo and font."""
    links: Links
    """Web pages the toolkit links to."""
    contact: Contact = Contact()
    """Other ways to book or ask."""
    policies: Policies = Policies()
    """Policies that make the FAQ answers specific to the organisation."""
    features: Features = Features()
    """Optional product features the organisation uses."""
    extra_info: Prose | None = None
    """Anything else clients should know before joining; shown in the FAQ and on the infographic."""
    assets_base_url: WebUrl | None = None
    """Where the org hosts its toolkit bundle (``…/<org-id>/``): emails reference images below it.
    Without it the email uses no images."""
    email: Email = Email()
    """Email campaign settings."""
    faq: FaqOptions = FaqOptions()
    """FAQ options."""

    @field_validator("locales")
    @classmethod
    def _known_locales(cls, locales: list[str], info: ValidationInfo) -> list[str]:
        known = (info.context or {}).get("locales")
        for code in locales:
            if known is not None and code not in known:
                raise _fail(
                    "locale", "expected one of {known}, got {got}", known=", ".join(sorted(known)), got=repr(code)
                )
        if len(set(locales)) != len(locales):
            twice = next(code for code in locales if locales.count(code) > 1)
            raise _fail("locale", "expected each locale once, got {got} more than once", got=_shown(twice))
        return locales


# ----------------------------------------------------------------- loading


def load_profile(path: Path, locales: set[str] | None = None, display: str | None = None) -> Profile:
    """Load and validate ``org_profiles/<org-id>.yaml``.

    ``locales`` are the locales present in ``sources/``. Raises ``ProfileError``
    listing every problem, one line each, prefixed with the file name.
    """
    display = display or path.as_posix()
    org_id = path.stem
    if not ORG_ID.fullmatch(org_id) or path.suffix != ".yaml":
        raise ProfileError(
            [
                f"{display}: file name: expected <org-id>.yaml with an org id like 'acme-clinic' "
                f"(a-z, 0-9 and '-', at most 63 characters), got {_shown(path.name)}"
            ]
        )
    data, key_lines = read_yaml_with_lines(path, display)
    if not isinstance(data, dict):
        found = "an empty file" if data is None else _describe(data)
        raise ProfileError([f"{display}: expected a mapping of profile fields (name: …, vertical: …), got {found}"])
    declared = data.get("locales", ["en"])
    profile_locales = [c for c in declared if isinstance(c, str)] if isinstance(declared, list) else []
    context = {"profiles_dir": path.parent, "org_id": org_id, "locales": locales, "profile_locales": profile_locales}
    try:
        return Profile.model_validate(data, context=context)
    except ValidationError as exc:
        raise ProfileError(
            [f"{display}{'' if at is None else f':{at}'}: {line}" for at, line in _error_lines(exc, data, key_lines)]
        ) from None


def _error_lines(exc: ValidationError, data: dict, key_lines: KeyLines | None = None) -> list[tuple[int | None, str]]:
    """(line in the file or None, message) for each problem, in pydantic's order."""
    lines: list[tuple[int | None, str]] = []
    seen_locs: set[str] = set()
    errors = [(error, _clean_loc(error["loc"], data)) for error in exc.errors(include_url=False)]
    missing = {loc for error, loc in errors if error["type"] == "missing"}
    suggestions = {loc: _suggestion(loc, missing) for error, loc in errors if error["type"] == "extra_forbidden"}
    # A misspelt required key is one mistake: its did-you-mean line stands for the missing field too.
    explained = {(*loc[:-1], meant) for loc, meant in suggestions.items() if meant}
    for error, loc in errors:
        where = ".".join(_loc_part(p) for p in loc) or "profile"
        # Union types report one error per branch; the first is the useful one.
        kind = error["type"]
        found = _describe(error["input"])
        branch = len(loc) != len(error["loc"])
        if branch and kind == "string_type" and isinstance(error["input"], dict):
            continue  # the mapping branch of a localizable field reports the real problem
        if where in seen_locs:
            continue
        seen_locs.add(where)
        if kind == "extra_forbidden":
            key = loc[-1]
            parent = ".".join(_loc_part(p) for p in loc[:-1])
            hint = f"; did you mean {suggestions[loc]!r}?" if suggestions[loc] else ""
            message = f"{parent + ': ' if parent else ''}unknown key {_describe(key)}{hint}"
        elif kind == "missing":
            if loc in explained:
                continue
            message = f"{where}: required field is missing"
        elif kind == "bool_parsing":
            message = f"{where}: expected true or false, got {found}"
        elif kind == "literal_error":
            expected = error["ctx"]["expected"].replace("'", "")
            message = f"{where}: expected one of {expected}, got {found}"
        elif kind in _TYPE_NAMES:
            message = f"{where}: expected {_TYPE_NAMES[kind]}, got {found}"
        elif kind == "string_too_long":
            limit, got = error["ctx"]["max_length"], len(error["input"])
            message = f"{where}: expected at most {limit} characters, got {got}"
        elif kind == "too_long":
            limit, got = error["ctx"]["max_length"], len(error["input"])
            message = f"{where}: expected at most {limit} entries, got {got}"
        elif kind in ("string_too_short", "too_short"):
            empty = "an empty list" if kind == "too_short" else "an empty value"
            message = f"{where}: expected {'at least one entry' if kind == 'too_short' else 'text'}, got {empty}"
        elif kind == "string_pattern_mismatch":
            message = f"{where}: expected a locale code like 'en' or 'es-MX', got {found}"
        else:  # our own validators' messages, already "expected …, got …"
            message = f"{where}: {str(error['msg']).splitlines()[0] if error['msg'] else kind}"
        lines.append((_line_at(loc, key_lines or {}), message))
    return lines


_TYPE_NAMES = {
    "string_type": "text",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _suggestion(loc: tuple, missing: set[tuple]) -> str | None:
    """The field an unknown key was probably meant to be: a close name, a missing one first."""
    model = _model_at(loc[:-1])
    if model is None:
        return None
    close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=3)
    return next((name for name in close if (*loc[:-1], name) in missing), close[0] if close else None)


def _line_at(loc: tuple, key_lines: KeyLines) -> int | None:
    """The line of the longest part of ``loc`` the file has: a missing key's is its parent's."""
    for end in range(len(loc), 0, -1):
        try:
            line = key_lines.get(loc[:end])
        except TypeError:  # an unhashable part: not one of the file's keys
            continue
        if line is not None:
            return line
    return None


def _loc_part(part: Any) -> str:
    """A location step as written in the file; odd keys (spaces, newlines…) are quoted."""
    text = str(part)
    return text if re.fullmatch(r"[A-Za-z0-9_-]{1,40}", text) else _describe(part)


def _clean_loc(loc: tuple, data: Any) -> tuple:
    """Drop pydantic's union-branch labels (``str``, ``dict[str,…]``) from a location.

    A part that is a key (or index) of the profile at that point is the profile's own, whatever
    it looks like: a user's key may well be ``[``.
    """
    path: list = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        if in_dict or (isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)):
            node = node[part]
        elif isinstance(part, str) and ("[" in part or part in ("str", "function-after")):
            continue
        else:
            node = None  # a missing field, or a place inside a value
        path.append(part)
    return tuple(path)


def _model_at(loc: tuple) -> type[BaseModel] | None:
    model: Any = Profile
    for part in loc:
        field = model.model_fields.get(str(part)) if isinstance(model, type) else None
        if field is None:
            return None
        model = next((t for t in _types(field.annotation) if isinstance(t, type) and issubclass(t, BaseModel)), None)
        if model is None:
            return None
    return model


def _types(annotation: Any) -> list[Any]:
    args = getattr(annotation, "__args__", None)
    return [t for a in args for t in _types(a)] if args else [annotation]


def json_schema() -> str:
    """The profile's JSON Schema, for editors' autocompletion."""
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "visitkit organisation profile"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
