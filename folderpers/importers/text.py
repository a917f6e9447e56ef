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

import itertools
import re
from pathlib import Path

from folderpers.importers.errors import UnreadableSourceError
from folderpers.importers.glyphs import HYPHENS, is_bullet, join_hyphenated
from folderpers.importers.tree import Document, Dropped, Heading, ItemList, Node, Paragraph, escape_markup

_PAGE_NUMBER = re.compile(r"^\W*(pagina|page|blz\.?|p\.)?\s*#(\s*(van|of|/)\s*#)?\W*$", re.IGNORECASE)
_SUB_BULLET = re.compile(r"^o[ \t]+\S")  # Word's second-level bullet "o" (Courier New), copied as a letter
_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+(\S.*)$")
_SENTENCE_END = re.compile(r"[.!?;:][\"'\u201d\u2019)]*$")
_MAX_HEADING_WORDS = 12
_MAX_ABOVE_TITLE = 3
_MIN_PAGE_LINES = 12  # a running header recurs once a page; a page of a folder has more lines than this


def read_text_file(path: Path) -> Document:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # saved by an older Windows program
        text = raw.decode("cp1252", errors="replace")
    if "\x00" in text or not text.strip():
        raise UnreadableSourceError(path, "the file holds no readable text" if not text.strip() else
                                    "the file is not plain text", "copy the text out of the PDF again and save it "
                                    "as UTF-8 text (.txt)")
    return read_text(text, path.name)


def read_text(text: str, source_name: str) -> Document:
    dropped: list[Dropped] = []
    text, running = _without_running_lines(text)
    if running:
        dropped.append(Dropped(f"{len(running)} running header/footer and page-number lines",
                               "repeated on every page of the PDF; read for the code, version and dates"))
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
        elif (is_bullet(stripped[0]) and (len(stripped) == 1 or stripped[1] in " \t" or stripped[0] in "•▪●")) or \
                _SUB_BULLET.match(stripped):
            entries.append(("bullet", stripped[1:].strip()))
        elif _NUMBERED.match(stripped):
            entries.append(("step", _NUMBERED.match(stripped).group(2)))  # type: ignore[union-attr]
        else:
            entries.append(("line", stripped))
    nonblank = sorted(len(line) for kind, line in entries if kind != "blank")
    wrap = nonblank[int(0.8 * (len(nonblank) - 1))] if nonblank else 0  # about the width the PDF's lines had
    nodes, subtitle = _with_title(_nodes(entries, wrap), dropped)
    properties = {"subtitle": subtitle} if subtitle else {}
    return Document(source_name, tuple(nodes), properties, tuple(dropped), tuple(dict.fromkeys(running)))


def _without_running_lines(text: str) -> tuple[str, list[str]]:
    """Text without the page headers/footers copied along with every page: short lines that recur
    (digits aside) three times or more, a page's length apart (not a list of contacts, each with its
    "Telefoon:" line), and lines that are only a page number."""
    lines = text.split("\n")
    shape = [re.sub(r"\d+", "#", line.strip()) for line in lines]
    places: dict[str, list[int]] = {}
    for number, key in enumerate(shape):
        places.setdefault(key, []).append(number)

    def recurs_per_page(key: str) -> bool:
        at = places[key]
        return len(at) >= 3 and min(b - a for a, b in itertools.pairwise(at)) >= _MIN_PAGE_LINES

    kept, running = [], []
    for line, key in zip(lines, shape, strict=True):
        if key and ((len(key) <= 100 and not is_bullet(key[0]) and recurs_per_page(key)) or _PAGE_NUMBER.match(key)):
            running.append(line.strip())
        else:
            kept.append(line)
    return "\n".join(kept), running


def _nodes(entries: list[tuple[str, str]], wrap: int) -> list[Node]:
    # First join broken lines: into the item or line before, when that did not end its sentence.
    joined: list[list[str]] = []  # [kind, text]
    last_line = ""  # the physical line before, as it was in the text
    for kind, text in entries:
        last = joined[-1] if joined else None
        if kind == "line" and last and last[0] in ("line", "bullet", "step") and _continues(last_line, text, wrap):
            last[1] = _join(last[1], text)
        elif kind == "bullet" and not text:
            continue
        else:
            joined.append([kind, text])
        last_line = text
    joined = _lines_into_items(joined)
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
                nodes.append(Heading(text, 2))
            else:
                nodes.append(Paragraph(escape_markup(text)))
    return nodes


def _lines_into_items(joined: list[list[str]]) -> list[list[str]]:
    """Lines between two items of the same list belong to the item before (the PDF indented them;
    copied text lost that): a list does not hold a paragraph between its items."""
    result: list[list[str]] = []
    index = 0
    while index < len(joined):
        kind, text = joined[index]
        if kind in ("bullet", "step"):
            end = index + 1
            while end < len(joined) and joined[end][0] == "line":
                end += 1
            between = range(index + 1, end)
            if index + 1 < end < len(joined) and joined[end][0] == kind and not any(
                    _is_heading(joined[at][1], joined[at + 1]) for at in between):
                text = " ".join([text, *(line for _, line in joined[index + 1:end])])
                result.append([kind, text])
                index = end
                continue
        result.append([kind, text])
        index += 1
    return result


def _with_title(nodes: list[Node], dropped: list[Dropped]) -> tuple[list[Node], str]:
    """The run of heading-like lines a copied cover starts with (logo text, department, title,
    subtitle): the last but one is the title and the last the subtitle (unless it asks a question,
    then it is the first section); what stands before the title is cover text."""
    start = 0  # a few short lines before the first heading: a web page's navigation, a cover's logo text
    while start < min(len(nodes), _MAX_ABOVE_TITLE) and isinstance(node := nodes[start], Paragraph) and \
            len(node.text.split()) <= 8:
        start += 1
    if start < len(nodes) and isinstance(nodes[start], Heading):
        for node in nodes[:start]:
            assert isinstance(node, Paragraph)
            dropped.append(Dropped(repr(node.text), "short text above the title (navigation or cover)"))
        nodes = nodes[start:]
    run = 0
    while run < len(nodes) and isinstance(nodes[run], Heading):
        run += 1
    if run == 0:
        return nodes, ""
    last = nodes[run - 1]
    assert isinstance(last, Heading)
    title_at = run - 2 if run >= 2 and not last.text.endswith("?") else 0
    for node in nodes[:title_at]:
        dropped.append(Dropped(repr(node.text if isinstance(node, Heading) else ""), "cover text above the title"))
    title = nodes[title_at]
    assert isinstance(title, Heading)
    if title_at == run - 2:
        return [Heading(title.text, 1), *nodes[run:]], last.text
    return [Heading(title.text, 1), *nodes[title_at + 1:]], ""


def _continues(before: str, line: str, wrap: int) -> bool:
    """`line` goes on from the line `before`: it starts in lower case, or `before` stopped
    mid-sentence and is long enough to have been wrapped (nearly as long as the longer lines of the
    text, or longer than a heading can be); a short line without a full stop is a heading."""
    if line[:1].islower() or before[-1:] in HYPHENS:
        return True
    wrapped = len(before.split()) > _MAX_HEADING_WORDS or len(before) >= 0.7 * wrap
    return not _SENTENCE_END.search(before) and wrapped


def _join(before: str, line: str) -> str:
    if before[-1:] in HYPHENS and len(before) > 1 and before[-2].isalpha():
        return join_hyphenated(before, line)
    return f"{before} {line}"


def _is_heading(text: str, following: list[str] | None) -> bool:
    """A short line that does not end a sentence (or a short question) with more text after it; not
    a line of contact details ("Telefoon: 088 215 1800", "E-mail: ...@...")."""
    words = len(text.split())
    details = "@" in text or "://" in text or sum(character.isdigit() for character in text) >= 5
    if words > _MAX_HEADING_WORDS or following is None or details or not (text[:1].isupper() or text[:1].isdigit()):
        return False
    if text.endswith("?"):
        return words <= 10 and following[0] in ("line", "bullet", "step")
    return not _SENTENCE_END.search(text) and not text.endswith(",")
