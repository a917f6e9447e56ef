"""An institution as loaded and validated: its brand and its contact registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from folderpers.errors import Location, SourceError
from folderpers.model.blocks import Passage
from folderpers.model.folder import Snippet
from folderpers.model.inline import PhoneNumber


@dataclass(frozen=True)
class Contact:
    key: str
    label: str
    phone: PhoneNumber
    hours: str | None
    email: str | None
    name: str | None = None  # as a sentence uses it, e.g. "afdeling Radiologie"
    article: str = ""  # "de", "het" or "" (none)

    def name_in_sentence(self, capital: bool) -> str | None:
        """Article and name ("de afdeling Radiologie"); with `capital`, for the start of a sentence."""
        if self.name is None:
            return None
        text = f"{self.article} {self.name}" if self.article else self.name
        return text[:1].upper() + text[1:] if capital else text


@dataclass(frozen=True)
class NamedLink:
    """A named web page of an institution (`links:`): `{link:key}`."""

    label: str
    url: str


@dataclass(frozen=True)
class Address:
    street: str
    postcode: str
    city: str


@dataclass(frozen=True)
class Colors:
    primary: str  # "#rrggbb"
    accent: str
    tint: str
    cmyk: dict[str, tuple[float, float, float, float]] | None = None  # print values (0..1) by name, if given

    def rgb(self) -> dict[str, str]:
        return {"primary": self.primary, "accent": self.accent, "tint": self.tint}


@dataclass(frozen=True)
class Institution:
    """An institution's brand and contact registry (`institutions/<id>/institution.yaml`)."""

    id: str
    source: Path
    name: str
    code_prefix: str
    logo: Path
    logo_alt: str
    colors: Colors
    font: str
    font_location: Location
    country: str
    address: Address
    website: str
    phone: PhoneNumber
    contacts: dict[str, Contact]
    snippets: dict[str, Snippet | SourceError]  # a broken snippet maps to its error
    passages: tuple[Passage, ...]  # its text as written (the logo's alt text), for the content checks
    base_url: str | None = None  # where its web pages are published (<base_url>/<slug>.html); None: no QR code
    print_condition: str = "FOGRA39"  # printing condition of its print PDFs (prepress/conditions.py)
    links: dict[str, NamedLink] = field(default_factory=dict)  # {link:key}
    terms: dict[str, str] = field(default_factory=dict)  # {term:key}
    language: str = "nl"  # the language of its own texts (name, contact labels, hours, address)
    language_fonts: dict[str, str] | None = None  # its fonts for scripts the brand font lacks, by language

    @property
    def directory(self) -> Path:
        return self.source.parent
