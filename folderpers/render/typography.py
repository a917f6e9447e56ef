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


def address_html(text: str, href: str | None = None) -> Markup:
    """An address as HTML, a link to `href` if given: after each / . - (and the @ of an e-mail address) a
    break opportunity (a zero-width space: <wbr> would split the link's tag in the PDF), hyphenation off;
    the last path segment (a folder's slug) unbroken. The span stays outside the link, for the same reason."""
    head, slash, last = text.rpartition("/")
    if not slash or head.endswith("/"):  # no path ("www.x.example", "a@b.example", "https://x.example")
        head, slash, last = "", "", text
    pieces = escape(BREAK.join(_BREAK_AFTER.split(head + slash)))
    if last and slash:  # kept whole by a no-break rule on the address's end, without an element inside the link
        pieces += escape(BREAK + last.replace("-", "-" + NO_BREAK))
    elif last:
        pieces += escape(BREAK.join(_BREAK_AFTER.split(last)))
    if href is not None:
        pieces = Markup('<a href="%s">%s</a>') % (href, pieces)
    return Markup('<span class="address">%s</span>') % pieces


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
