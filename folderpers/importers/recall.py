"""How much of a source an import kept: word recall in order, and structure recall (headings and
lists). Used by the tests and by `scripts/import_recall.py` to print the figures per format."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from folderpers.model.institution import Institution

_WORD = re.compile(r"\w+")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_PLACEHOLDER = re.compile(r"\{([a-z]+)(?::([^{}\s]*))?\}")
_NOT_SHOWN = {"alt", "figure", "size", "level", "callout", "row_headers", "include", "pagebreak"}  # not visible text


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def word_recall(source: list[str], imported: list[str]) -> float:
    """The share of the source's words that the import has, in the same order (longest matching
    subsequence as difflib finds it: a lower bound of the true longest common subsequence)."""
    if not source:
        return 1.0
    matcher = difflib.SequenceMatcher(None, source, imported, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(source)


@dataclass(frozen=True)
class Structure:
    headings: tuple[str, ...]  # normalised heading texts (the title among them)
    lists: tuple[tuple[bool, tuple[str, ...]], ...]  # (numbered, normalised items)


def structure_recall(source: Structure, imported: Structure) -> tuple[float, float]:
    """(share of source headings found as headings or titles, share of source lists found with all their
    items as a list of the same kind, or as a callout's items)."""
    headings = set(imported.headings)
    found_headings = sum(1 for heading in source.headings if heading in headings)

    def found(numbered: bool, items: tuple[str, ...]) -> bool:
        return any((kind is None or kind == numbered) and set(items) <= set(candidate)
                   for kind, candidate in ((k, c) for k, c in imported.lists))

    found_lists = sum(1 for numbered, items in source.lists if found(numbered, items))
    return (found_headings / len(source.headings) if source.headings else 1.0,
            found_lists / len(source.lists) if source.lists else 1.0)


def folder_text(path: Path, institution: Institution | None = None) -> tuple[list[str], Structure]:
    """The visible words of a folder file in reading order (placeholders filled in for `institution`,
    link targets and alt texts left out), and its structure."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts = [str(data.get(key, "")) for key in ("title", "subtitle", "intro")]
    headings = [_normal(str(data.get("title", "")))]
    lists: list[tuple[bool, tuple[str, ...]]] = []
    for block in data.get("blocks", []):
        texts.extend(_block_texts(block, institution))
        if "heading" in block:
            headings.append(_normal(block["heading"]))
        if block.get("title") and "callout" in block:
            headings.append(_normal(block["title"]))
        for kind, numbered in (("list", False), ("steps", True)):
            if kind in block:
                lists.append((numbered, tuple(_normal(_fill(item, institution)) for item in block[kind])))
        if "items" in block:
            lists.append((None, tuple(_normal(_fill(item, institution)) for item in block["items"])))  # type: ignore[arg-type]
    return words(" ".join(_fill(text, institution) for text in texts)), Structure(tuple(headings), tuple(lists))


def _block_texts(value: Any, institution: Institution | None, key: str = "") -> Iterator[str]:
    if key in _NOT_SHOWN:
        return
    if key == "contacts" and isinstance(value, list):
        for contact_key in value:
            contact = institution.contacts.get(contact_key) if institution else None
            if contact:
                yield from (contact.label, contact.phone.display, contact.hours or "", contact.email or "")
        return
    if isinstance(value, dict):  # a block's own title is printed above its content
        for inner_key, inner in sorted(value.items(), key=lambda item: item[0] != "title"):
            yield from _block_texts(inner, institution, inner_key)
    elif isinstance(value, list):
        for item in value:
            yield from _block_texts(item, institution, key)
    elif isinstance(value, str):
        yield value


def _fill(text: str, institution: Institution | None) -> str:
    text = _LINK_TARGET.sub("]", text)
    if institution is None:
        return text

    def replace(match: re.Match[str]) -> str:
        kind, key = match.group(1), match.group(2)
        contact = institution.contacts.get(key or "")
        if kind == "institution":
            return institution.name
        if kind == "website":
            return institution.website
        if contact is None:
            return match.group(0)
        return {"phone": contact.phone.display, "contact": f"{contact.label} ({contact.phone.display})",
                "email": contact.email or "", "hours": contact.hours or ""}.get(kind, match.group(0))

    return _PLACEHOLDER.sub(replace, text)


def _normal(text: str) -> str:
    return " ".join(words(text))
