"""The build: collect sources -> load -> resolve per institution -> render with each writer -> publish.

Failures are isolated: a broken folder fails that folder's outputs, a broken institution that
institution's, a failed render that one output. Every outcome is reported as it happens.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Literal

from .errors import FolderpersError, Location, Problem, SourceError
from .fonts import require_font
from .load import load_folder, load_institution, load_snippets
from .model import Folder, Institution, Snippet
from .project import Project
from .publish import publish, remove_leftovers
from .resolve import resolve
from .validate import SchemaSet
from .writers import WRITERS, Theme, Writer

Status = Literal["built", "skipped", "failed"]


@dataclass(frozen=True)
class BuildOptions:
    institutions: tuple[str, ...] = ()  # empty: all
    folders: tuple[str, ...] = ()  # slugs; empty: all
    formats: tuple[str, ...] = tuple(WRITERS)
    debug: bool = False


@dataclass(frozen=True)
class Outcome:
    """What happened to one output (or, for a source that failed to load, to all outputs from it)."""

    status: Status
    subject: str  # the output path, or the source that failed
    problems: tuple[Problem, ...] = ()
    pages: int | None = None
    warnings: tuple[str, ...] = ()
    detail: str = ""


@dataclass
class BuildReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0


Reporter = Callable[[Outcome], None]


def build(project: Project, options: BuildOptions, reporter: Reporter = lambda outcome: None) -> BuildReport:
    report = BuildReport()

    def record(outcome: Outcome) -> None:
        report.outcomes.append(outcome)
        reporter(outcome)

    remove_leftovers(project.dist)
    schemas = SchemaSet(project.schemas)
    institutions = _load_institutions(project, schemas, options, record)
    shared_snippets = load_snippets(project.snippets, schemas)
    theme = Theme(project)
    writers = [WRITERS[kind](theme) for kind in options.formats]
    for source in _selected_folders(project, options, record):
        try:
            folder = load_folder(source, schemas)
            _check_institution_ids(folder, project)
        except Exception as error:  # noqa: BLE001 - a broken folder must not stop the others
            record(_failure(str(Location(source)), error, options.debug))
            continue
        for institution_id, institution in institutions.items():
            if not folder.published_by(institution_id):
                record(Outcome("skipped", f"{folder.slug} for {institution_id}", detail="not published there"))
                continue
            if isinstance(institution, Outcome):  # failed to load: already reported once
                record(Outcome("failed", f"{folder.slug} for {institution_id}",
                               detail=f"institution {institution_id!r} has errors (see above)"))
                continue
            _publish_all(project, folder, institution, shared_snippets, writers, options, record)
    return report


def _publish_all(project: Project, folder: Folder, institution: Institution,
                 shared_snippets: dict[str, Snippet | SourceError], writers: Iterable[Writer],
                 options: BuildOptions, record: Reporter) -> None:
    subject = f"{folder.slug} for {institution.id}"
    try:
        publication = resolve(folder, institution, shared_snippets)
    except Exception as error:  # noqa: BLE001
        record(_failure(subject, error, options.debug))
        return
    for writer in writers:
        target = project.dist / writer.path(publication)
        try:
            rendered = writer.render(publication)
            publish(target, rendered.data)
        except Exception as error:  # noqa: BLE001 - one output's failure fails that output only
            record(_failure(_relative(target, project), error, options.debug))
            continue
        record(Outcome("built", _relative(target, project), pages=rendered.pages, warnings=rendered.warnings))


def _load_institutions(project: Project, schemas: SchemaSet, options: BuildOptions,
                       record: Reporter) -> dict[str, Institution | Outcome]:
    institutions: dict[str, Institution | Outcome] = {}
    available = [source.parent.name for source in project.institution_sources()]
    for wanted in options.institutions:
        if wanted not in available:
            record(Outcome("failed", f"--institution {wanted}", detail=f"no institution {wanted!r}; "
                           f"there are: {', '.join(available)}"))
    for source in project.institution_sources():
        if options.institutions and source.parent.name not in options.institutions:
            continue
        try:
            institution = load_institution(source, schemas)
            require_font(institution)
            institutions[institution.id] = institution
        except Exception as error:  # noqa: BLE001
            outcome = _failure(str(Location(source)), error, options.debug)
            record(outcome)
            institutions[source.parent.name] = outcome
    return institutions


def _selected_folders(project: Project, options: BuildOptions, record: Reporter) -> list[Path]:
    sources = project.folder_sources()
    slugs = sorted({source.parent.name for source in sources})
    for wanted in options.folders:
        if wanted not in slugs:
            record(Outcome("failed", f"--folder {wanted}", detail=f"no folder {wanted!r}; there are: {', '.join(slugs)}"))
    return [source for source in sources if not options.folders or source.parent.name in options.folders]


def _check_institution_ids(folder: Folder, project: Project) -> None:
    known = {source.parent.name for source in project.institution_sources()}
    unknown = [name for name in folder.institutions or () if name not in known]
    if unknown:
        raise SourceError(Problem(folder.institutions_location, f"unknown institution {unknown[0]!r}",
                                  f"institutions are: {', '.join(sorted(known))}"))


def _failure(subject: str, error: BaseException, debug: bool) -> Outcome:
    if isinstance(error, FolderpersError):
        return Outcome("failed", subject, problems=error.problems)
    detail = f"internal error: {type(error).__name__}: {error}"
    detail += "\n" + traceback.format_exc() if debug else " (run with --debug for a traceback)"
    return Outcome("failed", subject, detail=detail)


def _relative(path: Path, project: Project) -> str:
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)
