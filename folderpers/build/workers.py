"""Warm worker processes that render publications.

Importing WeasyPrint and loading fonts costs more than rendering a short folder, so each worker
keeps its writers (font configuration, parsed stylesheets) for many documents. A worker imports
WeasyPrint as soon as it starts, while the parent is still planning what to render. A worker is
replaced after `max_tasks` documents, which keeps memory flat, and a worker that dies (even by a
segfault in a native library) fails only the document it was rendering: the pool starts a new
one and goes on. Each document is rendered within DocumentLimits (see limits.py): the parent kills a
worker that takes too long, and a worker's address space is bounded. Workers die with the parent
(PR_SET_PDEATHSIG), so a killed build leaves none behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import gc
import os
import resource
import signal
import sys
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from folderpers.build.limits import (
    DEFAULT_LIMITS,
    DocumentLimitExceeded,
    DocumentLimits,
    limit_memory,
    reached_memory_limit,
    time_limit,
    too_big,
    too_slow,
)
from folderpers.errors import FolderpersError
from folderpers.project import Project

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from folderpers.model.publication import Publication
    from folderpers.render.theme import Theme
    from folderpers.writers.base import Rendered, Writer

DEFAULT_MAX_TASKS = 100
READY = "ready"  # a worker's first message: its warm-up is over, the time limit of its task starts now
WARM_UP_SECONDS = 600.0  # for a new worker to import WeasyPrint and load the fonts (a first fontconfig cache)
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
    worker_pid: int = 0  # the process id of that worker
    seconds: float = 0.0
    weasyprint_seconds: float = 0.0  # the part of `seconds` spent inside WeasyPrint


class WorkerCrashed(Exception):
    """The worker process died while rendering (e.g. killed, or a crash in a native library)."""


def render_task(writers: dict[str, Writer], theme: Theme, task: Task, limits: DocumentLimits = DEFAULT_LIMITS,
                memory_ceiling: int | None = None) -> Done:
    """Render one task with cached writers: in a worker (whose address space is bounded by
    `memory_ceiling`, and whose time the pool keeps), or in the calling process (memory_ceiling None:
    within the time limit by a timer)."""
    from folderpers.writers import WRITERS
    started, weasyprint_before = time.perf_counter(), _weasyprint_seconds()
    outputs: tuple[Rendered, ...] = ()
    error: BaseException | None = None
    source = task.publication.folder.source
    try:
        writer = writers.get(task.kind) or writers.setdefault(task.kind, WRITERS[task.kind](theme))
        with time_limit(source, limits) if memory_ceiling is None else contextlib.nullcontext(), \
                cycle_collector_paused():
            outputs = writer.render(task.publication)
    except FolderpersError as failure:
        error = failure
    except Exception as failure:  # noqa: BLE001 - a bug in one render must not take the build down
        failure.add_note(traceback.format_exc())
        error = failure
        if isinstance(failure, MemoryError) or (memory_ceiling and reached_memory_limit(memory_ceiling)):
            error = too_big(source, limits)
    return Done(task, outputs, error, seconds=time.perf_counter() - started,
                weasyprint_seconds=_weasyprint_seconds() - weasyprint_before)


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector is off while one document renders. WeasyPrint keeps every
    page's boxes until the PDF is written, so each full collection during a document walks all of
    them, and there are more of them, more often, the longer the document: a list of 7,500 items
    spent 14 s in full collections, one of 2,500 items 2 s. Reference counting still frees what is
    not in a cycle; what is, is freed by the first collection after the document (its objects are
    all still in the youngest generation then). Measured: peak memory within 1 % of collecting."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _weasyprint_seconds() -> float:
    module = sys.modules.get(PDF_RENDERER_MODULE)  # not imported: nothing rendered with WeasyPrint yet
    return module.seconds_in_weasyprint() if module else 0.0


def _rss_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() // 1024


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker when the parent (its process id) dies (SIGKILL of a build, a CI cancel)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _worker_main(connection: Connection, project: Project, limits: DocumentLimits, parent: int) -> None:
    from folderpers.render.theme import Theme
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    theme = Theme(project)
    writers: dict[str, Writer] = {}
    theme.pdf_renderer  # noqa: B018 - imports WeasyPrint and sets up fonts before the first task arrives
    # What is alive now (modules, fonts) lives as long as the worker: keep the garbage collector from
    # scanning it again at every full collection while documents are rendered (about 2 % of the time).
    gc.collect()
    gc.freeze()
    memory_ceiling = limit_memory(limits)
    connection.send(READY)
    while True:
        task = connection.recv()
        if task is None:
            return
        done = render_task(writers, theme, task, limits, memory_ceiling)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        connection.send(dataclasses.replace(done, peak_rss_kib=peak, rss_kib=_rss_kib(), worker_pid=os.getpid()))


class _Worker:
    def __init__(self, context, project: Project, limits: DocumentLimits):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, project, limits, os.getpid()), daemon=True)
        self.process.start()
        child.close()
        self.task: Task | None = None
        self.done = 0
        self.ready = False  # it sent READY
        self.deadline = 0.0  # time.monotonic() by which the task must be done

    def send(self, task: Task, seconds: float) -> None:
        self.task = task
        # the document's time starts when the worker is ready: how long a warm-up takes says nothing about it
        self.deadline = time.monotonic() + (seconds if self.ready else WARM_UP_SECONDS)
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

    def __init__(self, project: Project, jobs: int, max_tasks: int = DEFAULT_MAX_TASKS,
                 limits: DocumentLimits = DEFAULT_LIMITS):
        self.project, self.jobs, self.max_tasks, self.limits = project, max(1, jobs), max_tasks, limits
        self.workers: list[_Worker] = []
        self.peak_rss_kib: dict[int, int] = {}  # per worker pid

    @cached_property
    def context(self) -> Any:
        """fork: a worker starts with what the parent loaded. Imported with the first worker, not before."""
        import multiprocessing
        return multiprocessing.get_context("fork")

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info) -> None:
        for worker in self.workers:
            worker.stop()
        self.workers = []

    def start(self, count: int) -> None:
        """Have `count` workers (at most `jobs`) running, also before there are tasks for them."""
        while len(self.workers) < min(self.jobs, count):
            self.workers.append(_Worker(self.context, self.project, self.limits))

    def run(self, tasks: Iterable[Task]) -> Iterator[Done]:
        """`tasks` may be a stream, planned while the first ones render: the next is taken when a worker is free."""
        stream = iter(tasks)
        self._fill(stream)
        if not any(worker.task for worker in self.workers):  # nothing to render: nothing more imported
            return
        from multiprocessing.connection import wait as connection_wait
        while any(worker.task for worker in self.workers):
            busy = [worker for worker in self.workers if worker.task]
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = connection_wait([w.connection for w in busy] + [w.process.sentinel for w in busy], timeout)
            for worker in busy:
                overdue = time.monotonic() > worker.deadline
                if worker.connection not in ready and worker.process.sentinel not in ready and not overdue:
                    continue
                done = _receive(worker)
                if isinstance(done, str):  # READY
                    worker.ready = True
                    worker.deadline = time.monotonic() + self.limits.seconds
                    continue
                if done is None and worker.process.is_alive() and not overdue:
                    continue
                assert worker.task is not None  # a busy worker has its task
                if done is None and worker.process.is_alive():  # past the time limit: stopped, replaced
                    worker.process.kill()
                    worker.process.join()
                    error = too_slow(worker.task.publication.folder.source, self.limits) if worker.ready else \
                        WorkerCrashed(f"a new worker process did not get ready within {WARM_UP_SECONDS:g} s "
                                      f"(importing WeasyPrint, loading the fonts): run `fc-cache` once, "
                                      f"or run fewer workers on a busy machine")
                    done = Done(worker.task, error=error, seconds=self.limits.seconds)
                    worker.done = self.max_tasks
                elif done is None:  # died before answering: this task fails, a new worker takes over
                    worker.process.join()
                    done = Done(worker.task, error=WorkerCrashed(_death(worker.process.exitcode, self.limits)))
                    worker.done = self.max_tasks
                else:
                    # a worker that reached its memory limit holds that memory (or its peak): a new one goes on
                    worker.done = self.max_tasks if isinstance(done.error, DocumentLimitExceeded) else worker.done + 1
                    self.peak_rss_kib[done.worker_pid] = max(done.peak_rss_kib, self.peak_rss_kib.get(done.worker_pid, 0))
                worker.task = None
                yield done
                if worker.done >= self.max_tasks:  # recycled: replaced only while there is work left (_fill)
                    worker.stop()
                    self.workers.remove(worker)
                self._fill(stream)

    def _fill(self, stream: Iterator[Task]) -> None:
        """Give every idle worker the next task, starting workers (up to `jobs`) while there are tasks."""
        while True:
            if all(worker.task for worker in self.workers) and len(self.workers) >= self.jobs:
                return
            task = next(stream, None)  # may plan more (and start workers: see start())
            if task is None:
                return
            idle = next((worker for worker in self.workers if worker.task is None), None)
            if idle is None:
                idle = _Worker(self.context, self.project, self.limits)
                self.workers.append(idle)
            idle.send(task, self.limits.seconds)


def _receive(worker: _Worker) -> Done | str | None:
    try:
        return worker.connection.recv() if worker.connection.poll() else None
    except (EOFError, OSError):
        return None


def _death(exitcode: int | None, limits: DocumentLimits) -> str:
    # A native library that cannot allocate memory aborts instead of raising MemoryError.
    memory = (f"; this is also how rendering ends when it needs more than {limits.memory_mib} MiB, the memory "
              f"limit per document (--memory-limit)")
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        return f"the worker process died from signal {name} while rendering this output{memory}"
    return f"the worker process exited (code {exitcode}) while rendering this output{memory}"


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
