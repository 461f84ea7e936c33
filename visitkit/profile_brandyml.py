"""A profile's brand taken from a brand.yml file (Posit's brand.yml spec): ``brand: {from: acme/_brand.yml}``.

What is read, and where it goes (fields written in the profile win, key by key):

- ``meta.name`` (a string, or ``{full, short}``) → ``name`` and ``short_name``; ``meta.link`` (a string, or
  ``{home, …}``) → ``links.homepage``;
- ``color.primary`` / ``secondary`` / ``foreground`` / ``background`` → ``brand.primary`` / ``secondary`` /
  ``text`` / ``background``. A value may name a ``color.palette`` entry or another theme colour (``primary:
  blue``, ``info: primary``), followed to the end; the colour found must be ``#RRGGBB``, ``#RGB`` or a CSS
  colour name (``rebeccapurple``). Other CSS forms (``rgb()``, ``hsl()``, alpha) are refused where they are used;
  theme colours visitkit does not use (``tertiary``, ``danger``…) are only checked to be text;
- ``logo``: ``medium``, else ``large``, else ``small`` (an ``images`` name or a path; of ``{light, dark}`` the
  light one: the outputs are light) → ``brand.logo``; that image's ``alt`` → ``brand.logo_alt``;
- ``typography``: the ``base`` family (else the ``headings`` one: visitkit has one font) when ``typography.fonts``
  gives it ``source: file``: its normal-style file of weight 400 (or of no weight: a variable font) and of weight
  700 → ``brand.font``. Fonts from ``google``, ``bunny`` or ``system`` are never fetched: the bundled font is used.

Paths in the file are relative to its own folder (the spec) and follow the profile's rules: inside the org's
folder, no absolute path, no ``..``, no URL (visitkit never downloads). The file is read with the profile's
guarded reader (size, UTF-8, aliases, depth), and every problem is one line naming its own file, line and field:
``org_profiles/acme/_brand.yml:7: color.primary: expected …, got …``.

The Posit ``brand_yml`` package is not used: it accepts any text as a colour, raises a bare exception (not a
validation error) on a palette loop, reports union branches (``BrandLogoResource``…) as fields, and would add
three dependencies and 1.7 s of import to every validation.

This module stays light (no pydantic) for planning (visitkit/tasks.py); ``apply`` validates.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from visitkit.profile_file import KeyLines, ProfileError, read_yaml, read_yaml_with_lines

THEME_COLOURS = (
    "foreground", "background", "primary", "secondary", "tertiary",
    "success", "info", "warning", "danger", "light", "dark",
)  # fmt: skip
COLOUR_TARGETS = {"primary": "primary", "secondary": "secondary", "foreground": "text", "background": "background"}
_KEYS: dict[tuple, tuple[str, ...]] = {
    (): ("meta", "color", "logo", "typography", "defaults"),
    ("meta",): ("name", "link"),
    ("meta", "name"): ("full", "short"),
    ("color",): ("palette", *THEME_COLOURS),
    ("logo",): ("images", "small", "medium", "large"),
    ("typography",): (
        "fonts", "base", "headings", "monospace", "monospace-inline", "monospace-block", "link",
    ),  # fmt: skip
}
_HEX = re.compile(r"#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})")
_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_REGULAR = (400, "400", "normal", "regular")
_BOLD = (700, "700", "bold")


@dataclass
class Mapped:
    """A value for the profile, and the brand.yml field it came from."""

    target: tuple  # the profile's key path, e.g. ("brand", "primary")
    value: Any
    source: tuple  # the brand.yml's key path, e.g. ("color", "primary")


@dataclass
class Reading:
    values: list[Mapped] = field(default_factory=list)
    problems: list[tuple[tuple, str]] = field(default_factory=list)  # (brand.yml key path, "field: expected …")

    def fail(self, loc: tuple, message: str) -> None:
        entry = (loc, f"{_dotted(loc)}: {message}" if loc else message)
        if entry not in self.problems:  # a palette entry used by two theme colours: one line
            self.problems.append(entry)


def _dotted(loc: tuple) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[")


def _describe(value: Any) -> str:
    from visitkit.profile_values import describe

    return describe(value)


# ------------------------------------------------------------ the brand.yml path


def brand_path(value: Any, org_id: str) -> tuple[str | None, str | None]:
    """(the path relative to ``org_profiles/``, None) for ``brand.from``, or (None, the problem)."""
    if not isinstance(value, str) or not value.strip():
        return None, f"expected the path of a brand.yml file like '{org_id}/_brand.yml', got {_describe(value)}"
    value = value.strip()
    parts = PurePosixPath(value).parts
    if _BAD.search(value) or value.startswith("/") or "\\" in value or ".." in parts or parts[0] != org_id:
        return None, f"expected a path inside {org_id}/, got {_describe(value)}"
    return PurePosixPath(*parts).as_posix(), None


def _resolve_inside(profiles_dir: Path, org_id: str, relative: str) -> tuple[Path | None, str | None]:
    """The file, after following links, if it stays in the org's folder."""
    org_dir = profiles_dir.resolve() / org_id  # a link as the org folder itself leads outside
    try:
        path = (profiles_dir.resolve() / relative).resolve(strict=False)
    except (OSError, RuntimeError, ValueError):
        return None, f"expected a path inside {org_id}/, got {_describe(relative)}, a link that cannot be followed"
    if not path.is_relative_to(org_dir):
        why = "which leads outside it through a symbolic link"
        return None, f"expected a path inside {org_id}/, got {_describe(relative)}, {why}"
    return path, None


# ------------------------------------------------------------ reading the file


def extract(data: Any, base: str, org_id: str) -> Reading:
    """The profile values a brand.yml's data gives, and its problems; ``base`` is its folder (``acme``)."""
    reading = Reading()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        sections = "meta, color, logo, typography"
        reading.fail((), f"expected a mapping of brand.yml sections ({sections}), got {_describe(data)}")
        return reading
    _check_keys(data, (), reading)
    _meta(data.get("meta"), reading)
    _colours(data.get("color"), reading)
    _logo(data.get("logo"), base, org_id, reading)
    _typography(data.get("typography"), base, org_id, reading)
    return reading


def _check_keys(node: Any, loc: tuple, reading: Reading) -> None:
    """Unknown keys in the sections the spec closes, with a did-you-mean."""
    known = _KEYS.get(loc)
    if known is None or not isinstance(node, dict):
        return
    for key, value in node.items():
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (expected one of {', '.join(known)})"
            parent = f"{_dotted(loc)}: " if loc else ""
            reading.problems.append(((*loc, key), f"{parent}unknown key {_describe(key)}{hint}"))
        else:
            _check_keys(value, (*loc, key), reading)


def _mapping(node: Any, loc: tuple, reading: Reading, what: str) -> dict | None:
    if node is None:
        return None
    if not isinstance(node, dict):
        reading.fail(loc, f"expected {what}, got {_describe(node)}")
        return None
    return node


def _text(node: Any, loc: tuple, reading: Reading) -> str | None:
    if node is None:
        return None
    if not isinstance(node, str):
        reading.fail(loc, f"expected text, got {_describe(node)}")
        return None
    return node.strip()


def _meta(node: Any, reading: Reading) -> None:
    meta = _mapping(node, ("meta",), reading, "a mapping (name, link)")
    if not meta:
        return
    name = meta.get("name")
    if isinstance(name, dict):
        full = _text(name.get("full"), ("meta", "name", "full"), reading)
        short = _text(name.get("short"), ("meta", "name", "short"), reading)
        if full is not None:
            reading.values.append(Mapped(("name",), full, ("meta", "name", "full")))
        if short is not None:
            reading.values.append(Mapped(("short_name",), short, ("meta", "name", "short")))
    elif name is not None:
        full = _text(name, ("meta", "name"), reading)
        if full is not None:
            reading.values.append(Mapped(("name",), full, ("meta", "name")))
    link = meta.get("link")
    if isinstance(link, dict):
        for key, value in link.items():  # every link is checked; only home is used
            url = _text(value, ("meta", "link", key), reading)
            if key == "home" and url is not None:
                reading.values.append(Mapped(("links", "homepage"), url, ("meta", "link", "home")))
    elif link is not None:
        url = _text(link, ("meta", "link"), reading)
        if url is not None:
            reading.values.append(Mapped(("links", "homepage"), url, ("meta", "link")))


def parse_colour(text: str) -> str | None:
    """``#RRGGBB`` for ``#RGB``, ``#RRGGBB`` or a CSS colour name; None for anything else."""
    text = text.strip()
    if _HEX.fullmatch(text):
        digits = text[1:]
        return "#" + (digits if len(digits) == 6 else "".join(d * 2 for d in digits)).upper()
    from PIL import ImageColor  # its table is CSS Color 4's 148 names

    named = ImageColor.colormap.get(text.lower())
    return named.upper() if isinstance(named, str) and _HEX.fullmatch(named) else None


def _colours(node: Any, reading: Reading) -> None:
    colour = _mapping(node, ("color",), reading, "a mapping (palette, primary, …)")
    if not colour:
        return
    palette = _mapping(colour.get("palette"), ("color", "palette"), reading, "a mapping of names to colours") or {}
    for name, value in palette.items():
        _colour_text(value, ("color", "palette", name), reading)
    for name in THEME_COLOURS:
        if name not in colour or _colour_text(colour[name], ("color", name), reading) is None:
            continue
        if name in COLOUR_TARGETS:
            found = _follow(colour, palette, ("color", name), reading)
            if found is not None:
                reading.values.append(Mapped(("brand", COLOUR_TARGETS[name]), found, ("color", name)))


def _colour_text(value: Any, loc: tuple, reading: Reading) -> str | None:
    if value is None:  # written, but empty: most often an unquoted #RRGGBB, which YAML reads as a comment
        reading.fail(loc, 'expected a colour like "#1A2B3C" in quotes (unquoted, # starts a YAML comment), got nothing')
        return None
    return _text(value, loc, reading)


def _follow(colour: dict, palette: dict, loc: tuple, reading: Reading) -> str | None:
    """The colour at the end of a chain of palette and theme references, or None (a problem is recorded)."""
    seen = [loc]
    while True:
        value = colour.get(loc[1]) if len(loc) == 2 else palette.get(loc[2])
        if not isinstance(value, str):
            return None  # already reported as not text
        value = value.strip()
        if value in palette:
            nxt = ("color", "palette", value)
        elif value in THEME_COLOURS and value in colour and len(loc) == 2:  # palette entries name palette entries
            nxt = ("color", value)
        else:
            found = parse_colour(value)
            if found is None:
                wanted = 'a colour like "#1A2B3C", "#1AB", a CSS colour name or a palette name'
                reading.fail(loc, f"expected {wanted}, got {_describe(value)}")
            return found
        if nxt in seen:
            chain = " → ".join(_dotted(step) for step in (*seen, nxt))
            reading.fail(seen[0], f"expected a colour, got references that go round in a circle ({chain})")
            return None
        seen.append(nxt)
        loc = nxt


def _file(value: Any, loc: tuple, base: str, org_id: str, reading: Reading) -> str | None:
    """A path in the brand.yml (relative to its folder) as the profile writes it (relative to ``org_profiles/``)."""
    if not isinstance(value, str) or not value.strip():
        reading.fail(loc, f"expected a file path relative to the brand.yml's folder, got {_describe(value)}")
        return None
    value = value.strip()
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", value):
        reading.fail(loc, f"expected a file in {org_id}/ (visitkit downloads nothing), got {_describe(value)}")
        return None
    parts = PurePosixPath(value).parts
    if _BAD.search(value) or value.startswith("/") or "\\" in value or ".." in parts or not parts:
        wanted = f"a path relative to the brand.yml's folder, inside {org_id}/"
        reading.fail(loc, f"expected {wanted}, got {_describe(value)}")
        return None
    return PurePosixPath(base, *parts).as_posix()


def _logo(node: Any, base: str, org_id: str, reading: Reading) -> None:
    logo = _mapping(node, ("logo",), reading, "a mapping (images, small, medium, large)")
    if not logo:
        return
    images = _mapping(logo.get("images"), ("logo", "images"), reading, "a mapping of names to image files") or {}
    size = next((s for s in ("medium", "large", "small") if logo.get(s) is not None), None)
    for name in ("small", "medium", "large"):
        if name in logo and logo[name] is None:
            reading.fail(("logo", name), "expected an image name or path, or {light, dark}, got nothing")
    if size is None:
        return
    loc: tuple = ("logo", size)
    chosen = logo[size]
    if isinstance(chosen, dict) and ("light" in chosen or "dark" in chosen):
        unknown = [k for k in chosen if k not in ("light", "dark")]
        if unknown:
            reading.fail((*loc, unknown[0]), f"unknown key {_describe(unknown[0])}; expected light or dark")
        loc, chosen = ((*loc, "light"), chosen["light"]) if "light" in chosen else ((*loc, "dark"), chosen["dark"])
    alt = None
    if isinstance(chosen, str) and chosen.strip() in images:
        loc, chosen = ("logo", "images", chosen.strip()), images[chosen.strip()]
    if isinstance(chosen, dict):  # {path, alt}
        unknown = [k for k in chosen if k not in ("path", "alt")]
        if unknown:
            reading.fail((*loc, unknown[0]), f"unknown key {_describe(unknown[0])}; expected path or alt")
        alt = _text(chosen.get("alt"), (*loc, "alt"), reading)
        if alt is not None:
            reading.values.append(Mapped(("brand", "logo_alt"), alt, (*loc, "alt")))
        loc, chosen = (*loc, "path"), chosen.get("path")
    path = _file(chosen, loc, base, org_id, reading)
    if path is not None:
        reading.values.append(Mapped(("brand", "logo"), path, loc))


def _family_of(node: Any, loc: tuple, reading: Reading) -> str | None:
    if isinstance(node, dict):
        return _text(node.get("family"), (*loc, "family"), reading)
    return _text(node, loc, reading)


def _typography(node: Any, base: str, org_id: str, reading: Reading) -> None:
    typography = _mapping(node, ("typography",), reading, "a mapping (fonts, base, headings, …)")
    if not typography:
        return
    fonts = typography.get("fonts")
    if fonts is not None and not isinstance(fonts, list):
        reading.fail(("typography", "fonts"), f"expected a list of fonts, got {_describe(fonts)}")
        fonts = []
    by_family: dict[str, tuple[int, dict]] = {}
    for index, font in enumerate(fonts or []):
        loc = ("typography", "fonts", index)
        if not isinstance(font, dict):
            reading.fail(loc, f"expected a mapping (family, source, files), got {_describe(font)}")
            continue
        family = _text(font.get("family"), (*loc, "family"), reading)
        if family is None and "family" not in font:
            reading.fail((*loc, "family"), "required field is missing")
        source = font.get("source", "file")
        if source not in ("file", "google", "bunny", "system"):
            reading.fail((*loc, "source"), f"expected one of file, google, bunny, system, got {_describe(source)}")
        elif family is not None:
            by_family.setdefault(family, (index, font))
    wanted = [
        family
        for key in ("base", "headings")
        if (family := _family_of(typography.get(key), ("typography", key), reading)) is not None
    ]
    for family in wanted:
        if family not in by_family:  # a family not in typography.fonts: a system font, never ours
            continue
        index, font = by_family[family]
        if font.get("source", "file") != "file":
            continue  # never fetched: the bundled font is used
        _font_files(font, family, ("typography", "fonts", index), base, org_id, reading)
        return  # the base family if it has files, else the headings one: one font slot


def _font_files(font: dict, family: str, loc: tuple, base: str, org_id: str, reading: Reading) -> None:
    files = font.get("files")
    if not isinstance(files, list) or not files:
        reading.fail((*loc, "files"), f"expected a list of font files (path, weight, style), got {_describe(files)}")
        return
    regular = unweighted = bold = None
    for index, entry in enumerate(files):
        here = (*loc, "files", index)
        entry = {"path": entry} if isinstance(entry, str) else entry
        if not isinstance(entry, dict):
            reading.fail(here, f"expected a mapping (path, weight, style), got {_describe(entry)}")
            continue
        if entry.get("style", "normal") != "normal":
            continue
        weight = entry.get("weight")
        if weight in _REGULAR and regular is None:
            regular = here
        elif weight in _BOLD and bold is None:
            bold = here
        elif weight in (None, "auto") and unweighted is None:
            unweighted = here
    regular = regular or unweighted
    if regular is None:
        reading.fail((*loc, "files"), f"expected a normal-style file of weight 400 for {family!r}, got none")
        return
    reading.values.append(Mapped(("brand", "font", "family"), family, (*loc, "family")))
    for target, here in (("regular", regular), ("bold", bold)):
        if here is None:
            continue
        entry = files[here[-1]]
        if isinstance(entry, dict):
            here = (*here, "path")
            entry = entry.get("path")
        path = _file(entry, here, base, org_id, reading)
        if path is not None:
            reading.values.append(Mapped(("brand", "font", target), path, here))


# ------------------------------------------------------------ merging


def merge(data: dict, values: list[Mapped]) -> dict:
    """``data`` with the brand.yml's values where the profile writes nothing (a copy; ``brand.from`` dropped)."""
    merged = {**data}
    brand = {k: v for k, v in data["brand"].items() if k != "from"}
    merged["brand"] = brand
    font = {m.target[2]: m.value for m in values if m.target[:2] == ("brand", "font")}
    if "font" not in brand and "regular" in font:
        brand["font"] = font
    for mapped in values:
        if mapped.target[:2] == ("brand", "font"):
            continue
        *parents, key = mapped.target
        node = merged
        for parent in parents:
            if parent not in node:
                node[parent] = {}
            elif not isinstance(node[parent], dict):
                break
            node[parent] = node[parent] if node[parent] is brand else {**node[parent]}
            node = node[parent]
        else:
            node.setdefault(key, mapped.value)
    return merged


def plan(profiles_dir: Path, org_id: str, data: dict) -> tuple[str, dict] | None:
    """For planning: (the brand.yml, relative to ``org_profiles/``; the profile data merged), or None if broken."""
    relative, _ = brand_path(data["brand"].get("from"), org_id)
    if relative is None:
        return None
    path, _ = _resolve_inside(profiles_dir, org_id, relative)
    if path is None or not path.is_file():
        return None
    try:
        brand_data = read_yaml(path, relative)
    except ProfileError:
        return None
    reading = extract(brand_data, PurePosixPath(relative).parent.as_posix(), org_id)
    if reading.problems:
        return None
    return relative, merge(data, reading.values)


# ------------------------------------------------------------ validating


def apply(
    data: dict, key_lines: KeyLines, profiles_dir: Path, org_id: str, display: str, context: dict[str, Any]
) -> tuple[dict, list[str]]:
    """The profile's data with its brand.yml's valid values merged in, and the brand.yml's error lines.

    Each value is checked as the profile field it becomes (with the profile's ``context``), but its error names
    the brand.yml's field. A file that cannot be read at all is one line, and gives nothing.
    """
    from pydantic import TypeAdapter, ValidationError

    from visitkit import profile_values as values
    from visitkit.profile_assets import FontPath, ImagePath

    value = data["brand"].get("from")
    line = key_lines.get(("brand", "from"))
    here = f"{display}{'' if line is None else f':{line}'}: brand.from"
    relative, problem = brand_path(value, org_id)
    if relative is not None:
        path, problem = _resolve_inside(profiles_dir, org_id, relative)
    if problem:
        return merge(data, []), [f"{here}: {problem}"]
    shown_path = (Path(display).parent / relative).as_posix()
    if not path.is_file():
        found = "a folder" if path.is_dir() else "nothing"
        return merge(data, []), [f"{here}: expected a brand.yml file, got {found} at {shown_path}"]
    try:
        brand_data, lines = read_yaml_with_lines(path, shown_path)
    except ProfileError as exc:  # size, encoding, YAML syntax: the profile's own problems are still reported
        return merge(data, []), exc.lines
    reading = extract(brand_data, PurePosixPath(relative).parent.as_posix(), org_id)
    types = {
        ("name",): values.Text,
        ("short_name",): values.ShortText,
        ("links", "homepage"): values.WebUrl,
        ("brand", "logo"): ImagePath,
        ("brand", "logo_alt"): values.Text,
        ("brand", "font", "family"): values.FontFamily,
        ("brand", "font", "regular"): FontPath,
        ("brand", "font", "bold"): FontPath,
    }
    good: list[Mapped] = []
    for mapped in reading.values:
        kind = types.get(mapped.target)
        if kind is None:  # colours: already #RRGGBB
            good.append(mapped)
            continue
        try:
            checked = TypeAdapter(kind).validate_python(mapped.value, context=context)
        except ValidationError as exc:
            reading.fail(mapped.source, _worded(exc.errors(include_url=False)[0]))
            continue
        good.append(Mapped(mapped.target, checked, mapped.source))
    if any(m.target == ("brand", "font", "regular") for m in good) and len(
        [m for m in good if m.target[:2] == ("brand", "font")]
    ) < len([m for m in reading.values if m.target[:2] == ("brand", "font")]):
        good = [m for m in good if m.target[:2] != ("brand", "font")]  # half a font is no font
    problems = [f"{shown_path}{_at(loc, lines)}: {message}" for loc, message in reading.problems]
    return merge(data, good), problems


def _worded(error: dict) -> str:
    kind = error["type"]
    if kind == "string_too_long":
        return f"expected at most {error['ctx']['max_length']} characters, got {len(error['input'])}"
    if kind == "string_too_short":
        return "expected text, got an empty value"
    return str(error["msg"]).splitlines()[0]


def _at(loc: tuple, lines: KeyLines) -> str:
    for end in range(len(loc), 0, -1):
        line = lines.get(loc[:end])
        if line is not None:
            return f":{line}"
    return ""
