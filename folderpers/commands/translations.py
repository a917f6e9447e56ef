"""`build.py translations`: for every folder and language, whether its translation is missing, up to
date or stale, and which parts are stale (README, "Translations")."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from folderpers.errors import FolderpersError
from folderpers.project import Project
from folderpers.source.exchange import export, import_file
from folderpers.source.translation import (
    HASH_KEY,
    SourceHashes,
    TranslationStatus,
    compare,
)
from folderpers.source.yamlsource import load_yaml


@dataclass(frozen=True)
class FolderTranslations:
    """One Dutch folder, its current hashes and the status of each translation language."""

    slug: str
    source: Path
    hashes: SourceHashes
    blocks: tuple[dict, ...]
    statuses: dict[str, TranslationStatus | None]  # by language; None: no translation yet


def languages(project: Project, source_language: str = "nl") -> tuple[str, ...]:
    """The languages the project has interface words for, but the source's: what a folder can be translated into."""
    return tuple(sorted(path.stem for path in (project.templates / "labels").glob("*.yaml")
                        if path.stem != source_language))


def survey(project: Project, wanted: tuple[str, ...] = ()) -> list[FolderTranslations]:
    """Every folder (or the `wanted` slugs) with the status of each of its translations."""
    result = []
    targets = languages(project)
    for source in project.folder_sources():
        if source.name != "folder.yaml" or (wanted and source.parent.name not in wanted):
            continue
        data = load_yaml(source).data
        hashes = SourceHashes.of(data)
        statuses: dict[str, TranslationStatus | None] = {}
        for language in targets:
            path = source.with_name(f"folder.{language}.yaml")
            statuses[language] = compare(language, path, hashes, load_yaml(path).data) if path.is_file() else None
        result.append(FolderTranslations(source.parent.name, source, hashes, tuple(data.get("blocks", ())),
                                         statuses))
    return result


def describe(block: dict) -> str:
    """A Dutch block in a few words: its type and the start of its text."""
    kind = next(iter(block))
    value = block[kind]
    text = value if isinstance(value, str) else str(value[0]) if isinstance(value, list) and value else ""
    text = " ".join(str(block.get("text", text)).split())
    return f"{kind}: {text[:50]}{'…' if len(text) > 50 else ''}"


def main(project: Project, args: argparse.Namespace) -> int:
    """Print the status of every translation (exit 1 when any is stale, for a scheduled job), or
    export what needs translating (--export LANG), or import a translated file (--import FILE)."""
    if getattr(args, "import_file", None):
        return _import(project, args.import_file)
    if getattr(args, "export", None):
        return _export(project, args)
    try:
        folders = survey(project, tuple(getattr(args, "folder", ()) or ()))
    except FolderpersError as error:
        print(f"error: {error}")
        return 2
    stale_count = 0
    for folder in folders:
        print(f"{folder.slug}  (folder.yaml: {len(folder.hashes.blocks)} blocks)")
        for language, status in folder.statuses.items():
            if status is None:
                print(f"  {language}  missing")
                continue
            if status.up_to_date:
                print(f"  {language}  up to date")
                continue
            stale_count += 1
            print(f"  {language}  STALE")
            if status.cover_stale:
                print(f"      the title, subtitle or intro changed: write {HASH_KEY}: {folder.hashes.cover} at the top "
                      f"once it is translated again")
            for index, source in zip(status.stale, status.stale_sources, strict=True):
                if source is None:
                    print(f"      block {index + 1} of folder.{language}.yaml: its Dutch block was removed")
                else:
                    print(f"      block {index + 1} of folder.{language}.yaml: Dutch block {source + 1} changed "
                          f"({describe(folder.blocks[source])}); write {HASH_KEY}: {folder.hashes.blocks[source]}")
            for index, after in zip(status.missing, status.insert_at, strict=True):
                print(f"      Dutch block {index + 1} is not translated ({describe(folder.blocks[index])}); "
                      f"{HASH_KEY}: {folder.hashes.blocks[index]}, after block {after + 1}")
    print(f"\n{len(folders)} folders, {stale_count} stale translations")
    return 1 if stale_count else 0


def _export(project: Project, args: argparse.Namespace) -> int:
    """One file per folder with the units of `--export LANG` that are missing or stale (all with --all)."""
    language, kind = args.export, args.exchange_format
    if language not in languages(project):
        print(f"error: no language {language!r}: there are {', '.join(languages(project))} "
              f"(templates/labels/<language>.yaml)")
        return 2
    output = args.exchange_dir or Path.cwd()
    output.mkdir(parents=True, exist_ok=True)
    suffix = ".xlf" if kind == "xliff" else ".po"
    for folder in survey(project, tuple(getattr(args, "folder", ()) or ())):
        data, count = export(folder.source, language, kind, everything=args.all)
        if not count:
            print(f"{folder.slug}: nothing to translate into {language}")
            continue
        path = output / f"{folder.slug}.{language}{suffix}"
        path.write_bytes(data)
        print(f"{folder.slug}: {count} units to translate into {language}: {path}")
    return 0


def _import(project: Project, file: Path) -> int:
    try:
        result = import_file(project.folders, file)
    except FolderpersError as error:
        print(f"error: {error}")
        return 2
    print(f"{result.path}: {result.blocks} blocks" + (" and the title part" if result.cover else "") +
          " written from " + str(file))
    return 0
