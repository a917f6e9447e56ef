"""The corpus: a project's folders, institutions and snippets as one collection.

It selects (by `--folder` and `--institution`), loads each source at most once and only when it is
first asked for, and resolves publications. Every command (build, check, review, serve), the index
writer and the benchmark take their sources from a Corpus, so selection rules, error handling and
caching live in one place and nothing reads a YAML file twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, TypeVar

from folderpers.errors import Location, Problem, SourceError
from folderpers.project import Project

if TYPE_CHECKING:  # the parsers (YAML, Markdown, JSON Schema) are imported when a source is first loaded
    from folderpers.model.folder import Folder, Snippet
    from folderpers.model.institution import Institution
    from folderpers.model.publication import Publication
    from folderpers.source.schemas import SchemaSet
    from folderpers.source.translation import LanguageLinks


@dataclass(frozen=True)
class Selection:
    """Which part of the corpus a command works on; empty means all."""

    institutions: tuple[str, ...] = ()  # institution ids
    folders: tuple[str, ...] = ()  # folder slugs (a slug selects the folder and its translations)


class Corpus:
    """The sources of one project, loaded lazily and cached.

    Loading errors are raised to the caller each time it asks (the caller decides how to report
    them); a source that failed is not read again."""

    def __init__(self, project: Project, selection: Selection = Selection()):
        self.project = project
        self.selection = selection
        self._folders: dict[Path, Folder | BaseException] = {}
        self._institutions: dict[str, Institution | BaseException] = {}
        self._languages: dict[Path, LanguageLinks] = {}

    @cached_property
    def schemas(self) -> SchemaSet:
        """The JSON schemas; a broken schema file raises here (the project's problem, not a folder's)."""
        from folderpers.source.schemas import SchemaSet
        return SchemaSet(self.project.schemas)

    # -- selection -------------------------------------------------------------------------------

    @cached_property
    def folder_sources(self) -> tuple[Path, ...]:
        """The selected folder files (a folder and its translations), in a stable order."""
        return tuple(self.project.folder_sources(self.selection.folders))

    @cached_property
    def institution_ids(self) -> tuple[str, ...]:
        """The selected institutions' ids, in a stable order."""
        return tuple(source.parent.name for source in self.project.institution_sources()
                     if not self.selection.institutions or source.parent.name in self.selection.institutions)

    @cached_property
    def all_institution_ids(self) -> frozenset[str]:
        """Every institution of the project, selected or not (a folder may name any of them)."""
        return frozenset(source.parent.name for source in self.project.institution_sources())

    def unknown_selections(self) -> list[tuple[str, Problem]]:
        """(option, problem) for each `--folder` or `--institution` that names nothing in the project."""
        unknown = []
        for name in self.selection.institutions:
            if name not in self.all_institution_ids:
                unknown.append(_unknown("--institution", "institution", name, sorted(self.all_institution_ids)))
        for name in self.selection.folders:
            if not self.project.folder_sources((name,)):  # every folder is listed only then, for the hint
                slugs = sorted({source.parent.name for source in self.project.folder_sources()})
                unknown.append(_unknown("--folder", "folder", name, slugs))
        return unknown

    # -- loading ---------------------------------------------------------------------------------

    def folder(self, source: Path) -> Folder:
        """The folder in `source`, loaded and validated (SourceError when it has errors)."""
        return _cached(self._folders, source, lambda: self._load_folder(source))

    def folders(self) -> dict[Path, Folder | BaseException]:
        """Every selected folder by source, or the error that stops it from loading."""
        return {source: _outcome(self.folder, source) for source in self.folder_sources}

    def release(self, source: Path) -> None:
        """Forget the folder in `source` and its language links (a build lets go of each folder once its
        tasks are planned, so that its memory does not grow with the corpus); asked again, it is loaded again."""
        self._folders.pop(source, None)
        self._languages.pop(source, None)

    def institution(self, institution_id: str) -> Institution:
        """The institution `institution_id`, loaded and validated (a FolderpersError when it has errors)."""
        source = self.project.institutions / institution_id / "institution.yaml"
        return _cached(self._institutions, institution_id, lambda: _load().load_institution(source, self.schemas))

    def institutions(self) -> dict[str, Institution | BaseException]:
        """Every selected institution by id, or the error that stops it from loading."""
        return {institution_id: _outcome(self.institution, institution_id) for institution_id in self.institution_ids}

    @cached_property
    def shared_snippets(self) -> dict[str, Snippet | SourceError]:
        """The shared snippets (`snippets/*.yaml`) by name; a broken one maps to its error."""
        snippets: dict[str, Snippet | SourceError] = _load().load_snippets(self.project.snippets, self.schemas)
        return snippets

    # -- resolving -------------------------------------------------------------------------------

    def publication(self, folder: Folder, institution: Institution, keep_typed_phones: bool = False) -> Publication:
        """What `institution` publishes of `folder` (ResolveError listing every unresolved reference; typed
        phone numbers too, unless `keep_typed_phones`: see resolve), with its language versions and, for a
        stale translation, the sections out of date."""
        from folderpers.source.resolve import resolve
        return self.languages(folder).apply(resolve(folder, institution, self.shared_snippets, keep_typed_phones))

    def languages(self, folder: Folder) -> LanguageLinks:
        """The folder's language versions and, for a translation, how it stands against folder.yaml."""
        if folder.source not in self._languages:
            from folderpers.source.translation import link_languages
            self._languages[folder.source] = link_languages(folder)
        return self._languages[folder.source]

    def _load_folder(self, source: Path) -> Folder:
        folder: Folder = _load().load_folder(source, self.schemas)
        unknown = [name for name in folder.institutions or () if name not in self.all_institution_ids]
        if unknown:
            raise SourceError(Problem(folder.location_of("institutions"), f"unknown institution {unknown[0]!r}",
                                      f"institutions are: {', '.join(sorted(self.all_institution_ids))}"))
        return folder


def _unknown(option: str, noun: str, name: str, available: list[str]) -> tuple[str, Problem]:
    return f"{option} {name}", Problem(Location(Path(name)), f"no {noun} {name!r}", f"there are: {', '.join(available)}")


def _load() -> ModuleType:
    """folderpers.source.load, imported when a source is first loaded (its parsers cost more than a no-op build)."""
    from folderpers.source import load
    return load


K = TypeVar("K")
T = TypeVar("T")


def _cached(cache: dict[K, T | BaseException], key: K, load: Callable[[], T]) -> T:
    """What `load` gives for `key`, loaded once; an error is kept too, and raised to every caller."""
    if key not in cache:
        try:
            cache[key] = load()
        except Exception as error:  # noqa: BLE001 - kept and raised again to every caller
            cache[key] = error
    loaded = cache[key]
    if isinstance(loaded, BaseException):
        raise loaded
    return loaded


def _outcome(get: Callable[[K], T], key: K) -> T | BaseException:
    """`get(key)`, or the error it raises."""
    try:
        return get(key)
    except Exception as error:  # noqa: BLE001 - the caller reports it
        return error
