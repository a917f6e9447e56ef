"""A synthetic corpus for the benchmark: realistic folders (2 to 12 A5 pages) x institutions.

Folders are made from the example folders' own blocks (so every block type, image and snippet
appears), cut or repeated to vary their length; extra institutions are copies of the examples
with their own id, prefix and phone numbers. Deterministic for a given seed.
"""

from __future__ import annotations

import random
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import yaml

from folderpers.project import Project
from folderpers.source.yamlsource import WholeNumber, load_yaml


def _plain(value):
    """Loaded YAML back to plain data that yaml.safe_dump can write."""
    if isinstance(value, WholeNumber):
        return int(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def make_corpus(source: Project, target: Path, folders: int, institutions: int, seed: int = 7,
                today: date | None = None) -> Project:
    today = today or date.today()
    if target.exists():
        shutil.rmtree(target)
    for name in ("templates", "styles", "schemas", "snippets"):
        shutil.copytree(source.root / name, target / name)
    examples = [_plain(load_yaml(path).data) | {"_dir": path.parent} for path in source.folder_sources()]
    bases = sorted(source.institution_sources())
    for index in range(institutions):
        base = bases[index % len(bases)].parent
        destination = target / "institutions" / (base.name if index < len(bases) else f"{base.name}{index}")
        shutil.copytree(base, destination)
        if index >= len(bases):  # a new institution: own prefix and own phone numbers
            text = (destination / "institution.yaml").read_text("utf-8")
            text = re.sub(r"code_prefix: \w+", f"code_prefix: X{index:02d}", text)
            text = re.sub(r"(088[ -]?\(?\)?)\d", rf"\g<1>{index % 10}", text)
            (destination / "institution.yaml").write_text(text, "utf-8")
    rng = random.Random(seed)
    if folders < len(examples):
        raise ValueError(f"at least {len(examples)} folders, one from each example (they link to each other)")
    renamed: dict[str, str] = {}
    for number, example in enumerate(examples):
        renamed.setdefault(example["_dir"].name, f"folder-{number:03d}")
    for number in range(folders):
        example = dict(examples[number % len(examples)])
        directory = target / "folders" / f"folder-{number:03d}"
        shutil.copytree(example.pop("_dir"), directory)
        blocks = example["blocks"]
        # from a fifth of the example (2-3 pages) to the example and half again (10-12 pages)
        count = max(6, round(len(blocks) * rng.choice((0.2, 0.35, 0.5, 0.75, 1.0, 1.5))))
        chosen = (blocks * 2)[:count]
        while chosen and "heading" in chosen[-1]:
            chosen.pop()
        example["blocks"] = chosen
        example["code"] = f"B-{number:03d}"
        example["approved"] = (today - timedelta(days=30)).isoformat()  # current: not due, not expired
        example["review"] = (today + timedelta(days=700)).isoformat()
        example["title"] = f"{example['title']} ({number})"
        example.pop("institutions", None)
        for old in directory.glob("folder*.yaml"):
            old.unlink()
        text = yaml.safe_dump(example, allow_unicode=True, sort_keys=False, width=100)
        # a link to another example folder ({folder:slug}) goes to the first synthetic folder made from it
        text = re.sub(r"\{folder:([a-z0-9-]+)\}", lambda match: f"{{folder:{renamed[match[1]]}}}", text)
        (directory / "folder.yaml").write_text(text, "utf-8")
    return Project(target)
