"""The writer interface and what writers share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from folderpers.model.publication import Publication
from folderpers.render.html import Medium
from folderpers.render.theme import Theme
from folderpers.source.corpus import Corpus

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Rendered:
    """One output file, ready to publish."""

    path: PurePosixPath  # relative to dist/
    kind: str  # what it is, for the manifest: pdf, web, print-pdf, booklet, preflight, ...
    data: bytes
    pages: int | None = None
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # facts worth printing with the output (e.g. a preflight summary)


class Writer(Protocol):
    kind: ClassVar[str]  # short name, used by --format
    medium: ClassVar[Medium]  # what its HTML is for (paged or not, interactive or not): templates ask this
    relative_cost: ClassVar[float]  # time to render one publication, against a screen PDF (1.0): for scheduling

    def __init__(self, theme: Theme) -> None: ...

    def paths(self, publication: Publication) -> tuple[PurePosixPath, ...]:
        """Every file it makes for the publication, relative to dist/; the first names it in messages."""

    def inputs(self, publication: Publication) -> tuple[Path, ...]:
        """Files it reads beyond the publication's sources and the theme (they decide rebuilds too)."""

    def render(self, publication: Publication) -> tuple[Rendered, ...]:
        """Every file this writer makes for the publication, in the order of `paths`."""


class CollectionWriter(Protocol):
    """Writes pages about many publications (such as the index pages), after the publications: one
    page per institution with outputs in dist/ and one about all of them."""

    kind: ClassVar[str]

    def __init__(self, theme: Theme) -> None: ...

    def path(self, institution: str | None) -> PurePosixPath:
        """Where the page of `institution` (None: of all) is, relative to dist/."""

    def render(self, institution_id: str | None, entries: Iterable[dict[str, Any]], institution_ids: list[str],
               corpus: Corpus) -> Rendered:
        """The page of `institution_id` (None: of all). `entries`: the manifest entries of the outputs of
        that institution (or all) now in dist/ (see build/manifest.py); `institution_ids`: every institution
        with outputs; `corpus`: the sources, as the build loaded them (loaded when first asked for)."""


def output_name(publication: Publication, suffix: str) -> PurePosixPath:
    """dist/<institution>/<slug><suffix>; a translation adds its language: <slug>.<lang><suffix>."""
    return PurePosixPath(publication.institution.id) / f"{publication.stem}{suffix}"


class OneFileWriter:
    """What writers that make one file per publication share: dist/<institution>/<stem><suffix>,
    made from the publication's sources and the theme only."""

    suffix: ClassVar[str]

    def __init__(self, theme: Theme):
        self.theme = theme

    def paths(self, publication: Publication) -> tuple[PurePosixPath, ...]:
        return (output_name(publication, self.suffix),)

    def inputs(self, publication: Publication) -> tuple[Path, ...]:
        return ()
