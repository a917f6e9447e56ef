"""Command line: `python build.py [build] [--institution ID] [--folder SLUG] [--format pdf,web]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .pipeline import BuildOptions, Outcome, build
from .project import Project
from .writers import WRITERS

_MARKS = {"built": "built  ", "skipped": "skipped", "failed": "FAILED "}


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description="Build patient information folders.")
    commands = parser.add_subparsers(dest="command")
    build_parser = commands.add_parser("build", help="build PDFs and web pages (the default)")
    for command_parser in (parser, build_parser):
        command_parser.add_argument("--institution", "-i", action="append", default=[], metavar="ID",
                                    help="build only for this institution (repeatable)")
        command_parser.add_argument("--folder", "-f", action="append", default=[], metavar="SLUG",
                                    help="build only this folder (repeatable)")
        command_parser.add_argument("--format", default=",".join(WRITERS), metavar="KINDS",
                                    help=f"comma-separated output kinds (default: {','.join(WRITERS)})")
        command_parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    args = parser.parse_args(argv)
    formats = tuple(kind.strip() for kind in args.format.split(",") if kind.strip())
    unknown = [kind for kind in formats if kind not in WRITERS]
    if unknown:
        parser.error(f"unknown format {unknown[0]!r}; formats are: {', '.join(WRITERS)}")
    options = BuildOptions(tuple(args.institution), tuple(args.folder), formats, args.debug)
    project = Project(root or Path.cwd())
    report = build(project, options, reporter=_print_outcome)
    warnings = sum(len(outcome.warnings) for outcome in report.outcomes)
    print(f"\n{report.count('built')} built, {report.count('skipped')} skipped, {report.count('failed')} failed"
          + (f", {warnings} warnings" if warnings else ""))
    return 0 if report.ok else 1


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
    for warning in outcome.warnings:
        print(f"    warning: {warning}")
    stream.flush()
