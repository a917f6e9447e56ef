"""`build.py new <slug>`: a new folder from the commented starter, templates/starter/folder.yaml.

The starter is valid and builds at once, so an author starts from something that works and sees
every change in the preview; its first line points editors at the JSON Schema for completion.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import jinja2

from folderpers.commands import review_policy
from folderpers.project import Project
from folderpers.source.review import ReviewPolicy, add_months

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STARTER = "starter/folder.yaml"
STARTER_CODE = "NIEUW-001"  # a code the author replaces; valid, so that the folder builds


class ScaffoldError(Exception):
    """The folder cannot be created; the message says why and what to do instead."""


def new_folder(project: Project, slug: str, policy: ReviewPolicy) -> Path:
    """Write folders/<slug>/folder.yaml from the starter, approved `policy.today`, review after the
    longest period the policy allows; return its path."""
    if not SLUG.fullmatch(slug):
        raise ScaffoldError(f"{slug!r} cannot be a folder name: use lowercase letters, digits and single hyphens "
                            f"(it becomes the file name of the PDF and web page), e.g. knie-prothese")
    directory = project.folders / slug
    if directory.exists():
        raise ScaffoldError(f"{directory.relative_to(project.root)} already exists: edit its folder.yaml, "
                            f"or choose another name")
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(project.templates), autoescape=False,
                                     undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    text = environment.get_template(STARTER).render(
        title=slug.replace("-", " ").capitalize(),
        code=STARTER_CODE,
        approved=policy.today.isoformat(),
        review=add_months(policy.today, 12 * policy.max_years).isoformat(),
    )
    directory.mkdir(parents=True)
    source = directory / "folder.yaml"
    source.write_text(text, encoding="utf-8")
    return source


def main(project: Project, args: argparse.Namespace) -> int:
    """Create the folder and say what to do next; 2 when it cannot be created."""
    try:
        source = new_folder(project, args.slug, review_policy(args))
    except ScaffoldError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    shown = source.relative_to(project.root)
    print(f"Created {shown}: open it in your editor, and see it as you type with `make serve` "
          f"(or `python build.py serve`).")
    return 0
