"""The manifest, dist/manifest.json: what was published, from which inputs, with checksums.

It is the audit trail (which version of which folder a patient could have received) and the
basis of incremental builds. One entry per output file in dist/; a build replaces the entries of
the outputs it wrote and keeps those of files it did not touch. Format: schemas/manifest.schema.json.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path, PurePath
from typing import Any

from folderpers import __version__
from folderpers.build.publish import publish
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


def output_entry(path: str, kind: str, writer: str, data: bytes, pages: int | None, publication: Publication,
                 inputs: dict[str, str], inputs_sha256: str, source: str) -> dict[str, Any]:
    folder = publication.folder
    properties = publication.properties()
    return {
        "path": path,
        "kind": kind,
        "writer": writer,
        "source": source,
        "published_by": list(folder.institutions) if folder.institutions is not None else "all",
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "pages": pages,
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
        "inputs": inputs,
        "pipeline": PIPELINE,
        "inputs_sha256": inputs_sha256,
    }


def entries_current(entries: list[dict[str, Any]], dist: Path, root: Path, theme_inputs: dict[str, str]) -> bool:
    """Without loading the folder: are these outputs exactly what its unchanged inputs would give?

    Every recorded input must still have its recorded content, the theme must be the same set of
    files with the same content, and every output must be in dist/ as it was made.
    """
    for entry in entries:
        current = dict(theme_inputs)
        for name, digest in entry["inputs"].items():
            if name in theme_inputs or name.startswith(("templates/", "styles/")):
                continue
            path = root / name
            if not path.is_file() or file_digest(path) != digest:
                return False
            current[name] = digest
        if combined_digest(dict(sorted(current.items())), entry["writer"]) != entry["inputs_sha256"]:
            return False
        if not _intact(dist / entry["path"], entry):
            return False
    return True


def _intact(target: Path, entry: dict[str, Any]) -> bool:
    """The file is in dist/ exactly as the manifest says it was written."""
    return (target.is_file() and target.stat().st_size == entry["bytes"]
            and hashlib.sha256(target.read_bytes()).hexdigest() == entry["sha256"])


@dataclass
class Manifest:
    dist: Path
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    changed: bool = True  # False while it holds exactly what was loaded from dist/

    @classmethod
    def load(cls, dist: Path) -> Manifest:
        """The manifest of an earlier build (empty if there is none or it is unreadable)."""
        try:
            data = json.loads((dist / MANIFEST_NAME).read_text("utf-8"))
            entries = {entry["path"]: entry for entry in data["outputs"]} if data.get("format") == FORMAT else {}
        except (OSError, ValueError, KeyError, TypeError):
            entries = {}
        return cls(dist, entries, changed=not entries)

    def record(self, entry: dict[str, Any]) -> None:
        self.entries[entry["path"]] = entry
        self.changed = True

    def unchanged(self, paths: Iterable[PurePath], dist: Path, inputs_sha256: str) -> bool:
        """True when every file was made from exactly these inputs and is still in dist/ as it was made."""
        for path in paths:
            entry = self.entries.get(str(path))
            if entry is None or entry["inputs_sha256"] != inputs_sha256 or not _intact(dist / path, entry):
                return False
        return True

    def by_source(self) -> dict[str, list[dict[str, Any]]]:
        """The entries made from each folder file."""
        grouped: dict[str, list[dict[str, Any]]] = {}
        for entry in self.entries.values():
            grouped.setdefault(entry["source"], []).append(entry)
        return grouped

    def current(self) -> list[dict[str, Any]]:
        """The entries whose file is in dist/, by path."""
        return [self.entries[path] for path in sorted(self.entries) if (self.dist / path).is_file()]

    def write(self) -> None:
        """Write atomically, if anything changed; entries whose file is gone from dist/ are dropped."""
        current = self.current()
        if not self.changed and len(current) == len(self.entries):  # a no-op build: nothing to serialise
            return
        data = (json.dumps({"format": FORMAT, "outputs": current}, indent=2, ensure_ascii=False) + "\n").encode()
        path = self.dist / MANIFEST_NAME
        if not path.is_file() or path.read_bytes() != data:
            publish(path, data, self.dist)
