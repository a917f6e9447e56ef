"""The commands of `build.py`, one module each with `main(project, args) -> int`.

cli.py parses the command line and imports only the module of the command that runs, so a build
does not pay for the imports of `check` or `serve`. A new command is a new module here plus its
sub-parser in cli.py.
"""

from __future__ import annotations

import argparse

from folderpers.source.review import ReviewPolicy


def review_policy(args: argparse.Namespace) -> ReviewPolicy:
    """The review policy the shared options ask for (--today, --review-warning-months, --allow-expired)."""
    return ReviewPolicy(today=args.today, warn_months=args.review_warning_months,
                        allow_expired=getattr(args, "allow_expired", False))
