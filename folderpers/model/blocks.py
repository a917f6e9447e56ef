"""Content blocks: one frozen dataclass per block type, built from validated YAML.

A block type is four things, and tests/model/test_blocks.py fails, naming what is missing, when one
is left out:
- a definition in schemas/folder.schema.json (`definitions`, listed under `block`), whose first key
  is the type's name (`- heading: ...`);
- a class here with that `kind`, a `from_source` constructor, and `texts`: the role of each piece of
  text it reads (what the content checks do with it: see TextRole);
- its place in BLOCK_TYPES below;
- a partial `templates/blocks/<kind>.html` (with its CSS in styles/); a type without one says so
  with `partial = None` (a heading renders as its section's heading; an include is replaced by the
  snippet's blocks).
The resolve stage walks blocks generically and the renderer picks the partial by `kind`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol, Self

from folderpers.errors import Location, Problem, SourceError
from folderpers.model.inline import RichText

if TYPE_CHECKING:
    from folderpers.source.reader import SourceReader
    from folderpers.source.yamlsource import YamlPath

TextRole = Literal["prose", "cell", "label", "alt", "reference"]
"""What a piece of text is, for the content checks (`build.py check`):
- prose: running text: readability, sentence length, jargon, typed phone numbers;
- cell: a table cell: read as prose when it is a sentence (ends with . ! or ?), else as a label;
- label: a heading, title or name: jargon and typed numbers, no sentence checks;
- alt: alternative text of an image: the alt-text checks;
- reference: a cited source: cited as published, so links only (no wording advice)."""

TEXT_ROLES: tuple[TextRole, ...] = ("prose", "cell", "label", "alt", "reference")


@dataclass(frozen=True)
class Scope:
    """Which institutions get a block or a variant: `only` these (None: all), minus `excluded`."""

    only: tuple[str, ...] | None = None
    excluded: tuple[str, ...] = ()

    def includes(self, institution_id: str) -> bool:
        return (self.only is None or institution_id in self.only) and institution_id not in self.excluded

    def __str__(self) -> str:
        parts = ([f"only {', '.join(self.only)}"] if self.only is not None else []) + (
            [f"not {', '.join(self.excluded)}"] if self.excluded else [])
        return "; ".join(parts) or "all"


@dataclass(frozen=True)
class Passage:
    """A piece of text as an author wrote it, and where: what the content checks read
    (`build.py check`), so that each finding can name its file and line."""

    key: str  # the YAML key it was written under: text, list, steps, items, table, caption, alt, heading, ...
    role: TextRole  # what the checks do with it, as the block type (or file) that holds it declares
    nodes: RichText  # its inline markup, placeholders unresolved (plain text fields: one Text node)
    location: Location  # where it starts
    scopes: tuple[Scope, ...] = ()  # published only for institutions that every scope includes

    def published_for(self, institution_id: str) -> bool:
        return all(scope.includes(institution_id) for scope in self.scopes)


@dataclass(frozen=True)
class Variation:
    """A place where a folder differs per institution (`only:`/`except:` or a variant), for `check`."""

    location: Location
    what: str  # e.g. "callout block", "variant 'westerhaven'"
    scope: Scope


@dataclass(frozen=True)
class ContactRef:
    """A contact key as written in a folder; the resolve stage swaps it for the institution's Contact."""

    key: str
    location: Location


@dataclass(frozen=True)
class Heading:
    kind: ClassVar[str] = "heading"
    partial: ClassVar[None] = None  # rendered as the heading of its <section> (templates/partials/node.html)
    texts: ClassVar[Mapping[str, TextRole]] = {"heading": "label"}
    text: str
    level: int
    location: Location | None = field(default=None, compare=False)  # for checks across includes

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict[str, Any]) -> Heading:
        return cls(reader.text(at + ("heading",)), int(data.get("level", 2)), reader.location(at))


@dataclass(frozen=True)
class Paragraphs:
    kind: ClassVar[str] = "text"
    texts: ClassVar[Mapping[str, TextRole]] = {"text": "prose"}
    paragraphs: tuple[RichText, ...]

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict[str, Any]) -> Paragraphs:
        return cls(reader.paragraphs(at + ("text",)))


@dataclass(frozen=True)
class _ItemList:
    """A block that is a list of inline items under its type key."""

    kind: ClassVar[str]
    texts: ClassVar[Mapping[str, TextRole]]
    items: tuple[RichText, ...]

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict[str, Any]) -> Self:
        return cls(reader.items(at + (cls.kind,)))


class BulletList(_ItemList):
    kind: ClassVar[str] = "list"
    texts: ClassVar[Mapping[str, TextRole]] = {"list": "prose"}


class Steps(_ItemList):
    kind: ClassVar[str] = "steps"
    texts: ClassVar[Mapping[str, TextRole]] = {"steps": "prose"}


@dataclass(frozen=True)
class Callout:
    """A highlighted box: paragraphs and lists in the order written. `title` None means the tone's
    default title; `untitled` (YAML `title: false`) means none at all."""

    kind: ClassVar[str] = "callout"
    # the parts under 'content:' are read with their own types' roles (text, list, steps: prose)
    texts: ClassVar[Mapping[str, TextRole]] = {"title": "label", "text": "prose", "items": "prose", "list": "prose",
                                               "steps": "prose"}
    tone: str  # alarm, warning, info or tip
    title: str | None
    content: tuple[CalloutPart, ...]
    untitled: bool = False

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict[str, Any]) -> Callout:
        if "content" in data and ("text" in data or "items" in data):
            raise SourceError(Problem(reader.location(at + ("content",)),
                                      "a callout has 'content:' and also 'text:' or 'items:'",
                                      "move the text and items into 'content:' as '- text: ...' and '- list: ...'"))
        if "content" in data:  # the ordered form: any number of parts, in any order
            parts: list[CalloutPart] = []
            for index, entry in enumerate(data["content"]):
                parts.append(reader.block(at + ("content", index), entry, _CALLOUT_PARTS))
            content = tuple(parts)
        else:  # the short form: 'text:' and 'items:', in the order they are written
            content = tuple(Paragraphs(reader.paragraphs(at + (key,))) if key == "text"
                            else BulletList(reader.items(at + (key,))) for key in data if key in ("text", "items"))
        title = data.get("title")
        return cls(data["callout"], reader.text(at + ("title",)) if isinstance(title, str) else None, content,
                   untitled=title is False)


@dataclass(frozen=True)
class Contacts:
    kind: ClassVar[str] = "contacts"
    texts: ClassVar[Mapping[str, TextRole]] = {"title": "label"}
    entries: tuple[Any, ...]  # ContactRef as loaded, model.Contact once resolved
    title: str | None

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict[str, Any]) -> Contacts:
        refs = tuple(ContactRef(key, reader.location(at + ("contacts", index)))
                     for index, key in enumerate(data["contacts"]))
        return cls(refs, reader.optional_text(data, at, "title"))


@dataclass(frozen=True)
class Figure:
    kind: ClassVar[str] = "figure"
    texts: ClassVar[Mapping[str, TextRole]] = {"alt": "alt", "caption": "prose"}
    image: Path
    alt: str
    caption: RichText
    size: str

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict[str, Any]) -> Figure:
        caption = reader.rich(at + ("caption",)) if "caption" in data else ()
        return cls(reader.image(at + ("figure",)), reader.text(at + ("alt",)), caption, data.get("size", "medium"))


@dataclass(frozen=True)
class Table:
    kind: ClassVar[str] = "table"
    texts: ClassVar[Mapping[str, TextRole]] = {"table": "cell", "caption": "prose"}
    header: tuple[RichText, ...]
    rows: tuple[tuple[RichText, ...], ...]
    caption: str | None
    row_headers: bool

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict[str, Any]) -> Table:
        rows = data["table"]
        width = len(rows[0])
        for index, row in enumerate(rows):
            if len(row) != width:
                raise SourceError(Problem(reader.location(at + ("table", index)),
                                          f"this row has {len(row)} cells, the header row has {width}",
                                          "give every row as many cells as the header row (use \"\" for an empty cell)"))
        if not any(cell.strip() for cell in rows[0]):  # nothing to announce with each cell: no header at all
            raise SourceError(Problem(reader.location(at + ("table", 0)), "the header row of this table is empty",
                                      "write the column names in the first row: screen readers read them out "
                                      "with every cell"))
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
    texts: ClassVar[Mapping[str, TextRole]] = {"title": "label", "question": "prose", "answer": "prose"}
    entries: tuple[QuestionAnswer, ...]
    title: str | None

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict[str, Any]) -> Faq:
        entries = tuple(QuestionAnswer(reader.text(at + ("faq", index, "question")),
                                       reader.paragraphs(at + ("faq", index, "answer")))
                        for index in range(len(data["faq"])))
        return cls(entries, reader.optional_text(data, at, "title"))


@dataclass(frozen=True)
class Sources:
    kind: ClassVar[str] = "sources"
    texts: ClassVar[Mapping[str, TextRole]] = {"sources": "reference", "title": "label"}
    items: tuple[RichText, ...]
    title: str | None

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict[str, Any]) -> Sources:
        return cls(reader.items(at + ("sources",)), reader.optional_text(data, at, "title"))


@dataclass(frozen=True)
class Include:
    """A snippet by name; the resolve stage replaces it with the snippet's blocks."""

    kind: ClassVar[str] = "include"
    partial: ClassVar[None] = None  # replaced by the snippet's blocks before rendering: no template
    texts: ClassVar[Mapping[str, TextRole]] = {}
    name: str
    location: Location

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict[str, Any]) -> Include:
        return cls(data["include"], reader.location(at + ("include",)))


@dataclass(frozen=True)
class Scoped:
    """A block with `only:`/`except:`; the resolve stage keeps its block for the institutions in scope."""

    block: Any
    scope: Scope

    @property
    def kind(self) -> str:  # the kind of the block it holds, for code that walks blocks by kind
        return str(self.block.kind)


CalloutPart = Paragraphs | BulletList | Steps | Scoped  # what a callout's content holds, in order


@dataclass(frozen=True)
class PageBreak:
    kind: ClassVar[str] = "pagebreak"
    texts: ClassVar[Mapping[str, TextRole]] = {}

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict[str, Any]) -> PageBreak:
        return cls()


_CALLOUT_PARTS: dict[str, type[Paragraphs] | type[_ItemList]] = {"text": Paragraphs, "list": BulletList,
                                                               "steps": Steps}

Block = Heading | Paragraphs | BulletList | Steps | Callout | Contacts | Figure | Table | Faq | Sources | Include | PageBreak


class BlockType(Protocol):
    """What every block class has (see the module's docstring)."""

    kind: ClassVar[str]
    texts: ClassVar[Mapping[str, TextRole]]

    @classmethod
    def from_source(cls, reader: SourceReader, at: YamlPath, data: dict[str, Any]) -> Block: ...


BLOCK_TYPES: dict[str, type[BlockType]] = {cls.kind: cls for cls in (
    Heading, Paragraphs, BulletList, Steps, Callout, Contacts, Figure, Table, Faq, Sources, Include, PageBreak)}

