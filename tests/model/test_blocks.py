"""Every block type is complete: a schema definition, a dataclass in BLOCK_TYPES, the role of each of its
texts for the content checks, and a template. A type that lacks a part fails here, saying what is missing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from folderpers.model.blocks import BLOCK_TYPES, TEXT_ROLES
from folderpers.source.schemas import SchemaSet

from support import REPO

SCHEMA = json.loads((REPO / "schemas/folder.schema.json").read_text())
DEFINITIONS = SCHEMA["definitions"]
SCHEMA_TYPES = SchemaSet(REPO / "schemas").block_types


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = DEFINITIONS[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _is_text(schema: dict[str, Any]) -> bool:
    """Free text an author writes (not a key, file name, choice or number)."""
    schema = _resolve(schema)
    if schema.get("type") == "array":
        return _is_text(schema.get("items", {}))
    if "oneOf" in schema:  # text, or its variants per institution
        return any(_is_text(alternative) for alternative in schema["oneOf"])
    return schema.get("type") == "string" and not ({"enum", "const", "pattern", "format"} & schema.keys())


def text_keys(schema: dict[str, Any]) -> set[str]:
    """The keys under which a block's definition holds free text, however deeply nested."""
    schema = _resolve(schema)
    keys = set()
    for key, value in schema.get("properties", {}).items():
        if _is_text(value):
            keys.add(key)
        keys |= text_keys(value)
    if schema.get("type") == "array":
        keys |= text_keys(schema.get("items", {}))
    for alternative in schema.get("anyOf", []) + schema.get("oneOf", []):
        keys |= text_keys(alternative)
    return keys


def problems(kind: str, block_type: type | None) -> list[str]:
    """What block type `kind` lacks."""
    missing = []
    if kind not in DEFINITIONS or kind not in SCHEMA_TYPES:
        missing.append(f"a definition 'definitions/{kind}' in schemas/folder.schema.json, listed under 'block'")
    if block_type is None:
        return [*missing, f"a dataclass with kind {kind!r} in BLOCK_TYPES (folderpers/model/blocks.py)"]
    if not hasattr(block_type, "from_source"):
        missing.append(f"{block_type.__name__}.from_source")
    texts = getattr(block_type, "texts", None)
    if texts is None:
        missing.append(f"{block_type.__name__}.texts: the role of each of its texts for the content checks")
    else:
        wrong = {key: role for key, role in texts.items() if role not in TEXT_ROLES}
        if wrong:
            missing.append(f"{block_type.__name__}.texts: roles must be one of {TEXT_ROLES}, not {wrong}")
        if kind in DEFINITIONS:
            undeclared = text_keys(DEFINITIONS[kind]) - set(texts)
            if undeclared:
                missing.append(f"{block_type.__name__}.texts: a role for {sorted(undeclared)} (text in its schema)")
    has_partial = getattr(block_type, "partial", "own") is not None  # partial = None: rendered another way
    if has_partial and not (REPO / f"templates/blocks/{kind}.html").is_file():
        missing.append(f"a template templates/blocks/{kind}.html")
    return missing


@pytest.mark.parametrize("kind", sorted(set(BLOCK_TYPES) | set(SCHEMA_TYPES)))
def test_every_block_type_has_all_its_parts(kind):
    assert problems(kind, BLOCK_TYPES.get(kind)) == []


def test_a_block_type_left_incomplete_is_told_what_it_lacks():
    class Warning:  # a new type with only a dataclass: no schema, no texts, no template
        kind = "warning"

        @classmethod
        def from_source(cls, reader, at, data):
            return cls()
    assert problems("warning", Warning) == [
        "a definition 'definitions/warning' in schemas/folder.schema.json, listed under 'block'",
        "Warning.texts: the role of each of its texts for the content checks",
        "a template templates/blocks/warning.html"]
    assert problems("warning", None)[-1] == "a dataclass with kind 'warning' in BLOCK_TYPES (folderpers/model/blocks.py)"


def test_a_text_in_the_schema_without_a_role_is_named():
    callout = BLOCK_TYPES["callout"]
    partial = type("Callout", (), {"kind": "callout", "from_source": callout.from_source,
                                   "texts": {"title": "label", "text": "prose", "list": "prose", "steps": "prose"}})
    assert problems("callout", partial) == ["Callout.texts: a role for ['items'] (text in its schema)"]


def test_text_a_block_reads_without_a_declared_role_is_a_clear_error(tmp_project):
    from folderpers.source.reader import SourceReader
    from folderpers.source.yamlsource import load_yaml
    path = tmp_project.write("x.yaml", "warning: Pas op\n")
    reader = SourceReader(load_yaml(path), {"title": "label"})
    with pytest.raises(TypeError, match="text under 'warning'.*has no role: declare it in the `texts`"):
        reader.text(("warning",))
