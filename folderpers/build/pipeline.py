"""The build: collect sources -> load -> review policy -> resolve per institution -> plan (skip what is
unchanged) -> render with each writer (in warm worker processes) -> publish -> manifest -> index
(the pages of each index that changed, made in worker processes by pages.py).

Failures are isolated: a broken folder fails that folder's outputs, a broken institution that
institution's, a failed render that one output. Every outcome is reported as it happens.
"""

from __future__ import annotations

import hashlib
import heapq
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from folderpers.build.executors import open_executor
from folderpers.build.freshness import Freshness, Wanted
from folderpers.build.limits import DEFAULT_LIMITS, DocumentLimits
from folderpers.build.manifest import (
    PIPELINE,
    combined_digest,
    input_digests,
    publication_facts,
    publication_manifest,
    write_manifests,
)
from folderpers.build.pages import ScopeJob, ScopeMade, make_scopes
from folderpers.build.publish import output_error, output_lock, publish, remove_leftovers
from folderpers.build.state import StateStore, canonical_digest
from folderpers.build.workers import DEFAULT_MAX_TASKS, Done, Task
from folderpers.errors import Location, OutputError
from folderpers.model.outcome import BuildReport, Outcome
from folderpers.project import Project
from folderpers.render.fonts import require_font
from folderpers.render.theme import Theme
from folderpers.source.corpus import Corpus, Selection
from folderpers.source.review import ReviewPolicy, assess, check_publishable
from folderpers.writers import COLLECTION_KINDS, KINDS

if TYPE_CHECKING:
    from folderpers.model.blocks import Variation
    from folderpers.model.folder import Folder
    from folderpers.model.institution import Institution
    from folderpers.writers import CollectionWriter, Writer


@dataclass(frozen=True)
class BuildOptions:
    institutions: tuple[str, ...] = ()  # empty: all
    folders: tuple[str, ...] = ()  # slugs; empty: all
    formats: tuple[str, ...] = KINDS
    policy: ReviewPolicy = field(default_factory=lambda: ReviewPolicy(date.today()))
    jobs: int = 0  # worker processes; 0 renders in this process
    force: bool = False  # rebuild outputs whose inputs did not change
    verify: bool = False  # hash every output file to decide it is intact (else: by size and modification time)
    max_tasks_per_worker: int = DEFAULT_MAX_TASKS
    executor: str = "local"  # where tasks render: local, dask://HOST:PORT or dask-local:N (see build/executors)
    debug: bool = False
    limits: DocumentLimits = DEFAULT_LIMITS  # per output: wall-clock seconds and memory


LOOKAHEAD_PER_WORKER = 4  # tasks planned ahead per worker, to choose the longest among them
Reporter = Callable[[Outcome], None]
Progress = Callable[[int, int], None]  # (documents rendered, documents to render): for a progress bar


@dataclass
class _Build:
    """The state of one build run, shared by its steps."""

    project: Project
    options: BuildOptions
    reporter: Reporter
    progress: Progress
    corpus: Corpus
    report: BuildReport = field(default_factory=BuildReport)
    claimed: dict[PurePosixPath, str] = field(default_factory=dict)  # output path -> the folder file that makes it,
    # for the folder directory being planned (only its files, a folder and its translations, can make the same path)
    theme_inputs: dict[str, str] = field(default_factory=dict)  # digests of every template and style
    theme_id: int | None = None  # the state store's id of theme_inputs with PIPELINE (None: nothing made from them)
    settled: set[str] = field(default_factory=set)  # folder files whose every recorded output this build checked
    institutions: dict[str, Institution | Outcome] = field(default_factory=dict)  # loaded so far, by id
    planned: int = 0  # render tasks planned so far
    done: int = 0  # of which rendered

    def record(self, outcome: Outcome) -> None:
        self.report.add(outcome)
        self.reporter(outcome)

    def unchanged(self, paths: Sequence[str | PurePosixPath], warnings: tuple[str, ...]) -> None:
        """Outputs found unchanged: counted; an Outcome each (for the reporter) only when there are warnings."""
        if not warnings:
            self.report.add_unchanged(len(paths))
            return
        for path in sorted(map(str, paths)):
            self.record(Outcome("unchanged", _shown(self.project.dist / path, self.project), warnings=warnings))

    def failure(self, subject: str, error: BaseException) -> None:
        self.record(Outcome.failure(subject, error, self.options.debug))

    def institution(self, institution_id: str) -> Institution | Outcome:
        """A selected institution, loaded when a folder first needs it (a no-op build needs none: their
        files' hashes are among the recorded inputs; the first task need not wait for all of them to
        load); one that fails is reported once, as its Outcome."""
        if institution_id not in self.institutions:
            try:
                loaded = self.corpus.institution(institution_id)
                require_font(loaded)
                self.institutions[institution_id] = loaded
            except Exception as error:  # noqa: BLE001 - a broken institution must not stop the others
                source = self.project.institutions / institution_id / "institution.yaml"
                outcome = Outcome.failure(str(Location(source)), error, self.options.debug)
                self.record(outcome)
                self.institutions[institution_id] = outcome
        return self.institutions[institution_id]


@dataclass(frozen=True)
class _Work:
    """What the pipeline needs to know about a render task when its result comes back."""

    paths: tuple[PurePosixPath, ...]
    inputs: dict[str, str]
    inputs_sha256: str
    warnings: tuple[str, ...]
    notes: tuple[str, ...] = ()  # which per-institution text the publication got


def build(project: Project, options: BuildOptions, reporter: Reporter = lambda outcome: None,
          progress: Progress = lambda done, total: None) -> BuildReport:
    """Build what `options` ask for; `reporter` hears each outcome, `progress` (done, total) each render."""
    with output_lock(project.dist):  # one build at a time per output directory: the manifest stays whole
        return _build_locked(project, options, reporter, progress)


def _build_locked(project: Project, options: BuildOptions, reporter: Reporter, progress: Progress) -> BuildReport:
    corpus = Corpus(project, Selection(options.institutions, options.folders))
    run = _Build(project, options, reporter, progress, corpus)
    remove_leftovers(project.dist)
    for option, problem in corpus.unknown_selections():
        run.record(Outcome("failed", option, detail=f"{problem.message}; {problem.hint}"))
    theme = Theme(project)
    store = StateStore(project.dist)
    try:
        run.theme_inputs = input_digests(theme.files, project.root)
        run.theme_id = store.known_theme_id(run.theme_inputs, PIPELINE)
        kinds = tuple(kind for kind in options.formats if kind not in COLLECTION_KINDS)
        if kinds:  # only the index pages asked for: no folder need be loaded
            _render_publications(run, theme, kinds, store)
        store.drop_missing(run.settled)
        store.finish()
        write_manifests(store, project.dist)
        for kind in options.formats:
            if kind in COLLECTION_KINDS:
                _publish_collection(run, kind, theme, store, corpus)
    finally:
        store.close()
    return run.report


def _render_publications(run: _Build, theme: Theme, kinds: tuple[str, ...], store: StateStore) -> None:
    """Plan every selected publication (skipping what is unchanged), render and publish the rest:
    rendering starts as soon as the first tasks are planned, and planning goes on while they render."""
    with _Renderer(run, theme) as renderer:
        planned = _planned(run, theme, kinds, store, renderer)
        window = LOOKAHEAD_PER_WORKER * run.options.jobs if run.options.jobs > 0 else 1
        run.progress(0, 0)
        for done in renderer.run(_longest_first(planned, window)):
            run.done += 1
            _publish(run, done, store)
            run.progress(run.done, run.planned)


def _planned(run: _Build, theme: Theme, kinds: tuple[str, ...], store: StateStore,
             renderer: _Renderer) -> Iterator[Task]:
    """The render tasks of every selected publication, folder by folder, as they are planned. A folder
    is let go once its tasks are planned (the tasks hold what they need until they are published)."""
    corpus, options = run.corpus, run.options
    freshness = None if options.force or run.theme_id is None else Freshness(
        run.project, store, run.theme_id, Wanted(corpus.institution_ids, kinds, options.policy, options.verify))
    writers: list[Writer] = []  # made when a folder needs planning: a no-op imports no writer
    directory = None
    for source in corpus.folder_sources:
        shown = _shown(source, run.project)
        if source.parent != directory:
            directory = source.parent
            run.claimed.clear()
        current = freshness.current(shown) if freshness is not None else None
        if current is not None:
            run.unchanged(current.paths, current.warnings)
            run.settled.add(shown)
            continue
        # there is work (most likely): the workers start now and import WeasyPrint while this folder loads
        renderer.start(len(kinds) * len(corpus.institution_ids))
        _ = corpus.schemas  # outside the try: a broken schema is the project's problem, not the folder's
        if not writers:
            from folderpers.writers import WRITERS
            writers = [WRITERS[kind](theme) for kind in kinds]
        try:
            folder = corpus.folder(source)
            warnings = check_publishable(assess(folder, options.policy), options.policy) + \
                corpus.languages(folder).warnings
        except Exception as error:  # noqa: BLE001 - a broken folder must not stop the others
            corpus.release(source)
            run.failure(str(Location(source)), error)
            continue
        for institution_id in corpus.institution_ids:
            if not folder.published_by(institution_id):
                run.record(Outcome("skipped", f"{folder.slug} for {institution_id}", detail="not published there"))
            elif isinstance(institution := run.institution(institution_id), Outcome):  # already reported once
                run.record(Outcome("failed", f"{folder.slug} for {institution_id}",
                                   detail=f"institution {institution_id!r} has errors (see above)"))
            else:
                tasks = _plan(run, folder, institution, writers, store, warnings)
                run.planned += len(tasks)
                renderer.start(run.planned)  # more workers as the planned tasks outnumber them
                yield from tasks
        corpus.release(source)
        made_here = {str(path) for path, maker in run.claimed.items() if maker == shown}
        store.forget_missing(path for (path, *_) in store.rows_of_source(shown) if path not in made_here)
        run.settled.add(shown)
    run.progress(run.done, run.planned)


def _plan(run: _Build, folder: Folder, institution: Institution, writers: Iterable[Writer], store: StateStore,
          warnings: tuple[str, ...]) -> list[Task]:
    """The render tasks for one folder and institution; outputs whose inputs did not change are reported
    as unchanged instead (decided from content hashes in the state store, never from timestamps)."""
    try:
        publication = run.corpus.publication(folder, institution)
    except Exception as error:  # noqa: BLE001
        run.failure(f"{folder.slug} for {institution.id}", error)
        return []
    tasks = []
    shared = {**run.theme_inputs, **input_digests(publication.sources, run.project.root)}
    for writer in writers:
        paths = writer.paths(publication)
        if _collides(run, paths, folder):
            continue
        inputs = dict(sorted({**shared, **input_digests(writer.inputs(publication), run.project.root)}.items()))
        digest = combined_digest(inputs, writer.kind)
        if not run.options.force and all(store.intact(str(path), digest, run.options.verify) for path in paths):
            run.unchanged(paths, warnings)
        else:
            tasks.append(Task(_Work(paths, inputs, digest, warnings, _variants_note(folder, institution.id)),
                              publication, writer.kind))
    return tasks


def _variants_note(folder: Folder, institution_id: str) -> tuple[str, ...]:
    """Where the folder differs per institution (`only:`, `except:`, `variants:`): what this one gets."""
    if not folder.variations:
        return ()
    kept = [v for v in folder.variations if v.scope.includes(institution_id)]
    left_out = [v for v in folder.variations if not v.scope.includes(institution_id)]

    def places(variations: list[Variation]) -> str:
        return ", ".join(f"line {v.location.line} {v.what}" for v in variations) or "none"
    return (f"per-institution text for {institution_id}: has {places(kept)}; not {places(left_out)}",)


def _collides(run: _Build, paths: tuple[PurePosixPath, ...], folder: Folder) -> bool:
    """Whether another folder file already makes one of `paths` (then this output fails, before rendering)."""
    source = _shown(folder.source, run.project)
    for path in paths:
        other = run.claimed.setdefault(path, source)
        if other != source:
            run.record(Outcome("failed", _shown(run.project.dist / path, run.project),
                               detail=f"{source} would overwrite the output of {other}; rename one of the two"))
            return True
    return False


class _Renderer:
    """Renders tasks with the executor --executor names (local: warm worker processes, or this process)."""

    def __init__(self, run: _Build, theme: Theme):
        options = run.options
        self.run_state = run
        self.executor = open_executor(options.executor, run.project, theme, options.jobs, options.max_tasks_per_worker,
                                      options.limits)

    def __enter__(self) -> _Renderer:
        return self

    def __exit__(self, *exc_info) -> None:
        self.run_state.report.peak_rss_kib = dict(self.executor.peak_rss_kib)
        self.executor.close()

    def start(self, tasks: int) -> None:
        """Get the executor ready for `tasks` tasks: local workers import WeasyPrint while the rest is planned."""
        self.executor.start(tasks)

    def run(self, tasks: Iterable[Task]) -> Iterator[Done]:
        report = self.run_state.report
        for done in self.executor.run(tasks):
            report.render_seconds += done.seconds
            report.weasyprint_seconds += done.weasyprint_seconds
            yield done


def _longest_first(tasks: Iterable[Task], window: int) -> Iterator[Task]:
    """The tasks in order of estimated rendering time, longest first among the next `window` planned,
    so that no worker is left with a long one at the end while the others wait (the folder file's size
    stands for its length), without waiting for all of them to be planned."""
    def cost(task: Task) -> float:
        from folderpers.writers import WRITERS  # not before there is a task: a no-op imports no writer
        return WRITERS[task.kind].relative_cost * task.publication.folder.source.stat().st_size
    waiting: list[tuple[float, int, Task]] = []  # a heap: (-cost, order planned, task)
    for order, task in enumerate(tasks):
        heapq.heappush(waiting, (-cost(task), order, task))
        if len(waiting) >= window:
            yield heapq.heappop(waiting)[2]
    while waiting:
        yield heapq.heappop(waiting)[2]


def _publish(run: _Build, done: Done, store: StateStore) -> None:
    work: _Work = done.task.key
    if done.error is not None:
        run.failure(_shown(run.project.dist / work.paths[0], run.project), done.error)
        return
    dist = run.project.dist
    try:
        for output in done.outputs:
            publish(dist / output.path, output.data, dist)
    except (OSError, OutputError) as error:  # e.g. a full disk: this output fails, with its file and cause
        run.failure(_shown(dist / work.paths[0], run.project), error)
        return
    publication = done.task.publication
    facts = publication_facts(publication)
    source = _shown(publication.folder.source, run.project)
    theme_id = store.theme_id(run.theme_inputs, PIPELINE)
    own_inputs = {name: digest for name, digest in work.inputs.items() if name not in run.theme_inputs}
    manifest = publication_manifest(publication.institution.id, publication.stem)
    for output in done.outputs:
        store.record(str(output.path), output.kind, done.task.kind, source, hashlib.sha256(output.data).hexdigest(),
                     len(output.data), (dist / output.path).stat().st_mtime_ns, output.pages, work.inputs_sha256,
                     theme_id, own_inputs, facts, manifest)
        run.record(Outcome("built", _shown(dist / output.path, run.project), pages=output.pages,
                           warnings=work.warnings + output.warnings, notes=work.notes + output.notes))


def _publish_collection(run: _Build, kind: str, theme: Theme, store: StateStore, corpus: Corpus) -> None:
    """The index pages, scope by scope (all institutions, then each): a scope whose publications (by
    their manifests' checksums), theme and institutions are as when its pages were made is left alone
    (decided from the state store); the others are made by build/pages.py, in worker processes, each
    page again only when what it shows changed. A page no scope plans any more (of an institution with
    no outputs left, a part an index no longer has) is removed."""
    project = run.project
    digests = store.publication_digests()
    institution_ids = sorted(scope for scope in digests if scope is not None)
    common = {"theme": run.theme_inputs, "pipeline": PIPELINE, "with outputs": institution_ids,
              "institutions": input_digests(project.institution_sources(), project.root)}
    common_digest = canonical_digest(common)
    salt = canonical_digest({**common, "forced": secrets.token_hex(16) if run.options.force else ""})  # --force:
    # no listing reused
    kept: set[str] = set()
    jobs = []
    for scope in [None, *institution_ids]:
        scope_from = canonical_digest({**common, "page": scope or "", "publications": digests[scope]})
        current = None if run.options.force else store.current_scope(kind, scope or "", scope_from,
                                                                     run.options.verify)
        if current is not None:
            kept.update(current)
            for path in current:
                run.record(Outcome("unchanged", _shown(project.dist / path, project)))
        else:
            jobs.append((ScopeJob(kind, scope, tuple(institution_ids), common_digest, salt, run.options.force,
                                  run.options.verify), scope_from))
    if jobs:
        from folderpers.writers import COLLECTION_WRITERS  # a no-op imports no writer
        writer = COLLECTION_WRITERS[kind](theme)
        scopes_from = {job: scope_from for job, scope_from in jobs}
        for made in make_scopes([job for job, _ in jobs], writer, corpus, store, run.options.jobs):
            kept.update(_record_scope(run, writer, made, scopes_from[made.job], store))
            store.commit_when_full()  # not per index: a commit costs several fsyncs (a page written but not
            # recorded is made again by the next build)
        store.commit()
    for gone in store.pages(kind):
        if gone not in kept:
            try:
                (project.dist / gone).unlink(missing_ok=True)
                if (project.dist / gone).parent != project.dist and not any((project.dist / gone).parent.iterdir()):
                    (project.dist / gone).parent.rmdir()  # a directory of pages (parts) left empty
            except OSError as error:
                run.failure(f"{kind} ({_shown(project.dist / gone, project)})",
                            output_error(error, project.dist / gone, "cannot remove"))
                continue
            store.forget_page(gone)


def _record_scope(run: _Build, writer: CollectionWriter, made: ScopeMade, scope_from: bytes,
                  store: StateStore) -> set[str]:
    """Report and record the pages of one scope as build/pages.py made them; the scope is settled unless a
    page failed (then the next build makes it again). Returns the paths of the
    scope's pages (to keep)."""
    project, job = run.project, made.job
    if made.paths is None:
        assert made.error is not None  # a scope is planned, or fails with its error
        path = project.dist / writer.path(job.scope)
        run.failure(f"{job.kind} ({_shown(path, project)})", made.error)
        return set(store.pages(job.kind, job.scope or ""))  # its earlier pages stay until it can be planned
    for page in made.pages:
        shown = _shown(project.dist / page.path, project)
        if page.error is not None:
            run.failure(f"{job.kind} ({shown})", page.error)
        elif not page.made:
            run.record(Outcome("unchanged", shown))
        else:
            store.record_page(page.path, job.kind, job.scope or "", page.made_from, page.sha256)
            store.change_fragments(page.path, page.dropped, page.added)
            run.record(Outcome("built" if page.written else "unchanged", shown, pages=page.pages,
                               warnings=page.warnings, notes=page.notes))
    if not any(page.error for page in made.pages):
        store.settle_scope(list(made.paths), scope_from)
    return set(made.paths)


def _shown(path: Path, project: Project) -> str:
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)
