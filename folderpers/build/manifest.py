"""The manifest, dist/manifest.json: what was published, from which inputs, with checksums.

It is the audit trail (which version of which folder a patient could have received), for intranet
consumers. One entry per output file in dist/; a build replaces the entries of the outputs it
wrote and keeps those of files it did not touch. Format: schemas/manifest.schema.json. It is
written from the build's state store (state.py), which incremental builds decide from; this
module has the input digests both share.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from folderpers import __version__
from folderpers.build.publish import publish_chunks

if TYPE_CHECKING:
    from folderpers.model.publication import Publication

MANIFEST_NAME = "manifest.json"
FORMAT = "folderpers-manifest/2"  # entries of another format are not trusted: all is rebuilt
PIPELINE = {"folderpers": __version__, "weasyprint": version("weasyprint")}


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


def read_manifest(dist: Path) -> list[dict[str, Any]]:
    """The entries of dist/manifest.json (none if there is none, it is unreadable or of another format)."""
    try:
        data = json.loads((dist / MANIFEST_NAME).read_text("utf-8"))
        return list(data["outputs"]) if data.get("format") == FORMAT else []
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []


def manifest_chunks(entries: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """dist/manifest.json, entry by entry: the same bytes as json.dumps of the whole with indent=2,
    without holding every entry at once."""
    yield f'{{\n  "format": "{FORMAT}",\n  "outputs": ['.encode()
    separator = "\n"
    for entry in entries:
        text = json.dumps(entry, indent=2, ensure_ascii=False).replace("\n", "\n    ")
        yield f"{separator}    {text}".encode()
        separator = ",\n"
    yield ("]\n}\n" if separator == "\n" else "\n  ]\n}\n").encode()


def write_manifest(dist: Path, entries: Iterable[dict[str, Any]]) -> None:
    """Write dist/manifest.json atomically from `entries` (by path)."""
    publish_chunks(dist / MANIFEST_NAME, manifest_chunks(entries), dist)
