"""Which version of the Dutch folder a translation translates, block by block.

A translation (`folder.<lang>.yaml`) records, for its title part (`translates:` at the top) and for
every block (`translates:` inside the block), a short hash of the canonical content of the Dutch
part it was made from (`source_hash`). Comparing those with the hashes of `folder.yaml` as it is
now tells which parts are up to date and which are stale: a changed Dutch block changes only its
own hash, so exactly its translation becomes stale. The two block lists are aligned on the hashes
(difflib), so a block added to or removed from the Dutch folder is found as such and does not make
the blocks after it stale.

Policy (README, "Translations"): a stale translation is still published, with a notice at its
start, in its own language, naming the sections that may be out of date; the build warns.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from folderpers.model.blocks import Heading
from folderpers.model.folder import Folder
from folderpers.model.publication import Publication
from folderpers.project import translation_language
from folderpers.source.yamlsource import load_yaml

HASH_KEY = "translates"  # the key a translation records its source hashes under
COVER_KEYS = ("title", "subtitle", "intro")  # the title part: one unit of translation
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def _canonical(value: Any) -> Any:
    """`value` with what does not change its meaning taken out: line wrapping inside a paragraph,
    the YAML style it was written in, our own bookkeeping key."""
    if isinstance(value, str):
        return "\n\n".join(" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(value.strip()) if p.strip())
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items() if key != HASH_KEY}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return value


def source_hash(value: Any) -> str:
    """The short hash of a Dutch block (or of the title part) that a translation records."""
    text = json.dumps(_canonical(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def cover_of(data: dict[str, Any]) -> dict[str, Any]:
    return {key: data[key] for key in COVER_KEYS if key in data}


@dataclass(frozen=True)
class SourceHashes:
    """The hashes of a Dutch folder file as it is now."""

    cover: str
    blocks: tuple[str, ...]

    @classmethod
    def of(cls, data: dict[str, Any]) -> SourceHashes:
        return cls(source_hash(cover_of(data)), tuple(source_hash(block) for block in data.get("blocks", ())))


@dataclass(frozen=True)
class TranslationStatus:
    """How a translation stands against its Dutch source."""

    language: str
    path: Path
    cover_stale: bool
    stale: tuple[int, ...]  # its blocks (by index) whose Dutch block changed or is gone
    stale_sources: tuple[int | None, ...]  # for each stale block: the Dutch block (by index) it now stands for
    missing: tuple[int, ...]  # Dutch blocks (by index) it has no translation of
    insert_at: tuple[int, ...]  # for each missing block: the index of its block that precedes it (-1: none)

    @property
    def up_to_date(self) -> bool:
        return not (self.cover_stale or self.stale or self.missing)

    def outdated_blocks(self) -> tuple[int, ...]:
        """Its blocks whose section is out of date (a missing block counts in the section it belongs to)."""
        return tuple(sorted({*self.stale, *(index for index in self.insert_at if index >= 0)}))


def compare(language: str, path: Path, source: SourceHashes, translation: dict[str, Any]) -> TranslationStatus:
    """Align the hashes a translation recorded with the source's current ones."""
    recorded = [block.get(HASH_KEY) if isinstance(block, dict) else None for block in translation.get("blocks", ())]
    stale: list[int] = []
    stale_sources: list[int | None] = []
    missing: list[int] = []
    insert_at: list[int] = []
    matcher = difflib.SequenceMatcher(None, recorded, list(source.blocks), autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation in ("replace", "delete"):
            stale.extend(range(i1, i2))
            stale_sources.extend(j1 + k if operation == "replace" and j1 + k < j2 else None for k in range(i2 - i1))
        if operation == "insert" or (operation == "replace" and j2 - j1 > i2 - i1):
            extra = range(j1 + (i2 - i1), j2) if operation == "replace" else range(j1, j2)
            missing.extend(extra)
            insert_at.extend([i2 - 1] * len(extra))
    return TranslationStatus(language, path, translation.get(HASH_KEY) != source.cover, tuple(stale),
                             tuple(stale_sources), tuple(missing), tuple(insert_at))


def translation_status(folder_source: Path, translation_source: Path) -> TranslationStatus:
    """The status of `translation_source` against the Dutch `folder_source` (both files as they are now)."""
    language = translation_language(translation_source) or ""
    return compare(language, translation_source, SourceHashes.of(load_yaml(folder_source).data),
                   load_yaml(translation_source).data)


@dataclass(frozen=True)
class LanguageLinks:
    """What a folder file's publications get from its other language versions."""

    versions: tuple[tuple[str, str], ...]  # (language, file stem) of every language version, this one too
    status: TranslationStatus | None  # for a translation with a Dutch source
    source: Path | None  # that source: an input of the translation's outputs
    stale_parts: tuple[str, ...]  # titles of its out-of-date sections ("": the title and introduction)

    @property
    def warnings(self) -> tuple[str, ...]:
        status = self.status
        if status is None or status.up_to_date:
            return ()
        changed = len(status.stale) + len(status.missing) + (1 if status.cover_stale else 0)
        return (f"translation {status.language!r} is stale: {changed} part(s) of folder.yaml changed since it was "
                f"translated; published with a notice naming the sections (see `build.py translations`)",)

    def apply(self, publication: Publication) -> Publication:
        sources = publication.sources if self.source is None else (*publication.sources, self.source.resolve())
        return dataclasses.replace(publication, language_versions=self.versions, stale_parts=self.stale_parts,
                                   sources=sources)


def link_languages(folder: Folder) -> LanguageLinks:
    """The language versions beside `folder` and, for a translation, how it stands against folder.yaml."""
    directory = folder.directory
    source = directory / "folder.yaml"
    versions = []
    for path in sorted(directory.glob("folder*.yaml")):
        language = translation_language(path)
        if path.name == "folder.yaml":
            versions.append((_language_of(path), folder.slug))
        elif language:
            versions.append((language, f"{folder.slug}.{language}"))
    if not folder.is_translation or not source.is_file():
        return LanguageLinks(tuple(versions), None, None, ())
    status = translation_status(source, folder.source)
    return LanguageLinks(tuple(versions), status, source, _stale_parts(folder, status))


def _language_of(path: Path) -> str:
    language = load_yaml(path).data.get("language", "nl")
    return language if isinstance(language, str) else "nl"


def _stale_parts(folder: Folder, status: TranslationStatus) -> tuple[str, ...]:
    """The headings (in the translation) of the sections holding out-of-date blocks."""
    parts: list[str] = [""] if status.cover_stale else []
    for index in status.outdated_blocks():
        heading = next((block.text for block in reversed(folder.blocks[:index + 1]) if isinstance(block, Heading)),
                       "")
        if heading not in parts:
            parts.append(heading)
    return tuple(parts)
