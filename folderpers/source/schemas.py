"""Stage 1b: check loaded YAML against the project's JSON Schemas, with errors an author can act on.

The schemas in `schemas/` are the single source of truth for the file formats: editors use them
(yaml-language-server) for completion, and every build checks them here. jsonschema's raw messages
are rewritten into "what is wrong, and the fix", with "did you mean" for misspelt keys and values.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import jsonschema
import referencing
from jsonschema.exceptions import ValidationError as SchemaViolation

from folderpers.errors import Problem, SourceError
from folderpers.source.yamlsource import SourceDocument, WholeNumber, YamlPath

_TYPE_NAMES = {"string": "text", "integer": "a whole number", "boolean": "true or false",
               "array": "a list", "object": "a mapping of keys", "null": "empty"}


@cache
def _python_regex(pattern: str) -> re.Pattern[str]:
    """`pattern` (ECMA-262, as JSON Schema means it) for Python's re: there `$` also matches before a
    final newline, so `^[A-Z]+$` would accept "X-001\\n". Every `$` outside a character class becomes `\\Z`."""
    translated, in_class, escaped = [], False, False
    for character in pattern:
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == "[":
            in_class = True
        elif character == "]":
            in_class = False
        elif character == "$" and not in_class:
            character = r"\Z"
        translated.append(character)
    return re.compile("".join(translated))


def _pattern(validator: jsonschema.Validator, pattern: str, instance: Any, schema: Any) -> Iterator[SchemaViolation]:
    if validator.is_type(instance, "string") and not _python_regex(pattern).search(instance):
        yield SchemaViolation(f"{instance!r} does not match {pattern!r}")


# Numbers arrive as WholeNumber text (see yamlsource). They count as integers; ranges are
# checked with a `pattern` beside `minimum`/`maximum` (which only editors apply, to real numbers).
_Validator = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft7Validator,
    validators={"pattern": _pattern},
    type_checker=jsonschema.Draft7Validator.TYPE_CHECKER.redefine(
        "integer", lambda checker, value: isinstance(value, WholeNumber) or (
            isinstance(value, int) and not isinstance(value, bool))))


class SchemaSet:
    """The schemas in one directory, by file name (e.g. 'folder'), sharing one $ref registry.

    Blocks are checked one by one against the definition their first key names, instead of
    through the schema's `oneOf` over every block type: the errors then speak of that type only,
    and validation is many times faster. Editors still use the `oneOf`.
    """

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._schemas: dict[str, dict[str, Any]] = {}
        for path in sorted(self.directory.glob("*.schema.json")):
            self._schemas[path.name.removesuffix(".schema.json")] = json.loads(path.read_text("utf-8"))
        folder = self._schemas["folder"]
        # What is validated as a whole: the same schemas, but any block passes (blocks are checked one by one).
        self._lenient = {**self._schemas, "folder": {**folder, "definitions": {**folder["definitions"], "block": {}}}}
        self._registry = referencing.Registry().with_resources(
            (schema["$id"], referencing.Resource.from_contents(schema)) for schema in self._lenient.values())
        self._validators: dict[str, jsonschema.Validator] = {}

    @cached_property
    def block_types(self) -> tuple[str, ...]:
        """Block type names, in the order the folder schema lists them."""
        refs = self._schemas["folder"]["definitions"]["block"]["oneOf"]
        return tuple(ref["$ref"].rsplit("/", 1)[-1] for ref in refs)

    def _validator(self, name: str) -> jsonschema.Validator:
        """A validator for a whole schema (e.g. 'folder') or a block type (e.g. 'block:figure')."""
        if name not in self._validators:
            schema = self._lenient.get(name) or {"$ref": f"{self._schemas['folder']['$id']}#/definitions/"
                                                         f"{name.removeprefix('block:')}"}
            self._validators[name] = _Validator(schema, registry=self._registry)
        return self._validators[name]

    def check(self, document: SourceDocument, name: str) -> None:
        """Raise SourceError listing every problem of `document` against schema `name`."""
        violations = sorted(self._validator(name).iter_errors(document.data),
                            key=lambda v: list(map(str, v.absolute_path)))
        problems = [_describe(document, tuple(v.absolute_path), v) for v in violations]
        blocks = document.data.get("blocks") if isinstance(document.data, dict) else None
        if "blocks" in self._schemas[name].get("properties", {}) and isinstance(blocks, list):
            for index, block in enumerate(blocks):
                problems.extend(self._check_block(document, ("blocks", index), block))
        if problems:
            raise SourceError(*_unique(problems))

    def _check_block(self, document: SourceDocument, at: YamlPath, block: Any) -> Iterator[Problem]:
        """Find the block's type from its first key and check it against that type only."""
        if not isinstance(block, dict) or not block:
            yield Problem(document.location(at), "a block must be a mapping that starts with its type, "
                          "e.g. '- text: ...'", f"block types: {', '.join(self.block_types)}")
            return
        kind = next(iter(block))
        if kind not in self.block_types:
            later = [key for key in block if key in self.block_types]
            hint = (f"a block starts with its type: put '{later[0]}:' first. " if later else
                    _did_you_mean(kind, self.block_types))
            yield Problem(document.location(at + (kind,), key=True), f"unknown block type {kind!r}",
                          hint + f"block types: {', '.join(self.block_types)}")
            return
        own_keys = self._schemas["folder"]["definitions"][kind]["properties"]
        for key in block:
            if key != kind and key in self.block_types and key not in own_keys:
                if "content" in own_keys and key in ("text", "list", "steps"):  # a box holds these, in 'content:'
                    yield Problem(document.location(at + (key,), key=True), f"'{key}:' is not a key of a {kind!r} "
                                  f"block", f"write the bullets under 'items:', or use 'content:' with '- text: ...' "
                                  f"and '- {key}: ...' entries for paragraphs and lists in any order")
                    return
                yield Problem(document.location(at + (key,), key=True),
                              f"one block has two types: {kind!r} and {key!r}",
                              f"start a new block for {key!r} with '- {key}: ...' (mind the dash)")
                return
        for violation in self._validator(f"block:{kind}").iter_errors(block):
            yield _describe(document, at + tuple(violation.absolute_path), violation, block_type=kind)


def _describe(document: SourceDocument, at: YamlPath, violation: SchemaViolation, block_type: str = "") -> Problem:
    """Rewrite one jsonschema violation as a Problem with a location and a fix."""
    where = f"in the {block_type!r} block, " if block_type else ""
    name = f"'{at[-1]}'" if at and isinstance(at[-1], str) else "this value"
    schema = violation.schema if isinstance(violation.schema, dict) else {}
    described = schema.get("description", "")
    kind = violation.validator
    value: Any = violation.validator_value  # what the schema asked for (the type depends on the kind)
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        instance: Any = violation.instance  # the mapping with the unknown key
        extra = [key for key in instance if key not in allowed]
        key = extra[0]
        return Problem(document.location(at + (key,), key=True), f"{where}unknown key {key!r}",
                       _did_you_mean(key, allowed) + f"allowed keys here: {', '.join(allowed)}")
    if kind == "required":
        missing = violation.message.split("'")[1]
        property_schema = schema.get("properties", {}).get(missing, {})
        hint = property_schema.get("description", "")
        return Problem(document.location(at), f"{where}missing required key {missing!r}",
                       f"add '{missing}:'" + (f" ({hint})" if hint else ""))
    if kind == "type":
        expected: list[str] = value if isinstance(value, list) else [value]
        wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in expected)
        return Problem(document.location(at), f"{where}{name} must be {wanted}, not {_kind_of(violation.instance)}",
                       _type_hint(expected, violation.instance))
    if kind == "enum":
        options = [str(option) for option in value]
        return Problem(document.location(at), f"{where}{name} is {violation.instance!r}, which is not one of: "
                       f"{', '.join(options)}", _did_you_mean(str(violation.instance), options).rstrip("; ")
                       or f"choose one of: {', '.join(options)}")
    if kind == "const":
        return Problem(document.location(at), f"{where}{name} must be {json.dumps(value)}",
                       f"write {json.dumps(value)} here")
    if kind == "pattern":
        return Problem(document.location(at), f"{where}{name} has the wrong form: {violation.instance!r}",
                       described or _pattern_hint(value))
    if kind == "minLength":
        return Problem(document.location(at), f"{where}{name} is empty", "write the text, or remove the key")
    if kind in ("minItems", "minProperties"):
        return Problem(document.location(at), f"{where}{name} needs at least {value} "
                       f"{'item' if kind == 'minItems' else 'entry'}", "add the missing entries, or remove the key")
    if kind == "uniqueItems":
        return Problem(document.location(at), f"{where}{name} lists the same value twice", "remove the repeat")
    if kind == "oneOf" and violation.context:  # e.g. text or variants: speak of the option the value resembles
        base = at[:len(at) - len(violation.absolute_path)]
        relevant = [sub for sub in violation.context if sub.validator not in ("type", "const")]
        if relevant:
            deepest = max(relevant, key=lambda sub: len(sub.absolute_path))
            return _describe(document, base + tuple(deepest.absolute_path), deepest, block_type)
        options_named: list[str] = []
        for sub in violation.context:
            names = sub.validator_value if isinstance(sub.validator_value, list) else [sub.validator_value]
            options_named.extend(_TYPE_NAMES.get(str(n), json.dumps(n)) if sub.validator == "type" else json.dumps(n)
                                 for n in names)
        one_of = " or ".join(dict.fromkeys(options_named))
        return Problem(document.location(at), f"{where}{name} must be {one_of}, not {_kind_of(violation.instance)}",
                       _type_hint(["string"] if "text" in options_named else [], violation.instance) or described)
    if kind == "anyOf" and all("required" in option for option in value):
        required = " or ".join(repr(option["required"][0]) for option in value)
        return Problem(document.location(at), f"{where}needs {required} (or both)", f"add {required}")
    if kind == "propertyNames":
        return Problem(document.location(at), f"{where}the key {violation.instance!r} has the wrong form",
                       "keys are lowercase letters, digits, '-' and '_', e.g. 'spoedeisende-hulp'")
    return Problem(document.location(at), f"{where}{name} is not valid: {violation.message}", described)


def _did_you_mean(word: str, options: Any) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? " if close else ""


def _kind_of(value: Any) -> str:
    names = {str: "text", bool: "true/false", int: "a number", list: "a list", dict: "a mapping", type(None): "empty"}
    return names.get(type(value), type(value).__name__)


def _type_hint(expected: list[str], value: Any) -> str:
    if "string" in expected and isinstance(value, dict):
        return "text that starts with '{' (a placeholder) must be put in quotes: \"{phone:key} ...\""
    if "string" in expected:
        return "put the value in quotes, e.g. \"...\""
    if "array" in expected:
        return "write a list: one '- item' per line below the key"
    if "object" in expected:
        return "write indented 'key: value' lines below this key"
    if "boolean" in expected:
        return "write true or false"
    if "integer" in expected:
        return "write a whole number without quotes"
    return ""


def _pattern_hint(pattern: str) -> str:
    if "[0-9]{4}-[0-9]{2}-[0-9]{2}" in pattern:
        return "write the date as YYYY-MM-DD, e.g. 2026-03-01"
    return f"it must match the pattern {pattern}"


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
