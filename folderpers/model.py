"""The loaded, validated content: folders, snippets and institutions as frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .blocks import Block, Passage
from .errors import Location, SourceError
from .findings import Ignore
from .inline import PhoneNumber, RichText


@dataclass(frozen=True)
class Change:
    """One entry of a folder's change log."""

    version: str
    date: date
    what: str


@dataclass(frozen=True)
class Folder:
    """One folder file (`folders/<slug>/folder.yaml`, or `folder.<lang>.yaml` for a translation)."""

    slug: str
    source: Path
    title: str
    subtitle: str
    intro: tuple[RichText, ...]
    code: str
    language: str
    department: str
    owner: str
    version: str
    approved: date
    review: date
    institutions: tuple[str, ...] | None  # None: every institution publishes it
    paper: str
    keywords: tuple[str, ...]
    changes: tuple[Change, ...]
    blocks: tuple[Block, ...]
    is_translation: bool
    key_locations: dict[str, Location]  # where each top-level key stands, for messages
    passages: tuple[Passage, ...]  # its text as written, for the content checks
    ignore: tuple[Ignore, ...]  # warnings of the content checks silenced on purpose

    @property
    def directory(self) -> Path:
        return self.source.parent

    def location_of(self, key: str) -> Location:
        return self.key_locations.get(key, Location(self.source))

    def published_by(self, institution_id: str) -> bool:
        return self.institutions is None or institution_id in self.institutions


@dataclass(frozen=True)
class Snippet:
    """Reusable blocks, shared (`snippets/<name>.yaml`) or an institution's own version."""

    name: str
    source: Path
    blocks: tuple[Block, ...]
    passages: tuple[Passage, ...]
    ignore: tuple[Ignore, ...]


@dataclass(frozen=True)
class Contact:
    key: str
    label: str
    phone: PhoneNumber
    hours: str | None
    email: str | None


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

    @property
    def directory(self) -> Path:
        return self.source.parent
