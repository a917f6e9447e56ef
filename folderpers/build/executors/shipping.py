"""Shipping a build's files to workers that have no checkout, and rendering from them there.

The client reads every file a task renders from (the theme's templates and styles, the
publication's sources: folder and institution files, images, logos, snippets), once per build,
and names each by its path below the project root and the sha256 of its content. A worker writes
them into a directory of its own for that build (a "site", keyed by the hash of every file of the
build, so no two builds' files ever mix), checks every file's hash as it writes it, and renders
from a copy of the task whose paths point into that site. Rendering reads only below the
project root, and the outputs do not depend on where the root is (they name no absolute path),
so the bytes are the same as those of a local build.

A worker renders in a render process of its own, the local pool's (workers.py) with one process:
a forked child that renders within the per-document limits (limits.py), killed past the time
limit, bounded in address space, replaced after `max_tasks` documents or a crash. A Dask task
runs in a thread, which cannot be stopped; a process can, and the worker goes on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from folderpers.build.limits import DocumentLimits
from folderpers.build.workers import Done, Task, WorkerPool
from folderpers.errors import FolderpersError, Location, Problem
from folderpers.project import Project

SITES_KEPT = 4  # builds whose files a worker keeps (a client's next build usually shares none of them)
RENDERERS_KEPT = 2  # builds whose render process a worker keeps warm (two builds may share a cluster)

Listing = tuple[tuple[str, str], ...]  # (path below the project root, sha256 of its content), sorted


class ShippingError(FolderpersError):
    """A file a task needs cannot be shipped (outside the project), or arrived damaged."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Shipment:
    """One build's files on the client: each read and hashed once, by path below the project root."""

    project: Project
    contents: dict[str, bytes] = field(default_factory=dict)  # by sha256
    _listed: dict[Path, tuple[str, str]] = field(default_factory=dict)

    @property
    def roots(self) -> tuple[Path, ...]:
        """The project root as given and as resolved: the publication's paths use either."""
        return tuple(dict.fromkeys((self.project.root.absolute(), self.project.root.resolve())))

    def listing(self, paths: Iterable[Path]) -> Listing:
        """The files at `paths`, read now; ShippingError for a file outside the project."""
        return tuple(sorted({self._list(Path(path)) for path in paths}))

    def _list(self, path: Path) -> tuple[str, str]:
        if path not in self._listed:
            relative = next((path.relative_to(root) for root in self.roots if path.is_relative_to(root)), None)
            if relative is None:
                raise ShippingError(Problem(Location(path), "this file lies outside the project, so it cannot be "
                                            "sent to the Dask workers", "move it into the folder's or the "
                                            "institution's directory"))
            data = path.read_bytes()
            digest = sha256(data)
            self.contents.setdefault(digest, data)
            self._listed[path] = (relative.as_posix(), digest)
        return self._listed[path]

    def site_key(self) -> str:
        """The hash of every file of the build: names the workers' directory for it."""
        return sha256("\n".join(sorted(f"{path}\t{digest}" for path, digest in self._listed.values())).encode())


def rebase(value: Any, old_roots: tuple[Path, ...], new_root: Path) -> Any:
    """`value` (frozen dataclasses, tuples, lists, dicts) with every path below one of `old_roots`
    moved below `new_root`; everything else is kept as it is (the same object where nothing changed)."""
    memo: dict[int, Any] = {}

    def moved(item: Any) -> Any:
        key = id(item)
        if key in memo:
            return memo[key]
        result = item
        if isinstance(item, Path):
            root = next((root for root in old_roots if item.is_relative_to(root)), None)
            result = new_root / item.relative_to(root) if root is not None else item
        elif isinstance(item, (tuple, list)):
            items = [moved(element) for element in item]
            if any(new is not old for new, old in zip(items, item, strict=True)):
                result = type(item)(items)
        elif isinstance(item, dict):
            pairs = [(moved(k), moved(v)) for k, v in item.items()]
            if any(new_key is not k or new is not v for (new_key, new), (k, v) in zip(pairs, item.items(),
                                                                                      strict=True)):
                result = type(item)(pairs)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            changes = {}
            for entry in dataclasses.fields(item):
                old = getattr(item, entry.name)
                new = moved(old)
                if new is not old:
                    changes[entry.name] = new
            if changes:  # object.__setattr__: frozen, and init=False fields are copied as well
                result = copy_dataclass(item, changes)
        memo[key] = result
        return result

    return moved(value)


def copy_dataclass(item: Any, changes: Mapping[str, Any]) -> Any:
    """A copy of a (possibly frozen) dataclass instance with `changes`, without running __init__
    (which may validate or derive fields) and keeping cached properties out."""
    copy = object.__new__(type(item))
    for entry in dataclasses.fields(item):
        object.__setattr__(copy, entry.name, changes.get(entry.name, getattr(item, entry.name)))
    return copy


@dataclass
class Site:
    """One build's files on one worker, and the render process that renders from them."""

    root: Path
    present: set[str] = field(default_factory=set)  # paths written and checked
    lock: threading.Lock = field(default_factory=threading.Lock)
    # One render at a time per site: its pool has one process. A worker should have one thread
    # (README, "Many machines"); with more, this keeps them correct.
    rendering: threading.Lock = field(default_factory=threading.Lock)
    pool: WorkerPool | None = None

    def receive(self, listing: Listing, contents: Mapping[str, bytes]) -> None:
        """Write the files of `listing` that are not here yet; `contents` by path. A file whose content
        does not have the hash the client gave is refused."""
        with self.lock:
            for path, digest in listing:
                if path in self.present:
                    continue
                relative = PurePosixPath(path)
                if relative.is_absolute() or ".." in relative.parts or path not in contents:
                    raise ShippingError(Problem(Location(Path(path)), "a file of this task was not shipped "
                                                "(or names a place outside the project)", "report this as a bug"))
                data = contents[path]
                if sha256(data) != digest:
                    raise ShippingError(Problem(Location(Path(path)), f"the file arrived with another content "
                                                f"than was sent (sha256 {digest})", "run the build again"))
                target = self.root / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
                with os.fdopen(descriptor, "wb") as stream:
                    stream.write(data)
                os.replace(temporary, target)
                self.present.add(path)

    def render(self, task: Task, limits: DocumentLimits, max_tasks: int) -> Done:
        """Render `task` (paths in this site) in the site's render process, started when needed."""
        with self.rendering:
            if self.pool is None or (self.pool.limits, self.pool.max_tasks) != (limits, max_tasks):
                self._stop()
                self.pool = WorkerPool(Project(self.root), 1, max_tasks, limits)
            [done] = list(self.pool.run([task]))  # to its end: the pool replaces a spent process after the yield
            return done

    def stop(self) -> None:
        """Stop the render process (it is started again for the next task)."""
        with self.rendering:
            self._stop()

    def _stop(self) -> None:
        if self.pool is not None:
            self.pool.__exit__(None, None, None)
            self.pool = None


class Sites:
    """A worker process's sites, the most recent SITES_KEPT of them (older ones are deleted), and the
    render processes of the RENDERERS_KEPT most recent (a warm one holds ~140 MiB with the examples)."""

    def __init__(self) -> None:
        self.sites: OrderedDict[str, Site] = OrderedDict()
        self.lock = threading.Lock()

    def site(self, key: str, directory: Path) -> Site:
        with self.lock:
            site = self.sites.get(key)
            if site is None:
                root = directory / "folderpers-sites" / key
                shutil.rmtree(root, ignore_errors=True)  # a worker killed while writing it may have left a part
                root.mkdir(parents=True)
                site = self.sites[key] = Site(root)
            self.sites.move_to_end(key)
            sites = list(self.sites.values())
            deleted = sites[:-SITES_KEPT]
            for old in deleted:
                del self.sites[old.root.name]
        for old in sites[:-RENDERERS_KEPT]:  # outside the lock: a render of that site may be finishing
            old.stop()
        for old in deleted:
            shutil.rmtree(old.root, ignore_errors=True)
        return site


def render_shipped(site: Site, client_roots: tuple[Path, ...], task: Task, limits: DocumentLimits,
                   max_tasks: int) -> Done:
    """Render `task` (paths of the client's checkout) from the site's files; the Done speaks of the
    client's paths again, so that its messages name the files the user has."""
    done = site.render(rebase(task, client_roots, site.root), limits, max_tasks)
    client_root = client_roots[0]
    outputs = tuple(dataclasses.replace(output, warnings=_texts(output.warnings, site.root, client_root),
                                        notes=_texts(output.notes, site.root, client_root))
                    for output in done.outputs)
    error = done.error
    if isinstance(error, FolderpersError):
        error = type(error)(*rebase(error.problems, (site.root,), client_root))
    return dataclasses.replace(done, task=task, outputs=outputs, error=error)


def _texts(texts: tuple[str, ...], site_root: Path, client_root: Path) -> tuple[str, ...]:
    """Messages with the site's paths (as paths or file: URLs) turned into the client's."""
    pairs = ((site_root.as_uri(), client_root.as_uri()), (str(site_root), str(client_root)))
    result = []
    for text in texts:
        for old, new in pairs:
            text = text.replace(old, new)
        result.append(text)
    return tuple(result)
