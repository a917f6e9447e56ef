"""Command line: `python build.py [build|review] [options]`; see `python build.py --help`."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path

from . import check
from .pipeline import BuildOptions, Outcome, build, review_statuses
from .project import Project
from .review import ReviewPolicy
from .writers import KINDS

_MARKS = {"built": "built  ", "skipped": "skipped", "failed": "FAILED "}
_STATES = {"expired": "EXPIRED", "due": "due", "current": "ok"}


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(format="%(levelname)s: %(message)s", level=logging.WARNING)
    policy = ReviewPolicy(today=args.today, warn_months=args.review_warning_months,
                          allow_expired=getattr(args, "allow_expired", False))
    project = Project(root or Path.cwd(), output=args.output)
    if args.command == "review":
        return _review(project, policy)
    if args.command == "check":
        return check.main(project, args)
    formats = tuple(kind.strip() for kind in args.format.split(",") if kind.strip())
    unknown = [kind for kind in formats if kind not in KINDS]
    if unknown:
        parser.error(f"unknown format {unknown[0]!r}; formats are: {', '.join(KINDS)}")
    options = BuildOptions(tuple(args.institution), tuple(args.folder), formats, policy, args.debug)
    report = build(project, options, reporter=_print_outcome)
    warnings = sum(len(outcome.warnings) for outcome in report.outcomes)
    print(f"\n{report.count('built')} built, {report.count('skipped')} skipped, {report.count('failed')} failed"
          + (f", {warnings} warning{'s' if warnings > 1 else ''}" if warnings else ""))
    return 0 if report.ok else 1


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--today", type=date.fromisoformat, default=date.today(), metavar="YYYY-MM-DD",
                        help="judge review dates as of this day (default: today)")
    common.add_argument("--review-warning-months", type=int, default=6, metavar="N",
                        help="warn when a review date is less than N months away (default: 6)")
    common.add_argument("--output", type=Path, default=None, metavar="DIR", help="output directory (default: dist/)")
    build_options = argparse.ArgumentParser(add_help=False)
    build_options.add_argument("--institution", "-i", action="append", default=[], metavar="ID",
                               help="build only for this institution (repeatable)")
    build_options.add_argument("--folder", "-f", action="append", default=[], metavar="SLUG",
                               help="build only this folder (repeatable)")
    build_options.add_argument("--format", default=",".join(KINDS), metavar="KINDS",
                               help=f"comma-separated output kinds (default: {','.join(KINDS)})")
    build_options.add_argument("--allow-expired", action="store_true",
                               help="emergency override: publish folders whose review date has passed (logged)")
    build_options.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")

    parser = argparse.ArgumentParser(prog="build.py", parents=[common, build_options],
                                     description="Build patient information folders into dist/.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("build", parents=[common, build_options], help="build PDFs and web pages (the default)")
    commands.add_parser("review", parents=[common], help="list every folder by review status")
    check.add_arguments(commands.add_parser("check", parents=[common], help="check content and outputs: "
                                            "accessibility, plain language (report in dist/)"))
    return parser


def _print_outcome(outcome: Outcome) -> None:
    line = f"{_MARKS[outcome.status]} {outcome.subject}"
    if outcome.pages is not None:
        line += f"  ({outcome.pages} pages)"
    if outcome.detail and outcome.status == "skipped":
        line += f"  ({outcome.detail})"
    stream = sys.stderr if outcome.status == "failed" else sys.stdout
    print(line, file=stream)
    for problem in outcome.problems:
        print("    " + str(problem).replace("\n", "\n    "), file=stream)
    if outcome.detail and outcome.status == "failed":
        print("    " + outcome.detail.replace("\n", "\n    "), file=stream)
    for note in outcome.notes:
        print(f"    {note}")
    for warning in outcome.warnings:
        print(f"    warning: {warning}")
    stream.flush()


def _review(project: Project, policy: ReviewPolicy) -> int:
    """Print every folder by review date; exit 1 when any has expired (useful in a scheduled job)."""
    statuses, failures = review_statuses(project, policy)
    print(f"Review status as of {policy.today} (warning within {policy.warn_months} months)\n")
    print(f"{'status':<8} {'review':<10} {'days':>5}  {'code':<10} {'version':<7}  folder (owner)")
    for status in statuses:
        folder = status.folder
        print(f"{_STATES[status.state]:<8} {folder.review.isoformat():<10} {status.days_left:>5}  {folder.code:<10} "
              f"{folder.version:<7}  {folder.source.parent.name}/{folder.source.name} ({folder.department})")
    for failure in failures:
        _print_outcome(failure)
    expired = sum(1 for status in statuses if status.state == "expired")
    due = sum(1 for status in statuses if status.state == "due")
    print(f"\n{len(statuses)} folders: {expired} expired, {due} due for review"
          + (f", {len(failures)} unreadable" if failures else ""))
    return 1 if expired or failures else 0
