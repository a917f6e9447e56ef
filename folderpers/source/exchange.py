"""Translation files for translators: what needs translating exported to XLIFF 1.2 or PO
(translate-toolkit), and the translated file imported back into `folder.<language>.yaml`.

A unit is one piece of text of the Dutch folder: `title`, `intro`, `b7.text`, `b3.list.2`,
`b9.items.0`, ... (b<n>: the n-th block, counted from 1). Its note records the hash of the Dutch
block (or title part) as it was exported; the import writes that hash as the block's `translates:`,
so a block that changed again in the meantime stays stale. A unit whose placeholders ({phone:...},
{contact:...}) differ between source and translation refuses the whole file, naming the unit:
nothing is written.
"""

from __future__ import annotations

import copy
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from translate.storage import po, xliff

from folderpers.errors import FolderpersError, Location, Problem
from folderpers.source.translation import COVER_KEYS, HASH_KEY, SourceHashes, TranslationStatus, compare
from folderpers.source.yamlsource import WholeNumber, load_yaml

XLIFF_12 = "urn:oasis:names:tc:xliff:document:1.2"
# What is not text to translate: a block's type value (callout tone, image file, snippet name,
# contact keys), layout options and our bookkeeping.
_NOT_TEXT = frozenset({"callout", "contacts", "figure", "include", "pagebreak", "size", "level", "row_headers",
                       HASH_KEY, "checks"})
_PLACEHOLDER = re.compile(r"\{[a-z]+(?::[a-z0-9-]+)?\}")
_NOTE = re.compile(r"^translates: ([0-9a-f]{8})$")
EXTRA_KEYS = ("department", "owner")  # exported with a new translation: not tracked, not in the title part


class ExchangeError(FolderpersError):
    """A translation file that cannot be imported (changed placeholders, unknown units, ...)."""


class Xliff12Unit(xliff.Xliff1Unit):
    namespace = XLIFF_12


class Xliff12File(xliff.xlifffile):  # type: ignore[type-arg]  # its unit type is Xliff12Unit
    """translate-toolkit's XLIFF, written as version 1.2 (it writes 1.1 by default; it reads both)."""

    UnitClass = Xliff12Unit
    namespace = XLIFF_12
    XMLskeleton = f"""<?xml version="1.0" ?>
<xliff version='1.2' xmlns='{XLIFF_12}'>
<file original='NoName' source-language='nl' datatype='plaintext'>
<body>
</body>
</file>
</xliff>"""


@dataclass(frozen=True)
class Unit:
    id: str  # where the text stands: title, b7.text, b3.list.2
    source: str
    target: str  # the current translation, as a starting point ("" if none)
    source_hash: str  # of the Dutch block (or title part) it belongs to


def _texts(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every text in a block's value, with its path inside the block."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in _NOT_TEXT:
                yield from _texts(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*path, index))
    elif isinstance(value, str) and not isinstance(value, WholeNumber):
        yield path, value


def _unit_id(path: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in path)


def _get(value: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def units_to_translate(folder_source: Path, language: str, everything: bool = False) -> list[Unit]:
    """The units of the Dutch folder that the translation lacks or that changed (all, with `everything`)."""
    dutch = load_yaml(folder_source).data
    hashes = SourceHashes.of(dutch)
    path = folder_source.with_name(f"folder.{language}.yaml")
    translation = load_yaml(path).data if path.is_file() else {}
    status = compare(language, path, hashes, translation) if translation else None
    units: list[Unit] = []
    if everything or status is None or status.cover_stale:
        for key in (*COVER_KEYS, *(EXTRA_KEYS if not translation else ())):
            for at, text in _texts({key: dutch[key]} if key in dutch else {}, ()):
                old = _get(translation, at) if translation and _has(translation, at) else ""
                units.append(Unit(_unit_id(at), text, str(old), hashes.cover))
    current = _current_translations(hashes, translation)
    for index, block in enumerate(dutch.get("blocks", ())):
        if not everything and index in current:
            continue
        old_block = current.get(index) or _stale_counterpart(status, translation, index)
        for at, text in _texts(block, ()):
            old = _get(old_block, at) if old_block is not None and _has(old_block, at) else ""
            units.append(Unit(f"b{index + 1}." + _unit_id(at), text, str(old), hashes.blocks[index]))
    return units


def _has(value: Any, path: tuple[str | int, ...]) -> bool:
    try:
        _get(value, path)
    except (KeyError, IndexError, TypeError):
        return False
    return True


def _current_translations(hashes: SourceHashes, translation: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """Dutch block index -> the translation's block that is up to date for it."""
    if not translation:
        return {}
    by_hash: dict[str, dict[str, Any]] = {}
    for block in translation.get("blocks", ()):
        if isinstance(block, dict) and block.get(HASH_KEY):
            by_hash.setdefault(block[HASH_KEY], block)
    return {index: by_hash[value] for index, value in enumerate(hashes.blocks) if value in by_hash}


def _stale_counterpart(status: TranslationStatus | None, translation: dict[str, Any], index: int
                       ) -> dict[str, Any] | None:
    """The translation's (stale) block that stood for Dutch block `index`, as a starting point."""
    if status is None:
        return None
    for stale, source in zip(status.stale, status.stale_sources, strict=True):
        if source == index:
            block: dict[str, Any] = translation["blocks"][stale]
            return block
    return None


def export(folder_source: Path, language: str, kind: str, everything: bool = False) -> tuple[bytes, int]:
    """The units to translate as an XLIFF 1.2 (`kind` "xliff") or PO file, and how many there are."""
    units = units_to_translate(folder_source, language, everything)
    original = f"folders/{folder_source.parent.name}/folder.yaml"
    if kind == "xliff":
        store: Any = Xliff12File(sourcelanguage="nl")
        store.settargetlanguage(language)
        store.setfilename(store.getfilenode("NoName"), original)
    else:
        store = po.pofile()
        store.updateheader(add=True, Language=language, X_Folderpers_Source=original)
    for unit in units:
        entry = store.addsourceunit(unit.source, filename=original) if kind == "xliff" else \
            store.addsourceunit(unit.source)
        if kind == "xliff":
            entry.setid(unit.id)
        else:
            entry.setcontext(unit.id)
        entry.addnote(f"translates: {unit.source_hash}", origin="developer")
        if unit.target:  # the old translation of a changed text, as a start: marked to be checked
            entry.target = unit.target
            entry.markfuzzy(True)
    return bytes(store), len(units)


@dataclass(frozen=True)
class ImportResult:
    path: Path
    blocks: int  # blocks written from the file
    cover: bool


def import_file(project_folders: Path, file: Path) -> ImportResult:
    """Write the translations in `file` (XLIFF or PO, as exported) into folder.<language>.yaml."""
    store, language, original = _read(file)
    slug = Path(original).parent.name
    folder_source = project_folders / slug / "folder.yaml"
    if not folder_source.is_file():
        raise ExchangeError(Problem(Location(file), f"it translates {original}, which does not exist",
                                    "import it into the project it was exported from"))
    units = _units_of(store, file)
    dutch = load_yaml(folder_source).data
    path = folder_source.with_name(f"folder.{language}.yaml")
    existing = load_yaml(path).data if path.is_file() else None
    translation = _merged(dutch, existing, units, language, file)
    text = _header(path) + yaml.dump(translation, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    temporary = path.with_name(f".{path.name}.importing")
    temporary.write_text(text, "utf-8")
    os.replace(temporary, path)  # never half a file where a good one stood
    return ImportResult(path, len({unit.split(".")[0] for unit in units if unit.startswith("b")}),
                        any(not unit.startswith("b") for unit in units))


def _read(file: Path) -> tuple[Any, str, str]:
    data = file.read_bytes()
    try:
        if file.suffix.lower() in (".xlf", ".xliff"):
            store: Any = xliff.xlifffile(data)
            files = list(store.document.getroot().iterchildren(store.namespaced("file")))
            language = files[0].get("target-language", "") if files else ""
            original = files[0].get("original", "") if files else ""
        else:
            store = po.pofile(data)
            header = store.parseheader()
            language, original = header.get("Language", ""), header.get("X-Folderpers-Source", "")
    except Exception as error:  # noqa: BLE001 - any parse failure of a foreign file is the file's problem
        raise ExchangeError(Problem(Location(file), f"not a readable XLIFF or PO file: {error}",
                                    "import the file as exported by 'build.py translations --export'")) from None
    if not re.fullmatch(r"[a-z]{2}(-[A-Z]{2})?", language or "") or not original.endswith("/folder.yaml"):
        raise ExchangeError(Problem(Location(file), "the file does not say which folder and language it translates",
                                    "import the file as exported by 'build.py translations --export'"))
    return store, language, original


def _units_of(store: Any, file: Path) -> dict[str, tuple[str, str]]:
    """unit id -> (translated text, source hash); refuses changed placeholders, naming every such unit."""
    units: dict[str, tuple[str, str]] = {}
    problems = []
    for unit in store.getunits():
        if unit.isheader():
            continue
        unit_id = unit.xmlelement.get("id", "") if isinstance(store, xliff.xlifffile) else unit.getcontext()
        target = str(unit.target or "")
        note = _NOTE.match((unit.getnotes("developer") or "").strip())
        if not target.strip():
            continue  # not translated (yet): that part stays as it is
        if note is None:
            problems.append(Problem(Location(file), f"unit {unit_id!r} has no 'translates: <hash>' note",
                                    "keep the notes the export wrote"))
            continue
        expected, found = Counter(_PLACEHOLDER.findall(str(unit.source))), Counter(_PLACEHOLDER.findall(target))
        if expected != found:
            problems.append(Problem(Location(file), f"unit {unit_id!r}: the placeholders changed "
                                    f"(source {sorted(expected.elements())}, translation {sorted(found.elements())})",
                                    "copy every {…} placeholder unchanged into the translation; only the text "
                                    "around it is translated"))
            continue
        units[unit_id] = (target, note[1])
    if problems:
        raise ExchangeError(*problems)
    return units


def _merged(dutch: dict[str, Any], existing: dict[str, Any] | None, units: dict[str, tuple[str, str]],
            language: str, file: Path) -> dict[str, Any]:
    """The translation file's data with the imported units in: blocks in the Dutch order; a block
    not in the file keeps its up-to-date (or stale) translation, a block without text (contacts,
    include, page break) is taken from the Dutch as it is, a Dutch block removed is dropped."""
    hashes = SourceHashes.of(dutch)
    base = existing if existing is not None else {
        key: copy.deepcopy(value) for key, value in dutch.items() if key not in ("blocks", HASH_KEY, "changes")}
    result: dict[str, Any] = {}
    for key, value in base.items():
        if key != "blocks":
            result[key] = value
    result["language"] = language
    cover = {unit: value for unit, value in units.items() if not unit.startswith("b")}
    for unit, (text, _) in cover.items():
        key = unit.split(".")[0]
        if key not in (*COVER_KEYS, *EXTRA_KEYS):
            raise ExchangeError(Problem(Location(file), f"unknown unit {unit!r}", "import the file as exported"))
        result[key] = text
    cover_hashes = {source_hash for unit, (_, source_hash) in cover.items() if unit.split(".")[0] in COVER_KEYS}
    if cover_hashes:
        result[HASH_KEY] = cover_hashes.pop()
    count = len(dutch.get("blocks", ()))
    for unit in units:
        number = unit.split(".")[0][1:]
        if unit.startswith("b") and not (number.isdigit() and 1 <= int(number) <= count):
            raise ExchangeError(Problem(Location(file), f"unit {unit!r} names no block of the Dutch folder",
                                        "import the file into the folder it was exported from"))
    status = compare(language, file, hashes, existing) if existing is not None else None
    current = _current_translations(hashes, existing or {})
    blocks = []
    for index, block in enumerate(dutch.get("blocks", ())):
        prefix = f"b{index + 1}."
        mine = {unit[len(prefix):]: value for unit, value in units.items() if unit.startswith(prefix)}
        if mine:
            blocks.append(_translated_block(block, mine, file, prefix))
        elif not any(True for _ in _texts(block, ())):  # no text (contacts, include, page break): as in Dutch
            blocks.append({**copy.deepcopy(block), HASH_KEY: hashes.blocks[index]})
        elif index in current:
            blocks.append(current[index])
        elif (old := _stale_counterpart(status, existing or {}, index)) is not None:
            blocks.append(old)
    result["blocks"] = blocks
    return result


def _translated_block(block: dict[str, Any], units: dict[str, tuple[str, str]], file: Path, prefix: str
                      ) -> dict[str, Any]:
    """The Dutch block with its texts replaced by the translated units (every text must be there)."""
    translated = copy.deepcopy({key: value for key, value in block.items() if key != HASH_KEY})
    source_hash = ""
    for at, _ in _texts(block, ()):
        unit_id = _unit_id(at)
        if unit_id not in units:
            raise ExchangeError(Problem(Location(file), f"unit {prefix + unit_id!r} is not translated, while "
                                        f"other parts of block {prefix[1:-1]} are", "translate every unit of a block"))
        text, source_hash = units[unit_id]
        parent = _get(translated, at[:-1])
        parent[at[-1]] = text
    translated[HASH_KEY] = source_hash
    return translated


def _header(path: Path) -> str:
    """The comment lines at the top of the existing translation file (the schema line and notes), kept."""
    lines = path.read_text("utf-8").splitlines() if path.is_file() else [
        "# yaml-language-server: $schema=../../schemas/folder.schema.json"]
    header = []
    for line in lines:
        if not line.startswith("#"):
            break
        header.append(line)
    return "\n".join(header) + "\n" if header else ""


class _Dumper(yaml.SafeDumper):
    """YAML as authors write it: lists indented under their key, versions and dates unquoted (the
    loader reads them as text), whole numbers as numbers, long text folded at a readable width."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _whole_number(dumper: yaml.SafeDumper, value: WholeNumber) -> yaml.Node:
    return dumper.represent_int(int(value))


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = ">" if len(value) > 80 and "\n" not in value.strip() else "|" if "\n" in value.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value if style != "|" else value.strip() + "\n",
                                   style=style)


_Dumper.yaml_implicit_resolvers = {  # without float and timestamp: "1.0" and "2026-02-01" stay unquoted
    first: [(tag, pattern) for tag, pattern in resolvers
            if tag not in ("tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()}
_Dumper.add_representer(WholeNumber, _whole_number)
_Dumper.add_representer(str, _text)
