"""What the import tests share: a project with the repo's institutions, and filling in an import."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from folderpers.project import Project

from support import REPO


@pytest.fixture
def repo_project(tmp_path: Path) -> Project:
    """A throw-away project with the repo's theme, snippets and institutions, without folders."""
    root = tmp_path / "project"
    for name in ("templates", "styles", "schemas", "snippets", "institutions"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "checks.yaml", root / "checks.yaml")
    (root / "folders").mkdir()
    return Project(root)


def fill_in(folder_yaml: Path) -> None:
    """What a reviewer does last: real metadata for every TODO, and the 'imported:' line deleted."""
    text = folder_yaml.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^imported: .*\n", "", text)
    text = re.sub(r"(?m)^code: TODO$", "code: IMP-001", text)
    text = re.sub(r"(?m)^(department|owner|title): TODO$", r"\1: Ingevuld", text)
    text = re.sub(r"(?m)^approved: .*$", "approved: '2026-01-10'", text)
    text = re.sub(r"(?m)^review: .*$", "review: '2028-01-10'", text)
    text = re.sub(r"(?m)^(\s*)alt: 'TODO: .*'$", r"\1alt: Een afbeelding die bij de tekst hoort", text)
    text = text.replace("088-1110001", "{phone:afsprakenbureau}")  # a typed number fails the build (issue 13)
    folder_yaml.write_text(text, encoding="utf-8")


@pytest.fixture
def filled_in():
    return fill_in


@pytest.fixture
def measure():
    """Measure an import against its source and print the figures (`pytest -s tests/importers` shows them):
    (word recall, heading recall, list recall)."""
    from folderpers.importers.recall import Structure, folder_text, structure_recall, word_recall

    def measured(name: str, source_words: list[str], source_structure: Structure, folder_yaml: Path,
                 institution=None) -> tuple[float, float, float]:
        imported_words, imported_structure = folder_text(folder_yaml, institution)
        recall = word_recall(source_words, imported_words)
        headings, lists = structure_recall(source_structure, imported_structure)
        print(f"\n{name}: word recall {recall:.1%} of {len(source_words)} words; "
              f"headings {headings:.0%}, lists {lists:.0%}")
        return recall, headings, lists

    return measured
