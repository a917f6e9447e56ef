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
from babel.numbers import UnsupportedNumberingSystemError, format_decimal

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
    numbers: str = "latn"  # CLDR numbering system: the digits of dates, numbers and page and step numbers

    def date(self, day: date, short: bool = False) -> str:
        formatted = format_date(day, self.short_date_pattern if short else self.date_pattern, locale=self.locale)
        return formatted.translate(_digits(self.numbers))  # Babel writes the digits of dates as 0-9

    def number(self, value: float | int) -> str:
        """`value` as the language writes numbers: its separators (Babel) and its digits."""
        return format_decimal(value, locale=self.locale, numbering_system=self.numbers).translate(_digits(self.numbers))

    @property
    def counter_style(self) -> str:
        """The CSS counter style for page and step numbers in this language's digits."""
        return NUMBERING_SYSTEMS[self.numbers][1]


# CLDR numbering systems of ten digits in a row: their zero, and the CSS predefined counter style
# that writes them (Babel 2.18 formats only the separators of a numbering system, not its digits).
NUMBERING_SYSTEMS = {"latn": ("0", "decimal"), "arab": ("\u0660", "arabic-indic"), "arabext": ("\u06f0", "persian"),
                     "beng": ("\u09e6", "bengali"), "deva": ("\u0966", "devanagari"), "gujr": ("\u0ae6", "gujarati"),
                     "guru": ("\u0a66", "gurmukhi"), "knda": ("\u0ce6", "kannada"), "khmr": ("\u17e0", "khmer"),
                     "laoo": ("\u0ed0", "lao"), "mlym": ("\u0d66", "malayalam"), "mymr": ("\u1040", "myanmar"),
                     "orya": ("\u0b66", "oriya"), "tamldec": ("\u0be6", "tamil"), "telu": ("\u0c66", "telugu"),
                     "thai": ("\u0e50", "thai"), "tibt": ("\u0f20", "tibetan")}


@cache
def _digits(numbers: str) -> dict[int, str]:
    """Translation table from 0-9 to the digits of a numbering system."""
    zero = ord(NUMBERING_SYSTEMS[numbers][0])
    return {ord("0") + digit: chr(zero + digit) for digit in range(10)}


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
    numbers = str(labels.get("numbers", "latn"))
    try:
        format_decimal(0, locale=locale, numbering_system=numbers)
    except UnsupportedNumberingSystemError:
        numbers = ""
    if numbers not in NUMBERING_SYSTEMS:
        raise SourceError(Problem(where, f"numbers: {labels.get('numbers')!r} is not a numbering system of "
                                         f"{locale} with digits 0-9 that CSS can count in",
                                  f"write one of: {', '.join(sorted(NUMBERING_SYSTEMS))} (latn: 0-9)"))
    return Language(code=code, locale=locale, direction=direction, hyphenation=_has_dictionary(code),
                    fallback_font=labels.get("font"), date_pattern=str(labels.get("date_format", "long")),
                    short_date_pattern=str(labels.get("date_short_format", "short")), numbers=numbers)
