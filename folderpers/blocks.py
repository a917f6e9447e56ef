"""Content blocks: one frozen dataclass per block type, built from validated YAML.

A block type is the YAML key that starts it (`- heading: ...`), a `$defs` entry in
schemas/folder.schema.json, a class here, and a partial `templates/blocks/<kind>.html`.
Adding a type touches those three places only: the resolve stage walks blocks generically and
the renderer picks the partial by `kind`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Union

from .errors import Location, Problem, SourceError
from .images import ImageRefused, check_image
from .inline import MarkupError, RichText, Text, parse_inline
from .yamlsource import SourceDocument, YamlPath

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


@dataclass(frozen=True)
class Passage:
    """A piece of text as an author wrote it, and where: what the content checks read
    (`build.py check`), so that each finding can name its file and line."""

    key: str  # the YAML key it was written under: text, list, steps, items, table, caption, alt, heading, ...
    nodes: RichText  # its inline markup, placeholders unresolved (plain text fields: one Text node)
    location: Location  # where it starts


@dataclass(frozen=True)
class SourceReader:
    """Reads typed values out of a validated SourceDocument, turning markup errors into SourceErrors.

    Every piece of text it reads is also kept as a Passage, in reading order."""

    document: SourceDocument
    passages: list[Passage] = field(default_factory=list, compare=False)

    @property
    def directory(self) -> Path:
        return self.document.path.parent

    def location(self, at: YamlPath) -> Location:
        return self.document.location(at)

    def rich(self, at: YamlPath, offset: int = 0, source: str | None = None) -> RichText:
        """One paragraph of inline markup (line breaks become spaces)."""
        text = self.document.get(at) if source is None else source
        try:
            nodes = parse_inline(text.strip(), lambda o: self.document.text_location(at, offset + o))
        except MarkupError as error:
            raise SourceError(Problem(self.document.text_location(at, offset + error.offset),
                                      error.message, error.hint)) from None
        self.passages.append(Passage(_key_of(at), nodes, self.document.text_location(at, offset)))
        return nodes

    def text(self, at: YamlPath) -> str:
        """Plain text (no markup), stripped."""
        value = self.document.get(at).strip()
        self.passages.append(Passage(_key_of(at), (Text(value),), self.location(at)))
        return value

    def optional_text(self, data: dict, at: YamlPath, key: str) -> str | None:
        return self.text(at + (key,)) if key in data else None

    def paragraphs(self, at: YamlPath) -> tuple[RichText, ...]:
        """Paragraphs of inline markup; an empty line separates paragraphs."""
        text: str = self.document.get(at)
        result, start = [], 0
        for match in [*_PARAGRAPH_BREAK.finditer(text), None]:
            end = match.start() if match else len(text)
            if text[start:end].strip():
                leading = len(text[start:end]) - len(text[start:end].lstrip())
                result.append(self.rich(at, start + leading, text[start:end]))
            start = match.end() if match else end
        return tuple(result)

    def items(self, at: YamlPath) -> tuple[RichText, ...]:
        return tuple(self.rich(at + (index,)) for index in range(len(self.document.get(at))))

    def optional_paragraphs(self, data: dict, at: YamlPath, key: str) -> tuple[RichText, ...]:
        return self.paragraphs(at + (key,)) if key in data else ()

    def optional_items(self, data: dict, at: YamlPath, key: str) -> tuple[RichText, ...]:
        return self.items(at + (key,)) if key in data else ()

    def image(self, at: YamlPath) -> Path:
        """An image file next to the YAML file; it must exist and lie inside that directory."""
        name = self.document.get(at)
        directory = self.directory.resolve()
        path = (directory / name).resolve()
        if (directory / name).is_symlink() and path.parent != directory:
            raise SourceError(Problem(self.location(at), f"image {name!r} is a link to {path}, outside "
                                      f"{self.directory}/", "copy the image into the folder's directory; links "
                                      "that lead out of it are refused"))
        if path.parent != directory or not path.is_file():
            available = sorted(p.name for p in directory.iterdir() if p.suffix.lower() in (".svg", ".png", ".jpg", ".jpeg"))
            raise SourceError(Problem(self.location(at), f"image {name!r} not found in {self.directory}/",
                                      "put the image file in the same directory as this YAML file"
                                      + (f"; images there: {', '.join(available)}" if available else "")))
        try:
            check_image(path)
        except ImageRefused as refused:
            raise SourceError(Problem(self.location(at), f"image {name!r} {refused}",
                                      "use a plain, self-contained image file (export it again from the drawing "
                                      "program, as plain SVG, PNG or JPEG)")) from None
        return path


def _key_of(at: YamlPath) -> str:
    """The YAML key a value stands under (for a list item: the list's key)."""
    return next(part for part in reversed(at) if isinstance(part, str))


@dataclass(frozen=True)
class ContactRef:
    """A contact key as written in a folder; the resolve stage swaps it for the institution's Contact."""

    key: str
    location: Location


@dataclass(frozen=True)
class Heading:
    kind: ClassVar[str] = "heading"
    text: str
    level: int
    location: Location | None = field(default=None, compare=False)  # for checks across includes

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict) -> Heading:
        return cls(reader.text(at + ("heading",)), int(data.get("level", 2)), reader.location(at))


@dataclass(frozen=True)
class Paragraphs:
    kind: ClassVar[str] = "text"
    paragraphs: tuple[RichText, ...]

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict) -> Paragraphs:
        return cls(reader.paragraphs(at + ("text",)))


@dataclass(frozen=True)
class _ItemList:
    """A block that is a list of inline items under its type key."""

    kind: ClassVar[str]
    items: tuple[RichText, ...]

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict) -> _ItemList:
        return cls(reader.items(at + (cls.kind,)))


class BulletList(_ItemList):
    kind: ClassVar[str] = "list"


class Steps(_ItemList):
    kind: ClassVar[str] = "steps"


@dataclass(frozen=True)
class Callout:
    kind: ClassVar[str] = "callout"
    tone: str  # alarm, warning, info or tip
    title: str | None
    paragraphs: tuple[RichText, ...]
    items: tuple[RichText, ...]

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict) -> Callout:
        return cls(data["callout"], reader.optional_text(data, at, "title"),
                   reader.optional_paragraphs(data, at, "text"), reader.optional_items(data, at, "items"))


@dataclass(frozen=True)
class Contacts:
    kind: ClassVar[str] = "contacts"
    entries: tuple[Any, ...]  # ContactRef as loaded, model.Contact once resolved
    title: str | None

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict) -> Contacts:
        refs = tuple(ContactRef(key, reader.location(at + ("contacts", index)))
                     for index, key in enumerate(data["contacts"]))
        return cls(refs, reader.optional_text(data, at, "title"))


@dataclass(frozen=True)
class Figure:
    kind: ClassVar[str] = "figure"
    image: Path
    alt: str
    caption: RichText
    size: str

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict) -> Figure:
        caption = reader.rich(at + ("caption",)) if "caption" in data else ()
        return cls(reader.image(at + ("figure",)), reader.text(at + ("alt",)), caption, data.get("size", "medium"))


@dataclass(frozen=True)
class Table:
    kind: ClassVar[str] = "table"
    header: tuple[RichText, ...]
    rows: tuple[tuple[RichText, ...], ...]
    caption: str | None
    row_headers: bool

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict) -> Table:
        rows = data["table"]
        width = len(rows[0])
        for index, row in enumerate(rows):
            if len(row) != width:
                raise SourceError(Problem(reader.location(at + ("table", index)),
                                          f"this row has {len(row)} cells, the header row has {width}",
                                          "give every row as many cells as the header row (use \"\" for an empty cell)"))
        cells = tuple(tuple(reader.rich(at + ("table", r, c)) if rows[r][c].strip() else ()
                            for c in range(width)) for r in range(len(rows)))
        return cls(cells[0], cells[1:], reader.optional_text(data, at, "caption"), data.get("row_headers", False))


@dataclass(frozen=True)
class QuestionAnswer:
    question: str
    answer: tuple[RichText, ...]


@dataclass(frozen=True)
class Faq:
    kind: ClassVar[str] = "faq"
    entries: tuple[QuestionAnswer, ...]
    title: str | None

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict) -> Faq:
        entries = tuple(QuestionAnswer(reader.text(at + ("faq", index, "question")),
                                       reader.paragraphs(at + ("faq", index, "answer")))
                        for index in range(len(data["faq"])))
        return cls(entries, reader.optional_text(data, at, "title"))


@dataclass(frozen=True)
class Sources:
    kind: ClassVar[str] = "sources"
    items: tuple[RichText, ...]
    title: str | None

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict) -> Sources:
        return cls(reader.items(at + ("sources",)), reader.optional_text(data, at, "title"))


@dataclass(frozen=True)
class Include:
    """A snippet by name; the resolve stage replaces it with the snippet's blocks."""

    kind: ClassVar[str] = "include"
    name: str
    location: Location

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict) -> Include:
        return cls(data["include"], reader.location(at + ("include",)))


@dataclass(frozen=True)
class PageBreak:
    kind: ClassVar[str] = "pagebreak"

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict) -> PageBreak:
        return cls()


Block = Union[Heading, Paragraphs, BulletList, Steps, Callout, Contacts, Figure, Table, Faq, Sources, Include, PageBreak]
BLOCK_TYPES: dict[str, type] = {cls.kind: cls for cls in (
    Heading, Paragraphs, BulletList, Steps, Callout, Contacts, Figure, Table, Faq, Sources, Include, PageBreak)}


def read_blocks(reader: SourceReader, at: YamlPath) -> tuple[Block, ...]:
    """Build the blocks of a validated document; every problem in any block is reported at once."""
    blocks, problems = {}, []
    for index, data in enumerate(reader.document.get(at)):
        kind = next(iter(data))  # validation made sure the first key is the block's type
        try:
            blocks[index] = BLOCK_TYPES[kind].from_source(reader, at + (index,), data)
        except SourceError as error:
            problems.extend(error.problems)
    problems.extend(_heading_level_problems(reader, at, blocks))
    if problems:
        raise SourceError(*problems)
    return tuple(blocks.values())


def _heading_level_problems(reader: SourceReader, at: YamlPath, blocks: dict[int, Block]) -> list[Problem]:
    """Headings may go down one level at a time (the title is level 1): screen readers navigate by them."""
    problems, previous = [], 1
    for index, block in blocks.items():
        if isinstance(block, Heading):
            if block.level > previous + 1:
                problems.append(Problem(reader.location(at + (index,)),
                                        f"heading level {block.level} follows level {previous}",
                                        f"use 'level: {previous + 1}' here, or add a level-{previous + 1} heading above"))
            previous = block.level
    return problems
