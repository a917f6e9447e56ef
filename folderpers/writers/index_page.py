"""The intranet index: dist/index.html lists everything published, dist/<institution>/index.html
one institution's folders, each with a thumbnail of its first page (dist/<institution>/thumbs/,
made with the screen PDF: see render/thumbnails.py).

Made page by page from the build's state after the publications (a CollectionWriter), so it lists
exactly the files in dist/; the build makes again only the pages whose publications changed. An index
of more than PAGE_LISTINGS publications is split into parts A to Z (dist/[<institution>/]a_z/*.html,
by the titles' first letters) with index.html their overview: a page stays a size a browser opens at
once, and an edit remakes the one part it is in, not an index of tens of thousands of listings.
Self-contained pages (styles inline, thumbnails as files beside them, relative links), so they work
from a file share or file:// as well as from a web server. Search and filters are a small inline
script; without JavaScript the full list is shown and the filter form stays hidden.
"""

from __future__ import annotations

import json
import posixpath
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from pathlib import PurePosixPath
from typing import Any, ClassVar
from urllib.parse import quote

from folderpers.errors import FolderpersError
from folderpers.model.institution import Institution
from folderpers.render.html import data_url, inline_css
from folderpers.render.theme import Theme
from folderpers.render.thumbnails import png_size
from folderpers.source.corpus import Corpus
from folderpers.writers.base import PagePlan, Rendered

INDEX_NAME = "index.html"
PARTS_DIRECTORY = "a_z"  # beside an index page split into parts; no folder or institution name has "_"
PAGE_LISTINGS = 200  # listings on one page at most (unless they share one title): a larger index is split
LINKED_KINDS = ("web", "pdf", "print-pdf", "booklet")  # the outputs a listing links to (not the preflight report)


@dataclass(frozen=True)
class Picture:
    """A thumbnail as a listing shows it."""

    path: PurePosixPath  # relative to dist/
    width: int
    height: int


@dataclass(frozen=True)
class Summary:
    """A publication as an index page is planned with it: where it goes, what other listings link to."""

    manifest: str  # the path of its publication manifest: the build's key for it
    institution: str
    folder: str
    language: str
    title: str
    related: tuple[str, ...]  # slugs of the folders it links to ({folder:slug})
    link: str | None  # what links to it go to: its web page, else its PDF (None: neither is published)


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
    direction: str = "ltr"  # of its language: rtl for Arabic
    versions: tuple[tuple[str, str, str, str], ...] = ()  # its other languages: (code, name, direction, path)
    related: tuple[tuple[str, str], ...] = ()  # the folders it links to, as listed: (title, path)

    @property
    def thumbnail_size(self) -> tuple[int, int] | None:
        return (self.thumbnail.width, self.thumbnail.height) if self.thumbnail else None

    @property
    def search_text(self) -> str:
        """What the search box matches: title, code, department, owner, institution, folder name."""
        return " ".join((self.title, self.code, self.department, self.owner, self.institution_name, self.folder))


@dataclass(frozen=True)
class Links:
    """What a listing links to beyond its own files: its other languages and its related folders."""

    versions: tuple[tuple[str, str, str, str], ...]  # (code, name, direction, path)
    related: tuple[tuple[str, str], ...]  # (title, path)
    targets: tuple[str, ...]  # the manifests of the publications linked to


@dataclass(frozen=True)
class Scope:
    """What every page of one index shows: whose it is, and the institutions it names."""

    institution: Institution | None  # None: the index of all institutions
    institutions: tuple[tuple[str, str], ...]  # (id, name) of every institution with outputs


@dataclass(frozen=True)
class Part:
    """One page of an index split into parts: where it is and the titles it runs from and to."""

    path: PurePosixPath
    first: str
    last: str
    count: int


@dataclass(frozen=True)
class ListPage:
    """A page of listings: the whole index, or one part of it (with `parts`, `number` its place)."""

    scope: Scope
    listed: tuple[str, ...]  # manifests, in the order shown
    links: dict[str, Links]  # by manifest
    parts: tuple[Part, ...] = ()
    number: int = 0


@dataclass(frozen=True)
class Overview:
    """The page of an index split into parts: the parts, A to Z."""

    scope: Scope
    parts: tuple[Part, ...]


class IndexWriter:
    kind: ClassVar[str] = "index"

    def __init__(self, theme: Theme):
        self.theme = theme
        self.page_listings = PAGE_LISTINGS

    def path(self, institution: str | None) -> PurePosixPath:
        """Where the page of `institution` is (None: the page of all institutions)."""
        return PurePosixPath(institution) / INDEX_NAME if institution else PurePosixPath(INDEX_NAME)

    def plan(self, institution_id: str | None, entries: Iterable[dict[str, Any]], institution_ids: list[str],
             corpus: Corpus) -> list[PagePlan]:
        """The pages of `institution_id`'s index (None: of all): one page while it lists at most
        `page_listings` publications, else an overview and its parts (see _parts)."""
        institutions = self._institutions(institution_ids, corpus)
        names = {key: value.name if value else key for key, value in institutions.items()}
        scope = Scope(institutions[institution_id] if institution_id else None, tuple(names.items()))
        summaries = [summary for summary in _summaries(entries) if summary is not None]
        keyed = sorted((((_plain(summary.title), summary.title.casefold(), names[summary.institution],
                          summary.language, summary.manifest), summary) for summary in summaries),
                       key=lambda pair: pair[0])
        ordered = [summary for _, summary in keyed]
        links = self._links(ordered)
        path = self.path(institution_id)
        if len(ordered) <= self.page_listings:
            return [_list_plan(path, ListPage(scope, tuple(s.manifest for s in ordered), links))]
        keys = tuple(key[0] for key, _ in keyed)
        ranges = _parts(keys, self.page_listings)
        parts = tuple(Part(path.parent / PARTS_DIRECTORY / f"{_file_name(keys, start)}.html",
                           ordered[start].title, ordered[end - 1].title, end - start) for start, end in ranges)
        overview = PagePlan(path, (), _json([(str(part.path), part.first, part.last, part.count) for part in parts]),
                            Overview(scope, parts))
        pages = [_list_plan(part.path, ListPage(scope, tuple(s.manifest for s in ordered[start:end]),
                                                {s.manifest: links[s.manifest] for s in ordered[start:end]},
                                                parts, number))
                 for number, (part, (start, end)) in enumerate(zip(parts, ranges, strict=True))]
        return [overview, *pages]

    def render(self, plan: PagePlan, entries: Callable[[str], Iterable[dict[str, Any]]]) -> Rendered:
        content = plan.content
        if isinstance(content, Overview):
            return self._page(plan.path, content.scope, [], parts=content.parts)
        listings = []
        for manifest in content.listed:
            files = {entry["kind"]: entry for entry in entries(manifest)}
            listings.append(self._listing(files, content.scope, content.links[manifest]))
        return self._page(plan.path, content.scope, listings, parts=content.parts, number=content.number)

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

    def _links(self, summaries: list[Summary]) -> dict[str, Links]:
        """Each listing's other languages (the same folder of the same institution) and related folders
        (as the same institution publishes them in the same language), by manifest."""
        by_folder: dict[tuple[str, str], list[Summary]] = defaultdict(list)
        for summary in summaries:
            by_folder[(summary.institution, summary.folder)].append(summary)
        by_language = {(s.institution, s.folder, s.language): s for s in summaries}
        links = {}
        for summary in summaries:
            versions = [other for other in sorted(by_folder[(summary.institution, summary.folder)],
                                                  key=lambda other: other.language)
                        if other is not summary and other.link is not None]
            related = [by_language[key] for key in ((summary.institution, slug, summary.language)
                                                    for slug in summary.related) if key in by_language]
            links[summary.manifest] = Links(
                versions=tuple((other.language, self._language_name(other.language),
                                self.theme.html.language(other.language).direction, str(other.link))
                               for other in versions),
                related=tuple((other.title, str(other.link)) for other in related if other.link is not None),
                targets=tuple(sorted({other.manifest for other in (*versions, *related)})))
        return links

    def _language_name(self, language: str) -> str:
        return self.theme.html.labels(language).get("language_name", language)

    def _listing(self, files: dict[str, dict[str, Any]], scope: Scope, links: Links) -> Listing:
        first = next(entry for entry in files.values() if entry["kind"] in LINKED_KINDS)  # the same facts in each
        picture = self._picture(files["thumbnail"]["path"]) if "thumbnail" in files and "pdf" in files else None
        return Listing(
            institution=first["institution"],
            institution_name=dict(scope.institutions).get(first["institution"], first["institution"]),
            folder=first["folder"],
            language=first["language"],
            language_name=self._language_name(first["language"]),
            title=first["title"],
            code=first["code"],
            version=first["version"],
            approved=date.fromisoformat(first["approved"]),
            review=date.fromisoformat(first["review"]),
            department=first["department"],
            owner=first["owner"],
            files={kind: entry for kind, entry in files.items() if kind in LINKED_KINDS},
            thumbnail=picture,
            direction=self.theme.html.language(first["language"]).direction,
            versions=links.versions,
            related=links.related,
        )

    def _picture(self, path: str) -> Picture | None:
        """The thumbnail at `path` (in dist/) with its size, read from its header; None when unreadable."""
        try:
            with open(self.theme.project.dist / path, "rb") as file:
                size = png_size(file.read(24))
        except OSError:
            return None
        return Picture(PurePosixPath(path), *size) if size else None

    def _page(self, path: PurePosixPath, scope: Scope, listings: list[Listing], parts: tuple[Part, ...] = (),
              number: int = 0) -> Rendered:
        """One index page at `path` (relative to dist/): listings (of the whole index or, with `parts`, of
        part `number`), or the overview of `parts` (no listings)."""
        here = posixpath.dirname(str(path)) or "."

        def href(target: str | PurePosixPath) -> str:
            # percent-encoded, so that any name stays one path in the URL (names are checked, but the
            # manifest may hold older entries): a space, `#`, `?` or `%` would end or change the link
            return quote(posixpath.relpath(str(target), here))

        institution = scope.institution
        template = self.theme.html.environment.get_template("index.html")
        html = template.render(
            listings=listings,
            institution=institution,
            logo=data_url(institution.logo) if institution else None,
            institutions=scope.institutions,
            home=self.path(institution.id if institution else None),
            parts=parts,
            part=parts[number] if parts and listings else None,
            previous=parts[number - 1] if parts and listings and number > 0 else None,
            next=parts[number + 1] if parts and listings and number + 1 < len(parts) else None,
            total=sum(part.count for part in parts),
            departments=sorted({listing.department for listing in listings}, key=str.casefold),
            languages=sorted({(listing.language, listing.language_name) for listing in listings}),
            href=href,
            size=_size,
            short_date=lambda day: f"{day.day:02d}-{day.month:02d}-{day.year}",
            stylesheet=inline_css(self.theme.project.styles, ("index.css",)),
        )
        return Rendered(path, "index", html.encode("utf-8"))


def _summaries(entries: Iterable[dict[str, Any]]) -> Iterator[Summary | None]:
    """A Summary per publication of `entries` (which come one publication after the other); None for
    one the index does not list (no output it links to)."""
    for manifest, group in groupby(entries, key=lambda entry: entry["publication"]):
        files = {entry["kind"]: entry for entry in group}
        linked = [files[kind] for kind in LINKED_KINDS if kind in files]
        if not linked:
            yield None
            continue
        first = linked[0]
        link = files.get("web") or files.get("pdf")
        yield Summary(manifest, first["institution"], first["folder"], first["language"], first["title"],
                      tuple(first.get("related", ())), link["path"] if link else None)


def _list_plan(path: PurePosixPath, page: ListPage) -> PagePlan:
    """A page of listings shows its publications and those they link to; a part also its neighbours."""
    shown = set(page.listed).union(*(page.links[manifest].targets for manifest in page.listed))
    neighbours = [(str(part.path), part.first, part.last) for part in
                  page.parts[max(0, page.number - 1):page.number + 2]] if page.parts else []
    layout = _json(neighbours) if page.parts else ""
    return PagePlan(path, tuple(sorted(shown)), layout, page)


def _parts(keys: tuple[str, ...], limit: int) -> list[tuple[int, int]]:
    """Split sorted `keys` into runs (start, end) of at most `limit` (unless they are one key): by their
    first letter, runs too long by their first two, and so on; then neighbouring runs joined while they
    fit. Decided by the keys alone, so that the same index always has the same parts, and an edit to
    one title moves at most the runs of its own letters."""
    def split(start: int, end: int, depth: int) -> list[tuple[int, int]]:
        if end - start <= limit or keys[start] == keys[end - 1]:  # sorted: the first equal to the last, all are
            return [(start, end)]
        runs: list[tuple[int, int]] = []
        for _, group in groupby(range(start, end), key=lambda index: keys[index][:depth + 1]):
            members = list(group)
            for run in split(members[0], members[-1] + 1, depth + 1):
                if runs and run[1] - runs[-1][0] <= limit:
                    runs[-1] = (runs[-1][0], run[1])
                else:
                    runs.append(run)
        return runs
    return split(0, len(keys), 0) if keys else []


def _file_name(keys: tuple[str, ...], start: int) -> str:
    """The file name of the part starting at `start`: the shortest start of its first key that the part
    before does not share (its first letter for the first part), with what is not a-z or 0-9 spelled out."""
    first = keys[start]
    before = keys[start - 1] if start else ""
    length = next((n for n in range(1, len(first) + 1) if first[:n] != before[:n]), len(first))
    return "".join(char if char in _FILE_CHARACTERS else "-" if char == " " else f"_{ord(char):x}_"
                   for char in first[:length]) or "_"


_FILE_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _plain(title: str) -> str:
    """A title as the index sorts and splits it: without accents or case ("Één" with "Een")."""
    return "".join(char for char in unicodedata.normalize("NFKD", title) if not unicodedata.combining(char)).casefold()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _size(count: int) -> str:
    """A file size as Dutch readers write it: 183 kB, 1,2 MB."""
    if count < 1_000_000:
        return f"{max(1, round(count / 1000))} kB"
    return f"{count / 1_000_000:.1f} MB".replace(".", ",")
