"""Where a word or sentence that a check found stands in its YAML file, to the line.

A passage knows where it starts; the text a check reads is its plain text, without markup, and
YAML may have folded its lines. So the words are looked up in the file itself, from the start of
the passage on, with anything that is not a word (markup, line breaks, indentation, quotes)
allowed between them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from folderpers.errors import Location

# A word or number (MRI-scan, 's, 38,5, en/of), or a placeholder as written ({phone:key}): one word.
WORD = re.compile(r"\{[a-z]+(?::[^{}\s]*)?\}|[^\W_]+(?:[-'’.,/][^\W_]+)*")
_LOOKED_UP = 5  # words of a sentence that pin down where it starts


def locate(start: Location, text: str, after: int = 0) -> tuple[Location, int]:
    """Where `text` (a word or a sentence) first stands in start's file, at or after `start` and
    `after` (an offset into the file); also the offset just past it, to find the next one.
    Falls back to `start` when the words cannot be found (a placeholder's resolved text, say)."""
    source = _source(start.path)
    if source is None or start.line is None:
        return start, after
    begin = max(after, _offset(source, start))
    words = [match.group(0) for match in WORD.finditer(text)][:_LOOKED_UP]
    while words:  # fewer words when markup splits one (**vet**heid) or a link's address stands between
        pattern = r"(?<![^\W_])" + r"[\W_]+".join(map(re.escape, words)) + r"(?![^\W_])"  # whole words
        found = re.compile(pattern).search(source, begin)
        if found:
            line = source.count("\n", 0, found.start()) + 1
            column = found.start() - source.rfind("\n", 0, found.start())
            return Location(start.path, line, column), found.end()
        words = words[:-1]
    return start, after


def _offset(source: str, location: Location) -> int:
    offset = 0
    for _ in range((location.line or 1) - 1):
        offset = source.index("\n", offset) + 1
    return offset + max((location.column or 1) - 1, 0)


@lru_cache(maxsize=64)
def _read(path: Path, stamp: tuple[int, int]) -> str:
    return path.read_text("utf-8")


def _source(path: Path) -> str | None:
    try:
        stat = Path(path).stat()
        return _read(Path(path), (stat.st_mtime_ns, stat.st_size))
    except (OSError, UnicodeDecodeError):
        return None
