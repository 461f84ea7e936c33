"""The slide's line breaker and measure (visitkit/render/slide/text.py), on real font files.

Widths are checked against HarfBuzz and the installed DejaVu Sans, line breaks against UAX #14
and the address rules: a URL, domain or e-mail address breaks only after ``@``, ``.`` or ``/``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import ROOT
from visitkit.render.slide import substitute, text
from visitkit.render.slide.text import BREAK, Para, TRun

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@pytest.fixture(scope="module")
def fonts() -> text.Fonts:
    fonts_dir = ROOT / "templates" / "fonts"
    return text.fonts_for((fonts_dir / "Inter-Regular.otf").read_bytes(), (fonts_dir / "Inter-Bold.otf").read_bytes())


def lines_of(fonts: text.Fonts, words: str, width: float, size: float = 10, href: str | None = None) -> list[str]:
    para = Para((TRun(words, href=href),), size)
    return [words[line.start:line.end] for line in text.wrap_lines(fonts, para, width)]


def test_kerned_pair_is_narrower_than_its_letters(fonts):
    """Shaping applies the font's kerning: "AV" is narrower than "A" + "V" measured apart."""
    pair = fonts.shaped_em("AV", False)
    apart = fonts.shaped_em("A", False) + fonts.shaped_em("V", False)
    assert pair < apart - 0.02
    assert fonts.shaped_em("To", True) < fonts.shaped_em("T", True) + fonts.shaped_em("o", True) - 0.02


def test_width_is_never_less_than_the_substitute(fonts):
    """DejaVu Sans Bold is much wider than Inter Bold: the measure takes the wider one."""
    title = "Join a virtual health visit"
    assert fonts.substitute_em(title, True) > 1.15 * fonts.shaped_em(title, True)
    assert fonts.em(title, True) == pytest.approx(fonts.substitute_em(title, True))
    assert fonts.width(title, True, 20) == pytest.approx(20 * fonts.em(title, True))


@pytest.mark.skipif(not (DEJAVU / "DejaVuSans.ttf").is_file(), reason="DejaVu Sans is not installed (fonts-dejavu)")
def test_substitute_table_matches_the_installed_font():
    """The bundled advance table is DejaVu Sans's own (shaped without kerning by HarfBuzz)."""
    import uharfbuzz as hb

    sample = "Reservar una cita virtual — citaprevia@cajaruralvalle.example ÀÉÎõü ĞŞ Ωμέγα Привет №5 €"
    for bold, name in substitute.FILES.items():
        face = hb.Face((DEJAVU / name).read_bytes())
        font = hb.Font(face)
        buffer = hb.Buffer()
        buffer.add_str(sample)
        buffer.guess_segment_properties()
        hb.shape(font, buffer, {"kern": False, "liga": False})
        expected = sum(p.x_advance for p in buffer.glyph_positions) / face.upem
        assert text.Fonts.substitute_em(sample, bold) == pytest.approx(expected, rel=1e-6)
    # And it is exactly what the generator makes of the installed files.
    from visitkit.render.slide import substitute_data

    assert substitute_data.generate(str(DEJAVU)) == substitute.DATA


def test_missing_glyphs_count_as_a_fallback_font_would_set_them(fonts):
    """Inter has no ideographs: each counts 1 em (not .notdef's width); combining marks count nothing."""
    assert fonts.shaped_em("日本語", False) == pytest.approx(3.0)
    assert fonts.em("日本語", False) == pytest.approx(3.0)
    assert text.fallback_em("\u0301") == 0.0


@pytest.mark.parametrize("width", [150, 170, 200, 240, 380])
def test_email_breaks_only_after_at_or_dot(fonts, width):
    email = "citaprevia.oficina-central@cajaruralvalle-andalucia.example"
    words = f"Escríbanos: {email} hoy"
    lines = text.wrap_lines(fonts, Para((TRun(words),), 10), width)
    assert not any(line.split for line in lines)  # every piece fits: breaks are where the rules allow
    got = [words[line.start:line.end] for line in lines]
    assert "".join(got) == words
    start = words.index(email)
    for line in lines[1:]:
        if start < line.start < start + len(email):  # a break inside the address
            assert words[line.start - 1] in "@.", (width, got)
    if width < 380:
        assert any(start < line.start < start + len(email) for line in lines), got
    for line in got:
        assert fonts.width(line.rstrip(" "), False, 10) <= width + 1e-6


def test_domain_and_url_break_points(fonts):
    """In the host only after '.' and '/', in the path also after '-', never inside 'www.' runs like '//'."""
    url = "cajaruralvalle-andalucia.example/cita-previa/oficinas?x=1"
    points = text.opportunities(url)
    path = url.index("/")
    for p in points:
        allowed = "/.-?&#" if p > path else "./"
        assert url[p - 1] in allowed, (p, url[:p])
    assert url.index("-") + 1 not in points  # the hyphen in the host name
    assert url.index("cita-") + 5 in points  # the hyphen in the path
    assert text.opportunities("https://riverside.example/book") == [
        len("https://"), len("https://riverside."), len("https://riverside.example/")
    ]
    # Plain words keep UAX #14: after a space and after a hyphen.
    assert text.opportunities("well-known words") == [5, 11]


def test_phone_numbers_stay_on_one_line(fonts):
    para = Para((TRun("Call us: "), TRun("+1 555 010 2000", href="tel:+15550102000")), 10)
    width = fonts.width("+1 555 010 2000", False, 10) + 1
    lines = text.wrap_lines(fonts, para, width)
    assert [(line.start, line.end) for line in lines] == [(0, 9), (9, 24)]


def test_word_longer_than_a_line_breaks_between_graphemes(fonts):
    word = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversi"
    assert len(word) == 60
    got = lines_of(fonts, f"{word} ok", 100)
    assert len(got) >= 4
    assert "".join(got) == f"{word} ok"
    for line in got:
        assert fonts.width(line.rstrip(), False, 10) <= 100 + 1e-6
    lines = text.wrap_lines(fonts, Para((TRun(word),), 10), 100)
    assert all(line.split for line in lines[:-1]) and not lines[-1].split
    # Never inside a grapheme cluster: an accented letter written as e + combining acute stays whole.
    accented = "e\u0301" * 40
    for line in lines_of(fonts, accented, 50):
        assert not line.startswith("\u0301")


def test_cjk_breaks_between_ideographs(fonts):
    sentence = "予約ページでご都合のよい時間をお選びください。お電話でも予約できます。"
    got = lines_of(fonts, sentence, 60)
    assert len(got) > 2 and "".join(got) == sentence
    for line in got:
        assert fonts.width(line, False, 10) <= 60 + 1e-6
        assert not line.startswith(("。", "ー", "ょ")) or line == got[0]  # UAX #14: no line starts with "。"


def test_set_lines_writes_every_break_and_keeps_the_text(fonts):
    runs = (TRun("Email us: "), TRun("care@riverside-family-health.example", href="mailto:x"), TRun("."))
    para = Para(runs, 10)
    set_para = text.set_lines(fonts, para, 80)
    assert "".join(r.text for r in set_para.runs if r.text != BREAK) == "".join(r.text for r in runs)
    assert sum(r.text == BREAK for r in set_para.runs) == text.wrap(fonts, para, 80) - 1 >= 1
    assert {r.href for r in set_para.runs if "@" in r.text or "example" in r.text} == {"mailto:x"}
    # Set once, it wraps the same way again: written out, no renderer needs to break a line itself.
    assert text.wrap(fonts, set_para, 80) == text.wrap(fonts, para, 80)


def test_fit_shrinks_then_cuts_at_a_word_with_an_ellipsis(fonts):
    para = Para((TRun("Bring your card and a list of questions. " * 12),), 10, line=1.3)
    fitted = text.fit(fonts, [para], 150, max_height=60, minimum=0.8)
    assert fitted[0].size == 8.0  # shrunk to its floor first
    last = fitted[-1].runs[-1].text
    assert last.endswith(text.ELLIPSIS) and last[-2] != " "
    assert text.height(fonts, fitted, 150) <= 60
    words = last.removesuffix(text.ELLIPSIS).split()
    assert all(w in {"Bring", "your", "card", "and", "a", "list", "of", "questions."} for w in words)


def test_clamp_never_ends_inside_an_address(fonts):
    para = Para((TRun("riverside-family-health-centre.example/appointments/virtual"),), 10)
    kept = text.clamp_paras(fonts, [para], 60, 13)
    assert kept[0].runs[-1].text == text.ELLIPSIS


def test_balanced_heading_has_no_orphan(fonts):
    words = "One-to-one advice from our sales associates, wherever you are."
    plain = Para((TRun(words),), 15)
    width = fonts.width("One-to-one advice from our sales associates, wherever you", False, 15) + 2
    assert [words[x.start:x.end] for x in text.wrap_lines(fonts, plain, width)][-1] == "are."  # the orphan
    balanced = text.set_lines(fonts, replace(plain, balance=True), width)
    lines = "".join(r.text for r in balanced.runs).split(BREAK)
    assert len(lines) == 2 and "".join(lines) == words
    widths = [fonts.width(line.strip(), False, 15) for line in lines]
    assert max(widths) <= width and min(widths) > 0.6 * max(widths)
