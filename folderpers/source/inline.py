"""Inline markup: the small language authors use inside text, list items, answers and captions.

    **bold**   *italic*   [link text](https://...)   {phone:key} {contact:key} {email:key}
    {hours:key} {name:key} {Name:key} {link:key} {term:key} {folder:slug} {institution} {website}

Every unescaped `{` followed by a letter must start a well-formed placeholder: an unclosed brace, a misspelt kind or a
space inside is an error with its position, never text that is published as typed.

Parsing uses markdown-it-py with only emphasis, links and backslash escapes switched on, so raw
HTML, images and everything else stay literal text. The result is a tree of frozen nodes;
placeholders stay unresolved here and are filled in per institution by the resolve stage.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import NoReturn

from markdown_it import MarkdownIt
from markdown_it.token import Token

from folderpers.errors import Location
from folderpers.model.inline import (
    Emphasis,
    Inline,
    Link,
    Placeholder,
    RichText,
    Strong,
    Text,
    merge_text,
    plain_text,
)

LINK_SCHEMES = ("https://", "http://", "mailto:", "tel:")
KEYED_PLACEHOLDERS = ("phone", "contact", "email", "hours", "name", "Name", "link", "term", "folder")
PLAIN_PLACEHOLDERS = ("institution", "website")
_PLACEHOLDER = re.compile(r"\{([A-Za-z]+)(?::([a-z0-9][a-z0-9_-]*))?\}")
_BRACE_RUN = re.compile(r"\{[^{}\s]*\}?")  # what an author meant as one placeholder, for messages
_ALL_PLACEHOLDERS = ", ".join(f"{{{k}:key}}" for k in KEYED_PLACEHOLDERS) + ", {institution}, {website}"


class MarkupError(ValueError):
    """Bad inline markup at character `offset` of the text; `hint` says how to fix it."""

    def __init__(self, offset: int, message: str, hint: str):
        super().__init__(message)
        self.offset, self.message, self.hint = offset, message, hint


_markdown = MarkdownIt("zero").enable(["emphasis", "link", "escape", "newline"])
_markdown.disable("text_join")  # keep escaped characters apart, so "\{" is never a placeholder
_markdown.validateLink = lambda url: True  # type: ignore[method-assign]  # every URL reaches _check_link, which explains refusals


Locate = Callable[[int], Location]  # offset in the text -> where it stands in the file


def parse_inline(source: str, locate: Locate) -> RichText:
    """Parse one paragraph of inline markup. `locate(offset)` gives the Location of a character.

    Raises MarkupError for unknown placeholders and links with a scheme that is not allowed.
    """
    tokens = _markdown.parseInline(source)[0].children or []
    cursor = _Cursor(source, locate)
    nodes, _ = _convert(tokens, 0, cursor, closing=None)
    return merge_text(nodes)


class _Cursor:
    """Tracks how far into the source conversion has come, to locate placeholders and links."""

    def __init__(self, source: str, locate: Locate):
        self.source, self.locate, self.position = source, locate, 0

    def find(self, literal: str) -> int:
        found = self.source.find(literal, self.position)
        if found < 0:
            return self.position
        self.position = found + len(literal)
        return found


def _convert(tokens: list[Token], index: int, cursor: _Cursor, closing: str | None) -> tuple[list[Inline], int]:
    nodes: list[Inline] = []
    while index < len(tokens):
        token = tokens[index]
        if closing is not None and token.type == closing:
            return nodes, index + 1
        if token.type == "text":
            nodes.extend(_text_with_placeholders(token.content, cursor))
        elif token.type == "text_special":
            cursor.find(token.markup or token.content)
            nodes.append(Text(token.content))
        elif token.type == "softbreak":
            nodes.append(Text(" "))
        elif token.type == "hardbreak":
            nodes.append(Text("\n"))
        elif token.type in ("strong_open", "em_open"):
            children, index = _convert(tokens, index + 1, cursor, token.type.replace("_open", "_close"))
            node_type = Strong if token.type == "strong_open" else Emphasis
            nodes.append(node_type(merge_text(children)))
            continue
        elif token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            offset = cursor.position
            children, index = _convert(tokens, index + 1, cursor, "link_close")
            _check_link(href, children, offset)
            cursor.find(")")
            nodes.append(Link(href, merge_text(children)))
            continue
        else:  # markdown-it never yields other inline tokens with only these rules enabled
            nodes.append(Text(token.content))
        index += 1
    return nodes, index


def _text_with_placeholders(text: str, cursor: _Cursor) -> list[Inline]:
    nodes: list[Inline] = []
    start = 0
    for brace in (index for index, character in enumerate(text) if character == "{"):
        if brace < start or not text[brace + 1:brace + 2].isalpha():  # "{{", "{%", "{ " stay literal text
            continue
        match = _PLACEHOLDER.match(text, brace)
        if match is None:
            _malformed(text, brace, cursor)
        if match.start() > start:
            nodes.append(Text(text[start:match.start()]))
        offset = cursor.find(match.group(0))
        nodes.append(_placeholder(match, offset, cursor.locate))
        start = match.end()
    if start < len(text):
        nodes.append(Text(text[start:]))
    return nodes


def _malformed(text: str, brace: int, cursor: _Cursor) -> NoReturn:
    """Explain a `{` that does not start a well-formed placeholder."""
    run = _BRACE_RUN.match(text, brace)
    written = run.group(0) if run else "{"
    offset = cursor.source.find(written, cursor.position)
    offset = cursor.position if offset < 0 else offset
    escape_hint = "; for a literal brace write \\{"
    if not written.endswith("}") or len(written) == 1:
        after_space = text[brace + len(written):brace + len(written) + 40].split("}", 1)
        if len(after_space) == 2 and "{" not in after_space[0] and text[brace + len(written):].startswith(" "):
            spaced = text[brace:brace + len(written) + len(after_space[0]) + 1]
            raise MarkupError(offset, f"placeholder {spaced!r} has a space in it",
                              f"write it without spaces: {''.join(spaced.split())}" + escape_hint)
        raise MarkupError(offset, f"placeholder {written!r} is not closed with '}}'",
                          f"write {written.rstrip('.,;:!?')}}}" + escape_hint)
    kind, _, key = written[1:-1].partition(":")
    if kind.casefold() not in (known.casefold() for known in KEYED_PLACEHOLDERS + PLAIN_PLACEHOLDERS):
        close = difflib.get_close_matches(kind.lower(), KEYED_PLACEHOLDERS + PLAIN_PLACEHOLDERS, n=1)
        hint = f"did you mean {{{close[0]}{':' + key if key else ''}}}? " if close else ""
        raise MarkupError(offset, f"unknown placeholder {written}", hint + f"placeholders: {_ALL_PLACEHOLDERS}"
                          + escape_hint)
    if kind not in KEYED_PLACEHOLDERS + PLAIN_PLACEHOLDERS:
        raise MarkupError(offset, f"placeholder {written} is not written in lowercase",
                          f"write {{{kind.lower()}{':' + key if key else ''}}}" + escape_hint)
    raise MarkupError(offset, f"placeholder {written} has a malformed key {key!r}",
                      "keys are lowercase letters, digits, '-' and '_', as in the institution's file" + escape_hint)


def _placeholder(match: re.Match[str], offset: int, locate: Locate) -> Placeholder:
    kind, key = match.group(1), match.group(2)
    known = KEYED_PLACEHOLDERS + PLAIN_PLACEHOLDERS
    if kind not in known:
        close = difflib.get_close_matches(kind if kind.islower() else kind.lower(), known, n=1)
        hint = (f"did you mean {{{close[0]}{':' + key if key else ''}}}? " if close else "")
        raise MarkupError(offset, f"unknown placeholder {match.group(0)}",
                          hint + f"placeholders: {_ALL_PLACEHOLDERS}; write \\{{ for a literal brace")
    if kind in KEYED_PLACEHOLDERS and not key:
        what = {"folder": "folder slug", "link": "link key", "term": "term key"}.get(kind, "contact key")
        raise MarkupError(offset, f"placeholder {match.group(0)} needs a {what}",
                          f"write {{{kind}:key}} with a key from the institution's file, e.g. {{{kind}:polikliniek}}")
    if kind in PLAIN_PLACEHOLDERS and key:
        raise MarkupError(offset, f"placeholder {{{kind}}} takes no key", f"write {{{kind}}}")
    return Placeholder(kind, key or "", locate(offset))


def _check_link(href: str, children: list[Inline], offset: int) -> None:
    if not href.lower().startswith(LINK_SCHEMES):
        raise MarkupError(offset, f"link target {href!r} is not allowed",
                          "links start with https://, http://, mailto: or tel:; for phone numbers and e-mail "
                          "addresses of the institution use {phone:key} and {email:key}")
    if not plain_text(tuple(children)).strip():
        raise MarkupError(offset, f"link to {href!r} has no text", "write the link as [descriptive text](address)")
