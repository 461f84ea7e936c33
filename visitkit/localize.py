"""Numbers, lists and dates in a locale's own conventions (CLDR, through Babel), never hand-written rules.

A locale code is resolved through its overlay chain (``visitkit.sources.chain``) to the nearest
locale CLDR knows: ``fr-CA`` is CLDR's own ``fr_CA``; a variant CLDR lacks falls back to its base;
``zh-Hans`` is ``zh_Hans``. Babel is imported on first use, so planning never pays for it.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence

from visitkit.sources import REFERENCE, chain


@functools.cache
def babel_locale(locale: str) -> str:
    """The CLDR locale for a BCP 47 code (``pt-BR`` → ``pt_BR``): the first of its chain CLDR knows."""
    from babel import Locale, UnknownLocaleError

    for code in chain(locale):
        try:
            return str(Locale.parse(code, sep="-"))
        except (UnknownLocaleError, ValueError):
            continue
    return REFERENCE


def decimal(value: float | str, locale: str, places: int = 1) -> str:
    """``value`` with ``places`` decimals and the locale's decimal mark: 2.5 → ``2,5`` in fr, es, de."""
    from babel.numbers import format_decimal

    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(float(value), format=pattern, locale=babel_locale(locale))


def listing(items: Sequence[str], locale: str, style: str = "standard") -> str:
    """Items joined as running text: ``a, b and c``; ``a、b、c`` in ja."""
    from babel.lists import format_list

    return format_list(list(items), style=style, locale=babel_locale(locale))


def date(value: datetime.date, locale: str, form: str = "long") -> str:
    """A date as the locale writes it: ``2 December 2026`` in en-GB, ``2 décembre 2026`` in fr."""
    from babel.dates import format_date

    return format_date(value, format=form, locale=babel_locale(locale))
