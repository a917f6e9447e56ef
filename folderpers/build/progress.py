"""How a build reports itself: on a terminal a progress bar and a summary table (rich), elsewhere
(CI logs, pipes) one plain line per outcome and a one-line summary. An unchanged output is counted,
not listed (a no-op of 360,000 outputs would be a log of 360,000 lines), unless it has a warning.

Statuses are counted as they come, whatever they are: a status the pipeline adds later (such as
"unchanged" for incremental builds) shows up in the summary without changes here.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Protocol

from folderpers.model.outcome import BuildReport, Outcome

if TYPE_CHECKING:  # rich is imported only for a terminal
    from rich.console import Console

ALWAYS_COUNTED = ("built", "skipped", "failed")  # shown even at 0, so a log always says how many failed
_ORDER = ("built", "unchanged", "skipped", "failed")  # others follow in the order they first occur


class Reporter(Protocol):
    def outcome(self, outcome: Outcome) -> None:
        """One output (or source) is done."""

    def progress(self, done: int, total: int) -> None:
        """`done` of `total` folders are done."""

    def finish(self, report: BuildReport) -> None:
        """The build is over: print the summary."""


def status_counts(report: BuildReport) -> dict[str, int]:
    """How many outputs have each status, known statuses first; built, skipped and failed always."""
    counts = {status: count for status, count in report.counts.items() if count} | {
        status: report.counts[status] for status in ALWAYS_COUNTED}
    rank = {status: index for index, status in enumerate(_ORDER)}
    return dict(sorted(counts.items(), key=lambda item: rank.get(item[0], len(rank))))


def summary_line(report: BuildReport) -> str:
    """E.g. '12 built, 3 unchanged, 1 skipped, 0 failed, 2 warnings'."""
    parts = [f"{count} {status}" for status, count in status_counts(report).items()]
    warnings = report.warnings
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings > 1 else ''}")
    return ", ".join(parts)


def coverage_text(report: BuildReport) -> str:
    """Everything the institutions lack for their folders, per institution, from all failures at once."""
    problems = [problem for outcome in report.failures for problem in outcome.problems]
    if not problems:  # nothing to check (and the block model not imported for it)
        return ""
    from folderpers.checks.coverage import coverage_lines, gaps
    return "\n".join(coverage_lines(gaps(problems)))


def outcome_text(outcome: Outcome) -> str:
    """An outcome as plain lines: status and subject, then its problems, notes and warnings indented."""
    lines = [f"{outcome.status.upper() if outcome.status == 'failed' else outcome.status:<7} {outcome.subject}"]
    if outcome.pages is not None:
        lines[0] += f"  ({outcome.pages} pages)"
    if outcome.detail and outcome.status != "failed":
        lines[0] += f"  ({outcome.detail})"
    failure_detail = [outcome.detail] if outcome.detail and outcome.status == "failed" else []
    details = [*map(str, outcome.problems), *failure_detail, *outcome.notes,
               *(f"warning: {warning}" for warning in outcome.warnings)]
    lines.extend("    " + detail.replace("\n", "\n    ") for detail in details)
    return "\n".join(lines)


def print_outcome(outcome: Outcome) -> None:
    """Failures to standard error, everything else to standard output."""
    stream = sys.stderr if outcome.status == "failed" else sys.stdout
    print(outcome_text(outcome), file=stream, flush=True)


class PlainReporter:
    """For logs: every outcome as it happens, then one summary line."""

    def outcome(self, outcome: Outcome) -> None:
        print_outcome(outcome)

    def progress(self, done: int, total: int) -> None:
        pass  # the outcome lines are the progress in a log

    def finish(self, report: BuildReport) -> None:
        checklist = coverage_text(report)
        print(f"\n{checklist}\n" if checklist else "", end="")
        print(f"\n{summary_line(report)}")


class TerminalReporter:
    """For people at a terminal: a live progress bar; only outcomes with something to say (failures,
    warnings, notes) are printed above it; at the end a summary table."""

    def __init__(self, console: Console):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        self.console = console
        self.bar = Progress(TextColumn("[bold]{task.description:<9}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("folders"), TimeElapsedColumn(), TextColumn("{task.fields[latest]}"),
                            console=console, transient=True)
        self.task = self.bar.add_task("Building", total=None, latest="")
        self.bar.start()

    def outcome(self, outcome: Outcome) -> None:
        self.bar.update(self.task, latest=outcome.subject)
        if outcome.status == "failed" or outcome.warnings or outcome.notes:
            self.console.print(outcome_text(outcome), style="red" if outcome.status == "failed" else None,
                               markup=False, highlight=False)

    def progress(self, done: int, total: int) -> None:
        self.bar.update(self.task, completed=done, total=total)

    def finish(self, report: BuildReport) -> None:
        from rich.table import Table
        self.bar.stop()
        checklist = coverage_text(report)
        if checklist:
            self.console.print(checklist, markup=False, highlight=False)
        table = Table(title="Build summary", title_justify="left")
        table.add_column("outcome")
        table.add_column("count", justify="right")
        styles = {"failed": "bold red", "built": "green"}
        for status, count in status_counts(report).items():
            table.add_row(status, str(count), style=styles.get(status) if count else "dim")
        warnings = report.warnings
        table.add_row("warnings", str(warnings), style="yellow" if warnings else "dim")
        self.console.print(table)


def reporter_for_terminal() -> Reporter:
    """A TerminalReporter when standard output is a terminal, else a PlainReporter."""
    if not sys.stdout.isatty():  # a log or a pipe: no need for rich (its import costs about 60 ms)
        return PlainReporter()
    from rich.console import Console
    console = Console()
    return TerminalReporter(console) if console.is_terminal and not console.is_dumb_terminal else PlainReporter()
