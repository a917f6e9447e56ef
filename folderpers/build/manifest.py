"""The manifest: what was published, from which inputs, with checksums (format folderpers-manifest/3).

It is the audit trail (which version of which folder a patient could have received), for intranet
consumers. Two kinds of file, so that a build rewrites only what it changed:

- dist/<institution>/<stem>.manifest.json, one per publication (folder x institution x language),
  beside its web page and PDF: every output file of that publication with its checksum, size,
  pages, document facts and the sha256 of every input beyond the theme
  (schemas/publication-manifest.schema.json);
- dist/manifest.json, the index: the theme's input digests with the pipeline version once (an
  output names the one it was made from by its id) and one short record per publication: its
  document facts, the path of its manifest and that file's sha256 (schemas/manifest.schema.json).

A build rewrites the manifests of the publications whose outputs it recorded or dropped, removes
those of publications gone, and then the index, streamed from compact rows of the state store
(state.py). This module has the format and the input digests the state store also uses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from folderpers import __version__
from folderpers.build.publish import output_error, publish, publish_chunks
from folderpers.writers.published import Published

if TYPE_CHECKING:
    from folderpers.build.state import StateStore
    from folderpers.model.publication import Publication

MANIFEST_NAME = "manifest.json"
PUBLICATION_SUFFIX = ".manifest.json"  # dist/<institution>/<stem>.manifest.json
FORMAT = "folderpers-manifest/3"
OLD_FORMATS = ("folderpers-manifest/2",)  # one manifest.json with every entry: taken over, then written anew
PIPELINE = {"folderpers": __version__, "weasyprint": version("weasyprint")}
THEME_PREFIXES = ("templates/", "styles/")  # inputs shared by every output: the theme
INDEX_FACTS = ("folder", "institution", "language", "title", "code", "version", "approved", "review")
ENTRY_ORDER = ("path", "kind", "writer", "source", "published_by", "sha256", "bytes", "pages", "folder",
               "institution", "language", "title", "code", "version", "approved", "review", "owner", "department",
               "changes", "related", "inputs", "theme", "inputs_sha256")  # as publication-manifest.schema.json


@lru_cache(maxsize=4096)
def _file_digest(path: Path, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes (cached per process while the file is unchanged)."""
    stat = path.stat()
    return _file_digest(path, stat.st_size, stat.st_mtime_ns)


def input_digests(paths: Iterable[Path], root: Path) -> dict[str, str]:
    """{path relative to the project: sha256} for every input file, sorted."""
    digests = {}
    for path in paths:
        try:
            name = str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            name = str(path)
        digests[name] = file_digest(path)
    return dict(sorted(digests.items()))


def combined_digest(inputs: dict[str, str], kind: str) -> str:
    """One hash over every input, the pipeline version and the writer: equal means nothing changed."""
    text = json.dumps({"inputs": inputs, "pipeline": PIPELINE, "kind": kind}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def theme_key(theme_inputs: dict[str, str], pipeline: dict[str, str]) -> str:
    """The id of a theme in the index: sha256 of its digests and the pipeline version as canonical JSON."""
    text = json.dumps({"inputs": theme_inputs, "pipeline": pipeline}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def publication_manifest(institution: str, stem: str) -> str:
    """The path (relative to dist/) of a publication's manifest: beside its web page and screen PDF."""
    return str(PurePosixPath(institution) / f"{stem}{PUBLICATION_SUFFIX}")


def publication_facts(publication: Publication) -> dict[str, Any]:
    """The document-control facts every output of `publication` carries in the manifest."""
    folder = publication.folder
    properties = publication.properties()
    return {
        "published_by": list(folder.institutions) if folder.institutions is not None else "all",
        "folder": folder.slug,
        "institution": publication.institution.id,
        "language": folder.language,
        "title": folder.title,
        "code": properties["documentCode"],
        "version": folder.version,
        "approved": properties["approvalDate"],
        "review": properties["reviewDate"],
        "owner": folder.owner,
        "department": folder.department,
        "changes": [{"version": c.version, "date": c.date.isoformat(), "what": c.what} for c in folder.changes],
        "related": list(publication.related),
    }


def publication_document(entries: list[dict[str, Any]]) -> bytes:
    """A publication's manifest file: its output entries (by path), indented for people reading it."""
    return (json.dumps({"format": FORMAT, "outputs": entries}, indent=2, ensure_ascii=False) + "\n").encode()


def index_record(manifest: str, sha256: str, facts: dict[str, Any]) -> str:
    """A publication's line in the index, as compact JSON."""
    record = {key: facts[key] for key in INDEX_FACTS} | {"manifest": manifest, "sha256": sha256}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def index_chunks(themes: Iterable[dict[str, Any]], records: Iterable[str]) -> Iterator[bytes]:
    """dist/manifest.json piece by piece: the themes indented, then a publication per line (so that a
    large index is neither held whole nor slow to write: no indenting encoder per record)."""
    yield f'{{\n  "format": "{FORMAT}",\n  "themes": ['.encode()
    separator = "\n"
    for theme in themes:
        yield f"{separator}    {json.dumps(theme, indent=2, ensure_ascii=False).replace(chr(10), chr(10) + '    ')}".encode()
        separator = ",\n"
    yield ("],\n" if separator == "\n" else "\n  ],\n").encode()
    yield b'  "publications": ['
    separator = "\n"
    for record in records:
        yield f"{separator}    {record}".encode()
        separator = ",\n"
    yield ("]\n}\n" if separator == "\n" else "\n  ]\n}\n").encode()


def write_manifests(store: StateStore, dist: Path) -> bool:
    """Rewrite the manifests of the publications whose outputs were recorded or dropped since they
    were written, remove those of publications gone, then the index (also when there is none yet).
    Return whether anything was written."""
    stale = False
    for manifest, facts in store.stale_publications():
        stale = True
        target = dist / manifest
        entries = list(store.entries(publication=manifest))
        if not entries:
            try:
                target.unlink(missing_ok=True)
            except OSError as error:
                raise output_error(error, target, "cannot remove") from None
            store.forget_publication(manifest)
            continue
        data = publication_document(entries)
        publish(target, data, dist)
        shown = facts or entries[0]  # the facts of this build's outputs, else of those still there
        sha256 = hashlib.sha256(data).hexdigest()
        files = {entry["kind"]: entry["path"] for entry in entries}
        store.record_publication(Published.of(manifest, sha256, shown, files), index_record(manifest, sha256, shown))
    if not stale and (dist / MANIFEST_NAME).is_file():
        return False
    publish_chunks(dist / MANIFEST_NAME, index_chunks(store.themes(), store.index_records()), dist)
    store.manifests_written()
    return True


def _json_file(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def read_index(dist: Path) -> dict[str, Any] | None:
    """dist/manifest.json when it is an index of this format (else None)."""
    data = _json_file(dist / MANIFEST_NAME)
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def read_manifest(dist: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every output entry the manifest files in `dist` hold, with the path of its publication's manifest:
    from this format's index and publication manifests, or from an older single manifest.json; each
    entry with all its inputs (the theme's too) and the pipeline version, as one output's record. A
    file that cannot be read (or of an unknown format) gives no entries: their outputs are rebuilt."""
    from folderpers.project import translation_language
    data = _json_file(dist / MANIFEST_NAME)
    if not isinstance(data, dict):
        return
    try:
        if data.get("format") in OLD_FORMATS:
            for entry in data["outputs"]:
                language = translation_language(Path(entry["source"]))
                stem = f"{entry['folder']}.{language}" if language else entry["folder"]
                yield publication_manifest(entry["institution"], stem), entry
        elif data.get("format") == FORMAT:
            themes = {theme["id"]: theme for theme in data["themes"]}
            for record in data["publications"]:
                document = _json_file(dist / record["manifest"])
                if not isinstance(document, dict) or document.get("format") != FORMAT:
                    continue
                for entry in document["outputs"]:
                    theme = themes[entry["theme"]]
                    yield record["manifest"], {**entry, "inputs": dict(sorted({**theme["inputs"],
                                                                                **entry["inputs"]}.items())),
                                               "pipeline": theme["pipeline"]}
    except (KeyError, TypeError, AttributeError):  # not what the format says: what was read is kept
        return
