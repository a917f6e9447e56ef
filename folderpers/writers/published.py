"""What pages about many publications (writers/base.py's CollectionWriter) plan with, as the build's
state gives it. A module of its own that imports nothing heavy: the state store uses it in every build, a no-op
included."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Published:
    """A publication as pages about many publications plan with it: its facts (as in its manifest's
    entries: title, folder, institution, language, related, ...) and its files now in dist/."""

    manifest: str  # the path of its publication manifest: the build's key for it
    facts: dict[str, Any]
    files: dict[str, str]  # path (relative to dist/) by kind
