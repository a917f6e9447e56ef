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

import functools
import hashlib
import json
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from pathlib import PurePosixPath
from typing import Any, ClassVar
from urllib.parse import quote

from markupsafe import Markup

from folderpers.errors import FolderpersError
from folderpers.model.institution import Institution
from folderpers.render.html import data_url, inline_css
from folderpers.render.theme import Theme
from folderpers.render.thumbnails import png_size
from folderpers.source.corpus import Corpus
from folderpers.writers.base import Kept, PagePlan, Rendered
from folderpers.writers.published import Published

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


class Neighbourhood:
    """The publications of one index by what links to them: the same folder of an institution in each
    language (a listing's other languages), a folder of an institution in one language (related folders)."""

    def __init__(self, listed: Iterable[Published]):
        self.by_folder: dict[tuple[str, str], list[Published]] = defaultdict(list)
        self.by_language: dict[tuple[str, str, str], Published] = {}
        for publication in listed:
            self.by_folder[(publication.institution, publication.folder)].append(publication)
            self.by_language[(publication.institution, publication.folder, publication.language)] = publication

    def versions(self, publication: Published) -> list[Published]:
        """Its other languages that have a web page or PDF, by language code."""
        languages = self.by_folder[(publication.institution, publication.folder)]
        if len(languages) == 1:  # most folders: no translation
            return []
        return sorted((other for other in languages if other is not publication and _link(other) is not None),
                      key=lambda other: other.language)

    def related(self, publication: Published) -> list[Published]:
        """The folders it links to as the same institution publishes them in the same language, if listed."""
        found = (self.by_language.get((publication.institution, slug, publication.language))
                 for slug in publication.related)
        return [other for other in found if other is not None and _link(other) is not None]


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
    languages: tuple[str, str]  # of its first and last title


@dataclass(frozen=True)
class ListPage:
    """A page of listings: the whole index, or one part of it (with `parts`, `number` its place)."""

    scope: Scope
    listed: tuple[Published, ...]  # in the order shown
    neighbourhood: Neighbourhood
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
        self._languages: dict[str, tuple[str, str]] = {}
        self._sort_keys: dict[str, tuple[str, str]] = {}  # by title: each comes back in every index
        self._logos: dict[str, str] = {}  # an institution's logo as a data: URL, on each of its pages

    def path(self, institution: str | None) -> PurePosixPath:
        """Where the page of `institution` is (None: the page of all institutions)."""
        return PurePosixPath(institution) / INDEX_NAME if institution else PurePosixPath(INDEX_NAME)

    def plan(self, institution_id: str | None, publications: Iterable[Published], institution_ids: list[str],
             corpus: Corpus) -> list[PagePlan]:
        """The pages of `institution_id`'s index (None: of all): one page while it lists at most
        `page_listings` publications, else an overview and its parts (see _parts)."""
        institutions = self._institutions(institution_ids, corpus)
        names = {key: value.name if value else key for key, value in institutions.items()}
        scope = Scope(institutions[institution_id] if institution_id else None, tuple(names.items()))
        listed = [publication for publication in publications if _listed(publication)]
        titles = self._sort_keys
        for title in {publication.title for publication in listed}.difference(titles):
            titles[title] = (_plain(title), title.casefold())
        keyed = sorted(((titles[p.title], names[p.institution], p.language, p.manifest), p) for p in listed)
        del listed
        ordered = tuple(publication for _, publication in keyed)
        neighbourhood = Neighbourhood(ordered)
        path = self.path(institution_id)
        if len(ordered) <= self.page_listings:
            return [_list_plan(path, ListPage(scope, ordered, neighbourhood))]
        keys = tuple(key[0][0] for key, _ in keyed)
        del keyed
        ranges = _parts(keys, self.page_listings)
        parts = tuple(Part(path.parent / PARTS_DIRECTORY / f"{_file_name(keys, start)}.html",
                           ordered[start].title, ordered[end - 1].title, end - start,
                           (ordered[start].language, ordered[end - 1].language)) for start, end in ranges)
        overview = PagePlan(path, (), _json([(str(part.path), part.first, part.last, part.count, part.languages)
                                             for part in parts]), Overview(scope, parts))
        return [overview, *(_list_plan(part.path, ListPage(scope, ordered[start:end], neighbourhood, parts, number))
                            for number, (part, (start, end)) in enumerate(zip(parts, ranges, strict=True)))]

    def render(self, plan: PagePlan, entries: Callable[[str], Iterable[dict[str, Any]]], kept: Kept) -> Rendered:
        """The page: each listing joined from `kept` when one was made with the same key (see _fragment_key),
        else rendered (templates/index-listing.html) and kept."""
        content = plan.content
        if isinstance(content, Overview):
            return self._page(plan.path, content.scope, [], set(), parts=content.parts)
        language = self._language
        page, href = str(plan.path), _hrefs(plan.path)
        before, made, languages = kept.fragments(page), {}, set()
        template = None  # loaded when a listing is to be rendered
        for publication in content.listed:
            versions = content.neighbourhood.versions(publication)
            related = content.neighbourhood.related(publication)
            key = _fragment_key(kept, plan.path, content.scope, publication, [*versions, *related])
            fragment = before.get(key)
            if fragment is None:
                template = template or self.theme.html.environment.get_template("index-listing.html")
                files = {entry["kind"]: entry for entry in entries(publication.manifest)}
                listing = self._listing(files, content.scope, language(publication.language),
                                        tuple((other.language, *language(other.language), str(_link(other)))
                                              for other in versions),
                                        tuple((other.title, str(_link(other))) for other in related))
                fragment = template.render(listing=listing, heading=_heading(publication),
                                           institution=content.scope.institution, href=href, size=_size,
                                           short_date=_short_date)
            made[key] = fragment
            languages.add((publication.language, language(publication.language)[0]))
        kept.keep(page, made)
        return self._page(plan.path, content.scope, [Markup(fragment) for fragment in made.values()], languages,
                          {publication.department for publication in content.listed}, parts=content.parts,
                          number=content.number)

    def _language(self, code: str) -> tuple[str, str]:
        """A language's name (in itself) and direction, looked up once per build and language."""
        if code not in self._languages:
            self._languages[code] = (self.theme.html.labels(code).get("language_name", code),
                                     self.theme.html.language(code).direction)
        return self._languages[code]

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

    def _listing(self, files: dict[str, dict[str, Any]], scope: Scope, language: tuple[str, str],
                 versions: tuple[tuple[str, str, str, str], ...], related: tuple[tuple[str, str], ...]) -> Listing:
        """A listing from its publication's outputs; `language`: its language's name and direction."""
        first = next(entry for entry in files.values() if entry["kind"] in LINKED_KINDS)  # the same facts in each
        picture = self._picture(files["thumbnail"]["path"]) if "thumbnail" in files and "pdf" in files else None
        return Listing(
            institution=first["institution"],
            institution_name=dict(scope.institutions).get(first["institution"], first["institution"]),
            folder=first["folder"],
            language=first["language"],
            language_name=language[0],
            title=first["title"],
            code=first["code"],
            version=first["version"],
            approved=date.fromisoformat(first["approved"]),
            review=date.fromisoformat(first["review"]),
            department=first["department"],
            owner=first["owner"],
            files={kind: entry for kind, entry in files.items() if kind in LINKED_KINDS},
            thumbnail=picture,
            direction=language[1],
            versions=versions,
            related=related,
        )

    def _picture(self, path: str) -> Picture | None:
        """The thumbnail at `path` (in dist/) with its size, read from its header; None when unreadable."""
        try:
            with open(self.theme.project.dist / path, "rb") as file:
                size = png_size(file.read(24))
        except OSError:
            return None
        return Picture(PurePosixPath(path), *size) if size else None

    def _page(self, path: PurePosixPath, scope: Scope, fragments: list[Markup], languages: set[tuple[str, str]],
              departments: Iterable[str] = (), parts: tuple[Part, ...] = (), number: int = 0) -> Rendered:
        """One index page at `path` (relative to dist/): listings (`fragments`, of the whole index or, with
        `parts`, of part `number`), or the overview of `parts` (no listings)."""
        institution = scope.institution
        template = self.theme.html.environment.get_template("index.html")
        html = template.render(
            fragments=fragments,
            institution=institution,
            logo=self._logo(institution) if institution else None,
            institutions=scope.institutions,
            home=self.path(institution.id if institution else None),
            parts=parts,
            part=parts[number] if parts and fragments else None,
            previous=parts[number - 1] if parts and fragments and number > 0 else None,
            next=parts[number + 1] if parts and fragments and number + 1 < len(parts) else None,
            total=sum(part.count for part in parts),
            departments=sorted(departments, key=str.casefold),
            languages=sorted(languages),
            href=_hrefs(path),
            stylesheet=self._stylesheet,
        )
        return Rendered(path, "index", html.encode("utf-8"))

    def _logo(self, institution: Institution) -> str:
        if institution.id not in self._logos:
            self._logos[institution.id] = data_url(institution.logo)
        return self._logos[institution.id]

    @functools.cached_property
    def _stylesheet(self) -> Markup:
        return inline_css(self.theme.project.styles, ("index.css",))


def _hrefs(page: PurePosixPath) -> Callable[[str | PurePosixPath], str]:
    """The link from `page` to a path relative to dist/."""
    here = page.parent.parts

    def href(target: str | PurePosixPath) -> str:
        # relative to the page, worked out here: posixpath.relpath asks for the working directory every
        # time (a third of a page's time); percent-encoded, so that any name stays one path in the URL
        # (names are checked, but the manifest may hold older entries)
        steps = str(target).split("/")
        shared = 0
        while shared < min(len(here), len(steps) - 1) and steps[shared] == here[shared]:
            shared += 1
        return quote("/".join([".."] * (len(here) - shared) + steps[shared:]))
    return href


def _fragment_key(kept: Kept, page: PurePosixPath, scope: Scope, publication: Published,
                  others: list[Published]) -> bytes:
    """What a listing shows, as a digest: its publication's manifest (its facts, files, sizes, thumbnail),
    those of the publications it links to (their titles and paths), the directory of its page (its links
    are relative), whether it names its institution (on the page of all), and the salt (the theme, the
    pipeline and the institutions' files: their names, and the language names)."""
    # delimited text rather than JSON: a remade page keys every listing it has (no name holds a tab or newline)
    shown = [str(page.parent), "all" if scope.institution is None else "",
             *(f"{other.manifest}\t{kept.digest(other.manifest)}" for other in (publication, *others))]
    return hashlib.sha256(kept.salt + "\n".join(shown).encode()).digest()


def _heading(publication: Published) -> str:
    """A listing's heading id: the same on every page and build, whatever characters its names have."""
    return "folder-" + hashlib.sha256(publication.manifest.encode()).hexdigest()[:12]


def _short_date(day: date) -> str:
    return f"{day.day:02d}-{day.month:02d}-{day.year}"


def _listed(publication: Published) -> bool:
    """Whether an index lists the publication: it has an output a listing links to."""
    return any(kind in publication.files for kind in LINKED_KINDS)


def _link(publication: Published) -> str | None:
    """What links to a publication go to: its web page, else its PDF (None: neither is published)."""
    return publication.files.get("web") or publication.files.get("pdf")


def _list_plan(path: PurePosixPath, page: ListPage) -> PagePlan:
    """A page of listings shows its publications and those they link to; a part also links to the
    parts before and after it (by path: their titles are on the overview)."""
    # in the order shown, each once (a deterministic order without sorting: a part of the page of all
    # is planned for each of hundreds of parts)
    shown = dict.fromkeys(publication.manifest for publication in page.listed)
    for publication in page.listed:
        shown.update(dict.fromkeys(other.manifest for other in page.neighbourhood.versions(publication)))
        shown.update(dict.fromkeys(other.manifest for other in page.neighbourhood.related(publication)))
    layout = _json([str(part.path) for part in page.parts[max(0, page.number - 1):page.number + 2]]) \
        if page.parts else ""
    return PagePlan(path, tuple(shown), layout, page)


def _parts(keys: tuple[str, ...], limit: int) -> list[tuple[int, int]]:
    """Split sorted `keys` into runs (start, end) of at most `limit` (unless they are one key): by their
    first letter, runs too long by their first two, and so on; then neighbouring runs joined while they
    fit. Decided by the keys alone, so that the same index always has the same parts, and an edit to
    one title moves at most the runs of its own letters. Worked on the distinct keys with their counts
    (one key is never cut): a title comes once per institution that publishes it."""
    distinct: list[str] = []
    starts = [0]  # where each distinct key's listings start, and where the last ends
    for key, equal in groupby(keys):
        distinct.append(key)
        starts.append(starts[-1] + sum(1 for _ in equal))

    def split(start: int, end: int, depth: int) -> list[tuple[int, int]]:  # of distinct keys
        if starts[end] - starts[start] <= limit or end - start == 1:
            return [(start, end)]
        runs: list[tuple[int, int]] = []
        for _, group in groupby(range(start, end), key=lambda index: distinct[index][:depth + 1]):
            members = list(group)
            for run in split(members[0], members[-1] + 1, depth + 1):
                if runs and starts[run[1]] - starts[runs[-1][0]] <= limit:
                    runs[-1] = (runs[-1][0], run[1])
                else:
                    runs.append(run)
        return runs
    return [(starts[start], starts[end]) for start, end in split(0, len(distinct), 0)] if keys else []


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
