"""What a document's language decides beyond its words: direction, dates, hyphenation, fonts.

The words themselves are in templates/labels/<language>.yaml (one file per language); dates are
formatted by Babel from the CLDR data of the locale the labels name, so adding a language is
adding one labels file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import pyphen
from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from folderpers.errors import Location, Problem, SourceError

# Languages written right to left; `direction:` in a labels file overrides this.
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "yi"})


@dataclass(frozen=True)
class Language:
    """One document language as rendering needs it."""

    code: str  # as in the folder: nl, en, ar, pt-BR
    locale: str  # Babel/CLDR locale for dates, e.g. en_GB
    direction: str  # ltr or rtl
    hyphenation: bool  # pyphen has a dictionary: WeasyPrint hyphenates (else hyphens stay manual)
    fallback_font: str | None  # a font with this script's glyphs, used after the brand font
    date_pattern: str  # CLDR date pattern or a named format (long, medium, short)
    short_date_pattern: str

    def date(self, day: date, short: bool = False) -> str:
        return format_date(day, self.short_date_pattern if short else self.date_pattern, locale=self.locale)


@cache
def _has_dictionary(code: str) -> bool:
    return pyphen.language_fallback(code.replace("-", "_")) is not None


def language_from_labels(code: str, labels: dict[str, Any], where: Location) -> Language:
    """The Language of `code` as its labels file describes it (`locale`, `direction`, `font`, date formats)."""
    locale = str(labels.get("locale", code.replace("-", "_")))
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        raise SourceError(Problem(where, f"unknown locale {locale!r} for dates",
                                  "give a CLDR locale such as nl, en_GB, ar or tr under 'locale:'")) from None
    direction = str(labels.get("direction", "rtl" if code.split("-")[0] in RTL_LANGUAGES else "ltr"))
    if direction not in ("ltr", "rtl"):
        raise SourceError(Problem(where, f"direction {direction!r} is neither ltr nor rtl",
                                  "write 'direction: ltr' or 'direction: rtl'"))
    return Language(code=code, locale=locale, direction=direction, hyphenation=_has_dictionary(code),
                    fallback_font=labels.get("font"), date_pattern=str(labels.get("date_format", "long")),
                    short_date_pattern=str(labels.get("date_short_format", "short")))
