"""The build: collect sources -> load -> review policy -> resolve per institution -> render with each
writer -> publish -> manifest.

Failures are isolated: a broken folder fails that folder's outputs, a broken institution that
institution's, a failed render that one output. Every outcome is reported as it happens.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Literal

from .errors import FolderpersError, Location, Problem, SourceError
from .fonts import require_font
from .load import load_folder, load_institution, load_snippets
from .manifest import Manifest, input_digests, output_entry
from .model import Folder, Institution, Snippet
from .project import Project
from .publish import publish, remove_leftovers
from .resolve import resolve
from .review import ReviewPolicy, ReviewStatus, assess, check_publishable
from .validate import SchemaSet
from .writers import COLLECTION_WRITERS, KINDS, WRITERS, CollectionWriter, Theme, Writer

Status = Literal["built", "skipped", "failed"]


@dataclass(frozen=True)
class BuildOptions:
    institutions: tuple[str, ...] = ()  # empty: all
    folders: tuple[str, ...] = ()  # slugs; empty: all
    formats: tuple[str, ...] = KINDS
    policy: ReviewPolicy = field(default_factory=lambda: ReviewPolicy(date.today()))
    debug: bool = False


@dataclass(frozen=True)
class Outcome:
    """What happened to one output (or, for a source that failed to load, to all outputs from it)."""

    status: Status
    subject: str  # the output path, or the source that failed
    problems: tuple[Problem, ...] = ()
    pages: int | None = None
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
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
Progress = Callable[[int, int], None]  # (folders done, folders selected): for a progress bar


@dataclass
class _Build:
    """The state of one build run, shared by its steps."""

    project: Project
    options: BuildOptions
    reporter: Reporter
    report: BuildReport = field(default_factory=BuildReport)

    def record(self, outcome: Outcome) -> None:
        self.report.outcomes.append(outcome)
        self.reporter(outcome)

    def failure(self, subject: str, error: BaseException) -> None:
        self.record(_failure(subject, error, self.options.debug))


def build(project: Project, options: BuildOptions, reporter: Reporter = lambda outcome: None,
          progress: Progress = lambda done, total: None) -> BuildReport:
    run = _Build(project, options, reporter)
    remove_leftovers(project.dist)
    schemas = SchemaSet(project.schemas)
    institutions = _load_institutions(run, schemas)
    shared_snippets = load_snippets(project.snippets, schemas)
    theme = Theme(project)
    writers = [WRITERS[kind](theme) for kind in options.formats if kind in WRITERS]
    manifest = Manifest.load(project.dist)
    sources = _selected_folders(run)
    for done, source in enumerate(sources):
        progress(done, len(sources))
        try:
            folder = load_folder(source, schemas)
            _check_institution_ids(folder, project)
            warnings = check_publishable(assess(folder, options.policy), options.policy)
        except Exception as error:  # noqa: BLE001 - a broken folder must not stop the others
            run.failure(str(Location(source)), error)
            continue
        for institution_id, institution in institutions.items():
            if not folder.published_by(institution_id):
                run.record(Outcome("skipped", f"{folder.slug} for {institution_id}", detail="not published there"))
            elif isinstance(institution, Outcome):  # failed to load: already reported once
                run.record(Outcome("failed", f"{folder.slug} for {institution_id}",
                                   detail=f"institution {institution_id!r} has errors (see above)"))
            else:
                _publish_all(run, folder, institution, shared_snippets, writers, theme, manifest, warnings)
    progress(len(sources), len(sources))
    if run.report.count("built"):
        manifest.write()
    for kind in options.formats:
        if kind in COLLECTION_WRITERS:
            _publish_collection(run, COLLECTION_WRITERS[kind](theme), manifest)
    return run.report


def _publish_collection(run: _Build, writer: CollectionWriter, manifest: Manifest) -> None:
    try:
        outputs = writer.render(manifest.current())
        for output in outputs:
            publish(run.project.dist / output.path, output.data)
    except Exception as error:  # noqa: BLE001
        run.failure(f"{writer.kind} (of everything in {_shown(run.project.dist, run.project)})", error)
        return
    for output in outputs:
        run.record(Outcome("built", _shown(run.project.dist / output.path, run.project), pages=output.pages,
                           warnings=output.warnings, notes=output.notes))


def _publish_all(run: _Build, folder: Folder, institution: Institution,
                 shared_snippets: dict[str, Snippet | SourceError], writers: Iterable[Writer], theme: Theme,
                 manifest: Manifest, warnings: tuple[str, ...]) -> None:
    try:
        publication = resolve(folder, institution, shared_snippets)
    except Exception as error:  # noqa: BLE001
        run.failure(f"{folder.slug} for {institution.id}", error)
        return
    shared_inputs = (*publication.sources, *theme.files)
    for writer in writers:
        try:
            outputs = writer.render(publication)
            for output in outputs:
                publish(run.project.dist / output.path, output.data)
        except Exception as error:  # noqa: BLE001 - one output's failure fails that output only
            run.failure(_shown(run.project.dist / writer.path(publication), run.project), error)
            continue
        for output in outputs:
            inputs = input_digests((*shared_inputs, *output.inputs), run.project.root)
            manifest.record(output_entry(str(output.path), output.kind, output.data, output.pages, publication, inputs))
            run.record(Outcome("built", _shown(run.project.dist / output.path, run.project), pages=output.pages,
                               warnings=warnings + output.warnings, notes=output.notes))


def _load_institutions(run: _Build, schemas: SchemaSet) -> dict[str, Institution | Outcome]:
    institutions: dict[str, Institution | Outcome] = {}
    sources = run.project.institution_sources()
    available = [source.parent.name for source in sources]
    for wanted in run.options.institutions:
        if wanted not in available:
            run.record(Outcome("failed", f"--institution {wanted}",
                               detail=f"no institution {wanted!r}; there are: {', '.join(available)}"))
    for source in sources:
        if run.options.institutions and source.parent.name not in run.options.institutions:
            continue
        try:
            institution = load_institution(source, schemas)
            require_font(institution)
            institutions[institution.id] = institution
        except Exception as error:  # noqa: BLE001
            outcome = _failure(str(Location(source)), error, run.options.debug)
            run.record(outcome)
            institutions[source.parent.name] = outcome
    return institutions


def _selected_folders(run: _Build) -> list[Path]:
    sources = run.project.folder_sources()
    slugs = sorted({source.parent.name for source in sources})
    for wanted in run.options.folders:
        if wanted not in slugs:
            run.record(Outcome("failed", f"--folder {wanted}", detail=f"no folder {wanted!r}; there are: {', '.join(slugs)}"))
    return [source for source in sources if not run.options.folders or source.parent.name in run.options.folders]


def _check_institution_ids(folder: Folder, project: Project) -> None:
    known = {source.parent.name for source in project.institution_sources()}
    unknown = [name for name in folder.institutions or () if name not in known]
    if unknown:
        raise SourceError(Problem(folder.location_of("institutions"), f"unknown institution {unknown[0]!r}",
                                  f"institutions are: {', '.join(sorted(known))}"))


def review_statuses(project: Project, policy: ReviewPolicy) -> tuple[list[ReviewStatus], list[Outcome]]:
    """Every folder's review status (for `build.py review`), and the folders that failed to load."""
    schemas = SchemaSet(project.schemas)
    statuses, failures = [], []
    for source in project.folder_sources():
        try:
            statuses.append(assess(load_folder(source, schemas), policy))
        except Exception as error:  # noqa: BLE001
            failures.append(_failure(str(Location(source)), error, debug=False))
    return sorted(statuses, key=lambda status: (status.folder.review, status.folder.slug)), failures


def _failure(subject: str, error: BaseException, debug: bool) -> Outcome:
    if isinstance(error, FolderpersError):
        return Outcome("failed", subject, problems=error.problems)
    detail = f"internal error: {type(error).__name__}: {error}"
    detail += "\n" + traceback.format_exc() if debug else " (run with --debug for a traceback)"
    return Outcome("failed", subject, detail=detail)


def _shown(path: Path, project: Project) -> str:
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)
