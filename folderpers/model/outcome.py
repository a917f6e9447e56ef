"""What a build reports: the outcome of each output, and the build's report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from folderpers.errors import Problem

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
