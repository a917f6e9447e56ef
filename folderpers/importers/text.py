"""Plain text copied out of a PDF → document tree.

Such text has lost its fonts: lines may be broken where the PDF's lines ended, bullets come as
glyphs ("•", "", "▪", private-use characters of symbol fonts) or "-", and headings are short lines.
Rules:
- a line starting with a bullet glyph starts a list item, "1." / "1)" a step;
- a line is joined to the one before when that one does not end a sentence and this one does
  not start a new item (hyphenated halves are joined again, as in the PDF reader);
- a short line (at most 12 words) without closing punctuation, or a short question, followed by
  text, is a heading; the first one is the title; a line repeated right after itself is dropped;
- blank lines end paragraphs.
"""

from __future__ import annotations

import re
from pathlib import Path

from folderpers.importers.errors import UnreadableSourceError
from folderpers.importers.pdf import HYPHENS, is_bullet, join_hyphenated
from folderpers.importers.tree import Document, Dropped, Heading, ItemList, Node, Paragraph, escape_markup

_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+(\S.*)$")
_SENTENCE_END = re.compile(r"[.!?;:][\"'\u201d\u2019)]*$")
_MAX_HEADING_WORDS = 12


def read_text_file(path: Path) -> Document:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in text or not text.strip():
        raise UnreadableSourceError(path, "the file holds no readable text" if not text.strip() else
                                    "the file is not plain text", "copy the text out of the PDF again and save it "
                                    "as UTF-8 text (.txt)")
    return read_text(text, path.name)


def read_text(text: str, source_name: str) -> Document:
    dropped: list[Dropped] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    entries: list[tuple[str, str]] = []  # (kind, text): kind is blank, bullet, step or line
    previous = None
    for line in lines:
        stripped = line.strip()
        if stripped and stripped == previous:
            dropped.append(Dropped(repr(stripped[:60]), "the same line twice in a row (a copy of the title)"))
            continue
        previous = stripped or previous
        if not stripped:
            entries.append(("blank", ""))
        elif is_bullet(stripped[0]) and (len(stripped) == 1 or stripped[1] in " \t" or stripped[0] in "•▪●"):
            entries.append(("bullet", stripped[1:].strip()))
        elif _NUMBERED.match(stripped):
            entries.append(("step", _NUMBERED.match(stripped).group(2)))  # type: ignore[union-attr]
        else:
            entries.append(("line", stripped))
    return Document(source_name, tuple(_nodes(entries)), {}, tuple(dropped))


def _nodes(entries: list[tuple[str, str]]) -> list[Node]:
    # First join broken lines: into the item or line before, when that did not end its sentence.
    joined: list[list[str]] = []  # [kind, text]
    for kind, text in entries:
        last = joined[-1] if joined else None
        if kind == "line" and last and last[0] in ("line", "bullet", "step") and _continues(last[1], text):
            last[1] = _join(last[1], text)
        elif kind == "bullet" and not text:
            continue
        else:
            joined.append([kind, text])
    nodes: list[Node] = []
    for index, (kind, text) in enumerate(joined):
        following = joined[index + 1] if index + 1 < len(joined) else None
        if kind in ("bullet", "step"):
            ordered = kind == "step"
            last_node = nodes[-1] if nodes else None
            if isinstance(last_node, ItemList) and last_node.ordered == ordered:
                nodes[-1] = ItemList((*last_node.items, escape_markup(text)), ordered)
            else:
                nodes.append(ItemList((escape_markup(text),), ordered))
        elif kind == "line":
            if _is_heading(text, following):
                nodes.append(Heading(text, 1 if not any(isinstance(n, Heading) for n in nodes) else 2))
            else:
                nodes.append(Paragraph(escape_markup(text)))
    return nodes


def _continues(before: str, line: str) -> bool:
    """`line` goes on with `before`: it starts in lower case, or `before` stopped mid-sentence and is
    long enough to have been wrapped (a short line without a full stop is a heading)."""
    if line[:1].islower() or before[-1:] in HYPHENS:
        return True
    return not _SENTENCE_END.search(before) and len(before.split()) > _MAX_HEADING_WORDS


def _join(before: str, line: str) -> str:
    if before[-1:] in HYPHENS and len(before) > 1 and before[-2].isalpha():
        return join_hyphenated(before, line)
    return f"{before} {line}"


def _is_heading(text: str, following: list[str] | None) -> bool:
    words = len(text.split())
    if words > _MAX_HEADING_WORDS or following is None or (following[0] == "blank" and False):
        return False
    if text.endswith("?"):
        return words <= 10 and following[0] in ("line", "bullet", "step")
    return not _SENTENCE_END.search(text) and not text.endswith(",")
