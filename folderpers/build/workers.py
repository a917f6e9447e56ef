"""Warm worker processes that render publications.

Importing WeasyPrint and loading fonts costs more than rendering a short folder, so each worker
keeps its writers (font configuration, parsed stylesheets) for many documents. A worker imports
WeasyPrint as soon as it starts, while the parent is still planning what to render. A worker is
replaced after `max_tasks` documents, which keeps memory flat, and a worker that dies (even by a
segfault in a native library) fails only the document it was rendering: the pool starts a new
one and goes on.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import multiprocessing
import os
import resource
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any

from folderpers.errors import FolderpersError
from folderpers.model.publication import Publication
from folderpers.project import Project

if TYPE_CHECKING:
    from folderpers.render.theme import Theme
    from folderpers.writers.base import Rendered, Writer

DEFAULT_MAX_TASKS = 100
PDF_RENDERER_MODULE = "folderpers.render.pdf"  # counts WeasyPrint's time; named, not imported (it imports WeasyPrint)


@dataclass(frozen=True)
class Task:
    key: Any  # whatever identifies the task for the caller
    publication: Publication
    kind: str  # writer kind


@dataclass(frozen=True)
class Done:
    """The outcome of one task: the writer's files, or the error that stopped it."""

    task: Task
    outputs: tuple[Rendered, ...] = ()
    error: BaseException | None = None
    peak_rss_kib: int = 0  # of the worker that rendered it (0 when rendered in the calling process)
    rss_kib: int = 0  # that worker's resident memory right after this document
    seconds: float = 0.0
    weasyprint_seconds: float = 0.0  # the part of `seconds` spent inside WeasyPrint


class WorkerCrashed(Exception):
    """The worker process died while rendering (e.g. killed, or a crash in a native library)."""


def render_task(writers: dict[str, Writer], theme: Theme, task: Task) -> Done:
    """Render one task with cached writers (in a worker, or in the calling process)."""
    from folderpers.writers import WRITERS
    started, weasyprint_before = time.perf_counter(), _weasyprint_seconds()
    outputs: tuple[Rendered, ...] = ()
    error: BaseException | None = None
    try:
        writer = writers.get(task.kind) or writers.setdefault(task.kind, WRITERS[task.kind](theme))
        outputs = writer.render(task.publication)
    except FolderpersError as failure:
        error = failure
    except Exception as failure:  # noqa: BLE001 - a bug in one render must not take the build down
        failure.add_note(traceback.format_exc())
        error = failure
    return Done(task, outputs, error, seconds=time.perf_counter() - started,
                weasyprint_seconds=_weasyprint_seconds() - weasyprint_before)


def _weasyprint_seconds() -> float:
    module = sys.modules.get(PDF_RENDERER_MODULE)  # not imported: nothing rendered with WeasyPrint yet
    return module.seconds_in_weasyprint() if module else 0.0


def _rss_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() // 1024


def _worker_main(connection: Connection, project: Project) -> None:
    from folderpers.render.theme import Theme
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    theme = Theme(project)
    writers: dict[str, Writer] = {}
    theme.pdf_renderer  # noqa: B018 - imports WeasyPrint and sets up fonts before the first task arrives
    # What is alive now (modules, fonts) lives as long as the worker: keep the garbage collector from
    # scanning it again at every full collection while documents are rendered (about 2 % of the time).
    gc.collect()
    gc.freeze()
    while True:
        task = connection.recv()
        if task is None:
            return
        done = render_task(writers, theme, task)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        connection.send(dataclasses.replace(done, peak_rss_kib=peak, rss_kib=_rss_kib()))


class _Worker:
    def __init__(self, context, project: Project):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, project), daemon=True)
        self.process.start()
        child.close()
        self.task: Task | None = None
        self.done = 0

    def send(self, task: Task) -> None:
        self.task = task
        self.connection.send(task)

    def stop(self) -> None:
        with contextlib.suppress(OSError):  # the worker is gone already
            self.connection.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


class WorkerPool:
    """`jobs` warm worker processes; `run(tasks)` yields a Done for every task, in completion order."""

    def __init__(self, project: Project, jobs: int, max_tasks: int = DEFAULT_MAX_TASKS):
        self.project, self.jobs, self.max_tasks = project, max(1, jobs), max_tasks
        self.context = multiprocessing.get_context("fork")
        self.workers: list[_Worker] = []
        self.peak_rss_kib: dict[int, int] = {}  # per worker pid

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info) -> None:
        for worker in self.workers:
            worker.stop()
        self.workers = []

    def start(self, count: int) -> None:
        """Have `count` workers (at most `jobs`) running, also before there are tasks for them."""
        while len(self.workers) < min(self.jobs, count):
            self.workers.append(_Worker(self.context, self.project))

    def run(self, tasks: Iterable[Task]) -> Iterator[Done]:
        pending = deque(tasks)
        self.start(len(pending))
        for worker in self.workers:
            if pending:
                worker.send(pending.popleft())
        while any(worker.task for worker in self.workers):
            busy = [worker for worker in self.workers if worker.task]
            ready = wait([w.connection for w in busy] + [w.process.sentinel for w in busy])
            for worker in busy:
                if worker.connection not in ready and worker.process.sentinel not in ready:
                    continue
                done = _receive(worker)
                if done is None and worker.process.is_alive():
                    continue
                if done is None:  # died before answering: this task fails, a new worker takes over
                    worker.process.join()
                    assert worker.task is not None  # a busy worker has its task
                    done = Done(worker.task, error=WorkerCrashed(_death(worker.process.exitcode)))
                    worker.done = self.max_tasks
                else:
                    worker.done += 1
                    self.peak_rss_kib[worker.process.pid] = max(done.peak_rss_kib,
                                                                 self.peak_rss_kib.get(worker.process.pid, 0))
                worker.task = None
                yield done
                if worker.done >= self.max_tasks:  # recycled: replaced only while there is work left
                    worker.stop()
                    self.workers.remove(worker)
                    if not pending:
                        continue
                    worker = _Worker(self.context, self.project)
                    self.workers.append(worker)
                if pending:
                    worker.send(pending.popleft())


def _receive(worker: _Worker) -> Done | None:
    try:
        return worker.connection.recv() if worker.connection.poll() else None
    except (EOFError, OSError):
        return None


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        return f"the worker process died from signal {name} while rendering this output"
    return f"the worker process exited (code {exitcode}) while rendering this output"


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
