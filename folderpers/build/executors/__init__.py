"""Where render tasks run: an executor takes the planned tasks and yields a Done for each.

The pipeline plans, publishes and keeps the manifest itself; an executor only renders. `local` is
the warm worker pool of this machine (or this process with --jobs 0); `dask://HOST:PORT` sends the
tasks to a Dask cluster and `dask-local:N` starts a Dask cluster of N workers on this machine. Both
give the same bytes: a Dask worker renders from files shipped to it by content hash (see shipping.py).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from folderpers.build.limits import DEFAULT_LIMITS, DocumentLimits
from folderpers.build.workers import Done, Task
from folderpers.errors import FolderpersError, Location, Problem

if TYPE_CHECKING:  # the command line imports this module: it stays light
    from folderpers.project import Project
    from folderpers.render.theme import Theme

EXECUTOR_HELP = "local (this machine's worker processes), dask://HOST:PORT (a Dask scheduler) or dask-local:N"
_DASK_ADDRESS = re.compile(r"^dask://(?P<address>[^/\s:]+:\d{1,5})$")
_DASK_LOCAL = re.compile(r"^dask-local:(?P<workers>[1-9]\d{0,3})$")


class ExecutorError(FolderpersError):
    """The executor cannot render at all (no scheduler at the address, no usable worker)."""

    @classmethod
    def about(cls, message: str, hint: str) -> ExecutorError:
        """An error about the --executor option itself (it has no file to point at)."""
        return cls(Problem(Location(Path("--executor")), message, hint))


class Executor(Protocol):
    @property
    def peak_rss_kib(self) -> dict[int, int]:
        """Peak resident memory per worker process id, for the build report."""

    def start(self, tasks: int) -> None:
        """Get ready to render `tasks` tasks (called while planning, with the count so far)."""

    def run(self, tasks: Iterable[Task]) -> Iterator[Done]:
        """A Done for every task, in completion order; `tasks` may be a stream, planned as it is consumed."""

    def close(self) -> None:
        """Stop whatever it started; cancel what is still running."""


@dataclass(frozen=True)
class ExecutorSpec:
    """A parsed --executor value."""

    kind: Literal["local", "dask", "dask-local"]
    address: str = ""  # dask: the scheduler's HOST:PORT
    workers: int = 0  # dask-local: how many worker processes

    def __str__(self) -> str:
        return {"local": "local", "dask": f"dask://{self.address}", "dask-local": f"dask-local:{self.workers}"}[
            self.kind]


def parse_executor(text: str) -> ExecutorSpec:
    """`local`, `dask://HOST:PORT` or `dask-local:N`; ValueError with what is accepted otherwise."""
    if text == "local":
        return ExecutorSpec("local")
    if match := _DASK_ADDRESS.match(text):
        return ExecutorSpec("dask", address=match["address"])
    if match := _DASK_LOCAL.match(text):
        return ExecutorSpec("dask-local", workers=int(match["workers"]))
    raise ValueError(f"unknown executor {text!r}")


def executor_argument(text: str) -> ExecutorSpec:
    """parse_executor for argparse: a wrong value is a usage error that says what is accepted."""
    try:
        return parse_executor(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{error}: use {EXECUTOR_HELP}") from None


def open_executor(spec: str, project: Project, theme: Theme, jobs: int, max_tasks: int,
                  limits: DocumentLimits = DEFAULT_LIMITS) -> Executor:
    """The executor `spec` names (see parse_executor); `jobs` is the local pool's size; `max_tasks` (documents
    per worker process) and `limits` (per document) hold with either."""
    try:
        parsed = parse_executor(spec)
    except ValueError as error:
        raise ExecutorError.about(str(error), f"use {EXECUTOR_HELP}") from None
    if parsed.kind == "local":
        from folderpers.build.executors.local import LocalExecutor
        return LocalExecutor(project, theme, jobs, max_tasks, limits)
    from folderpers.build.executors.dask import DaskExecutor  # imports distributed only when asked for
    return DaskExecutor(project, theme, parsed, max_tasks, limits)

