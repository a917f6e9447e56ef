"""What a build reports: the outcome of each output, and the build's report."""

from __future__ import annotations

import traceback
from collections import Counter
from collections.abc import Iterable
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
    """What a build did, counted. Every outcome went to the build's reporter as it happened; the report
    keeps only what its summary and exit code need: a count per status, the number of warnings and
    the failures themselves (their problems make the summary's checklist). So a build's memory does
    not grow with the outputs it reports (an unchanged output is only counted)."""

    failures: list[Outcome] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)  # outputs (or sources) per status
    warnings: int = 0
    render_seconds: float = 0.0  # summed over the documents rendered
    weasyprint_seconds: float = 0.0  # the part of render_seconds spent inside WeasyPrint
    peak_rss_kib: dict[int, int] = field(default_factory=dict)  # per worker process

    @classmethod
    def of(cls, outcomes: Iterable[Outcome]) -> BuildReport:
        report = cls()
        for outcome in outcomes:
            report.add(outcome)
        return report

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        self.warnings += len(outcome.warnings)
        if outcome.status == "failed":
            self.failures.append(outcome)

    def add_unchanged(self, outputs: int) -> None:
        """`outputs` outputs are unchanged, with nothing to say about them."""
        self.counts["unchanged"] += outputs

    def merge(self, other: BuildReport) -> None:
        """Add `other` (another build, such as the preview's next pass); a failure already here (the
        same subject, problems and detail: a broken folder fails in every pass) is kept and counted once."""
        known = {_identity(failure) for failure in self.failures}
        repeated = [failure for failure in other.failures if _identity(failure) in known]
        self.counts.update(other.counts)
        self.counts["failed"] -= len(repeated)
        self.warnings += other.warnings
        self.failures.extend(failure for failure in other.failures if _identity(failure) not in known)
        self.render_seconds += other.render_seconds
        self.weasyprint_seconds += other.weasyprint_seconds

    def count(self, status: Status) -> int:
        return self.counts[status]

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0


def _identity(outcome: Outcome) -> tuple[str, tuple[Problem, ...], str]:
    return outcome.subject, outcome.problems, outcome.detail
