"""A folder's metadata from what the source says about itself: document properties, a colophon
("Versie 2.1", "Vastgesteld op 15 september 2025", "Documentcode ZWH-RAD-014") and running footers.

What is not found gets a value that passes the schema but that a person must replace (TODO, dates
long past); the `imported:` key makes the loader refuse the folder until a person has looked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

UNFILLED = "TODO"
UNFILLED_APPROVED = "2000-01-01"  # long past: an expired review date is refused by every build
UNFILLED_REVIEW = "2000-01-02"
UNFILLED_VERSION = "0"

_MONTHS = {name: number for number, names in enumerate(
    (("januari", "january", "jan"), ("februari", "february", "feb"), ("maart", "march", "mrt", "mar"),
     ("april", "apr"), ("mei", "may"), ("juni", "june", "jun"), ("juli", "july", "jul"),
     ("augustus", "august", "aug"), ("september", "sept", "sep"), ("oktober", "october", "okt", "oct"),
     ("november", "nov"), ("december", "dec")), start=1) for name in names}
_DATE = (r"(\d{1,2})[-./ ](\d{1,2}|[a-z]+)[-./ ](\d{4})"  # 15-09-2025, 15 september 2025
         r"|(\d{4})-(\d{2})-(\d{2})")  # 2025-09-15
_LABELLED = {
    "code": re.compile(r"(?:documentcode|documentnummer|foldercode|foldernummer|code|folder ?nr\.?)\s*:?\s*"
                       r"([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+|[A-Z]{2,}[0-9]+)", re.IGNORECASE),
    "version": re.compile(r"\b(?:versie|version|vs\.?)\s*:?\s*(\d+(?:\.\d+)*)", re.IGNORECASE),
    "approved": re.compile(r"\b(?:vastgesteld(?: op)?|goedgekeurd(?: op)?|datum vaststelling|approved(?: on)?|"
                           r"uitgegeven(?: op)?|publicatiedatum)\s*:?\s*(" + _DATE + ")", re.IGNORECASE),
    "review": re.compile(r"\b(?:herzien(?:ing)? uiterlijk|herziening|herzien voor|revisiedatum|evaluatiedatum|"
                         r"review(?: date| by)?)\s*:?\s*(" + _DATE + ")", re.IGNORECASE),
    "department": re.compile(r"^\s*(?:afdeling|department)\s*:?\s+(.+?)\s*$", re.IGNORECASE),
    "owner": re.compile(r"^\s*(?:inhoudelijk verantwoordelijk|eigenaar|owner)\s*:?\s+(.+?)\s*$", re.IGNORECASE),
}
# Keys some producers (folderpers itself among them) write into a PDF's document information, and
# custom properties document systems put into Word files.
_PROPERTY_KEYS = {
    "code": ("documentcode", "code", "documentnummer", "foldercode", "documentid"),
    "version": ("version", "versie", "versienummer"),
    "approved": ("approvaldate", "vastgesteld", "vaststellingsdatum", "datum vaststelling", "goedgekeurd",
                 "publicatiedatum"),
    "review": ("reviewdate", "herzien", "herziening", "herzieningsdatum", "revisiedatum", "evaluatiedatum"),
    "department": ("department", "afdeling", "vakgroep", "category"),
    "owner": ("owner", "eigenaar", "inhoudelijk verantwoordelijk", "verantwoordelijke")}


@dataclass(frozen=True)
class Found:
    value: str
    where: str  # "document properties", "colophon: 'Versie 2.1'", ...


def find_metadata(properties: dict[str, str], colophon: list[str], body: list[str],
                  code_prefixes: tuple[str, ...]) -> dict[str, Found]:
    """What the document says of its code, version, dates, department and owner: from its
    properties, its colophon and running footers (`colophon`), else from short lines of its body
    that name a code, version or date with a label (department and owner only from a colophon)."""
    found: dict[str, Found] = {}
    lowered = {key.lower(): value for key, value in properties.items()}
    for key, names in _PROPERTY_KEYS.items():
        for name in names:
            value = lowered.get(name, "").strip()
            normal = _normalise(key, value, code_prefixes) if value else None
            if normal:
                found[key] = Found(normal, f"document property {name!r}")
                break
    for line, body_line in [(line, False) for line in colophon] + [(line, True) for line in body]:
        for key, pattern in _LABELLED.items():
            if key in found or (body_line and key in ("department", "owner")):
                continue
            match = pattern.search(line)
            normal = _normalise(key, match.group(1), code_prefixes) if match else None
            if normal:
                found[key] = Found(normal, f"colophon: {line.strip()[:70]!r}")
    return found


def is_colophon_line(line: str) -> bool:
    """A line of a colophon: a label such as Versie, Vastgesteld, Afdeling with its value."""
    return any(pattern.search(line) for pattern in _LABELLED.values())


def _normalise(key: str, value: str, code_prefixes: tuple[str, ...]) -> str | None:
    value = value.strip()
    if key in ("approved", "review"):
        return _date(value)
    if key == "code":
        code = value.upper()
        for prefix in code_prefixes:
            if code.startswith(prefix + "-") and len(code) > len(prefix) + 1:
                return code[len(prefix) + 1:]
        return code if re.fullmatch(r"[A-Z0-9][A-Z0-9-]*", code) else None
    if key == "version":
        return value if re.fullmatch(r"\d+(?:\.\d+)*", value) else None
    return value or None


def _date(text: str) -> str | None:
    match = re.search(_DATE, text.lower())
    if not match:
        return None
    try:
        if match.group(4):
            day = date(int(match.group(4)), int(match.group(5)), int(match.group(6)))
        else:
            month_text = match.group(2)
            month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text, 0)
            day = date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        return None
    return day.isoformat()
