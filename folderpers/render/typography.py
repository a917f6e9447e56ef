"""Typesetting of text on its way into HTML: web and e-mail addresses that break only after
/ . - (never hyphenated, the last path segment kept whole), and Dutch typographic quotes.

Quotes follow the Dutch convention of Onze Taal and the Taalunie: curly quotes shaped 6 and 9,
double (U+201C ... U+201D) and single (U+2018 ... U+2019), and the apostrophe U+2019 (zo'n,
's avonds). Straight quotes in content are turned into these; text inside addresses is left as typed.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# Text that is an address a reader may type: shown with break opportunities, not hyphenated.
ADDRESS = re.compile(r"^(?:(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)$")
_BREAK_AFTER = re.compile(r"(?<=[/.\-@])(?=.)")
BREAK = "\u200b"  # zero-width space: a break opportunity, no hyphen
NO_BREAK = "\u2060"  # word joiner: no break here (the slug's own hyphens)


def address_html(text: str, href: str | None = None, paged: bool = True) -> Markup:
    """An address as HTML, a link to `href` if given: after each / . - (and the @ of an e-mail address) a
    break opportunity (no hyphen added), hyphenation off; the last path segment (a folder's slug) unbroken.
    On paper the breaks are zero-width spaces and word joiners: an element inside a link (<wbr>, a span)
    would split its tag in the PDF. On the web page they are <wbr> and a no-wrap span, which find-in-page
    and copying see through."""
    head, slash, last = text.rpartition("/")
    if not slash or head.endswith("/"):  # no path ("www.x.example", "a@b.example", "https://x.example")
        head, slash, last = "", "", text
    breaking = last if not slash else ""
    pieces = _with_breaks(head + slash + breaking, paged)
    if slash and last:
        pieces += (escape(BREAK + last.replace("-", "-" + NO_BREAK)) if paged
                   else Markup('<wbr><span class="address-end">%s</span>') % last)
    if href is not None:
        pieces = Markup('<a href="%s">%s</a>') % (href, pieces)
    return Markup('<span class="address">%s</span>') % pieces


def _with_breaks(text: str, paged: bool) -> Markup:
    parts = _BREAK_AFTER.split(text)
    return escape(BREAK.join(parts)) if paged else Markup("<wbr>").join(escape(part) for part in parts)


OPEN_DOUBLE, CLOSE_DOUBLE, OPEN_SINGLE, APOSTROPHE = "\u201c", "\u201d", "\u2018", "\u2019"
_OPENS_AFTER = "([{/-\u2014\u2013" + OPEN_DOUBLE + OPEN_SINGLE  # a quote after these opens


def dutch_quotes(text: str, before: str = " ") -> str:
    """Straight quotes as curly ones; `before` is the character that precedes `text` (for the first quote)."""
    result = []
    for index, character in enumerate(text):
        previous = text[index - 1] if index else before
        opening = previous.isspace() or previous in _OPENS_AFTER
        if character == '"':
            result.append(OPEN_DOUBLE if opening else CLOSE_DOUBLE)
        elif character == "'":  # 's avonds and 't are elisions: an apostrophe, not an opening quote
            elision = opening and text[index + 1:index + 3] in ("s ", "t ")
            result.append(OPEN_SINGLE if opening and not elision else APOSTROPHE)
        else:
            result.append(character)
    return "".join(result)
