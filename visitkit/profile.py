"""Organisation profiles: the schema, and the one place that loads and validates them.

A profile is ``org_profiles/<org-id>.yaml``; its assets live in ``org_profiles/<org-id>/``.
Every field is declared here with its documentation, which also feeds the JSON Schema
(``doit schema``). Profiles are untrusted: every value is checked before any renderer sees it,
and every problem becomes one line ``<file>:<line>: <field>: expected …, got …``
(``ProfileError``; the line is that of the field's key), never a traceback.

The machinery lives apart:

- visitkit/profile_file.py reads the file (guarded YAML, key lines; light, for planning);
- visitkit/profile_values.py checks values (colours, URLs, text, prose, localizable text);
- visitkit/profile_assets.py checks the files a profile names (logo, fonts);
- visitkit/profile_brandyml.py reads the brand.yml file a profile may take its brand from (``brand.from``);
- visitkit/profile_errors.py words pydantic's errors as our lines.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from visitkit import profile_brandyml
from visitkit.icons import ICONS
from visitkit.profile_assets import (  # noqa: F401 - this module's API
    MAX_FONT_BYTES,
    MAX_IMAGE_BYTES,
    MAX_IMAGE_PIXELS,
    FontPath,
    ImagePath,
    sniff,
)
from visitkit.profile_errors import error_lines
from visitkit.profile_file import (  # noqa: F401 - this module's API
    MAX_PROFILE_BYTES,
    VERTICALS,
    KeyLines,
    ProfileError,
    read_yaml,
    read_yaml_with_lines,
)
from visitkit.profile_values import (  # noqa: F401 - this module's API
    DEFAULT_LOCALES,
    LOCALE,
    MAX_URL_CHARS,
    Colour,
    EmailAddress,
    EveryLocale,
    FontFamily,
    LocaleCode,
    LocalLines,
    LocalText,
    Markdown,
    PhoneNumber,
    Prose,
    ShortText,
    Text,
    WebUrl,
    colour,
    describe,
    fail,
    shown,
)
from visitkit.profile_values import _line as _one_line  # the check behind Text, for a shorter text
from visitkit.selection import ORG_ID

DEFAULT_JOIN_HELP = (
    "https://support.microsoft.com/office/"
    "join-a-bookings-appointment-as-an-attendee-95cea12d-2220-421f-a663-6efb20913c7f"
)
HEADLINE_CHARS = 60  # two header lines of the infographic's smallest title size (design.TITLE_CLASSES: 29 a line)
Headline = Annotated[str, Field(min_length=1, max_length=HEADLINE_CHARS), AfterValidator(_one_line)]
LocalHeadline = Annotated[dict[str, Headline], EveryLocale()]
"""Localizable one-line text of at most ``HEADLINE_CHARS`` characters."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_attribute_docstrings=True)


class Font(Strict):
    family: FontFamily
    """The family name written into the PowerPoint theme (e.g. ``Source Sans 3``)."""
    regular: FontPath
    """Regular-weight TTF/OTF file, relative to ``org_profiles/`` (e.g. ``acme/fonts/Brand.ttf``)."""
    bold: FontPath | None = None
    """Bold TTF/OTF file; without it the regular file is used for bold text too."""


class Brand(Strict):
    from_: str | None = Field(default=None, alias="from")
    """A brand.yml file (Posit's spec) in the org's own folder (``acme/_brand.yml``): its colours, logo, file
    fonts, name and home link fill the profile's fields; the fields written in the profile win, key by key.
    What is read, and how, is in README.md ("Taking the brand from brand.yml")."""
    primary: Colour
    """Main brand colour, ``#RRGGBB``: headers, buttons, step numbers."""
    secondary: Colour | None = None
    """Second colour, ``#RRGGBB``: the other end of the header gradient. Default: the primary a lightness
    step darker (lighter when it is very dark), in the same hue."""
    accent: Colour | None = None
    """A dark colour the organisation chooses for headings and links, ``#RRGGBB``. It must reach 4.5:1 on the
    background and on the light panels; if it does not, a warning says so and a darker shade of it is used.
    Default: the primary, darkened as far as it needs to be."""
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
    icon: Literal[ICONS] | None = None  # type: ignore[valid-type] - the tuple's items, an enum in the JSON Schema
    """The line icon in the header: ``healthcare``, ``dental``, ``vision``, ``veterinary``, ``pharmacy``,
    ``financial``, ``bank``, ``insurance``, ``retail``, ``store``, ``legal``, ``education``, ``government`` or
    ``generic``. Default: the vertical's icon."""

    @field_validator("primary", "secondary", "accent", "text", "background", mode="before")
    @classmethod
    def _colours(cls, value: Any) -> Any:
        # "before": an unquoted #RRGGBB is a YAML comment, i.e. null, which must not pass as "not given".
        return colour(value)


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
    phone: PhoneNumber | None = None
    """Phone number clients can call to book or ask questions."""
    email: EmailAddress | None = None
    """Email address clients can write to."""
    social: dict[ShortText, WebUrl] = {}
    """Social media accounts that take bookings: name → URL (e.g. ``Facebook: https://…``)."""
    postal_address: LocalLines | None = None
    """The organisation's postal address, one line per line (localizable plain text, at most 300 characters):
    printed in the email footer (anti-spam laws require a real one) and README.txt. Without it the footer keeps
    the email platform's own address token or placeholder; HubSpot, which requires its tokens, always keeps them."""


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
    short_name: ShortText | None = None
    """A short form of the name for tight spaces. Default: ``name``."""
    vertical: Literal[VERTICALS]  # type: ignore[valid-type] - the tuple's items, an enum in the JSON Schema
    """Which wording and icon to use: ``healthcare``, ``financial``, ``retail`` or ``generic``
    (``brand.icon`` and ``headline`` can replace the icon and the infographic's title)."""
    locales: list[LocaleCode] = Field(default=list(DEFAULT_LOCALES), min_length=1)
    """Locales to build, each present in ``sources/``; the first is the default."""
    page_size: Literal["a4", "letter"] = "a4"
    """Paper size of the PDF and the slide: ``a4`` or ``letter``."""
    brand: Brand
    """Colours, logo, font and icon."""
    headline: LocalHeadline | None = None
    """The title of the infographic and the slide, at most 60 characters (one string for every locale, or
    one per locale), e.g. ``Your dental check-up by video``. Default: the vertical's own title (``Join a
    virtual health visit``). The email and the web pages keep their own headings."""
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
                raise fail(
                    "locale", "expected one of {known}, got {got}", known=", ".join(sorted(known)), got=repr(code)
                )
        if len(set(locales)) != len(locales):
            twice = next(code for code in locales if locales.count(code) > 1)
            raise fail("locale", "expected each locale once, got {got} more than once", got=shown(twice))
        return locales

    @classmethod
    def model_validate(cls, obj: Any, *, context: dict[str, Any] | None = None, **options: Any) -> Profile:
        """Validate ``obj``; localizable text written as one string is given to each of its ``locales``.

        Those locales are put in the validation context (``profile_locales``) unless it has them.
        """
        declared = obj.get("locales", list(DEFAULT_LOCALES)) if isinstance(obj, dict) else []
        own = [code for code in declared if isinstance(code, str)] if isinstance(declared, list) else []
        return super().model_validate(obj, context={"profile_locales": own, **(context or {})}, **options)


# ----------------------------------------------------------------- loading

_BRAND_YML_GIVES = {f"{name}: required field is missing" for name in ("name", "brand.primary")}


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
                f"(a-z, 0-9 and '-', at most 63 characters), got {shown(path.name)}"
            ]
        )
    data, key_lines = read_yaml_with_lines(path, display)
    if not isinstance(data, dict):
        found = "an empty file" if data is None else describe(data)
        raise ProfileError([f"{display}: expected a mapping of profile fields (name: …, vertical: …), got {found}"])
    context = {"profiles_dir": path.parent, "org_id": org_id, "locales": locales}
    brand_lines: list[str] = []
    if isinstance(data.get("brand"), dict) and "from" in data["brand"]:
        declared = data.get("locales", list(DEFAULT_LOCALES))
        own = [c for c in declared if isinstance(c, str)] if isinstance(declared, list) else []
        data, brand_lines = profile_brandyml.apply(
            data, key_lines, path.parent, org_id, display, {"profile_locales": own, **context}
        )
    try:
        profile = Profile.model_validate(data, context=context)
    except ValidationError as exc:
        lines = error_lines(exc, Profile, data, key_lines)
        if brand_lines:  # a field the broken brand.yml was to give is not also "missing" from the profile
            lines = [(at, line) for at, line in lines if line not in _BRAND_YML_GIVES]
        raise ProfileError(
            brand_lines + [f"{display}{'' if at is None else f':{at}'}: {line}" for at, line in lines]
        ) from None
    if brand_lines:
        raise ProfileError(brand_lines)
    return profile


def json_schema() -> str:
    """The profile's JSON Schema, for editors' autocompletion."""
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "visitkit organisation profile"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
