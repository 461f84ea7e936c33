"""The content model: everything an output shows, built once per org and locale.

``build_content(profile, org_id, locale, sources)`` merges the validated
profile with the locale's sources into a ``Content`` object; every renderer
(HTML, PDF, PPTX, email…) reads only this. It is stored as JSON between the
content task and the render tasks, so an edit that leaves it unchanged
rebuilds nothing downstream.

Copy in ``sources/`` is written as *parts*. A part is a mapping with one of:

- ``text: "…"`` — a sentence or two of Markdown subset. ``{placeholder}``s
  are filled in after parsing (so profile values can never become markup);
  link targets may be placeholders too: ``[book online]({links.booking})``.
- ``prose: policies.fee_differences`` — the organisation's own text.
- ``list: policies.payment_methods`` — a bulleted list of the values.
- ``channels: true`` — a bulleted list of the other ways to book
  (phone, email, social media), using ``ui.channel_*`` labels.

and optionally ``needs: [features.sms_reminders, …]`` (all must be set and
true), ``unless: [links.billing, …]`` (left out when any is set: the
sentence that stands in for missing data) and ``verticals: [healthcare, …]``.
A part whose placeholders or needs name data the org did not supply is left
out; a question or step with no parts left is left out.

``{org}`` is the organisation's name: in each document the full name at its
first mention, the short name after it (see ``_Composer``); ``{short}`` is
always the short name.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from visitkit import colors, icons, richtext
from visitkit.profile import Profile, sniff
from visitkit.profile_file import DEFAULT_FONT
from visitkit.richtext import Block, Run, SafeUrl

RTL_LANGUAGES = {"ar", "fa", "he", "ur"}
_CAMPAIGN_FIELDS = {"subject", "preheader", "heading", "intro", "button", "questions_heading", "questions"}
_RESOURCES_FIELDS = {"heading", "intro", "join_help"}
_NOTICES_KEY = "notices."  # readme.yaml's sentences for build warnings
_PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)*)\}")


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Notice(Model):
    """A build warning: the output was made, but differs from what the profile asked for.

    ``text`` is the English line for the terminal, build/report.json and the index. README.txt says it in
    its locale's words: ``notices.<kind>`` in ``sources/<locale>/readme.yaml``, filled with ``params``.
    """

    kind: str  # stable, for reports and filters: one of NOTICE_KINDS
    text: str  # one line in English, naming the profile field
    params: dict[str, str] = {}  # values for the locale's sentence: {field}, {colour}…; never translated


# Every notice kind, with the parameters its README.txt sentence may use (tests check that every locale has one).
NOTICE_KINDS: dict[str, tuple[str, ...]] = {
    "contrast": ("field", "colour", "against", "ratio", "minimum", "used", "use"),
    "no_assets_base_url": (),
}
# What a contrast-adjusted colour is used for: the key of its phrase in readme.yaml (notices.uses.<key>), and
# the English phrase of the notice's text.
CONTRAST_USES = {
    "body_text": "body text",
    "headings": "headings and links",
    "header": "header and buttons",
    "gradient": "the header gradient",
}
_USE_KEYS = {phrase: key for key, phrase in CONTRAST_USES.items()}


class Colors(Model):
    """Brand colours plus derived colours that pass WCAG 2.2 contrast."""

    primary: str  # brand primary (fills, gradient start)
    secondary: str  # gradient end
    background: str  # page background
    text: str  # body text on background (≥ 4.5:1)
    accent: str  # headings, links: brand.accent (≥ 4.5:1 on background and tint) or primary adjusted (≥ 4.5:1)
    on_primary: str  # text on primary/secondary fills (header, buttons), ≥ 4.5:1 on both
    button: str  # button fill; on_primary reads on it at ≥ 4.5:1
    muted: str  # secondary text on background (≥ 4.5:1)
    tint: str  # a very light wash of primary for panels (≥ 1.08:1 on background)


class LocaleStatus(Model):
    """``sources/<locale>/status.yaml``: who or what produced the copy, and whether someone reviewed it."""

    produced_by: str  # English, for the agency (the index)
    reviewed: bool
    reviewed_by: str | None
    notes: str | None
    notice: str  # the sentence README.txt shows, in the locale's language


class Logo(Model):
    path: str  # project-relative, e.g. org_profiles/acme/logo.svg
    kind: Literal["png", "jpeg", "svg"]
    alt: str


class Font(Model):
    family: str
    regular: str  # project-relative path
    bold: str  # project-relative path (the regular file when no bold is given)
    default: bool  # the bundled font


class Question(Model):
    id: str  # stable anchor, e.g. "how-to-book"
    question: str
    answer: tuple[Block, ...]


class Section(Model):
    id: str
    title: str
    questions: tuple[Question, ...]


class Faq(Model):
    title: str
    intro: tuple[Block, ...]
    sections: tuple[Section, ...]


class Step(Model):
    id: str
    title: str
    body: tuple[Block, ...]

    @property
    def text(self) -> str:
        return richtext.plain(list(self.body))


class Cta(Model):
    id: Literal["booking", "billing", "homepage"]
    label: str
    url: SafeUrl


class Infographic(Model):
    title: str  # the profile's headline, else the vertical's, e.g. "Join a virtual health visit"
    subtitle: str
    steps_heading: str
    steps: tuple[Step, ...]  # 5–6 steps of the client journey
    ctas: tuple[Cta, ...]  # booking first
    scan: str  # caption of the booking link's QR code, e.g. "Scan to book"
    help: tuple[Block, ...]  # how to get help joining
    extra: tuple[Block, ...]  # the org's extra_info
    contact: tuple[Block, ...]  # phone / email line


class Social(Model):
    name: str
    url: SafeUrl


class Link(Model):
    label: str
    url: SafeUrl


class Campaign(Model):
    """The email that announces virtual appointments (email.html and email.txt)."""

    subject: str
    preheader: str  # the inbox preview line, hidden in the message
    heading: str
    intro: tuple[Block, ...]
    button: Cta  # "Book a virtual appointment" → the booking link
    questions_heading: str
    questions: tuple[Question, ...]  # the 3–4 most useful FAQ answers, in email.yaml's order
    labels: dict[str, str]  # email.yaml one-liners: downloads_heading, download_pdf, unsubscribe…


class Resources(Model):
    """The resources page: links for the organisation's team and downloads for its clients."""

    title: str
    intro: tuple[Block, ...]
    team_heading: str
    team_intro: str
    team_links: tuple[Link, ...]
    clients_heading: str
    clients_intro: str
    join_help: Link
    labels: dict[str, str]  # resources.yaml one-liners: skip_to_content, clients.* table and download labels…


class Content(Model):
    org_id: str
    locale: str
    lang: str  # BCP 47 language tag for lang=""
    dir: Literal["ltr", "rtl"]
    name: str
    short_name: str
    vertical: str
    icon: str  # the header icon, templates/icons/<icon>.svg: brand.icon, else the vertical's (visitkit/icons.py)
    page_size: Literal["a4", "letter"]
    colors: Colors
    warnings: tuple[Notice, ...]  # contrast adjustments and similar, shown in build output and reports
    logo: Logo | None
    font: Font
    terms: dict[str, str]  # client, clients, staff, staff_plural, visit, visits
    labels: dict[str, str]  # ui.yaml: template labels
    links: dict[str, SafeUrl]  # every link the org supplied
    phone: str | None
    email: str | None
    social: tuple[Social, ...]
    postal_address: tuple[str, ...] = ()  # contact.postal_address for this locale, one item per line; () without
    faq: Faq
    infographic: Infographic
    campaign: Campaign
    resources: Resources
    readme: dict[str, str]  # readme.yaml, nested keys joined with "." (e.g. "files.faq")
    assets_base_url: SafeUrl | None  # where the bundle is hosted, ending in "/"; emails build image URLs from it
    email_platform: Literal["generic", "mailchimp", "hubspot", "campaign_monitor"]
    structured_data: bool  # faq.jsonld is written (and faq.html embeds the same metadata)
    status: LocaleStatus  # the locale's provenance (README.txt, the manifest and the index show it)


# ------------------------------------------------------------------ building


def build_content(
    profile: Profile, org_id: str, locale: str, sources: dict[str, Any], profiles_dir: Path
) -> Content:
    """Merge a validated profile with one locale's sources.

    ``profiles_dir`` is ``org_profiles/``: the logo's type is read from its bytes.
    """
    terms = dict(sources["terms"][profile.vertical])
    values = _values(profile, locale, terms)
    composer = _Composer(profile, locale, values, {k: str(v) for k, v in sources["ui"].items()})
    labels = {k: composer.line(str(v)) for k, v in sources["ui"].items()}
    palette, warnings = _palette(profile)

    faq_src = sources["faq"]
    composer.start_document()  # each document names the organisation in full once, then by its short name
    faq_title = composer.line(faq_src["title"])
    faq_intro = composer.parts(faq_src["intro"])
    sections = []
    for section in faq_src["sections"]:
        questions = [q for q in map(composer.question, section["questions"]) if q]
        if questions:
            title = composer.line(section["title"])
            sections.append(Section(id=section["id"], title=title, questions=tuple(questions)))

    info_src = sources["infographic"]
    vertical_src = info_src["verticals"][profile.vertical]
    composer.start_document()
    steps = []
    for step in info_src["steps"]:
        if not composer.applies(step):
            continue
        body = composer.parts(step["body"])
        if body:
            steps.append(Step(id=step["id"], title=composer.line(step["title"]), body=body))
    ctas = [
        Cta(id=cta_id, label=composer.line(info_src["cta"][cta_id]), url=url)
        for cta_id, url in (
            ("booking", profile.links.booking),
            ("billing", profile.links.billing),
            ("homepage", profile.links.homepage),
        )
        if url
    ]
    infographic = Infographic(
        # The organisation's own headline, else the vertical's wording (plain text: templates escape it).
        title=_local(profile.headline, locale) or composer.line(vertical_src["title"]),
        subtitle=composer.line(vertical_src["subtitle"]),
        steps_heading=composer.line(info_src["steps_heading"]),
        steps=tuple(steps),
        ctas=tuple(ctas),
        scan=composer.line(info_src["cta"]["scan"]),
        help=composer.parts(info_src["help"]),
        extra=composer.parts([{"prose": "extra_info"}]),
        contact=composer.parts(info_src["contact"]),
    )

    faq_questions = {q["id"]: q for section in faq_src["sections"] for q in section["questions"]}
    email_src = sources["email"]
    booking = next(cta for cta in ctas if cta.id == "booking")  # links.booking is required
    # The email is a document of its own: its answers are composed again, so that the organisation's name
    # follows the email's first mention, not the FAQ page's. In the order a reader meets them.
    composer.start_document()
    campaign = Campaign(
        subject=composer.line(email_src["subject"]),
        preheader=composer.line(email_src["preheader"]),
        heading=composer.line(email_src["heading"]),
        intro=composer.parts(email_src["intro"]),
        button=booking,  # one call to action, worded as on the web page, the PDF and the slide
        questions_heading=composer.line(email_src["questions_heading"]),
        questions=tuple(q for q in (composer.question(faq_questions[e["id"]]) for e in email_src["questions"]) if q),
        labels={k: composer.line(v) for k, v in email_src.items() if k not in _CAMPAIGN_FIELDS},
    )
    res_src = sources["resources"]
    composer.start_document()
    resources = Resources(
        title=composer.line(res_src["title"]),
        intro=composer.parts(res_src["intro"]),
        team_heading=composer.line(res_src["team"]["heading"]),
        team_intro=composer.line(res_src["team"]["intro"]),
        team_links=tuple(Link(label=composer.line(i["label"]), url=i["url"]) for i in res_src["team"]["links"]),
        clients_heading=composer.line(res_src["clients"]["heading"]),
        clients_intro=composer.line(res_src["clients"]["intro"]),
        join_help=Link(label=composer.line(res_src["clients"]["join_help"]), url=profile.links.join_help),
        labels={
            "skip_to_content": composer.line(res_src["skip_to_content"]),
            **{k: composer.line(v) for k, v in res_src["clients"].items() if k not in _RESOURCES_FIELDS},
        },
    )
    base_url = profile.assets_base_url
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    if not base_url:
        warnings.append(Notice(
            kind="no_assets_base_url",
            text="assets_base_url is not set: email.html uses no images and has no download links",
        ))

    composer.start_document()
    # Notice sentences keep their {parameters}: README.txt fills them from each notice (render/readme.py).
    readme = {
        k: v if k.startswith(_NOTICES_KEY) else composer.line(v) for k, v in _flatten(sources["readme"]).items()
    }

    font = profile.brand.font
    return Content(
        org_id=org_id,
        locale=locale,
        lang=locale,
        dir="rtl" if locale.split("-")[0] in RTL_LANGUAGES else "ltr",
        name=profile.name,
        short_name=profile.short_name or profile.name,
        vertical=profile.vertical,
        icon=icons.icon_for(profile.vertical, profile.brand.icon),
        page_size=profile.page_size,
        colors=palette,
        warnings=tuple(warnings),
        logo=Logo(
            path=f"org_profiles/{profile.brand.logo}",
            kind=sniff((profiles_dir / profile.brand.logo).read_bytes()[:512]),
            alt=_local(profile.brand.logo_alt, locale) or profile.name,
        )
        if profile.brand.logo
        else None,
        font=Font(
            family=font.family,
            regular=f"org_profiles/{font.regular}",
            bold=f"org_profiles/{font.bold or font.regular}",
            default=False,
        )
        if font
        else Font(**DEFAULT_FONT, default=True),
        terms=terms,
        labels=labels,
        links={k: v for k, v in profile.links.model_dump().items() if v},
        phone=profile.contact.phone,
        email=profile.contact.email,
        social=tuple(Social(name=k, url=v) for k, v in profile.contact.social.items()),
        postal_address=tuple(filter(None, (_local(profile.contact.postal_address, locale) or "").split("\n"))),
        faq=Faq(title=faq_title, intro=faq_intro, sections=tuple(sections)),
        infographic=infographic,
        campaign=campaign,
        resources=resources,
        readme=readme,
        assets_base_url=base_url,
        email_platform=profile.email.platform,
        structured_data=profile.faq.structured_data,
        status=LocaleStatus(**sources["status"]),
    )


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested mapping of strings → one level, keys joined with "."."""
    flat: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


def _local(value: Any, locale: str) -> Any:
    return value.get(locale) if isinstance(value, dict) else value


def _values(profile: Profile, locale: str, terms: dict[str, str]) -> dict[str, Any]:
    """Flat placeholder values: ``{org}``, ``{client}``, ``{links.booking}``…"""
    values: dict[str, Any] = {"org": profile.name, "short": profile.short_name or profile.name, **terms}
    for group in ("links", "contact", "policies", "features"):
        for key, value in getattr(profile, group).model_dump().items():
            values[f"{group}.{key}"] = value
    values["extra_info"] = profile.extra_info
    if profile.contact.phone:
        values["tel"] = "tel:" + re.sub(r"[^0-9+]", "", profile.contact.phone)
    if profile.contact.email:
        values["mailto"] = "mailto:" + profile.contact.email
    values["has_channels"] = bool(profile.contact.phone or profile.contact.email or profile.contact.social)
    social = values.pop("contact.social")  # name → URL, not a mapping of translations
    localized = {
        k: [_local(i, locale) for i in v] if isinstance(v, list) else _local(v, locale) for k, v in values.items()
    }
    return {**localized, "contact.social": social}


def _untranslated(profile: Profile) -> set[str]:
    """Prose values (``policies.*``, ``extra_info``) given as one string for every locale.

    The profile's validation gives such a string to each locale; it is written in the profile's default
    locale. A value whose translations are all the same text counts too: it reads the same either way.
    """
    def same(value: Any) -> bool:
        return isinstance(value, dict) and len(set(value.values())) == 1

    values = {f"policies.{k}": v for k, v in profile.policies.model_dump().items()}
    values["extra_info"] = profile.extra_info
    found = set()
    for key, value in values.items():
        if same(value) or (isinstance(value, list) and value and all(same(item) for item in value)):
            found.add(key)
    return found


class _Composer:
    """Turns source parts into blocks, filling placeholders and dropping what lacks data.

    The organisation's name: ``{org}`` in a document (after ``start_document()``: the FAQ, the
    infographic, the email, the resources page, README.txt) is the full ``name`` at its first mention and
    ``short_name`` after it, so an 80-character legal name is read once, not in every paragraph, and
    translators never choose between the two. Before any document (labels that several outputs share)
    ``{org}`` is always the full name. ``{short}`` is always the short name, for tight places (the
    email's subject line).

    Prose the profile gives as one string for every locale is written in its default locale; on
    another locale's output its blocks carry ``lang`` (the default locale), so pages can mark it.
    """

    def __init__(self, profile: Profile, locale: str, values: dict[str, Any], labels: dict[str, str]):
        self.profile = profile
        self.locale = locale
        self.values = values
        self.labels = labels
        default = profile.locales[0]
        self.borrowed = {} if locale == default else dict.fromkeys(_untranslated(profile), default)
        self._named: bool | None = None  # None: outside a document; else whether {org} has been shown in it

    def start_document(self) -> None:
        """What follows is a new document: its first ``{org}`` is the full name."""
        self._named = False

    def applies(self, part: dict[str, Any]) -> bool:
        if "verticals" in part and self.profile.vertical not in part["verticals"]:
            return False
        if any(self.values.get(key) for key in part.get("unless", ())):
            return False
        return all(self.values.get(key) for key in part.get("needs", ()))

    def line(self, text: str) -> str:
        """A plain one-line string (titles, labels) with placeholders filled."""
        return _PLACEHOLDER.sub(lambda m: str(self._value(m.group(1)) or ""), text)

    def question(self, source: dict[str, Any]) -> Question | None:
        """A FAQ question from its source, or None when none of its answer's parts applies."""
        answer = self.parts(source["answer"])
        return Question(id=source["id"], question=self.line(source["question"]), answer=answer) if answer else None

    def parts(self, parts: list[dict[str, Any]]) -> tuple[Block, ...]:
        blocks: list[Block] = []
        for part in parts:
            if self.applies(part):
                blocks.extend(self._part(part))
        return tuple(blocks)

    def _value(self, key: str) -> Any:
        if key == "org" and self._named is not None:
            if self._named:
                return self.values["short"]
            self._named = True
        return self.values.get(key)

    def _part(self, part: dict[str, Any]) -> list[Block]:
        if "text" in part:
            return self._fill(richtext.parse(part["text"]))
        if "prose" in part:
            value = self.values.get(part["prose"])
            return self._in_own_language(part["prose"], richtext.parse(value) if value else [])
        if "list" in part:
            items = self.values.get(part["list"]) or []
            block = Block(kind="ul", items=tuple((Run(text=str(i)),) for i in items))
            return self._in_own_language(part["list"], [block]) if items else []
        if "channels" in part:
            return self._channels()
        raise ValueError(f"unknown part {sorted(part)}")

    def _in_own_language(self, key: str, blocks: list[Block]) -> list[Block]:
        lang = self.borrowed.get(key)
        return [block.model_copy(update={"lang": lang}) for block in blocks] if lang else blocks

    def _channels(self) -> list[Block]:
        items: list[tuple[Run, ...]] = []
        if self.values.get("tel"):
            items.append(self._label_link("channel_phone", self.values["contact.phone"], self.values["tel"]))
        if self.values.get("mailto"):
            items.append(self._label_link("channel_email", self.values["contact.email"], self.values["mailto"]))
        for name, url in (self.values.get("contact.social") or {}).items():
            items.append(self._label_link("channel_social", name, url))
        return [Block(kind="ul", items=tuple(items))] if items else []

    def _label_link(self, label: str, text: str, href: str) -> tuple[Run, ...]:
        return (Run(text=self.labels[label] + " "), Run(text=text, href=href))

    def _fill(self, blocks: list[Block]) -> list[Block]:
        """Fill placeholders in run text and hrefs; drop the whole part if any is missing."""
        named = self._named  # a dropped part has not mentioned the organisation
        out = []
        for block in blocks:
            items = []
            for item in block.items:
                runs = []
                for run in item:
                    text = self._sub(run.text)
                    href = self._sub(run.href) if run.href else None
                    if text is None or (run.href and href is None):
                        self._named = named
                        return []
                    runs.append(run.model_copy(update={"text": text, "href": href}))
                items.append(tuple(runs))
            out.append(block.model_copy(update={"items": tuple(items)}))
        return out

    def _sub(self, text: str) -> str | None:
        missing = False

        def value(match: re.Match[str]) -> str:
            nonlocal missing
            found = self._value(match.group(1))
            if not found or not isinstance(found, str):
                missing = True
                return ""
            return found

        result = _PLACEHOLDER.sub(value, text)
        return None if missing else result


def _palette(profile: Profile) -> tuple[Colors, list[Notice]]:
    brand = profile.brand
    warnings: list[Notice] = []
    background = brand.background
    primary = brand.primary
    # Derived colours are worked out in OKLCH (visitkit/colors.py): one hue, lightness steps.
    secondary = brand.secondary or colors.secondary_for(primary)
    tint = colors.tint_for(primary, background)

    text = colors.adjust_for(brand.text, background, colors.BODY_TEXT)
    if text != brand.text:
        warnings.append(_warn("brand.text", brand.text, background, colors.BODY_TEXT, text, "body text"))

    if brand.accent:
        # The organisation's own heading and link colour: it must read on the page and on the panels.
        accent = colors.adjust_for_all(brand.accent, (background, tint), colors.BODY_TEXT)
        if accent != brand.accent:
            failing = [f"{where}{ground} has contrast {colors.contrast(brand.accent, ground):.1f}:1"
                       for where, ground in (("", background), ("the panel tint ", tint))
                       if colors.contrast(brand.accent, ground) < colors.BODY_TEXT]
            warnings.append(Notice(kind="contrast", text=(
                f"brand.accent {brand.accent} on {' and on '.join(failing)} (needs {colors.BODY_TEXT}:1); "
                f"using {accent} for headings and links instead"
            )))
    else:
        accent = colors.adjust_for(primary, background, colors.BODY_TEXT)
        if accent != primary:
            warnings.append(_warn("brand.primary", primary, background, colors.BODY_TEXT, accent,
                                  "headings and links"))

    # Header and buttons: the text colour that reads best on the brand's own primary. The primary
    # is kept whenever it reaches 4.5:1 with that text (subtitles are body-size), and the
    # gradient's other end is darkened or lightened to match, so white text stays white on
    # mid-tone brands instead of turning the whole header dark-on-light.
    on_primary = colors.readable_on(primary)
    fill = colors.adjust_for(primary, on_primary, colors.BODY_TEXT)
    if fill != primary:
        warnings.append(_warn("brand.primary", primary, on_primary, colors.BODY_TEXT, fill, "header and buttons"))
    end = colors.adjust_for(secondary, on_primary, colors.BODY_TEXT)
    if end != secondary and brand.secondary:
        warnings.append(_warn("brand.secondary", secondary, on_primary, colors.BODY_TEXT, end, "the header gradient"))
    # Buttons and step numbers are filled shapes on the page and the panel: a primary close to those
    # (a near-white brand on white) gets a lightness step, in its hue, that still carries on_primary.
    button = colors.adjust_for(colors.stand_out(fill, (background, tint)), on_primary, colors.BODY_TEXT)
    if button != fill:
        warnings.append(Notice(kind="contrast", text=(
            f"brand.primary {fill} is too close to the background {background} to show as a button; "
            f"using {button} for buttons and step numbers instead"
        )))
    primary, secondary = fill, end
    muted = colors.adjust_for(colors.mix_oklab(text, background, 0.3), background, colors.BODY_TEXT)
    palette = Colors(
        primary=primary,
        secondary=secondary,
        background=background,
        text=text,
        accent=accent,
        on_primary=on_primary,
        button=button,
        muted=muted,
        tint=tint,
    )
    return palette, warnings


def _warn(field: str, colour: str, against: str, minimum: float, used: str, where: str) -> Notice:
    """A contrast notice; ``where`` is one of ``CONTRAST_USES``' English phrases."""
    ratio = colors.contrast(colour, against)
    return Notice(
        kind="contrast",
        text=(
            f"{field} {colour} on {against} has contrast {ratio:.1f}:1 (needs {minimum}:1); "
            f"using {used} for {where} instead"
        ),
        params={"field": field, "colour": colour, "against": against, "ratio": f"{ratio:.1f}", "minimum": f"{minimum}",
                "used": used, "use": _USE_KEYS[where]},
    )


def load_content(path: Path) -> Content:
    return Content.model_validate_json(path.read_bytes())


def dump_content(content: Content) -> bytes:
    return (content.model_dump_json(indent=1) + "\n").encode()
