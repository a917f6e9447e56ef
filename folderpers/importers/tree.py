"""The importers' common intermediate: a small document tree that every reader (DOCX, HTML, PDF,
plain text) produces and the mapping stage turns into folder blocks.

Inline text is carried as the project's own inline markup (`**bold**`, `*italic*`,
`[text](https://...)`) with literal markup characters escaped, so a reader decides once what is
emphasis or a link and nothing downstream re-interprets the source's characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_MARKUP_CHARACTERS = re.compile(r"([\\*_\[\]{}`])")


def escape_markup(text: str) -> str:
    """Literal text as inline markup: characters that would start markup or a placeholder get a backslash."""
    return _MARKUP_CHARACTERS.sub(r"\\\1", text)


@dataclass(frozen=True)
class Heading:
    text: str  # inline markup
    level: int  # as in the source: 1 for the document's title level, 2, 3, ...


@dataclass(frozen=True)
class Paragraph:
    text: str  # inline markup


@dataclass(frozen=True)
class ItemList:
    items: tuple[str, ...]  # inline markup, one per item (nested items are flattened into their own entries)
    ordered: bool  # numbered in the source: becomes `steps`


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]  # inline markup per cell; the first row is the header row


@dataclass(frozen=True)
class Image:
    name: str  # file name to write into the folder's directory
    data: bytes
    alt: str  # the source's own alternative text, "" when it has none


@dataclass(frozen=True)
class Box:
    """Content the source set apart (a framed or shaded box, an <aside>): a callout candidate."""

    title: str  # its own heading or bold first line, "" when it has none
    children: tuple[Node, ...]


Node = Heading | Paragraph | ItemList | Table | Image | Box


@dataclass(frozen=True)
class Dropped:
    """Something the reader left out on purpose, for the import report."""

    what: str  # e.g. "navigation", "running footer 'ZWH-RAD-014 · versie 2.1'"
    why: str


@dataclass(frozen=True)
class Document:
    """What one reader got out of one source file."""

    source_name: str  # the file name, for comments and the report
    nodes: tuple[Node, ...]
    properties: dict[str, str] = field(default_factory=dict)  # title, subject, keywords, version, ... as found
    dropped: tuple[Dropped, ...] = ()
    running_text: tuple[str, ...] = ()  # running headers/footers left out of the text, read for metadata
