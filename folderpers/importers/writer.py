"""Write an imported folder: folders/<slug>/folder.yaml with `# REVIEW:` comments where a person
must look, its images, and an import report (what was recognised, what was dropped and why).

Everything is written into a temporary directory first and renamed into place, so a failed
import leaves nothing behind; an existing folder is replaced only when asked (`--force`).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from folderpers.errors import Location, Problem
from folderpers.importers.errors import ImportRefusedError
from folderpers.importers.mapping import ImportedFolder

REPORT_NAME = "import-report.txt"
_NO_FOLDING = 1_000_000
SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/folder.schema.json\n"


class _Dumper(yaml.SafeDumper):
    """Multi-line text as literal blocks (|), as authors write it; no anchors or aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_text)


@dataclass(frozen=True)
class Review:
    line: int  # in folder.yaml
    note: str


def render_yaml(folder: ImportedFolder) -> tuple[str, list[Review]]:
    """The text of folder.yaml and the review notes with the lines they are about."""
    lines: list[str] = [SCHEMA_LINE.rstrip("\n"),
                        f"# Imported from {folder.metadata['imported']} by `build.py import`"
                        + (f" for institution {folder.institution!r}." if folder.institution else ".")]
    reviews: list[Review] = []

    def comment(text: str, indent: str) -> None:
        for number, part in enumerate(_wrap(text, 100 - len(indent))):
            lines.append(f"{indent}# {'REVIEW: ' if number == 0 else '        '}{part}")

    for key, value in folder.metadata.items():
        metadata_note = folder.metadata_notes.get(key)
        if metadata_note:
            comment(metadata_note, "")
            reviews.append(Review(len(lines) + 1, metadata_note))
        lines.extend(_dump({key: value}).splitlines())
    lines.append("")
    lines.append("blocks:")
    for block, notes in zip(folder.blocks, folder.block_notes, strict=True):
        unique = list(dict.fromkeys(notes))
        for note in unique:
            comment(note.text, "  ")
        start = len(lines)
        lines.extend("  " + line for line in _dump([block]).splitlines())
        for note in unique:  # the line the note is about: where its phone number stands, else the block's first
            at = next((start + offset for offset, line in enumerate(lines[start:])
                       if note.anchor and note.anchor in line), start)
            reviews.append(Review(at + 1, note.text))
    return "\n".join(lines) + "\n", reviews


def _dump(value: Any) -> str:
    """YAML without folded lines: a paragraph is one line, so a review note can name the line of its number."""
    return yaml.dump(value, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=_NO_FOLDING,
                     default_flow_style=False)


def _wrap(text: str, width: int) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


def render_report(folder: ImportedFolder, reviews: list[Review], yaml_name: str) -> str:
    recognised = ", ".join(f"{count} {kind}" for kind, count in sorted(folder.recognised.items()))
    lines = [f"Import of {folder.metadata['imported']}",
             f"Institution registry used for placeholders: {folder.institution or 'none (no institution matched)'}",
             f"Recognised: {recognised or 'nothing'}"]
    for key, where in folder.metadata_sources.items():
        lines.append(f"Metadata {key}: {where}")
    lines.append(f"\nTo review ({len(reviews)}):")
    lines.extend(f"  {yaml_name}:{review.line}: {review.note}" for review in reviews)
    lines.append(f"\nDropped ({len(folder.dropped)}):")
    lines.extend(f"  {dropped.what}: {dropped.why}" for dropped in folder.dropped)
    return "\n".join(lines) + "\n"


def write_folder(folder: ImportedFolder, directory: Path, *, force: bool) -> tuple[Path, Path, list[Review]]:
    """Write the folder into `directory` (folders/<slug>); return (folder.yaml, report, reviews)."""
    text, reviews = render_yaml(folder)
    report = render_report(folder, reviews, f"{directory.name}/folder.yaml")
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}-import-", dir=directory.parent))
    try:
        (staging / "folder.yaml").write_text(text, encoding="utf-8")
        (staging / REPORT_NAME).write_text(report, encoding="utf-8")
        for image in folder.images:
            (staging / image.name).write_bytes(image.data)
        if directory.exists():
            if not force:  # made meanwhile: the command checked before it began
                raise ImportRefusedError(Problem(Location(directory), "this folder already exists",
                                                 "choose another name with --slug, or replace it with --force"))
            shutil.rmtree(directory)
        staging.rename(directory)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return directory / "folder.yaml", directory / REPORT_NAME, reviews
