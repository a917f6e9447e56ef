"""The local executor: warm worker processes on this machine (--jobs N), or this process (--jobs 0)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from folderpers.build.limits import DocumentLimits
from folderpers.build.workers import Done, Task, WorkerPool, render_task
from folderpers.project import Project
from folderpers.render.theme import Theme


class LocalExecutor:
    def __init__(self, project: Project, theme: Theme, jobs: int, max_tasks: int, limits: DocumentLimits):
        self.project, self.theme, self.jobs, self.max_tasks, self.limits = project, theme, jobs, max_tasks, limits
        self.pool: WorkerPool | None = None

    @property
    def peak_rss_kib(self) -> dict[int, int]:
        return dict(self.pool.peak_rss_kib) if self.pool else {}

    def start(self, tasks: int) -> None:
        """Have a worker process ready for each of `tasks` (up to --jobs): they import WeasyPrint and wait."""
        if self.jobs <= 0 or tasks == 0:
            return
        if self.pool is None:
            self.pool = WorkerPool(self.project, self.jobs, self.max_tasks, self.limits)
        self.pool.start(tasks)

    def run(self, tasks: Iterable[Task]) -> Iterator[Done]:
        if self.jobs <= 0:
            writers: dict[str, Any] = {}
            return (render_task(writers, self.theme, task, self.limits) for task in tasks)
        if self.pool is None:  # started by the first task (start() is called as tasks are planned)
            self.pool = WorkerPool(self.project, self.jobs, self.max_tasks, self.limits)
        return self.pool.run(tasks)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.__exit__(None, None, None)
