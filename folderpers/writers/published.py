"""What pages about many publications (writers/base.py's CollectionWriter) plan with, as the build's
state gives it. A module of its own that imports nothing heavy: the state store uses it in every build, a no-op
included."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple


class Published(NamedTuple):
    """A publication as pages about many publications plan with it: the facts they sort, group and link
    by (as in its manifest's entries) and its files now in dist/. A NamedTuple rather than a frozen
    dataclass: an index of 72,000 publications makes one per publication each time it is planned, and
    a dataclass takes four times as long to make."""

    manifest: str  # the path of its publication manifest: the build's key for it
    sha256: str  # of that manifest: what the publication shows changed when this did
    institution: str
    folder: str
    language: str
    title: str
    department: str
    related: tuple[str, ...]  # slugs of the folders it links to
    files: dict[str, str]  # path (relative to dist/) by kind

    @classmethod
    def of(cls, manifest: str, sha256: str, facts: Mapping[str, Any], files: dict[str, str]) -> Published:
        """From a manifest entry's facts (see build/manifest.py's publication_facts)."""
        return cls(manifest, sha256, facts["institution"], facts["folder"], facts["language"], facts["title"],
                   facts["department"], tuple(facts.get("related", ())), files)
