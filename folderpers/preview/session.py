"""The live preview's builds: what a saved file makes stale, rebuilding that into a preview
directory (never dist/), and the failures the browser shows.

Each folder is built on its own (web page first, so the page in the browser updates at once,
then the PDF), so that its failures can be replaced when it is built again while the failures of
the others stay shown; then the index pages, which also check every folder again. `version` goes
up whenever what the browser shows may have changed: open pages poll it and reload.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from folderpers.build.pipeline import BuildOptions, build
from folderpers.build.publish import output_lock
from folderpers.build.state import StateStore
from folderpers.model.outcome import BuildReport, Outcome
from folderpers.project import Project
from folderpers.source.review import ReviewPolicy

# Web first: it takes a tenth of a second, a PDF a second or more.
PASSES = (("web",), ("pdf",))
COLLECTION = ("index",)


@dataclass(frozen=True)
class Scope:
    """What to rebuild: some folders by slug, or (None) everything."""

    folders: frozenset[str] | None

    @classmethod
    def of(cls, changed: Iterable[Path], project: Project) -> Scope:
        """A change inside folders/<slug>/ makes that folder stale; any other file (an institution, a
        snippet, a template, a style, a schema) may change every output."""
        slugs = set()
        folders = project.folders.resolve()
        for path in changed:
            try:
                slugs.add(path.resolve().relative_to(folders).parts[0])
            except (ValueError, IndexError):
                return EVERYTHING
        return cls(frozenset(slugs))


EVERYTHING = Scope(None)


def unique(outcomes: Iterable[Outcome]) -> list[Outcome]:
    """Each outcome once, in order: a broken folder fails in each pass and again in the index build."""
    return list({(o.subject, o.problems, o.detail): o for o in outcomes}.values())


class Preview:
    """Builds `project` into `output` and keeps the failures to show; safe to read from other threads."""

    def __init__(self, project: Project, policy: ReviewPolicy, output: Path):
        self.project = Project(project.root, output=output)
        self.policy = policy
        self.version = 0
        self._lock = threading.Lock()
        self._folder_failures: dict[str, list[Outcome]] = {}
        self._index_failures: list[Outcome] = []

    def failures(self) -> list[Outcome]:
        """Every current failure, once."""
        with self._lock:
            outcomes = [o for failures in self._folder_failures.values() for o in failures] + self._index_failures
        return unique(outcomes)

    def rebuild(self, scope: Scope) -> BuildReport:
        """Rebuild what `scope` names; return what its passes did together (each failure once). A failing
        build is a failure shown, not raised."""
        present = {source.parent.name for source in self.project.folder_sources()}
        wanted = present if scope.folders is None else scope.folders & present
        self._remove(set(self._folder_failures) - present)  # every folder built before has an entry
        with self._lock:  # the index build repeats the folders' failures: drop them, or a fixed one would linger
            self._index_failures = []
        report = BuildReport()
        for slug in sorted(wanted):
            failures: list[Outcome] = []
            for formats in PASSES:
                passed = self._build(formats, (slug,))
                report.merge(passed)
                failures.extend(passed.failures)
                self._show(slug, list(failures))
        passed = self._build(COLLECTION, ())
        report.merge(passed)
        self._show(None, passed.failures)
        return report

    def _remove(self, slugs: set[str]) -> None:
        """Forget folders that are gone: their outputs (so the index drops them) and their failures."""
        if not slugs:
            return
        with output_lock(self.project.dist):  # the state store is a build's while it runs
            store = StateStore(self.project.dist)
            try:
                paths = store.paths_of_folders(slugs)
            finally:
                store.close()
        for path in paths:
            (self.project.dist / path).unlink(missing_ok=True)
        with self._lock:
            for slug in slugs:
                self._folder_failures.pop(slug, None)

    def _build(self, formats: tuple[str, ...], folders: tuple[str, ...]) -> BuildReport:
        # rendered in a worker process: a document that crashes or hangs WeasyPrint fails, the server lives on
        options = BuildOptions(folders=folders, formats=formats, policy=self.policy, jobs=1)
        try:
            return build(self.project, options)
        except Exception as error:  # noqa: BLE001 - e.g. a schema file that is not JSON: show it, keep serving
            return BuildReport.of([Outcome("failed", f"building {', '.join(folders) or 'the index'}",
                                           detail=f"{type(error).__name__}: {error}")])

    def _show(self, slug: str | None, failures: list[Outcome]) -> None:
        """Make `failures` the ones of folder `slug` (None: of the index build); open pages reload."""
        with self._lock:
            if slug is None:
                self._index_failures = failures
            else:
                self._folder_failures[slug] = failures
            self.version += 1
