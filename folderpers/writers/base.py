"""The writer interface and what writers share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar, Protocol

from folderpers.model.publication import Publication
from folderpers.render.html import Medium
from folderpers.render.theme import Theme
from folderpers.source.corpus import Corpus
from folderpers.writers.published import Published


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


@dataclass(frozen=True)
class PagePlan:
    """One page a CollectionWriter will make, as the build decides whether it is current: the page
    is made again when its path, its `layout` or the manifest of a publication in `shows` changed."""

    path: PurePosixPath  # relative to dist/
    shows: tuple[str, ...]  # the publications (by their manifest's path) it shows anything of
    layout: str = ""  # what else it shows that is no publication's (its place among other pages)
    content: Any = field(default=None, compare=False)  # the writer's own, to render it (decided by the above)


class Kept(Protocol):
    """What a CollectionWriter may reuse of the pages it made before (the build's state): the parts of
    a page ("fragments", such as one listing's HTML) under a key the writer derives from what they show."""

    salt: bytes  # changes with the theme, the pipeline and the institutions' files (and with --force): in every key

    def digest(self, manifest: str) -> str | None:
        """The sha256 of a publication's manifest (None: no such publication): what it shows changed
        when this did."""

    def fragments(self, page: str) -> dict[bytes, str]:
        """The fragments kept for `page` (a path relative to dist/), by key."""

    def keep(self, page: str, fragments: dict[bytes, str]) -> None:
        """`fragments` are now those of `page` (the others it had are let go)."""


class CollectionWriter(Protocol):
    """Writes pages about many publications (such as the index pages), after the publications: the
    pages of each institution with outputs in dist/ and of all of them. `plan` says which pages a scope
    has and what each shows; the build renders only those whose publications or layout changed."""

    kind: ClassVar[str]

    def __init__(self, theme: Theme) -> None: ...

    def path(self, institution: str | None) -> PurePosixPath:
        """Where the (first) page of `institution` (None: of all) is, relative to dist/."""

    def plan(self, institution_id: str | None, publications: Iterable[Published], institution_ids: list[str],
             corpus: Corpus) -> list[PagePlan]:
        """The pages of `institution_id` (None: of all). `publications`: those of that institution (or all)
        with outputs in dist/; `institution_ids`: every institution with outputs; `corpus`: the sources as
        the build loaded them."""

    def render(self, plan: PagePlan, entries: Callable[[str], Iterable[dict[str, Any]]], kept: Kept) -> Rendered:
        """The page `plan` describes; `entries`: the outputs of a publication (by its manifest's path), each
        a manifest entry (see build/manifest.py) without its inputs; `kept`: what it may reuse."""


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
