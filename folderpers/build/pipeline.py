"""The build: collect sources -> load -> review policy -> resolve per institution -> plan (skip what is
unchanged) -> render with each writer (in warm worker processes) -> publish -> manifest -> index.

Failures are isolated: a broken folder fails that folder's outputs, a broken institution that
institution's, a failed render that one output. Every outcome is reported as it happens.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from folderpers.build.executors import open_executor
from folderpers.build.limits import DEFAULT_LIMITS, DocumentLimits
from folderpers.build.manifest import (
    PIPELINE,
    combined_digest,
    file_digest,
    input_digests,
    publication_facts,
    publication_manifest,
    write_manifests,
)
from folderpers.build.publish import output_error, output_lock, publish, remove_leftovers
from folderpers.build.state import StateStore, canonical_digest
from folderpers.build.workers import DEFAULT_MAX_TASKS, Done, Task
from folderpers.errors import Location, OutputError
from folderpers.model.outcome import BuildReport, Outcome
from folderpers.project import Project
from folderpers.render.fonts import require_font
from folderpers.render.theme import Theme
from folderpers.source.corpus import Corpus, Selection
from folderpers.source.review import ReviewPolicy, assess, check_publishable, review_state
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
    claimed: dict[PurePosixPath, str] = field(default_factory=dict)  # output path -> the folder file that makes it
    theme_inputs: dict[str, str] = field(default_factory=dict)  # digests of every template and style
    theme_id: int | None = None  # the state store's id of theme_inputs with PIPELINE (None: nothing made from them)
    checked: set[str] = field(default_factory=set)  # outputs known to be in dist/ as recorded (or just written)
    snippet_names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # an institution's own snippet files
    planned: int = 0  # render tasks planned so far
    done: int = 0  # of which rendered

    def record(self, outcome: Outcome) -> None:
        self.report.outcomes.append(outcome)
        self.reporter(outcome)

    def failure(self, subject: str, error: BaseException) -> None:
        self.record(Outcome.failure(subject, error, self.options.debug))

    @cached_property
    def institutions(self) -> dict[str, Institution | Outcome]:
        """The selected institutions by id, loaded when first needed (a no-op build needs none: their
        files' hashes are among the recorded inputs); one that fails is reported once, as its Outcome."""
        institutions: dict[str, Institution | Outcome] = {}
        for institution_id, loaded in self.corpus.institutions().items():
            try:
                if isinstance(loaded, BaseException):
                    raise loaded
                require_font(loaded)
                institutions[institution_id] = loaded
            except Exception as error:  # noqa: BLE001 - a broken institution must not stop the others
                source = self.project.institutions / institution_id / "institution.yaml"
                outcome = Outcome.failure(str(Location(source)), error, self.options.debug)
                self.record(outcome)
                institutions[institution_id] = outcome
        return institutions


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
        store.drop_missing(run.checked)
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
    """The render tasks of every selected publication, folder by folder, as they are planned."""
    corpus, options = run.corpus, run.options
    writers: list[Writer] = []  # made when a folder needs planning: a no-op imports no writer
    for source in corpus.folder_sources:
        if not options.force and _still_current(run, source, store, corpus.institution_ids, kinds):
            continue
        _ = corpus.schemas  # outside the try: a broken schema is the project's problem, not the folder's
        if not writers:
            from folderpers.writers import WRITERS
            writers = [WRITERS[kind](theme) for kind in kinds]
        try:
            folder = corpus.folder(source)
            warnings = check_publishable(assess(folder, options.policy), options.policy) + \
                corpus.languages(folder).warnings
        except Exception as error:  # noqa: BLE001 - a broken folder must not stop the others
            run.failure(str(Location(source)), error)
            continue
        for institution_id, institution in run.institutions.items():
            if not folder.published_by(institution_id):
                run.record(Outcome("skipped", f"{folder.slug} for {institution_id}", detail="not published there"))
            elif isinstance(institution, Outcome):  # failed to load: already reported once
                run.record(Outcome("failed", f"{folder.slug} for {institution_id}",
                                   detail=f"institution {institution_id!r} has errors (see above)"))
            else:
                tasks = _plan(run, folder, institution, writers, store, warnings)
                run.planned += len(tasks)
                renderer.start(run.planned)  # workers start (and import WeasyPrint) as soon as there is work
                yield from tasks
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
        if not run.options.force and _unchanged(run, store, paths, digest):
            for path in paths:
                run.checked.add(str(path))
                run.record(Outcome("unchanged", _shown(run.project.dist / path, run.project), warnings=warnings))
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


def _unchanged(run: _Build, store: StateStore, paths: tuple[PurePosixPath, ...], inputs_sha256: str) -> bool:
    """True when every file was made from exactly these inputs and is still in dist/ as it was made."""
    for path in paths:
        recorded = store.of_path(str(path))
        if recorded is None or recorded.inputs_sha256 != inputs_sha256 or not store.intact(recorded,
                                                                                             run.options.verify):
            return False
    return True


def _still_current(run: _Build, source: Path, store: StateStore, institutions: tuple[str, ...],
                   kinds: tuple[str, ...]) -> bool:
    """The fast path of a no-op rebuild: when the folder file and everything its outputs were made
    from are unchanged (by content hash), report its outputs as unchanged without loading it.
    Anything unusual (a changed institution, a new institution or format, an expired review date)
    returns False, and the folder takes the full path with its proper messages. An institution whose
    file is unchanged loaded without errors when these outputs were made from it."""
    recorded = store.of_source(_shown(source, run.project))
    if not recorded or run.theme_id is None:
        return False
    facts = recorded[0].facts  # the folder's: the same in every output made from this file
    published = facts["published_by"]
    wanted = {(institution, kind) for institution in institutions for kind in kinds
              if published == "all" or institution in published}
    relevant = [output for output in recorded if (output.institution, output.writer) in wanted]
    if {(output.institution, output.writer) for output in relevant} != wanted or not relevant:
        return False
    state, _, warnings = review_state(date.fromisoformat(facts["approved"]), date.fromisoformat(facts["review"]),
                                      run.options.policy)
    if state == "expired":
        return False
    digests: dict[str, str] = {}  # each input file hashed once, however many outputs it made
    for output in relevant:
        if output.theme != run.theme_id:  # a template, style or the pipeline's version changed
            return False
        for name, digest in output.own_inputs.items():
            if name not in digests:
                path = run.project.root / name
                digests[name] = file_digest(path) if path.is_file() else ""
            if digests[name] != digest:
                return False
        # an institution's new snippet may replace a shared one: not current then
        if any(name not in output.own_inputs for name in _snippet_names(run, output.institution)):
            return False
        if not store.intact(output, run.options.verify):
            return False
    for output in sorted(relevant, key=lambda output: output.path):
        run.checked.add(output.path)
        run.record(Outcome("unchanged", _shown(run.project.dist / output.path, run.project), warnings=warnings))
    return True


def _snippet_names(run: _Build, institution: str) -> tuple[str, ...]:
    if institution not in run.snippet_names:
        snippets = (run.project.institutions / institution / "snippets").glob("*.yaml")
        run.snippet_names[institution] = tuple(_shown(path, run.project) for path in snippets)
    return run.snippet_names[institution]


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
        run.checked.add(str(output.path))
        run.record(Outcome("built", _shown(dist / output.path, run.project), pages=output.pages,
                           warnings=work.warnings + output.warnings, notes=work.notes + output.notes))


def _publish_collection(run: _Build, kind: str, theme: Theme, store: StateStore, corpus: Corpus) -> None:
    """The index pages: each made again only when the publications it lists (by their manifests'
    checksums), the theme or an institution's file changed since it was made (decided from the state
    store); the page of an institution with no outputs left is removed. Made in this process: a page
    is templating only (the thumbnails are made with their PDFs, in the workers)."""
    project = run.project
    digests = store.publication_digests()
    common = {"theme": run.theme_inputs, "pipeline": PIPELINE,
              "institutions": input_digests(project.institution_sources(), project.root)}
    institution_ids = sorted(scope for scope in digests if scope is not None)
    writer: CollectionWriter | None = None  # made when a page is to be made: a no-op imports no writer
    kept: set[str] = set()
    for scope in [None, *institution_ids]:
        made_from = canonical_digest({**common, "page": scope or "", "publications": digests[scope]})
        current = None if run.options.force else store.current_page(kind, made_from, run.options.verify)
        if current is not None:
            kept.add(current)
            run.record(Outcome("unchanged", _shown(project.dist / current, project)))
            continue
        if writer is None:
            from folderpers.writers import COLLECTION_WRITERS
            writer = COLLECTION_WRITERS[kind](theme)
        path = writer.path(scope)
        kept.add(str(path))
        try:
            output = writer.render(scope, store.entries(institution=scope), institution_ids, corpus)
            written = publish(project.dist / output.path, output.data, project.dist)
            store.record_page(str(output.path), kind, made_from, output.data)
        except Exception as error:  # noqa: BLE001
            run.failure(f"{kind} ({_shown(project.dist / path, project)})", error)
            continue
        run.record(Outcome("built" if written else "unchanged", _shown(project.dist / output.path, project),
                           pages=output.pages, warnings=output.warnings, notes=output.notes))
    for gone in store.pages(kind):
        if gone not in kept:  # of an institution with no outputs left
            try:
                (project.dist / gone).unlink(missing_ok=True)
            except OSError as error:
                run.failure(f"{kind} ({_shown(project.dist / gone, project)})",
                            output_error(error, project.dist / gone, "cannot remove"))
                continue
            store.forget_page(gone)


def _shown(path: Path, project: Project) -> str:
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)
