"""What a build reports: the outcome of each output, and the build's report."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Literal

from folderpers.errors import FolderpersError, Problem

Status = Literal["built", "unchanged", "skipped", "failed"]


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

    @classmethod
    def failure(cls, subject: str, error: BaseException, debug: bool = False) -> Outcome:
        """`subject` failed with `error`: its problems when it is one of ours, else an internal error (a
        bug: with its traceback when `debug`)."""
        if isinstance(error, FolderpersError):
            return cls("failed", subject, problems=error.problems)
        detail = f"internal error: {type(error).__name__}: {error}"
        detail += "\n" + "".join(traceback.format_exception(error)) if debug else " (run with --debug for a traceback)"
        return cls("failed", subject, detail=detail)


@dataclass
class BuildReport:
    outcomes: list[Outcome] = field(default_factory=list)
    render_seconds: float = 0.0  # summed over the documents rendered
    weasyprint_seconds: float = 0.0  # the part of render_seconds spent inside WeasyPrint
    peak_rss_kib: dict[int, int] = field(default_factory=dict)  # per worker process

    def count(self, status: Status) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0
