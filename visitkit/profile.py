"""Organisation profiles: the one place that loads and validates them.

A profile is ``org_profiles/<org-id>.yaml``; its assets live in
``org_profiles/<org-id>/``. Every field is declared here with its
documentation, which also feeds the JSON Schema (``doit schema``).
Profiles are untrusted: every value is checked before any renderer sees it.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
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

ORG_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")
MAX_PROFILE_BYTES = 256 * 1024
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_PIXELS = 4096 * 4096
MAX_FONT_BYTES = 4 * 1024 * 1024
DEFAULT_JOIN_HELP = (
    "https://support.microsoft.com/office/"
    "join-a-bookings-appointment-as-an-attendee-95cea12d-2220-421f-a663-6efb20913c7f"
)


class ProfileError(Exception):
    """A profile is invalid; ``lines`` holds one user-facing line per problem."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


def _fail(kind: str, message: str, **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError(kind, message, ctx)


# ---------------------------------------------------------------- value types


def _colour(value: str) -> str:
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        raise _fail("colour", "expected a colour like #1A2B3C, got {got}", got=repr(value))
    return value.upper()


def _url(value: str, schemes: tuple[str, ...]) -> str:
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    ok = (
        scheme in schemes
        and not re.search(r"[\s\x00-\x1f\x7f<>\"'`\\]", value)
        and (scheme not in ("http", "https") or re.match(r"(?i)https?://[^/?#@]+\.[^/?#]+", value))
        and len(value) <= 2000
    )
    if not ok:
        wanted = " or ".join(f"{s}:" for s in schemes)
        raise _fail("url", "expected a {wanted} URL, got {got}", wanted=wanted, got=repr(value))
    return value


def _web_url(value: str) -> str:
    return _url(value, ("https", "http"))


def _prose_url(value: str) -> str:
    return _url(value, ("https", "http", "mailto", "tel"))


def _check_markdown(value: str) -> str:
    for href in richtext.links(richtext.parse(value)):
        _prose_url(href)
    return value


Colour = Annotated[str, AfterValidator(_colour), Field(json_schema_extra={"pattern": "^#[0-9A-Fa-f]{6}$"})]
WebUrl = Annotated[str, AfterValidator(_web_url), Field(json_schema_extra={"format": "uri"})]
Text = Annotated[str, Field(min_length=1, max_length=300)]
Markdown = Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(_check_markdown)]


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
                problem=f"missing {', '.join(missing)}" if missing else f"got extra {', '.join(extra)}",
            )
    return value


Prose = Annotated[Markdown | dict[str, Markdown], AfterValidator(_translations)]
"""Localizable prose: one string for every locale, or a mapping ``{en: …, es: …}``."""
LocalText = Annotated[Text | dict[str, Text], AfterValidator(_translations)]


def _phone(value: str) -> str:
    if not re.fullmatch(r"\+?[0-9][0-9 ().-]{3,30}", value):
        raise _fail("phone", "expected a phone number like +1 555 010 2000, got {got}", got=repr(value))
    return value


def _email(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", value):
        raise _fail("email", "expected an email address like help@example.org, got {got}", got=repr(value))
    return value


def _family(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 -]{0,62}", value):
        raise _fail(
            "family", "expected a font family name of letters, digits, spaces and '-', got {got}", got=repr(value)
        )
    return value


# ------------------------------------------------------------- asset paths


def _asset(value: str, info: ValidationInfo, kinds: tuple[str, ...]) -> str:
    """Check an asset path: inside the org's folder, a real file of an allowed type."""
    ctx = info.context or {}
    root: Path | None = ctx.get("profiles_dir")
    org_id: str | None = ctx.get("org_id")
    if root is None or org_id is None:  # schema generation / no file system
        return value
    if value.startswith("/") or "\\" in value or ".." in Path(value).parts:
        raise _fail("path", "expected a path inside {org}/, got {got}", org=org_id, got=repr(value))
    org_dir = (root / org_id).resolve()
    path = (root / value).resolve()
    if not path.is_relative_to(org_dir):
        raise _fail("path", "expected a path inside {org}/, got {got}", org=org_id, got=repr(value))
    if not path.is_file():
        raise _fail("file_missing", "file not found: {got}", got=repr(value))
    size = path.stat().st_size
    limit = MAX_FONT_BYTES if "font" in kinds else MAX_IMAGE_BYTES
    if size > limit:
        raise _fail("size", "file is {size} bytes, the limit is {limit}", size=size, limit=limit)
    kind = sniff(path.read_bytes()[:512])
    if kind not in kinds:
        wanted = " or ".join({"font": "TTF or OTF font"}.get(k, k.upper()) for k in kinds)
        raise _fail("type", "expected a {wanted} file, got {got}", wanted=wanted, got=kind or "unknown content")
    if kind in ("png", "jpeg"):
        _check_raster(path)
    if kind == "svg":
        _check_svg(path)
    return path.relative_to(root.resolve()).as_posix()


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


def _check_raster(path: Path) -> None:
    from PIL import Image

    try:
        with Image.open(path) as image:
            width, height = image.size
    except Exception as exc:  # Pillow raises many types for broken files
        raise _fail("image", "unreadable image: {why}", why=str(exc)) from None
    if width * height > MAX_IMAGE_PIXELS:
        raise _fail(
            "pixels", "image is {w}x{h} pixels, the limit is {limit} pixels", w=width, h=height, limit=MAX_IMAGE_PIXELS
        )


def _check_svg(path: Path) -> None:
    from lxml import etree

    data = path.read_bytes()
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise _fail("svg", "SVG must not declare a DOCTYPE or entities")
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _fail("svg", "unreadable SVG: {why}", why=str(exc)) from None
    for element in root.iter():
        tag = etree.QName(element).localname if isinstance(element.tag, str) else ""
        if tag in ("script", "foreignObject", "iframe"):
            raise _fail("svg", "SVG must not contain <{tag}>", tag=tag)
        for name, value in element.attrib.items():
            local = etree.QName(name).localname
            if local.startswith("on"):
                raise _fail("svg", "SVG must not contain event attributes ({name})", name=local)
            if local == "href" and not value.startswith("#"):
                raise _fail("svg", "SVG must not reference other files or URLs ({got})", got=value[:60])
            if "url(" in value and not re.fullmatch(r"(?s).*url\(\s*#[^)]*\).*", value):
                raise _fail("svg", "SVG must not reference other files or URLs ({got})", got=value[:60])


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
    social: dict[Annotated[str, Field(min_length=1, max_length=40)], WebUrl] = {}
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
    short_name: Annotated[str, Field(min_length=1, max_length=40)] | None = None
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
            raise _fail("locale", "each locale may appear once, got {got}", got=locales)
        return locales


# ----------------------------------------------------------------- loading


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML loader (libyaml when present) that rejects duplicate keys and aliases.

    Rejecting aliases also defuses "billion laughs" expansion bombs.
    """

    def construct_object(self, node, deep=False):  # noqa: ANN001
        if node in self.constructed_objects:
            raise yaml.constructor.ConstructorError(
                None, None, "aliases (*name) are not allowed in profiles", node.start_mark
            )
        return super().construct_object(node, deep)

    def construct_mapping(self, node, deep=False):  # noqa: ANN001
        seen: set = set()
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def read_yaml(path: Path, display: str) -> Any:
    """Parse a YAML file safely; problems become a one-line ``ProfileError``."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ProfileError([f"{display}: cannot read the file ({exc.strerror})"]) from None
    if size > MAX_PROFILE_BYTES:
        raise ProfileError([f"{display}: file is {size} bytes, the limit is {MAX_PROFILE_BYTES}"])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ProfileError([f"{display}: expected UTF-8 text"]) from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{display}:{mark.line + 1}:{mark.column + 1}" if mark else display
        problem = exc.problem or exc.context or "invalid YAML"
        raise ProfileError([f"{where}: YAML error: {problem}"]) from None
    except yaml.YAMLError as exc:
        raise ProfileError([f"{display}: YAML error: {exc}"]) from None


def load_profile(path: Path, locales: set[str] | None = None, display: str | None = None) -> Profile:
    """Load and validate ``org_profiles/<org-id>.yaml``.

    ``locales`` are the locales present in ``sources/``. Raises ``ProfileError``
    listing every problem, one line each, prefixed with the file name.
    """
    display = display or path.as_posix()
    org_id = path.stem
    if not ORG_ID.match(org_id):
        raise ProfileError([f"{display}: the file name must be an org id like 'acme-clinic' (a-z, 0-9, '-')"])
    data = read_yaml(path, display)
    if not isinstance(data, dict):
        raise ProfileError([f"{display}: expected a mapping of profile fields, got {type(data).__name__}"])
    declared = data.get("locales", ["en"])
    profile_locales = [c for c in declared if isinstance(c, str)] if isinstance(declared, list) else []
    context = {"profiles_dir": path.parent, "org_id": org_id, "locales": locales, "profile_locales": profile_locales}
    try:
        return Profile.model_validate(data, context=context)
    except ValidationError as exc:
        raise ProfileError([f"{display}: {line}" for line in _error_lines(exc)]) from None


def _error_lines(exc: ValidationError) -> list[str]:
    lines: list[str] = []
    seen_locs: set[str] = set()
    for error in exc.errors(include_url=False):
        loc = _clean_loc(error["loc"])
        where = ".".join(str(p) for p in loc) or "profile"
        # Union types report one error per branch; the first is the useful one.
        kind = error["type"]
        branch = len(loc) != len(error["loc"])
        if branch and kind == "string_type" and isinstance(error["input"], dict):
            continue  # the mapping branch of a localizable field reports the real problem
        if where in seen_locs:
            continue
        seen_locs.add(where)
        if kind == "extra_forbidden":
            model = _model_at(loc[:-1])
            key = str(loc[-1])
            parent = ".".join(str(p) for p in loc[:-1])
            suggestion = difflib.get_close_matches(key, list(model.model_fields), n=1) if model else []
            hint = f"; did you mean {suggestion[0]!r}?" if suggestion else ""
            lines.append(f"{parent + ': ' if parent else ''}unknown key {key!r}{hint}")
        elif kind == "missing":
            lines.append(f"{where}: required field is missing")
        elif kind == "bool_parsing":
            lines.append(f"{where}: expected true or false, got {error['input']!r}")
        elif kind == "literal_error":
            expected = error["ctx"]["expected"].replace("'", "")
            lines.append(f"{where}: expected one of {expected}, got {error['input']!r}")
        elif kind in ("string_type", "bool_type", "list_type", "dict_type", "model_type", "model_attributes_type"):
            wanted = {"string_type": "text", "bool_type": "true or false", "list_type": "a list",
                      "dict_type": "a mapping", "model_type": "a mapping", "model_attributes_type": "a mapping"}[kind]
            lines.append(f"{where}: expected {wanted}, got {_describe(error['input'])}")
        elif kind == "string_too_long":
            limit, got = error["ctx"]["max_length"], len(error["input"])
            lines.append(f"{where}: expected at most {limit} characters, got {got}")
        elif kind == "string_too_short" or kind == "too_short":
            lines.append(f"{where}: must not be empty")
        elif kind == "string_pattern_mismatch":
            lines.append(f"{where}: expected a locale code like 'en' or 'es-MX', got {error['input']!r}")
        else:
            lines.append(f"{where}: {error['msg']}")
    return lines


def _clean_loc(loc: tuple) -> tuple:
    """Drop pydantic's union-branch labels (``str``, ``dict[str,…]``) from a location."""
    return tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in ("str", "function-after"))))


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


def _describe(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return {dict: "a mapping", list: "a list"}[type(value)]
    return repr(value)


def json_schema() -> str:
    """The profile's JSON Schema, for editors' autocompletion."""
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "visitkit organisation profile"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
