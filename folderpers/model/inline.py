"""Inline text as a tree of frozen nodes: text, strong, emphasis, links, phone numbers and
unresolved placeholders. The parser that builds it is folderpers.source.inline."""

from __future__ import annotations

from dataclasses import dataclass

from folderpers.errors import Location


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Emphasis:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Link:
    href: str
    children: tuple[Inline, ...]
    print_address: bool = False  # paged outputs print the address after the text (a named link, a folder link)


@dataclass(frozen=True)
class Foreign:
    """Text in another language than the document's: the institution's own words (a contact's label,
    its hours, its name) inside a translation. Marked with its language for screen readers (/Lang)."""

    language: str
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class PhoneNumber:
    """A resolved phone number: shown as `display`, dialled as `uri` (tel:+31...)."""

    display: str
    uri: str


@dataclass(frozen=True)
class FolderLink:
    """{folder:slug} resolved: another folder's title, linking to its web page of the same institution
    (`page`, relative, for the web page; `url`, absolute, printed in PDFs when the institution has a base URL)."""

    title: str
    page: str
    url: str | None


@dataclass(frozen=True)
class Placeholder:
    """{kind:key} as written; replaced by the resolve stage."""

    kind: str
    key: str
    location: Location


@dataclass(frozen=True)
class Choice:
    """Text that differs per institution (`variants:`): the resolve stage keeps the option of the
    institution's id, else the "default" option, else nothing."""

    options: tuple[tuple[str, tuple[Inline, ...]], ...]  # (institution id or "default", text)
    location: Location

    def for_institution(self, institution_id: str) -> tuple[Inline, ...]:
        chosen = dict(self.options)
        return chosen.get(institution_id, chosen.get(DEFAULT_VARIANT, ()))


DEFAULT_VARIANT = "default"
Inline = Text | Strong | Emphasis | Link | Foreign | PhoneNumber | FolderLink | Placeholder | Choice
RichText = tuple[Inline, ...]


def plain_text(nodes: RichText) -> str:
    """The text a reader sees, without markup (for metadata, alt text checks and the like)."""
    parts = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, (Strong, Emphasis, Link, Foreign)):
            parts.append(plain_text(node.children))
        elif isinstance(node, PhoneNumber):
            parts.append(node.display)
        elif isinstance(node, FolderLink):
            parts.append(node.title)
        elif isinstance(node, Placeholder):
            parts.append("{" + node.kind + (":" + node.key if node.key else "") + "}")
        elif isinstance(node, Choice):  # as written: every option (each is also a passage of its own)
            parts.append(" / ".join(plain_text(option) for _, option in node.options))
    return "".join(parts)


def merge_text(nodes: list[Inline] | RichText) -> RichText:
    """Join neighbouring Text nodes, so equal content gives equal trees."""
    merged: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + node.text)
        elif not (isinstance(node, Text) and not node.text):
            merged.append(node)
    return tuple(merged)
