"""Rendering on a Dask cluster: `--executor dask://HOST:PORT`, or `dask-local:N` (N worker processes
on this machine, started for the build).

This process plans, publishes and keeps the manifest exactly as a local build does; each task
(one writer's outputs of one publication) becomes one Dask task. What a task renders from is
shipped by content hash (shipping.py): the theme once per build, every other file once per
content, so a worker needs the folderpers package and the fonts, no checkout. A worker whose code,
libraries, fonts or CMYK profile differ from this machine's is refused (environment.py) by a worker
plugin, which also checks workers that join later: only admitted workers get the resource that
the tasks ask for.

Operations (README, "Many machines"): a worker renders in a render process of its own, within the
local pool's per-document limits and recycled as the local pool's workers are (shipping.py), so a
document that hangs, takes too much memory or crashes fails alone, with the local pool's message,
and the worker goes on. A worker that dies itself (killed, its machine lost) is replaced by its
nanny and the scheduler gives its task to another worker; a task that killed more workers than
`distributed.scheduler.allowed-failures` fails (KilledWorker) instead of being tried again. Ctrl-C,
or a failure of the build, cancels every task still queued.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import threading
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import dask
from distributed import Client, Future, LocalCluster, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin
from distributed.scheduler import KilledWorker

from folderpers.build.executors import ExecutorError, ExecutorSpec
from folderpers.build.executors.environment import Environment, differences, environment
from folderpers.build.executors.shipping import Listing, Shipment, Sites, render_shipped
from folderpers.build.limits import DocumentLimits
from folderpers.build.workers import Done, Task, WorkerCrashed
from folderpers.errors import FolderpersError
from folderpers.project import Project
from folderpers.render.theme import Theme
from folderpers.writers import WRITERS, Rendered

logger = logging.getLogger(__name__)

CONNECT_SECONDS = 10
WORKERS_WAIT_SECONDS = 120  # for the first worker to connect to the scheduler
RETRIES = 1  # a task that raised outside rendering (e.g. a full disk on its worker) is tried once more
WINDOW_REFRESH = 32  # every this many results, the count of admitted workers' threads is asked again
NOT_DAEMONIC = "DASK_DISTRIBUTED__WORKER__DAEMON=False"  # lets a nanny's worker start its render process

_SITES = Sites()  # in a worker process: the files of the builds it renders for


@dataclass(frozen=True)
class _Rendering:
    """What a worker sends back for a task (the task itself stays with the client)."""

    outputs: tuple[Rendered, ...]
    error: BaseException | None
    seconds: float
    weasyprint_seconds: float
    peak_rss_kib: int
    rss_kib: int
    pid: int


class RenderAdmission(WorkerPlugin):
    """Checks each worker (also one that joins later) against the client's environment; an admitted
    worker gets the resource `resource_name`, which every task of the build needs, a refused one logs why."""

    def __init__(self, expected: Environment, resource_name: str):
        self.expected, self.resource_name = expected, resource_name
        self.refusal: tuple[str, ...] = ()

    async def setup(self, worker: Any) -> None:
        fonts = [family for family, _ in self.expected.fonts]
        files = [path for path, _ in self.expected.machine_files]
        actual = await asyncio.get_running_loop().run_in_executor(None, environment, fonts, files)
        self.refusal = tuple(differences(self.expected, actual))
        if multiprocessing.current_process().daemon:  # Dask's default for a worker its nanny starts
            self.refusal += (f"it runs as a daemonic process, which may not start the render process that keeps "
                             f"the per-document limits: start it with {NOT_DAEMONIC} in its environment",)
        if self.refusal:
            logger.error("folderpers: this worker is refused for a build: %s", "; ".join(self.refusal))
            return
        await worker.set_resources(**{self.resource_name: worker.state.nthreads})


class DaskExecutor:
    def __init__(self, project: Project, theme: Theme, spec: ExecutorSpec, max_tasks: int, limits: DocumentLimits):
        self.project, self.theme, self.spec, self.max_tasks, self.limits = project, theme, spec, max_tasks, limits
        self.cluster: LocalCluster | None = None
        self.client: Client | None = None
        self.plugin: str | None = None
        self.peak_rss_kib: dict[int, int] = {}
        self.warming: threading.Thread | None = None

    def start(self, tasks: int) -> None:
        """As soon as there is work, while the rest is planned: connect (dask-local: start the cluster),
        and find out this machine's environment (importing WeasyPrint, hashing the package takes seconds)."""
        if tasks and self.warming is None:
            self.warming = threading.Thread(target=environment, args=((), ()), daemon=True)
            self.warming.start()
        if tasks:
            self._connect()

    def run(self, tasks: Iterable[Task]) -> Iterator[Done]:
        """Plans (consumes `tasks`), reads and ships every file now; the iterator submits the tasks and yields
        their Done as they finish."""
        tasks = list(tasks)
        if not tasks:
            return iter(())
        client = self._connect()
        shipment = Shipment(self.project)
        writers = {kind: WRITERS[kind](self.theme) for kind in {task.kind for task in tasks}}
        theme_listing = shipment.listing(self.theme.files)
        shipped: list[tuple[Task, Listing]] = []
        failed: list[Done] = []
        machine_files: set[str] = set()
        fonts: set[str] = set()
        for task in tasks:
            inputs = writers[task.kind].inputs(task.publication)
            machine_files.update(str(path) for path in inputs if not _inside(path, shipment.roots))
            try:
                families = self.theme.html.font_families(task.publication)  # FontError when one is missing here
                own = shipment.listing([*task.publication.sources,
                                        *(path for path in inputs if _inside(path, shipment.roots))])
            except (FolderpersError, OSError) as error:  # e.g. a file deleted since it was planned
                failed.append(Done(task, error=error))
                continue
            fonts.update(families)
            shipped.append((task, own))
        if not shipped:
            return iter(failed)
        if self.warming is not None:
            self.warming.join()
        resource_name = self._admit(client, environment(fonts, machine_files))
        site_key = shipment.site_key()
        # Each file is a task that returns its content (not scattered data): should every worker that
        # holds it die, the scheduler computes it again from the task, instead of losing it.
        theme = client.submit(_shipped, {path: shipment.contents[digest] for path, digest in theme_listing},
                              key=f"folderpers-theme-{site_key}")
        used = {digest for _, own in shipped for _, digest in own}
        contents = {digest: client.submit(_shipped, shipment.contents[digest], key=f"folderpers-file-{digest}")
                    for digest in used}
        jobs = [_Job(task, (site_key, shipment.roots, theme_listing + own, theme,
                            {path: contents[digest] for path, digest in own}, Task(None, task.publication, task.kind),
                            self.limits, self.max_tasks))
                for task, own in shipped]
        return chain(failed, self._results(client, jobs, resource_name, [theme, *contents.values()]))

    def close(self) -> None:
        if self.client is not None:
            if self.plugin is not None:
                self.client.unregister_worker_plugin(self.plugin)
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def _connect(self) -> Client:
        if self.client is not None:
            return self.client
        if self.spec.kind == "dask-local":
            logging.getLogger("distributed").setLevel(logging.ERROR)  # workers coming and going is not news here
            # For as long as this process lives: the nannies read it whenever they (re)start a worker.
            dask.config.set({"distributed.worker.daemon": False})
            self.cluster = LocalCluster(n_workers=self.spec.workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)
            return self.client
        try:
            self.client = Client(f"tcp://{self.spec.address}", timeout=CONNECT_SECONDS)
        except OSError as error:
            raise ExecutorError.about(f"no Dask scheduler answers at tcp://{self.spec.address}: {error}",
                                      "start one with `dask scheduler` on that host (README, 'Many machines'), "
                                      "or build on this machine with --executor local") from None
        return self.client

    def _admit(self, client: Client, expected: Environment) -> str:
        """Register the admission plugin for `expected` and report refused workers; the resource name
        the tasks ask for. ExecutorError when no worker may render."""
        try:
            client.wait_for_workers(1, timeout=WORKERS_WAIT_SECONDS)
        except TimeoutError:
            raise ExecutorError.about(f"no Dask worker connected to {self.spec} within {WORKERS_WAIT_SECONDS} s",
                                      f"start workers: dask worker tcp://{self.spec.address or 'HOST:PORT'} "
                                      "(README, 'Many machines')") from None
        name = f"folderpers-{expected.digest[:16]}"
        client.register_plugin(RenderAdmission(expected, name), name=name)
        self.plugin = name
        refusals = {address: reasons for address, reasons in client.run(_refusal, name).items() if reasons is not None}
        for address, reasons in sorted(refusals.items()):
            if reasons:
                logger.warning("Dask worker %s is refused: %s", address, "; ".join(reasons))
        if refusals and all(refusals.values()):
            details = "; ".join(f"{address}: {', '.join(reasons)}" for address, reasons in sorted(refusals.items()))
            raise ExecutorError.about(f"no Dask worker can render this build ({details})",
                                      "install the same folderpers version, libraries and fonts on the workers "
                                      "as on this machine (README, 'Many machines')")
        return name

    def _results(self, client: Client, jobs: list[_Job], resource_name: str, shipped: list[Future]) -> Iterator[Done]:
        """Submits the jobs, no more at a time than the admitted workers have threads, so that a worker
        that dies takes little else with it: the scheduler counts a death against every task assigned to
        that worker, not only the one it was rendering. A task failed that way (KilledWorker) may be a
        bystander of another document's crashes, so it is tried once more at the end, alone: only a
        document that kills workers by itself fails. Ctrl-C cancels what is submitted."""
        queue, suspects = deque(jobs), deque[_Job]()
        completed = as_completed(loop=client.loop)
        in_flight: dict[Any, tuple[_Job, Future, bool]] = {}  # by key: the job, its future, whether a retry
        limit = _threads(client, resource_name)

        def send(job: _Job, retry: bool) -> None:
            future = client.submit(_render, *job.arguments, key=f"folderpers-render-{uuid.uuid4().hex}",
                                   resources={resource_name: 1}, retries=RETRIES)
            in_flight[future.key] = (job, future, retry)
            completed.add(future)

        def top_up() -> None:
            while queue and len(in_flight) < limit:
                send(queue.popleft(), retry=False)
            if not queue and not in_flight and suspects:
                send(suspects.popleft(), retry=True)

        try:
            top_up()
            for count, future in enumerate(completed, 1):
                job, _, retry = in_flight.pop(future.key)
                if count % WINDOW_REFRESH == 0:  # workers may have joined or left
                    limit = _threads(client, resource_name)
                suspect = not retry and future.status == "error" and isinstance(future.exception(), KilledWorker)
                if suspect:
                    suspects.append(job)
                top_up()  # before this result is fetched and published: the worker need not wait for that
                if not suspect:
                    yield self._done(job.task, future)
        finally:  # Ctrl-C, or the caller stopped early: nothing of this build keeps running
            client.cancel([future for _, future, _ in in_flight.values()] + shipped)

    def _done(self, task: Task, future: Future) -> Done:
        try:
            rendering: _Rendering = future.result()
        except KilledWorker:
            return Done(task, error=WorkerCrashed("Dask workers died while rendering this output, more often than "
                                                  "the scheduler's allowed-failures, also when it was rendered "
                                                  "alone: not tried again"))
        except Exception as error:  # noqa: BLE001 - one task's failure (shipping, a worker's disk) is its own
            return Done(task, error=error)
        if rendering.pid:  # 0: no render process answered (past a limit, crashed)
            self.peak_rss_kib[rendering.pid] = max(rendering.peak_rss_kib, self.peak_rss_kib.get(rendering.pid, 0))
        return Done(task, rendering.outputs, rendering.error, rendering.peak_rss_kib, rendering.rss_kib, rendering.pid,
                    rendering.seconds, rendering.weasyprint_seconds)


@dataclass(frozen=True)
class _Job:
    task: Task  # as planned (the client's paths, the pipeline's key)
    arguments: tuple[Any, ...]  # of _render


def _threads(client: Client, resource_name: str) -> int:
    """The threads of the workers admitted for this build (at least 1: some will come)."""
    workers = client.scheduler_info()["workers"].values()
    return max(1, sum(int(worker["nthreads"]) for worker in workers if worker.get("resources", {}).get(resource_name)))


def _shipped(content: Any) -> Any:
    """A task whose result is its argument: a file's (or the theme's) content, kept by the scheduler."""
    return content


def _inside(path: Path, roots: tuple[Path, ...]) -> bool:
    return any(Path(path).is_relative_to(root) for root in roots)


def _refusal(name: str, dask_worker: Any) -> list[str] | None:
    """On a worker: why the plugin `name` refused it ([] when admitted; None before it was checked)."""
    plugin = dask_worker.plugins.get(name)
    return None if plugin is None else list(plugin.refusal)


def _render(site_key: str, client_roots: tuple[Path, ...], listing: Listing, theme_files: dict[str, bytes],
            contents: dict[str, bytes], task: Task, limits: DocumentLimits, max_tasks: int) -> _Rendering:
    """On a worker: write the task's files into the build's site, render in its render process, report."""
    site = _SITES.site(site_key, Path(get_worker().local_directory))
    site.receive(listing, {**theme_files, **contents})
    done = render_shipped(site, client_roots, task, limits, max_tasks)
    return _Rendering(done.outputs, done.error, done.seconds, done.weasyprint_seconds, done.peak_rss_kib,
                      done.rss_kib, done.worker_pid)
