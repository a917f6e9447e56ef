"""`build.py` / `build.py build`: build the selected folders into dist/, with a progress bar and a summary."""

from __future__ import annotations

import argparse

from folderpers.build.limits import DocumentLimits
from folderpers.build.pipeline import BuildOptions, build
from folderpers.build.progress import reporter_for_terminal
from folderpers.commands import review_policy
from folderpers.project import Project


def main(project: Project, args: argparse.Namespace) -> int:
    """0 when every output was built or is unchanged, 1 when any failed."""
    options = BuildOptions(tuple(args.institution), tuple(args.folder), args.formats, review_policy(args),
                           jobs=args.jobs, force=args.force, verify=args.verify, debug=args.debug,
                           limits=DocumentLimits(args.time_limit, args.memory_limit), executor=str(args.executor))
    reporter = reporter_for_terminal()
    report = build(project, options, reporter=reporter.outcome, progress=reporter.progress)
    reporter.finish(report)
    return 0 if report.ok else 1
