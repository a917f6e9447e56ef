"""The intranet index: dist/index.html lists everything published, dist/<institution>/index.html
one institution's folders, each with a thumbnail of its first page (dist/<institution>/thumbs/,
made with the screen PDF: see render/thumbnails.py).

Made page by page from the build's state after the publications (a CollectionWriter), so it lists
exactly the files in dist/; the build makes again only the pages whose publications changed.
Self-contained pages (styles inline, thumbnails as files beside them, relative links), so they work
from a file share or file:// as well as from a web server. Search and filters are a small inline
script; without JavaScript the full list is shown and the filter form stays hidden.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Any, ClassVar
from urllib.parse import quote

from folderpers.errors import FolderpersError
from folderpers.model.institution import Institution
from folderpers.render.html import data_url, inline_css
from folderpers.render.theme import Theme
from folderpers.render.thumbnails import png_size
from folderpers.source.corpus import Corpus
from folderpers.writers.base import Rendered

INDEX_NAME = "index.html"
LINKED_KINDS = ("web", "pdf", "print-pdf", "booklet")  # the outputs a listing links to (not the preflight report)


@dataclass(frozen=True)
class Picture:
    """A thumbnail as a listing shows it."""

    path: PurePosixPath  # relative to dist/
    width: int
    height: int


@dataclass(frozen=True)
class Listing:
    """One publication (folder x institution x language) as the index shows it."""

    institution: str
    institution_name: str
    folder: str
    language: str
    language_name: str
    title: str
    code: str
    version: str
    approved: date
    review: date
    department: str
    owner: str
    files: dict[str, dict[str, Any]]  # manifest entry by kind (see LINKED_KINDS)
    thumbnail: Picture | None
    related: tuple[str, ...] = ()  # slugs of the folders it links to ({folder:slug})
    direction: str = "ltr"  # of its language: rtl for Arabic
    versions: tuple[tuple[str, str, str, str], ...] = ()  # its other languages: (code, name, direction, path)

    @property
    def thumbnail_size(self) -> tuple[int, int] | None:
        return (self.thumbnail.width, self.thumbnail.height) if self.thumbnail else None

    @property
    def search_text(self) -> str:
        """What the search box matches: title, code, department, owner, institution, folder name."""
        return " ".join((self.title, self.code, self.department, self.owner, self.institution_name, self.folder))


class IndexWriter:
    kind: ClassVar[str] = "index"

    def __init__(self, theme: Theme):
        self.theme = theme

    def path(self, institution: str | None) -> PurePosixPath:
        """Where the page of `institution` is (None: the page of all institutions)."""
        return PurePosixPath(institution) / INDEX_NAME if institution else PurePosixPath(INDEX_NAME)

    def render(self, institution_id: str | None, entries: Iterable[dict[str, Any]], institution_ids: list[str],
               corpus: Corpus) -> Rendered:
        """The page of `institution_id` (None: of all), from the manifest entries of the outputs it lists;
        `institution_ids`: every institution with outputs in dist/ (the page names them all)."""
        groups: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
        for entry in entries:
            if entry["kind"] in (*LINKED_KINDS, "thumbnail"):
                groups[(entry["institution"], entry["folder"], entry["language"])][entry["kind"]] = entry
        institutions = self._institutions(institution_ids, corpus)
        listings = _with_versions(sorted((self._listing(files, institutions) for files in groups.values()
                                          if any(kind in files for kind in LINKED_KINDS)),
                                         key=lambda listing: (listing.title.casefold(), listing.institution_name,
                                                              listing.language)))
        return self._page(self.path(institution_id), listings, institutions,
                          institutions[institution_id] if institution_id else None)

    def _institutions(self, ids: list[str], corpus: Corpus) -> dict[str, Institution | None]:
        """Each institution's brand and name, as the corpus loaded it. One whose file has errors (already
        reported by the build) is listed under its id, so that its earlier outputs stay findable."""
        institutions: dict[str, Institution | None] = {}
        for institution_id in ids:
            try:
                institutions[institution_id] = corpus.institution(institution_id)
            except (FolderpersError, OSError):
                institutions[institution_id] = None
        return institutions

    def _listing(self, files: dict[str, dict[str, Any]], institutions: dict[str, Institution | None]) -> Listing:
        first = next(entry for entry in files.values() if entry["kind"] in LINKED_KINDS)  # the same facts in each
        institution = institutions[first["institution"]]
        picture = self._picture(files["thumbnail"]["path"]) if "thumbnail" in files and "pdf" in files else None
        return Listing(
            institution=first["institution"],
            institution_name=institution.name if institution else first["institution"],
            folder=first["folder"],
            language=first["language"],
            language_name=self.theme.html.labels(first["language"]).get("language_name", first["language"]),
            title=first["title"],
            code=first["code"],
            version=first["version"],
            approved=date.fromisoformat(first["approved"]),
            review=date.fromisoformat(first["review"]),
            department=first["department"],
            owner=first["owner"],
            files={kind: entry for kind, entry in files.items() if kind in LINKED_KINDS},
            thumbnail=picture,
            related=tuple(first.get("related", ())),
            direction=self.theme.html.language(first["language"]).direction,
        )

    def _picture(self, path: str) -> Picture | None:
        """The thumbnail at `path` (in dist/) with its size, read from its header; None when unreadable."""
        try:
            with open(self.theme.project.dist / path, "rb") as file:
                size = png_size(file.read(24))
        except OSError:
            return None
        return Picture(PurePosixPath(path), *size) if size else None

    def _page(self, path: PurePosixPath, listings: list[Listing], institutions: dict[str, Institution | None],
              institution: Institution | None) -> Rendered:
        """One index page at `path` (relative to dist/); `institution`: that institution's own page, else all."""
        here = posixpath.dirname(str(path)) or "."

        def href(target: str | PurePosixPath) -> str:
            # percent-encoded, so that any name stays one path in the URL (names are checked, but the
            # manifest may hold older entries): a space, `#`, `?` or `%` would end or change the link
            return quote(posixpath.relpath(str(target), here))

        by_folder = {(other.institution, other.folder, other.language): other for other in listings}  # once a page

        def related(listing: Listing) -> list[Listing]:
            """The related folders as published by the same institution in the same language, if listed."""
            return [by_folder[key] for key in ((listing.institution, slug, listing.language)
                                                for slug in listing.related) if key in by_folder]

        template = self.theme.html.environment.get_template("index.html")
        html = template.render(
            related=related,
            listings=listings,
            institution=institution,
            logo=data_url(institution.logo) if institution else None,
            institutions=[(key, value.name if value else key) for key, value in institutions.items()],
            departments=sorted({listing.department for listing in listings}, key=str.casefold),
            languages=sorted({(listing.language, listing.language_name) for listing in listings}),
            href=href,
            size=_size,
            short_date=lambda day: f"{day.day:02d}-{day.month:02d}-{day.year}",
            stylesheet=inline_css(self.theme.project.styles, ("index.css",)),
        )
        return Rendered(path, "index", html.encode("utf-8"))


def _with_versions(listings: list[Listing]) -> list[Listing]:
    """Each listing with links to the same folder of the same institution in its other languages."""
    by_folder: dict[tuple[str, str], list[Listing]] = defaultdict(list)
    for listing in listings:
        by_folder[(listing.institution, listing.folder)].append(listing)
    return [dataclasses.replace(listing, versions=tuple(
        (other.language, other.language_name, other.direction, (other.files.get("web") or other.files["pdf"])["path"])
        for other in sorted(by_folder[(listing.institution, listing.folder)], key=lambda other: other.language)
        if other is not listing and ("web" in other.files or "pdf" in other.files))) for listing in listings]


def _size(count: int) -> str:
    """A file size as Dutch readers write it: 183 kB, 1,2 MB."""
    if count < 1_000_000:
        return f"{max(1, round(count / 1000))} kB"
    return f"{count / 1_000_000:.1f} MB".replace(".", ",")
