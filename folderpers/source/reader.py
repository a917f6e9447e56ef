"""Reads the blocks of a validated folder or snippet document into the model's dataclasses."""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from folderpers.errors import Location, Problem, SourceError
from folderpers.model.blocks import BLOCK_TYPES, Block, Heading, Passage, Scope, Scoped, TextRole, Variation
from folderpers.model.inline import DEFAULT_VARIANT, Choice, RichText, Text
from folderpers.source.images import ImageRefused, check_image
from folderpers.source.inline import MarkupError, parse_inline
from folderpers.source.yamlsource import SourceDocument, YamlPath

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


@dataclass(frozen=True)
class SourceReader:
    """Reads typed values out of a validated SourceDocument, turning markup errors into SourceErrors.

    Every piece of text it reads is also kept as a Passage, in reading order, with the role that
    `roles` (the block type's `texts`, or the file's own) gives the key it stands under."""

    document: SourceDocument
    roles: Mapping[str, TextRole] = field(default_factory=dict, compare=False)
    passages: list[Passage] = field(default_factory=list, compare=False)
    variations: list[Variation] = field(default_factory=list, compare=False)  # where text differs per institution
    institution_refs: list[tuple[str, Location]] = field(default_factory=list, compare=False)  # ids named in scopes
    _scopes: list[Scope] = field(default_factory=list, compare=False)  # the scopes being read (nested)

    @contextlib.contextmanager
    def scoped(self, scope: Scope | None) -> Iterator[None]:
        """Passages read inside are published only for the institutions `scope` includes."""
        if scope is None:
            yield
            return
        self._scopes.append(scope)
        try:
            yield
        finally:
            self._scopes.pop()

    def block(self, at: YamlPath, data: dict[str, Any], types: Mapping[str, Any]) -> Any:
        """A block (or a callout's part) by its first key, wrapped in Scoped when it has only:/except:."""
        kind = next(iter(data))
        scope = None
        if "only" in data or "except" in data:
            scope = Scope(tuple(data["only"]) if "only" in data else None, tuple(data.get("except", ())))
            for key in ("only", "except"):
                self.institution_refs.extend((name, self.location(at + (key, index)))
                                             for index, name in enumerate(data.get(key, ())))
            self.variations.append(Variation(self.location(at), f"'{kind}' block", scope))
        with self.scoped(scope):
            block = types[kind].from_source(self.with_roles(types[kind].texts), at, data)
        return Scoped(block, scope) if scope else block

    def with_roles(self, roles: Mapping[str, TextRole]) -> SourceReader:
        """The same reader (the same passages) for text whose roles are `roles`."""
        return dataclasses.replace(self, roles=roles)

    def _passage(self, at: YamlPath, nodes: RichText, location: Location) -> None:
        key = _key_of(at)
        if key not in self.roles:  # a programming error: the content checks would silently skip this text
            raise TypeError(f"text under {key!r} ({self.document.path}) has no role: declare it in the `texts` of "
                            f"its block type (model/blocks.py), or in the roles of its file")
        self.passages.append(Passage(key, self.roles[key], nodes, location, tuple(self._scopes)))

    @property
    def directory(self) -> Path:
        return self.document.path.parent

    def location(self, at: YamlPath) -> Location:
        return self.document.location(at)

    def rich(self, at: YamlPath, offset: int = 0, source: str | None = None) -> RichText:
        """One paragraph of inline markup (line breaks become spaces), or its variants per institution."""
        text = self.document.get(at) if source is None else source
        if isinstance(text, dict):
            return (self._choice(at),)
        try:
            nodes = parse_inline(text.strip(), lambda o: self.document.text_location(at, offset + o))
        except MarkupError as error:
            raise SourceError(Problem(self.document.text_location(at, offset + error.offset),
                                      error.message, error.hint)) from None
        self._passage(at, nodes, self.document.text_location(at, offset))
        return nodes

    def _choice(self, at: YamlPath) -> Choice:
        """`variants:` — one text per institution id, and a default for the others."""
        variants = self.document.get(at)["variants"]
        named = tuple(name for name in variants if name != DEFAULT_VARIANT)
        options = []
        for name in variants:
            where = at + ("variants", name)
            if name == DEFAULT_VARIANT:
                scope = Scope(excluded=named)
            else:
                scope = Scope(only=(name,))
                self.institution_refs.append((name, self.location(where)))
            self.variations.append(Variation(self.location(where), f"variant {name!r}", scope))
            with self.scoped(scope):
                options.append((name, self.rich(where)))
        return Choice(tuple(options), self.location(at))

    def text(self, at: YamlPath) -> str:
        """Plain text (no markup), stripped."""
        value: str = self.document.get(at).strip()
        self._passage(at, (Text(value),), self.location(at))
        return value

    def optional_text(self, data: Mapping[str, Any], at: YamlPath, key: str) -> str | None:
        return self.text(at + (key,)) if key in data else None

    def paragraphs(self, at: YamlPath) -> tuple[RichText, ...]:
        """Paragraphs of inline markup; an empty line separates paragraphs. Variants are one paragraph."""
        text = self.document.get(at)
        if isinstance(text, dict):
            return (self.rich(at),)
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

    def optional_paragraphs(self, data: Mapping[str, Any], at: YamlPath, key: str) -> tuple[RichText, ...]:
        return self.paragraphs(at + (key,)) if key in data else ()

    def optional_items(self, data: Mapping[str, Any], at: YamlPath, key: str) -> tuple[RichText, ...]:
        return self.items(at + (key,)) if key in data else ()

    def image(self, at: YamlPath) -> Path:
        """An image file next to the YAML file; it must exist and lie inside that directory."""
        name: str = self.document.get(at)
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
        return Path(path)


def _key_of(at: YamlPath) -> str:
    """The YAML key a value stands under (for a list item: the list's key; for a variant: the text's key)."""
    if "variants" in at:
        at = at[:at.index("variants")]
    return next(part for part in reversed(at) if isinstance(part, str))


def read_blocks(reader: SourceReader, at: YamlPath) -> tuple[Block, ...]:
    """Build the blocks of a validated document; every problem in any block is reported at once."""
    blocks: dict[int, Block] = {}
    problems: list[Problem] = []
    for index, data in enumerate(reader.document.get(at)):
        try:  # validation made sure the first key is the block's type
            blocks[index] = reader.block(at + (index,), data, BLOCK_TYPES)
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
