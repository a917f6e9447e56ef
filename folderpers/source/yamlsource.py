"""Stage 1a: read a YAML file safely into plain data, remembering where every value stood.

Content is data: only strings, true/false, null, lists and mappings are built. Numbers, dates
and decimals stay text as written (`version: 2.10` is "2.10", phone 0881234567 keeps its zero),
`yes`/`no` stay text (the "Norway problem"), tags such as `!!python/object` are refused, and size, nesting and alias
expansion are bounded so that no file can exhaust memory. Nesting is checked on libyaml's event
stream before anything is composed: composing is recursive in C, and ~40,000 levels of `[[[...`
overflow the C stack (a segfault, not an exception).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from folderpers.errors import Location, Problem, SourceError

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 32
MAX_VALUES = 50_000
# Characters no text may hold (YAML lets double-quoted escapes such as "\e" and "\u202e" make them):
# control characters other than tab and newline reach terminals, HTML, PDF text and document info;
# bidi embeddings, overrides and isolates make text read otherwise than it is stored ("Trojan Source").
_FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MAX_TEXT_CHARACTERS = 2_000_000  # all text of a file as built, each alias counted again where it is used

YamlPath = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


class WholeNumber(str):
    """A plain scalar of digits, kept as written. It equals the int it spells, and the validator
    accepts it where the schema wants an integer (`level: 3`) as well as where it wants text."""

    def __eq__(self, other: object) -> bool:
        if isinstance(other, int) and not isinstance(other, bool):
            return int(self) == other
        return str.__eq__(self, other)

    __hash__ = str.__hash__


class _Resolver(BaseResolver):
    """YAML 1.2 core-schema-like resolution, minus floats and timestamps (they stay text)."""


_Resolver.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Resolver.add_implicit_resolver(_INT, re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Resolver.add_implicit_resolver(_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


class _Composer(CParser, _Resolver):
    """libyaml's parser (PyYAML's C binding, ~10x faster than pure Python) with our resolver:
    builds nodes, never objects."""

    def __init__(self, stream: str):
        CParser.__init__(self, stream)
        _Resolver.__init__(self)


@dataclass(frozen=True)
class _Position:
    line: int
    column: int
    style: str | None = None
    end_line: int = 0  # the last line the value's text reaches (scalars)


@dataclass(frozen=True)
class SourceDocument:
    """A loaded YAML file: its data and where each value (and each mapping key) stood."""

    path: Path
    data: Any
    _values: dict[YamlPath, _Position] = field(repr=False, compare=False)
    _keys: dict[YamlPath, _Position] = field(repr=False, compare=False)
    lines: tuple[str, ...] = field(default=(), repr=False, compare=False)  # the source text, to locate characters

    def location(self, at: YamlPath = (), *, key: bool = False) -> Location:
        """Where the value at `at` stands (or its key, with key=True); the nearest known parent else."""
        at = tuple(at)
        while True:
            table = self._keys if key else self._values
            position = table.get(at) or self._values.get(at)
            if position is not None:
                return Location(self.path, position.line, position.column)
            if not at:
                return Location(self.path)
            at = at[:-1]

    def text_location(self, at: YamlPath, offset: int) -> Location:
        """Where character `offset` of the string at `at` stands, in any style (plain, quoted, literal or
        folded over several lines): found by counting the non-blank characters, which folding keeps."""
        position = self._values.get(tuple(at))
        text = self.get(at)
        if position is None or not isinstance(text, str) or not self.lines:
            return self.location(at)
        wanted = sum(1 for character in text[:offset] if not character.isspace())
        block = position.style in ("|", ">")  # block scalar: text starts on the line after the indicator
        first = position.line + 1 if block else position.line
        seen = 0
        for number in range(first, max(position.end_line, first) + 1):
            line = self.lines[number - 1] if number <= len(self.lines) else ""
            start = position.column - 1 + (1 if position.style in ("'", '"') else 0) if number == position.line else 0
            for index in range(start, len(line)):
                if line[index].isspace():
                    continue
                if seen == wanted:
                    return Location(self.path, number, index + 1)
                seen += 1
        return self.location(at)

    def get(self, at: YamlPath) -> Any:
        value = self.data
        for part in at:
            value = value[part]
        return value


def load_yaml(path: Path) -> SourceDocument:
    """Read `path` as one YAML document of plain data; raise SourceError naming file and line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SourceError(Problem(Location(path), f"cannot read file: {error.strerror}",
                                  "check that the file exists and is readable")) from None
    if len(raw) > MAX_FILE_BYTES:
        raise SourceError(Problem(Location(path), f"file is {len(raw):,} bytes, more than the limit of "
                                  f"{MAX_FILE_BYTES:,}", "split the content into smaller folders or snippets"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise SourceError(Problem(Location(path, line), "file is not valid UTF-8 text",
                                  "save the file as UTF-8 in your editor")) from None
    composer = _Composer(text)
    try:
        _check_depth(path, text)
        root = composer.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(part for part in (error.context, error.problem) if part)
        source_line = text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else ""
        raise SourceError(Problem(
            Location(path, mark.line + 1 if mark else None, mark.column + 1 if mark else None),
            f"YAML syntax error: {message}", _syntax_hint(message, source_line))) from None
    except yaml.YAMLError as error:
        raise SourceError(Problem(Location(path), f"YAML error: {error}",
                                  "the file must hold exactly one YAML document")) from None
    finally:
        composer.dispose()
    if root is None:
        raise SourceError(Problem(Location(path, 1), "file is empty", "write the content in this file"))
    builder = _Builder(path)
    data = builder.build(root, (), 0)
    return SourceDocument(path, data, builder.values, builder.keys, tuple(text.splitlines()))


def _check_depth(path: Path, text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH from the event stream (libyaml's parser keeps its own
    stack on the heap, so this pass is safe however deep the file goes)."""
    parser = CParser(text)
    depth = 0
    try:
        while (event := parser.get_event()) is not None and not isinstance(event, yaml.StreamEndEvent):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH + 1:  # the root collection is level 0, as in _Builder
                    mark = event.start_mark
                    line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
                    raise SourceError(Problem(Location(path, line, column),
                                              f"nested more than {MAX_DEPTH} levels deep", "flatten the structure"))
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    finally:
        parser.dispose()


def _syntax_hint(message: str, line: str) -> str:
    """Explain the YAML mistakes authors of Dutch text make most."""
    value = line.split(": ", 1)[1].lstrip() if ": " in line else line.lstrip(" -")
    if (value.startswith("'") and value.count("'") % 2 == 1) or re.match(r"^'[^']*'\S", value):
        return ("this value starts with ' (as in 's avonds), so YAML reads it as quoted text up to the next ': "
                "put the whole value in double quotes: \"'s avonds ...\"")
    if value.startswith("{") or "flow mapping" in message:
        return ("a value that starts with { is read by YAML as a mapping { key: value }: put a value that starts "
                "with a placeholder in double quotes, e.g. text: \"{name:poli} is open ...\"")
    if "flow" in message:
        return ("inside [ ... ], text with a comma, ': ', '#', brackets or a placeholder such as {phone:key} must "
                "be put in double quotes, e.g. [\"Bel {phone:poli}\", Wat] — or write one '- item' per line")
    return ("check indentation and quoting here; text containing ': ' or starting with a special character "
            "([ { * & ! | > ' \" % @ `) must be put in double quotes")


class _Builder:
    """Turns composed nodes into plain data, recording positions and enforcing limits."""

    def __init__(self, path: Path):
        self.path = path
        self.values: dict[YamlPath, _Position] = {}
        self.keys: dict[YamlPath, _Position] = {}
        self.count = 0
        self.characters = 0

    def _fail(self, node: Node, message: str, hint: str) -> SourceError:
        return SourceError(Problem(Location(self.path, node.start_mark.line + 1, node.start_mark.column + 1),
                                   message, hint))

    def build(self, node: Node, at: YamlPath, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise self._fail(node, f"more than {MAX_VALUES:,} values (or aliases that expand to them)",
                             "remove anchors/aliases (&name, *name) or split the file")
        if depth > MAX_DEPTH:
            raise self._fail(node, f"nested more than {MAX_DEPTH} levels deep", "flatten the structure")
        end_line = node.end_mark.line + (0 if node.end_mark.column == 0 and node.end_mark.line > node.start_mark.line
                                         else 1)  # a block scalar ends at column 0 of the next line
        self.values.setdefault(at, _Position(node.start_mark.line + 1, node.start_mark.column + 1,
                                             getattr(node, "style", None) or None, end_line))  # libyaml: "" = plain
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if isinstance(node, SequenceNode) and node.tag == _SEQ:
            return [self.build(item, at + (index,), depth + 1) for index, item in enumerate(node.value)]
        if isinstance(node, MappingNode) and node.tag == _MAP:
            return self._mapping(node, at, depth)
        raise self._fail(node, f"YAML tag {node.tag!r} is not allowed",
                         "remove the '!...' tag; content holds only text, numbers, lists and mappings")

    def _scalar(self, node: ScalarNode) -> Any:
        self.characters += len(node.value)
        if self.characters > MAX_TEXT_CHARACTERS:  # one long string reused through aliases (&a ... *a *a *a)
            raise self._fail(node, f"the file's text adds up to more than {MAX_TEXT_CHARACTERS:,} characters "
                             f"(aliases counted each time they are used)",
                             "remove anchors/aliases (&name, *name) or split the content into smaller folders")
        forbidden = _FORBIDDEN_CHARACTERS.search(node.value)
        if forbidden:
            character = forbidden.group(0)
            raise self._fail(node, f"text contains the invisible control character U+{ord(character):04X} "
                             f"({unicodedata.name(character, 'a control character')}), which text may not hold",
                             "remove it (retype the text around it; it often comes along when copying from a "
                             "web page or a PDF)")
        if node.tag == _STR:
            return node.value
        if node.tag == _INT:
            return WholeNumber(node.value)
        if node.tag == _BOOL:
            return node.value.lower() == "true"
        if node.tag == _NULL:
            return None
        raise self._fail(node, f"YAML tag {node.tag!r} is not allowed",
                         "remove the '!...' tag; content holds only text, numbers, lists and mappings")

    def _mapping(self, node: MappingNode, at: YamlPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag in (_NULL,):
                raise self._fail(key_node, "a key must be a plain word", "write the key as text, e.g. 'title:'")
            key = str(self._scalar(key_node))
            if key in result:
                first = self.keys[at + (key,)]
                raise self._fail(key_node, f"key {key!r} appears twice in this mapping (first on line {first.line})",
                                 "keep one of the two")
            self.keys[at + (key,)] = _Position(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, at + (key,), depth + 1)
        return result
