"""What the tests share: the repo's paths, a fixed day, and a small throw-away project (the repo's theme +
fixture institutions)."""

from __future__ import annotations

import shutil
import textwrap
from datetime import date
from pathlib import Path

from folderpers.build.pipeline import BuildOptions
from folderpers.project import Project
from folderpers.source.review import ReviewPolicy

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = date(2026, 11, 21)  # review dates are judged as of this day, so tests do not age


def options(**kwargs) -> BuildOptions:
    """Build options for tests: review dates judged as of TODAY."""
    return BuildOptions(policy=ReviewPolicy(TODAY), **kwargs)

MINIMAL_FOLDER = """\
title: Testfolder
subtitle: Een folder om mee te testen
intro: Lees dit en bel {phone:poli} met vragen.
code: TST-001
department: Testafdeling
owner: Testeigenaar
version: 1.2
approved: 2026-01-10
review: 2028-01-10
blocks:
  - heading: Wat is het?
  - text: Een korte uitleg met **vet** en *schuin*.
  - list: [een, twee]
  - callout: alarm
    items:
      - Bel {contact:spoed} bij koorts.
"""

# A callout in the order real alarm boxes use (list, then text), and one without a title.
CALLOUT_IN_ORDER = MINIMAL_FOLDER + """\
  - callout: alarm
    title: Neem direct contact op bij
    content:
      - list: ["koorts boven 38,5 °C", veel bloedverlies]
      - text: Bel dan {phone:spoed}.
      - steps: [eerst bellen, dan komen]
      - text: Of kom langs.
  - callout: tip
    title: false
    items: [eerst dit]
    text: Dan dit.
"""


class ProjectBuilder:
    """A project in a temporary directory, with helpers to write its content."""

    def __init__(self, root: Path):
        self.root = root
        self.project = Project(root)

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def folder(self, slug: str, text: str = MINIMAL_FOLDER, name: str = "folder.yaml") -> Path:
        return self.write(f"folders/{slug}/{name}", text)


def make_project(root: Path) -> ProjectBuilder:
    """A project in `root` with the repo's theme and the fixture institutions, without folders."""
    for name in ("templates", "styles", "schemas"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "checks.yaml", root / "checks.yaml")
    shutil.copytree(FIXTURES / "institutions", root / "institutions")
    (root / "snippets").mkdir()
    (root / "folders").mkdir()
    return ProjectBuilder(root)
