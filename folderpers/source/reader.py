"""Reads the blocks of a validated folder or snippet document into the model's dataclasses."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from folderpers.errors import Location, Problem, SourceError
from folderpers.model.blocks import BLOCK_TYPES, Block, Heading, Passage, TextRole
from folderpers.model.inline import RichText, Text
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

    def with_roles(self, roles: Mapping[str, TextRole]) -> SourceReader:
        """The same reader (the same passages) for text whose roles are `roles`."""
        return dataclasses.replace(self, roles=roles)

    def _passage(self, at: YamlPath, nodes: RichText, location: Location) -> None:
        key = _key_of(at)
        if key not in self.roles:  # a programming error: the content checks would silently skip this text
            raise TypeError(f"text under {key!r} ({self.document.path}) has no role: declare it in the `texts` of "
                            f"its block type (model/blocks.py), or in the roles of its file")
        self.passages.append(Passage(key, self.roles[key], nodes, location))

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
        self._passage(at, nodes, self.document.text_location(at, offset))
        return nodes

    def text(self, at: YamlPath) -> str:
        """Plain text (no markup), stripped."""
        value: str = self.document.get(at).strip()
        self._passage(at, (Text(value),), self.location(at))
        return value

    def optional_text(self, data: Mapping[str, Any], at: YamlPath, key: str) -> str | None:
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
    """The YAML key a value stands under (for a list item: the list's key)."""
    return next(part for part in reversed(at) if isinstance(part, str))


def read_blocks(reader: SourceReader, at: YamlPath) -> tuple[Block, ...]:
    """Build the blocks of a validated document; every problem in any block is reported at once."""
    blocks: dict[int, Block] = {}
    problems: list[Problem] = []
    for index, data in enumerate(reader.document.get(at)):
        kind = next(iter(data))  # validation made sure the first key is the block's type
        try:
            block_type = BLOCK_TYPES[kind]
            blocks[index] = block_type.from_source(reader.with_roles(block_type.texts), at + (index,), data)
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
