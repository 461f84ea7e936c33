"""Profile values: the checked types the schema (visitkit/profile.py) declares its fields with.

Colours, URLs, phone numbers, email addresses, font family names, one-line text and
multi-line plain text, Markdown-subset prose (control characters, every link it makes), and localizable text:
``{en: …, es: …}``, or one string that stands for each of the profile's locales. Each check
raises a ``PydanticCustomError`` whose message is already ``expected …, got …``; the error
report (visitkit/profile_errors.py) puts the file, line and field in front of it.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Annotated, Any, get_args
from urllib.parse import unquote, urlsplit

from pydantic import AfterValidator, Field, GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationInfo
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from visitkit import richtext

# A BCP 47 tag as sources/ names its folders: language, then an optional script and region
# (``en``, ``zh-Hans``, ``pt-BR``, ``es-419``), each in its canonical case.
LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-(?:[A-Z]{2}|[0-9]{3}))?$")
DEFAULT_LOCALES = ("en",)
"""The locales of a profile that names none."""
MAX_URL_CHARS = 2000


def fail(kind: str, message: str, **ctx: Any) -> PydanticCustomError:
    """A validation error of type ``kind``: ``message`` is a template filled from ``ctx``."""
    return PydanticCustomError(kind, message, ctx)


def shown(value: str, limit: int = 80) -> str:
    """A value quoted for an error line: repr (so control characters stay visible), shortened."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def describe(value: Any) -> str:
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
        return shown(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple, set)):
        return "a list"
    if isinstance(value, bytes):
        return "binary data"
    return type(value).__name__


# ------------------------------------------------------------------ text

# Control characters (C0, DEL, C1), lone surrogates and non-characters never belong in profile text:
# they break XML (PPTX), email headers and one-line layouts. Bidi and zero-width format characters
# (U+200D, U+202E…) are legitimate in real names and are allowed: every output escapes them as text.
BAD_IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_BAD_IN_PROSE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")  # \t and \n allowed
_BAD_IN_LINES = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")  # \n allowed


def _control_error(value: str, match: re.Match[str], what: str) -> PydanticCustomError:
    return fail(
        "control_character",
        "expected {what} without control characters, got U+{code} at character {at} of {got}",
        what=what,
        code=f"{ord(match.group()):04X}",
        at=match.start() + 1,
        got=shown(value),
    )


def _require_visible(value: str) -> None:
    if not any(unicodedata.category(ch)[0] not in "ZC" for ch in value):
        raise fail("invisible", "expected text with at least one visible character, got {got}", got=shown(value))


def _line(value: str) -> str:
    """One line of visible text (names, labels, list items)."""
    bad = BAD_IN_LINE.search(value)
    if bad:
        raise _control_error(value, bad, "one line of text")
    _require_visible(value)
    return value


def _lines(value: str) -> str:
    """Plain text of one or more lines (a postal address): no control characters but the line break.

    Each line is stripped and blank lines are dropped, so the outputs can show one line per line.
    """
    bad = _BAD_IN_LINES.search(value)
    if bad:
        raise _control_error(value, bad, "lines of text")
    _require_visible(value)
    return "\n".join(line.strip() for line in value.split("\n") if line.strip())


def colour(value: Any) -> Any:
    """``#RRGGBB``, upper-cased. Also run before type checks: an unquoted colour is a YAML comment (null)."""
    if value is None:
        raise fail(
            "colour",
            'expected a colour like "#1A2B3C" in quotes (unquoted, # starts a YAML comment), got nothing',
        )
    if not isinstance(value, str) or not re.fullmatch(r"#[0-9A-Fa-f]{6}", value.strip()):
        raise fail("colour", "expected a colour like #1A2B3C, got {got}", got=describe(value))
    return value.strip().upper()


# ------------------------------------------------------------------- URLs

_URL_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f-\x9f<>\"'`\\{}|^]")
# A host name with a dot (IDN allowed) or an IPv4 address; no "localhost", no user info.
_LABEL = r"[a-z0-9_\u00a1-\uffff](?:[a-z0-9_\u00a1-\uffff-]*[a-z0-9_\u00a1-\uffff])?"
_HOST = re.compile(
    rf"(?i)(?:{_LABEL}\.)+[a-z\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]*[a-z0-9\u00a1-\uffff])?\.?"
    r"|\d{1,3}(?:\.\d{1,3}){3}"
)
_MAILTO = re.compile(r"mailto:[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}(\?[^#]*)?", re.I)
_TEL = re.compile(r"tel:\+?[0-9][0-9().-]{2,30}", re.I)


def _url(value: str, schemes: tuple[str, ...], written: str | None = None) -> str:
    """An absolute URL with an allowed scheme: the only kind of link that reaches an output.

    ``written`` is what the author wrote, when ``value`` is a decoded form of it.
    """
    wanted = (", ".join(f"{s}:" for s in schemes[:-1]) + " or " if len(schemes) > 1 else "") + f"{schemes[-1]}:"
    got = shown(written if written is not None else value)

    def refused(problem: str = "") -> PydanticCustomError:
        return fail("url", "expected a {wanted} URL{problem}, got {got}", wanted=wanted, problem=problem, got=got)

    if len(value) > MAX_URL_CHARS:
        raise fail("url", "expected a URL of at most {limit} characters, got {n}", limit=MAX_URL_CHARS, n=len(value))
    scheme = value.split(":", 1)[0].lower() if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", value) else ""
    if scheme not in schemes:
        raise refused()
    if _URL_UNSAFE.search(value):
        suffix = " (its escapes decode to one of them)" if written is not None and written != value else ""
        raise refused(f" without spaces, quotes, angle brackets or other characters that must be %-encoded{suffix}")
    if scheme in ("http", "https"):
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - raises ValueError for a malformed port
        except ValueError:
            raise refused(" with a valid host name and port") from None
        if not value.lower().startswith(f"{scheme}://") or not parts.netloc:
            raise refused(" with a host name, like https://example.org/")
        if "@" in parts.netloc:
            raise refused(" without a user name or password before the host")
        if not _HOST.fullmatch(parts.hostname or ""):
            raise refused(" with a public host name, like https://example.org/")
    elif scheme == "mailto" and not _MAILTO.fullmatch(value):
        raise refused(" with an email address, like mailto:help@example.org")
    elif scheme == "tel" and not _TEL.fullmatch(value):
        raise refused(" with a phone number, like tel:+15550102000")
    return value


def _web_url(value: str) -> str:
    return _url(value, ("https", "http"))


def _prose_url(value: str, written: str | None = None) -> str:
    return _url(value, ("https", "http", "mailto", "tel"), written)


# ------------------------------------------------------------------ prose


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
        _prose_url(unquote(href), written=href)
    for href in richtext.links(richtext.parse(value)):
        _prose_url(href)  # belt and braces: exactly what renderers receive
    return value


# ------------------------------------------------------ contact and fonts


def _phone(value: str) -> str:
    if not re.fullmatch(r"\+?[0-9][0-9 ().-]{3,30}", value):
        raise fail("phone", "expected a phone number like +1 555 010 2000, got {got}", got=shown(value))
    return value


def _email(value: str) -> str:
    if len(value) > 254 or not re.fullmatch(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", value):
        raise fail("email", "expected an email address like help@example.org, got {got}", got=shown(value))
    return value


def _family(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 -]{0,62}", value):
        raise fail(
            "family", "expected a font family name of letters, digits, spaces and '-', got {got}", got=shown(value)
        )
    return value


# --------------------------------------------------------- localizable text


class EveryLocale:
    """``Annotated[dict[str, T], EveryLocale()]``: translations of text ``T``, one per profile locale.

    The author writes a mapping ``{en: …, es: …}`` (exactly the profile's locales), or one plain
    string: it is checked once as ``T``, where it stands, and given to each locale. The locales are
    the validation context's ``profile_locales`` (``Profile.model_validate`` puts its own there).
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        text, mapping = handler.generate_schema(get_args(source)[1]), handler(source)
        return core_schema.chain_schema(
            [
                # 1. A plain string is checked as text, so its problems are the field's own.
                core_schema.no_info_wrap_validator_function(_text_unless_mapping, text),
                # 2. A mapping is checked entry by entry; checked text is given to every locale.
                core_schema.with_info_wrap_validator_function(_every_locale, mapping),
            ]
        )

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> Any:
        text, mapping = (step["schema"] for step in schema["steps"])
        return handler(core_schema.union_schema([text, mapping]))  # what an author may write


def _text_unless_mapping(value: Any, check_text: Any) -> Any:
    return value if isinstance(value, dict) else check_text(value)


def _every_locale(value: Any, check_mapping: Any, info: ValidationInfo) -> dict[str, Any]:
    wanted = (info.context or {}).get("profile_locales")
    if not isinstance(value, dict):  # text, checked by step 1
        return dict.fromkeys(wanted or DEFAULT_LOCALES, value)
    value = check_mapping(value)
    if wanted:
        missing = [code for code in wanted if code not in value]
        extra = [code for code in value if code not in wanted]
        if missing or extra:
            raise fail(
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
    return value if isinstance(value, str) and LOCALE.match(value) else describe(value)


# ------------------------------------------------------------------ types

Colour = Annotated[str, AfterValidator(colour), Field(json_schema_extra={"pattern": "^#[0-9A-Fa-f]{6}$"})]
WebUrl = Annotated[str, AfterValidator(_web_url), Field(json_schema_extra={"format": "uri"})]
Text = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_line)]
ShortText = Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_line)]
Lines = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_lines)]
Markdown = Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(_prose)]
PhoneNumber = Annotated[str, AfterValidator(_phone)]
EmailAddress = Annotated[str, AfterValidator(_email)]
FontFamily = Annotated[str, AfterValidator(_family)]
LocaleCode = Annotated[str, Field(pattern=LOCALE.pattern)]
Prose = Annotated[dict[str, Markdown], EveryLocale()]
"""Localizable prose: one string for every locale, or a mapping ``{en: …, es: …}``."""
LocalText = Annotated[dict[str, Text], EveryLocale()]
"""Localizable one-line text, likewise."""
LocalLines = Annotated[dict[str, Lines], EveryLocale()]
"""Localizable plain text of several lines (no Markdown: shown exactly as typed, one line per line), likewise."""
