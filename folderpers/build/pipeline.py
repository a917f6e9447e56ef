"""The build: collect sources -> load -> review policy -> resolve per institution -> plan (skip what is
unchanged) -> render with each writer (in warm worker processes) -> publish -> manifest -> index.

Failures are isolated: a broken folder fails that folder's outputs, a broken institution that
institution's, a failed render that one output. Every outcome is reported as it happens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path, PurePosixPath

from folderpers.build.executors import open_executor
from folderpers.build.manifest import Manifest, combined_digest, entries_current, input_digests, output_entry
from folderpers.build.publish import publish, remove_leftovers
from folderpers.build.workers import DEFAULT_MAX_TASKS, Done, Task
from folderpers.errors import Location
from folderpers.model.folder import Folder
from folderpers.model.institution import Institution
from folderpers.model.outcome import BuildReport, Outcome
from folderpers.project import Project
from folderpers.render.fonts import require_font
from folderpers.render.theme import Theme
from folderpers.source.corpus import Corpus, Selection
from folderpers.source.review import ReviewPolicy, assess, check_publishable, review_state
from folderpers.writers import COLLECTION_WRITERS, KINDS, WRITERS, CollectionWriter, Writer


@dataclass(frozen=True)
class BuildOptions:
    institutions: tuple[str, ...] = ()  # empty: all
    folders: tuple[str, ...] = ()  # slugs; empty: all
    formats: tuple[str, ...] = KINDS
    policy: ReviewPolicy = field(default_factory=lambda: ReviewPolicy(date.today()))
    jobs: int = 0  # worker processes; 0 renders in this process
    force: bool = False  # rebuild outputs whose inputs did not change
    max_tasks_per_worker: int = DEFAULT_MAX_TASKS
    executor: str = "local"  # where tasks render: local, dask://HOST:PORT or dask-local:N (see build/executors)
    debug: bool = False


Reporter = Callable[[Outcome], None]
Progress = Callable[[int, int], None]  # (documents rendered, documents to render): for a progress bar


@dataclass
class _Build:
    """The state of one build run, shared by its steps."""

    project: Project
    options: BuildOptions
    reporter: Reporter
    corpus: Corpus
    report: BuildReport = field(default_factory=BuildReport)

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


def build(project: Project, options: BuildOptions, reporter: Reporter = lambda outcome: None,
          progress: Progress = lambda done, total: None) -> BuildReport:
    """Build what `options` ask for; `reporter` hears each outcome, `progress` (done, total) each render."""
    corpus = Corpus(project, Selection(options.institutions, options.folders))
    run = _Build(project, options, reporter, corpus)
    remove_leftovers(project.dist)
    for option, problem in corpus.unknown_selections():
        run.record(Outcome("failed", option, detail=f"{problem.message}; {problem.hint}"))
    theme = Theme(project)
    writers = [WRITERS[kind](theme) for kind in options.formats if kind in WRITERS]
    manifest = Manifest.load(project.dist)
    theme_inputs = input_digests(theme.files, project.root)
    tasks: list[Task] = []
    recorded = manifest.by_source()
    kinds = tuple(writer.kind for writer in writers)
    with _Renderer(run, theme) as renderer:
        for source in corpus.folder_sources:
            if not options.force and _still_current(run, source, recorded, corpus.institution_ids, kinds,
                                                    theme_inputs):
                continue
            _ = corpus.schemas  # outside the try: a broken schema is the project's problem, not the folder's
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
                    tasks.extend(_plan(run, folder, institution, writers, theme_inputs, manifest, warnings))
            renderer.start(len(tasks))  # workers warm up while the other folders are planned
        progress(0, len(tasks))
        for count, done in enumerate(renderer.run(_longest_first(tasks)), 1):
            _publish(run, done, manifest)
            progress(count, len(tasks))
    if project.dist.is_dir():
        manifest.write()
    for kind in options.formats:
        if kind in COLLECTION_WRITERS:
            _publish_collection(run, COLLECTION_WRITERS[kind](theme), manifest, corpus)
    return run.report


def _plan(run: _Build, folder: Folder, institution: Institution, writers: Iterable[Writer],
          theme_inputs: dict[str, str], manifest: Manifest, warnings: tuple[str, ...]) -> list[Task]:
    """The render tasks for one folder and institution; outputs whose inputs did not change are reported
    as unchanged instead (decided from content hashes in the manifest, never from timestamps)."""
    try:
        publication = run.corpus.publication(folder, institution)
    except Exception as error:  # noqa: BLE001
        run.failure(f"{folder.slug} for {institution.id}", error)
        return []
    tasks = []
    shared = {**theme_inputs, **input_digests(publication.sources, run.project.root)}
    for writer in writers:
        paths = writer.paths(publication)
        inputs = dict(sorted({**shared, **input_digests(writer.inputs(publication), run.project.root)}.items()))
        digest = combined_digest(inputs, writer.kind)
        if not run.options.force and manifest.unchanged(paths, run.project.dist, digest):
            for path in paths:
                run.record(Outcome("unchanged", _shown(run.project.dist / path, run.project), warnings=warnings))
        else:
            tasks.append(Task(_Work(paths, inputs, digest, warnings), publication, writer.kind))
    return tasks


def _still_current(run: _Build, source: Path, recorded: dict[str, list[dict]], institutions: tuple[str, ...],
                   kinds: tuple[str, ...], theme_inputs: dict[str, str]) -> bool:
    """The fast path of a no-op rebuild: when the folder file and everything its outputs were made
    from are unchanged (by content hash), report its outputs as unchanged without loading it.
    Anything unusual (a changed institution, a new institution or format, an expired review date)
    returns False, and the folder takes the full path with its proper messages. An institution whose
    file is unchanged loaded without errors when these outputs were made from it."""
    entries = recorded.get(_shown(source, run.project), [])
    if not entries:
        return False
    published = entries[0]["published_by"]
    wanted = {(institution, kind) for institution in institutions for kind in kinds
              if published == "all" or institution in published}
    relevant = [entry for entry in entries if (entry["institution"], entry["writer"]) in wanted]
    if {(entry["institution"], entry["writer"]) for entry in relevant} != wanted or not relevant:
        return False
    state, _, warnings = review_state(date.fromisoformat(entries[0]["approved"]),
                                      date.fromisoformat(entries[0]["review"]), run.options.policy)
    if state == "expired" or not entries_current(relevant, run.project.dist, run.project.root, theme_inputs):
        return False
    for entry in relevant:  # an institution's new snippet may replace a shared one: not current then
        snippets = (run.project.institutions / entry["institution"] / "snippets").glob("*.yaml")
        if any(_shown(path, run.project) not in entry["inputs"] for path in snippets):
            return False
    for entry in sorted(relevant, key=lambda entry: entry["path"]):
        run.record(Outcome("unchanged", _shown(run.project.dist / entry["path"], run.project), warnings=warnings))
    return True


class _Renderer:
    """Renders tasks with the executor --executor names (local: warm worker processes, or this process)."""

    def __init__(self, run: _Build, theme: Theme):
        options = run.options
        self.run_state = run
        self.executor = open_executor(options.executor, run.project, theme, options.jobs, options.max_tasks_per_worker)

    def __enter__(self) -> _Renderer:
        return self

    def __exit__(self, *exc_info) -> None:
        self.run_state.report.peak_rss_kib = dict(self.executor.peak_rss_kib)
        self.executor.close()

    def start(self, tasks: int) -> None:
        """Get the executor ready for `tasks` tasks: local workers import WeasyPrint while the rest is planned."""
        self.executor.start(tasks)

    def run(self, tasks: list[Task]) -> Iterator[Done]:
        report = self.run_state.report
        for done in self.executor.run(tasks):
            report.render_seconds += done.seconds
            report.weasyprint_seconds += done.weasyprint_seconds
            yield done


def _longest_first(tasks: list[Task]) -> list[Task]:
    """The tasks by estimated rendering time, longest first, so that no worker is left with a long
    one at the end while the others wait (the folder file's size stands for its length)."""
    def cost(task: Task) -> float:
        return WRITERS[task.kind].relative_cost * task.publication.folder.source.stat().st_size
    return sorted(tasks, key=cost, reverse=True)


def _publish(run: _Build, done: Done, manifest: Manifest) -> None:
    work: _Work = done.task.key
    if done.error is not None:
        run.failure(_shown(run.project.dist / work.paths[0], run.project), done.error)
        return
    try:
        for output in done.outputs:
            publish(run.project.dist / output.path, output.data, run.project.dist)
    except OSError as error:
        run.failure(_shown(run.project.dist / work.paths[0], run.project), error)
        return
    for output in done.outputs:
        manifest.record(output_entry(str(output.path), output.kind, done.task.kind, output.data, output.pages,
                                     done.task.publication, work.inputs, work.inputs_sha256,
                                     _shown(done.task.publication.folder.source, run.project)))
        run.record(Outcome("built", _shown(run.project.dist / output.path, run.project), pages=output.pages,
                           warnings=work.warnings + output.warnings, notes=output.notes))


def _publish_collection(run: _Build, writer: CollectionWriter, manifest: Manifest, corpus: Corpus) -> None:
    try:
        outputs = writer.render(manifest.current(), corpus)
        written = [publish(run.project.dist / output.path, output.data, run.project.dist) for output in outputs]
    except Exception as error:  # noqa: BLE001
        run.failure(f"{writer.kind} (of everything in {_shown(run.project.dist, run.project)})", error)
        return
    for output, was_written in zip(outputs, written, strict=True):
        run.record(Outcome("built" if was_written else "unchanged", _shown(run.project.dist / output.path, run.project),
                           pages=output.pages, warnings=output.warnings, notes=output.notes))


def _shown(path: Path, project: Project) -> str:
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)
