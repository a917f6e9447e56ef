"""A folder and a snippet as loaded and validated: frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from folderpers.errors import Location
from folderpers.model.blocks import Block, Passage, Variation
from folderpers.model.inline import RichText

if TYPE_CHECKING:
    from folderpers.checks.findings import Finding


SILENCEABLE_ERRORS = frozenset({"typed-phone"})  # errors an author may silence on purpose (e.g. a national number)


@dataclass(frozen=True)
class Ignore:
    """A warning silenced on purpose, in a folder or snippet file (`checks: ignore:`)."""

    kind: str
    subject: str  # "": every warning of the kind in that file; else a word, or the start of a sentence
    location: Location  # where the entry stands, to report it when it silences nothing

    def silences(self, finding: Finding) -> bool:
        return ((finding.severity == "warning" or finding.kind in SILENCEABLE_ERRORS)
                and self.covers(finding.kind, finding.subject))

    def covers(self, kind: str, subject: str) -> bool:
        return kind == self.kind and subject.casefold().startswith(self.subject.casefold())

    def __str__(self) -> str:
        return f"{self.kind}: {self.subject}" if self.subject else self.kind


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
    variations: tuple[Variation, ...] = ()  # where its text differs per institution
    institution_refs: tuple[tuple[str, Location], ...] = ()  # institution ids named in only:/except:/variants:

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
    variations: tuple[Variation, ...] = ()
    institution_refs: tuple[tuple[str, Location], ...] = ()
