"""Typographic conventions every reader meets: bullet glyphs, hyphens, words broken at a line end."""

from __future__ import annotations

BULLETS = set("•●▪■◦○·\u2013\u2014-*►▸✓✔➢➤→□❖◆◇")  # incl. en and em dash
HYPHENS = "-\u2010\u00ad"  # hyphen-minus, the typographic hyphen some fonts use, the soft hyphen


def is_bullet(word: str) -> bool:
    """A bullet glyph: a common one, or a private-use character (symbol fonts such as Wingdings)."""
    return len(word) == 1 and (word in BULLETS or 0xE000 <= ord(word) <= 0xF8FF or ord(word) >= 0xF0000)


def join_hyphenated(before: str, after: str) -> str:
    """Halves of a word broken at a line end: "zorgverze-" + "keraar" is one word, "MRI-" + "scan" keeps its hyphen."""
    if before[-1:] == "\u00ad" or (before[-2:-1].islower() and after[:1].islower()):
        return before[:-1] + after
    return before[:-1] + "-" + after
