"""Checks on inline text as written (passages, with their file and line) that no single parse sees:

- text shaped like a placeholder that did not become one (`{Phone:x}`, `{phone: x}`) would be
  printed literally: an error, whatever the parser made of it;
- a link inside link text (`[bel {phone:poli}](https://...)`: a phone number, e-mail address or
  website placeholder becomes a link of its own) gives nested links, which HTML and PDF/UA forbid;
- link text that reads as a web address must lead to that address's host: `[www.bank.nl](https://elders.example)`
  is how phishing looks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from folderpers.errors import Problem
from folderpers.model.blocks import Passage
from folderpers.model.inline import Emphasis, Inline, Link, Placeholder, Strong, Text
from folderpers.source.inline import KEYED_PLACEHOLDERS, PLAIN_PLACEHOLDERS

# a placeholder's kind in any capitals and spacing, with or without a key: `{Phone:x}`, `{ phone : x }`, `{WEBSITE}`
# (the parser refuses most of these itself; a brace followed by a space is text to it; other text in braces is text)
_KINDS = dict.fromkeys(kind.lower() for kind in (*KEYED_PLACEHOLDERS, *PLAIN_PLACEHOLDERS))
_PLACEHOLDER_SHAPE = re.compile(r"\{\s*(?:" + "|".join(_KINDS) + r")\b[^{}\n]*\}", re.IGNORECASE)
_LINKING_KINDS = frozenset({"phone", "contact", "email", "website", "link", "folder"})  # placeholders that become links
_WEB_ADDRESS = re.compile(r"(?:https?://)?((?:[\w-]+\.)+[a-z]{2,})(?::\d+)?(?:[/?#]\S*)?", re.IGNORECASE)


def text_problems(passages: Iterable[Passage]) -> list[Problem]:
    """Every problem of the three kinds above in `passages`, at the passage's file and line."""
    problems: list[Problem] = []
    for passage in passages:
        problems.extend(Problem(passage.location, message, hint) for message, hint in _check(passage.nodes, None))
    return problems


def _check(nodes: Iterable[Inline], link: Link | None) -> Iterator[tuple[str, str]]:
    for node in nodes:
        if isinstance(node, Text):
            match = _PLACEHOLDER_SHAPE.search(node.text)
            if match:
                yield (f"{match.group(0)!r} looks like a placeholder but is not one: it would be printed as written",
                       "write it exactly as " + ", ".join(f"{{{kind}:key}}" for kind in KEYED_PLACEHOLDERS) +
                       ", {institution} or {website}, with no spaces")
        elif isinstance(node, (Strong, Emphasis)):
            yield from _check(node.children, link)
        elif isinstance(node, Link):
            if link is not None:
                yield ("a link inside the text of another link", "take the inner link out of the [...] of the outer one")
            yield from _host_mismatch(node)
            yield from _check(node.children, node)
        elif isinstance(node, Placeholder) and link is not None and node.kind in _LINKING_KINDS:
            yield (f"{{{node.kind}:{node.key}}} inside the text of a link becomes a link inside a link",
                   "put the placeholder outside the [...] of the link")


def _host_mismatch(link: Link) -> Iterator[tuple[str, str]]:
    text = "".join(node.text for node in link.children if isinstance(node, Text)).strip()
    shown = _WEB_ADDRESS.fullmatch(text)
    if not shown or any(not isinstance(node, Text) for node in link.children):
        return
    target = (urlsplit(link.href).hostname or "").lower()
    host = shown.group(1).lower()
    if link.href.startswith(("mailto:", "tel:")) or target.removeprefix("www.") != host.removeprefix("www."):
        yield (f"the link text {text!r} reads as a web address, but the link leads to {link.href!r}",
               "make the text and the target the same address, or use words as the link text")
