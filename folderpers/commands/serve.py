"""`build.py serve`: the live preview (see folderpers.preview)."""

from __future__ import annotations

import argparse

from folderpers.commands import review_policy
from folderpers.preview.server import serve
from folderpers.project import Project


def main(project: Project, args: argparse.Namespace) -> int:
    return serve(project, review_policy(args), args.port)
