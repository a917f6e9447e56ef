"""Pages about many publications (writers/base.py's CollectionWriter: the index pages), scope by scope:
the page of all institutions and each institution's, made after the publications they list.

The build (pipeline.py) decides from the state store which scopes may have changed and hands each to
`make_scopes` as a ScopeJob: the writer plans the scope's pages and renders only those whose
publications or layout changed, and writes them into dist/. The jobs run in worker processes, in
parallel (forked once the publications are recorded, so that each sees them: a worker opens the
state store read-only, and sends back what it made and the listings its pages keep), or with
--jobs 0 in this process. The build records what comes back, in transactions of a batch of writes.
"""

from __future__ import annotations

import hashlib
import os
import signal
import traceback
import zlib
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from folderpers.build.publish import publish
from folderpers.build.state import StateStore
from folderpers.build.workers import die_with_parent
from folderpers.errors import FolderpersError

if TYPE_CHECKING:  # the writers (Jinja2 ...) are imported when a page is to be made: a no-op imports none
    from folderpers.source.corpus import Corpus
    from folderpers.writers.base import CollectionWriter


@dataclass(frozen=True)
class ScopeJob:
    """One scope's pages to make: `scope` None for the page of all institutions, else an institution's id."""

    kind: str  # the CollectionWriter's
    scope: str | None
    institution_ids: tuple[str, ...]  # every institution with outputs
    common: bytes  # a digest of what every page is made from (theme, pipeline, institutions' files)
    salt: bytes  # in every kept listing's key: the same as `common`, or random with --force
    force: bool  # make every page, whether current or not
    verify: bool  # a page is current only when its bytes hash as recorded


@dataclass(frozen=True)
class PageMade:
    """One planned page, as the job left it: current already, made (and written when its bytes changed),
    or failed; with the listings it keeps (compressed, as the state store holds them)."""

    path: str  # relative to dist/
    made_from: bytes  # what it is made from, as a digest (see made_from)
    made: bool = False  # rendered (else current, or failed)
    written: bool = False  # its file changed
    sha256: bytes = b""
    pages: int | None = None
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    dropped: tuple[bytes, ...] = ()  # keys of the listings it no longer keeps
    added: tuple[tuple[bytes, bytes], ...] = ()  # (key, zlib-compressed HTML) of the listings it keeps anew
    error: BaseException | None = None


@dataclass(frozen=True)
class ScopeMade:
    """What a ScopeJob made: its pages (`paths`: every page it has, None when it could not be planned)."""

    job: ScopeJob
    paths: tuple[str, ...] | None
    pages: tuple[PageMade, ...] = ()
    error: BaseException | None = None


def make_scope(job: ScopeJob, writer: CollectionWriter, corpus: Corpus, store: StateStore) -> ScopeMade:
    """Plan the scope's pages and make those not current; the pages are published into dist/, the
    state store only read (the build records what was made)."""
    # read in one go: the build records other scopes' pages meanwhile, and its commit waits for every
    # read under way (one scope's, never all scopes' at once: one read for all peaked at 394 MiB at
    # 72,000 publications)
    try:
        publications = list(store.published(job.scope))
        plans = writer.plan(job.scope, publications, list(job.institution_ids), corpus)
    except Exception as error:  # noqa: BLE001 - a scope that cannot be planned keeps its earlier pages
        return ScopeMade(job, None, error=_portable(error))
    sha256s = {publication.manifest: publication.sha256 for publication in publications}
    kept = _KeptListings(store, sha256s, job.salt)
    pages = []
    for plan in plans:
        path = str(plan.path)
        made_from = _made_from(job.common, path, plan.layout,
                               ((manifest, sha256s.get(manifest, "")) for manifest in plan.shows))
        if not job.force and store.current_page(job.kind, path, made_from, job.verify):
            pages.append(PageMade(path, made_from))
            continue
        try:
            output = writer.render(plan, store.listed, kept)
            written = publish(store.dist / output.path, output.data, store.dist)
        except Exception as error:  # noqa: BLE001 - one page failing must not stop the others
            pages.append(PageMade(path, made_from, error=_portable(error)))
            continue
        dropped, added = kept.changes(path)
        pages.append(PageMade(path, made_from, True, written, hashlib.sha256(output.data).digest(), output.pages,
                              output.warnings, output.notes, dropped, added))
    return ScopeMade(job, tuple(str(plan.path) for plan in plans), tuple(pages))


def _made_from(common: bytes, path: str, layout: str, shows: Iterable[tuple[str, str]]) -> bytes:
    """What a page is made from, as a digest: what every page shares (`common`, itself a digest), its
    path and layout, and each publication it shows with its manifest's sha256 ("" when gone). Hashed as
    delimited text, not as JSON: a part of a large index shows hundreds (no name holds a tab or newline)."""
    digest = hashlib.sha256(common)
    digest.update(f"{path}\t{layout}\n".encode())
    digest.update("".join(f"{manifest}\t{sha256}\n" for manifest, sha256 in shows).encode())
    return digest.digest()


def make_scopes(jobs: list[ScopeJob], writer: CollectionWriter, corpus: Corpus, store: StateStore,
                processes: int) -> Iterator[ScopeMade]:
    """Each job's ScopeMade, in the order they are done: by up to `processes` worker processes (0: here,
    with `store`). The jobs' publications must be committed to the store: a worker reads them itself."""
    processes = min(processes, len(jobs))
    if processes <= 0:
        yield from (make_scope(job, writer, corpus, store) for job in jobs)
        return
    unfinished = yield from _in_pool(jobs, processes, writer, corpus, store.dist)
    for job in unfinished:  # a worker died, and the pool with it: each job left alone, so that one that
        # kills its process fails alone
        yield from _in_pool([job], 1, writer, corpus, store.dist)


def _in_pool(jobs: list[ScopeJob], processes: int, writer: CollectionWriter, corpus: Corpus,
             dist: Path) -> Generator[ScopeMade, None, list[ScopeJob]]:
    """The jobs made by a pool of `processes` workers; returns those left when a worker died (with one
    job, it fails: it is yielded as such)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool
    unfinished = []
    # fork: a worker starts with the writer and the corpus as this process has them
    with ProcessPoolExecutor(processes, multiprocessing.get_context("fork"), initializer=_start_worker,
                             initargs=(writer, corpus, dist, os.getpid())) as pool:
        futures = {pool.submit(_make_in_worker, job): job for job in jobs}  # the first (the largest) first
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool as error:  # a worker died (killed, a crash in a native library)
                if len(jobs) == 1:
                    yield ScopeMade(futures[future], None, error=RuntimeError(
                        f"the worker process making these pages died ({error})"))
                else:
                    unfinished.append(futures[future])
    return sorted(unfinished, key=jobs.index)


_worker_state: tuple[CollectionWriter, Corpus, StateStore] | None = None  # in a worker process: what it makes with


def _start_worker(writer: CollectionWriter, corpus: Corpus, dist: Path, parent: int) -> None:
    global _worker_state
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # its own connection: the parent's (inherited by the fork) is never used here
    _worker_state = (writer, corpus, StateStore(dist, read_only=True))


def _make_in_worker(job: ScopeJob) -> ScopeMade:
    assert _worker_state is not None, "a scope worker starts with _start_worker"
    return make_scope(job, *_worker_state)


def _portable(error: Exception) -> Exception:
    """`error`, with its traceback as a note when it is a bug (it is reported in the parent, with --debug)."""
    if not isinstance(error, FolderpersError):
        error.add_note(traceback.format_exc())
    return error


class _KeptListings:
    """The state store as a CollectionWriter's Kept (writers/base.py), read-only: what a page keeps is
    collected (see `changes`) for the build to record."""

    def __init__(self, store: StateStore, sha256s: dict[str, str], salt: bytes):
        self.store, self.sha256s, self.salt = store, sha256s, salt
        self._read: dict[str, set[bytes]] = {}  # the keys stored for a page, as read
        self._kept: dict[str, dict[bytes, str]] = {}

    def digest(self, manifest: str) -> str | None:
        return self.sha256s.get(manifest)

    def fragments(self, page: str) -> dict[bytes, str]:
        stored = self.store.fragments(page)
        self._read[page] = set(stored)
        return stored

    def keep(self, page: str, fragments: dict[bytes, str]) -> None:
        self._kept[page] = fragments

    def changes(self, page: str) -> tuple[tuple[bytes, ...], tuple[tuple[bytes, bytes], ...]]:
        """What `page` keeps now against what the store holds: the keys let go, and the listings new
        to it (compressed here, in the worker). Only the difference is recorded."""
        read = self._read.pop(page) if page in self._read else set(self.store.fragments(page))
        kept = self._kept.pop(page, {})
        return (tuple(key for key in read if key not in kept),
                tuple((key, zlib.compress(text.encode("utf-8"), 6)) for key, text in kept.items() if key not in read))
