"""The build's state: dist/.state.sqlite, one row per output, what incremental builds decide from.

SQLite from the standard library, with its default rollback journal rather than WAL: reading a
WAL database makes -wal and -shm files beside it, so a no-op build would change dist/ (a preview
reading while a build commits waits for the commit; two builds take turns by dist/.lock).

What many outputs share is stored once and referred to by id: the theme's input digests with the
pipeline version (the same for every output of a build), a folder's input digests (shared by its
institutions), an institution's (shared by its folders), a publication's document facts (shared by
its output files). A row then holds little more than its path, checksums, size and modification
time: well under 1 KB per output.

Changes are written incrementally, a transaction per batch of outputs; a no-op build only reads.
An output file is taken to be as it was written when its size and modification time are as
recorded; only when the time differs (or with --verify) is it hashed, and then the time recorded
anew when the bytes are right. The manifest files for intranet consumers (manifest.py: an index
and one per publication) are written from this store: a publication's when its outputs changed,
the index from one row per publication. A dist/ with only manifest files (a lost store, or one of
another version) is taken over from them: its outputs are verified by hash once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from folderpers.build.manifest import ENTRY_ORDER, MANIFEST_NAME, THEME_PREFIXES, read_index, read_manifest, theme_key
from folderpers.build.publish import LOCK_NAME, output_error
from folderpers.errors import FolderpersError, Location, OutputError, Problem
from folderpers.writers.published import Published

STATE_NAME = ".state.sqlite"
STATE_FILES = frozenset({LOCK_NAME, STATE_NAME, f"{STATE_NAME}-journal"})  # a build's own, not outputs
SCHEMA_VERSION = 6  # PRAGMA user_version; a store of another version is started afresh (and takes over manifest.json)
BATCH = 500  # writes per transaction (outputs recorded, index pages and their listings)
UNUSED_SHARE = 0.1  # shared parts (digests, facts) no output uses any more, at most, before they are deleted
_INTERNED_KEPT = 4096  # ids of shared parts remembered while recording: the memory stays bounded
_PARSED_KEPT = 4096  # shared parts kept parsed while reading
_UNKNOWN_MTIME = -1  # taken over from manifest.json: the first check hashes the file

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS shared (id INTEGER PRIMARY KEY, digest BLOB NOT NULL UNIQUE, data TEXT NOT NULL);
-- keyed by source first: a folder file's outputs are one run of the table, which a no-op reads per folder file
CREATE TABLE IF NOT EXISTS outputs (
    path TEXT NOT NULL, kind TEXT NOT NULL, writer TEXT NOT NULL, source TEXT NOT NULL,
    institution TEXT NOT NULL, sha256 BLOB NOT NULL, bytes INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    pages INTEGER, inputs_sha256 BLOB NOT NULL,
    theme INTEGER NOT NULL, folder_inputs INTEGER NOT NULL, other_inputs INTEGER NOT NULL, facts INTEGER NOT NULL,
    publication TEXT NOT NULL, PRIMARY KEY (source, path)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS outputs_by_path ON outputs (path);
CREATE INDEX IF NOT EXISTS outputs_by_publication ON outputs (publication);
-- a publication's facts as pages about many publications plan with them (writers/published.py)
CREATE TABLE IF NOT EXISTS publications (
    manifest TEXT PRIMARY KEY, institution TEXT NOT NULL, sha256 BLOB NOT NULL, record TEXT NOT NULL,
    folder TEXT NOT NULL, language TEXT NOT NULL, title TEXT NOT NULL, department TEXT NOT NULL,
    related TEXT NOT NULL, files TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stale (manifest TEXT PRIMARY KEY, facts INTEGER) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS collection (
    path TEXT PRIMARY KEY, writer TEXT NOT NULL, scope TEXT NOT NULL, sha256 BLOB NOT NULL,
    bytes INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, made_from BLOB NOT NULL, scope_from BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS collection_by_scope ON collection (writer, scope);
CREATE TABLE IF NOT EXISTS fragments (page TEXT NOT NULL, key BLOB NOT NULL, data BLOB NOT NULL,
                                      PRIMARY KEY (page, key)) WITHOUT ROWID;
"""
_FACTS = ("published_by", "folder", "institution", "language", "title", "code", "version", "approved", "review",
          "owner", "department", "changes", "related")


def _digest(data: str) -> bytes:
    return hashlib.sha256(data.encode("utf-8")).digest()


def _json(value: Any) -> str:
    """As stored: keys in their order (the manifest's entries keep theirs; every dict is made in one order)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def canonical_digest(value: Any) -> bytes:
    """sha256 of `value` as canonical JSON (keys sorted): equal values, equal digests."""
    return _digest(json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class StateError(OutputError):
    """dist/.state.sqlite cannot be read or written (not a database, a read-only or full disk)."""


OutputRow = tuple[str, str, str, int, int, int, int, int, int]
"""path, writer, institution, bytes, mtime_ns, theme id, folder_inputs id, other_inputs id, facts id"""


def _of_publications(publication: str | None, institution: str | None,
                     column: str = "publication") -> tuple[str, tuple[str, ...]]:
    """The WHERE clause of the rows of one publication (by its manifest's path, in `column`), of one institution,
    or (neither given) of all. An institution's are those whose manifest path starts with
    "<institution>/" (by the index on publication; "0" is the character after "/")."""
    if publication is not None:
        return f"WHERE {column} = ?", (publication,)
    if institution is not None:
        return f"WHERE {column} > ? AND {column} < ?", (f"{institution}/", f"{institution}0")
    return "", ()


def folder_side(name: str) -> bool:
    """Whether an input belongs with the folder (stored once per folder) or with the institution and
    writer (once per institution): only a matter of how much is shared, both halves are kept."""
    return name.startswith(("folders/", "snippets/"))


def _refusal_in(directory: Path) -> OSError | None:
    """The error the system gives a plain 64 KiB write in `directory`, or None if it takes one."""
    probe = directory / ".state-probe"
    try:
        with probe.open("wb") as file:
            file.write(bytes(65536))
            file.flush()
            os.fsync(file.fileno())
    except OSError as error:
        return error
    finally:
        with contextlib.suppress(OSError):
            probe.unlink(missing_ok=True)
    return None


class _FilesThere:
    """Whether files are in dist/, for many at once: each directory is listed once (not a stat per file:
    a build of one folder checks that every other folder's outputs are still there)."""

    _KEPT = 8  # directories kept listed: asked path by path in order, a directory's files come together

    def __init__(self, dist: Path):
        self.dist = dist
        self._listed: dict[str, frozenset[str]] = {}

    def there(self, path: str) -> bool:
        directory, _, name = path.rpartition("/")
        if directory not in self._listed:
            if len(self._listed) >= self._KEPT:
                self._listed.clear()
            try:
                with os.scandir(self.dist / directory) as entries:
                    self._listed[directory] = frozenset(entry.name for entry in entries if entry.is_file())
            except OSError:  # no such directory (or not one): nothing in it is there
                self._listed[directory] = frozenset()
        return name in self._listed[directory]


class StateStore:
    """dist/.state.sqlite, open for one build (or a reader such as the preview)."""

    def __init__(self, dist: Path, read_only: bool = False):
        self.dist = dist
        self.path = dist / STATE_NAME
        self.read_only = read_only  # a reader of a store a build keeps (such as a worker making index pages)
        self._interned: dict[tuple[str, bytes], int] = {}
        self._parsed: dict[tuple[str, int], Any] = {}
        self._pending = 0  # writes in the open transaction
        self.changed = False  # an output row was added, replaced or removed by this build
        self._theme_keys: dict[int, str] = {}
        self.connection: sqlite3.Connection | None = None  # opened when there is state to read or write
        if self.path.is_file() or (not read_only and next(read_manifest(self.dist), None) is not None):
            self._connect()

    def _connect(self) -> sqlite3.Connection:
        """The open database, made (or taken over from manifest.json) when first needed: a build
        that publishes nothing leaves none behind."""
        if self.connection is None:
            try:
                if self.read_only:
                    self.connection = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, isolation_level=None)
                else:
                    self.connection = sqlite3.connect(self.path, isolation_level=None)
                self.connection.execute("PRAGMA busy_timeout = 60000")
                if self.read_only:
                    return self.connection
                # no write into the database before a commit: a transaction that did would keep every
                # reader out until it commits (the workers making index pages). A transaction is a batch
                # of writes (BATCH), so its changes stay few.
                self.connection.execute("PRAGMA cache_spill = OFF")
                if self.connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                    self._create()
                    self._take_over_manifest()
                    self.changed = False  # manifest.json holds what was taken over: not written again for that
            except sqlite3.Error as error:
                raise self._failure(error) from None
        return self.connection

    def _failure(self, error: sqlite3.Error) -> FolderpersError:
        """SQLite says only "disk I/O error" or "readonly database" when the system refuses a write: a
        plain write beside the state file finds the system's own reason (ENOSPC, EFBIG, EACCES, EROFS)."""
        refusal = _refusal_in(self.dist)
        if refusal is not None:
            return output_error(OSError(refusal.errno, refusal.strerror, str(self.path)), self.path)
        return StateError(Problem(Location(self.path), f"cannot use the build's state: {error}",
                                  f"delete {self.path.name} (the next build takes over {MANIFEST_NAME}), or "
                                  "give another --output"))

    def _read(self, sql: str, parameters: tuple = ()) -> Iterable[tuple]:
        """Rows of a query; none while there is no database."""
        return () if self.connection is None else self.connection.execute(sql, parameters)

    def _one(self, sql: str, parameters: tuple = ()) -> tuple | None:
        return None if self.connection is None else self.connection.execute(sql, parameters).fetchone()

    def _create(self) -> None:
        assert self.connection is not None
        self.connection.execute("PRAGMA journal_mode = DELETE")  # a store of version 1 was in WAL mode
        drops = "".join(f"DROP TABLE IF EXISTS {table};"
                        for table in ("meta", "shared", "outputs", "collection", "publications", "stale",
                                      "fragments"))
        # another version's tables are started afresh
        self.connection.executescript(f"BEGIN IMMEDIATE; {drops} {_SCHEMA} "
                                      f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
        self.changed = True

    def _take_over_manifest(self) -> None:
        """Fill a new store from the manifest files in dist/ (their outputs are hashed once, when first
        checked). An index of this format keeps its publication manifests as they are; from an older
        single manifest.json every publication's manifest and the index are written by this build."""
        index = read_index(self.dist)
        for manifest, entry in read_manifest(self.dist):
            if any(key not in entry for key in _FACTS):  # of an older shape: its output is rebuilt
                continue
            theme = {name: digest for name, digest in entry["inputs"].items() if name.startswith(THEME_PREFIXES)}
            own = {name: digest for name, digest in entry["inputs"].items() if name not in theme}
            facts = {key: entry[key] for key in _FACTS}
            theme_id = self.theme_id(theme, entry["pipeline"])
            self.record(entry["path"], entry["kind"], entry["writer"], entry["source"], entry["sha256"],
                        entry["bytes"], _UNKNOWN_MTIME, entry["pages"], entry["inputs_sha256"], theme_id, own, facts,
                        manifest)
            if index is None and entry["kind"] == "pdf":  # before /3 its thumbnail was no output: taken over too
                self._take_over_thumbnail(entry, theme_id, own, facts, manifest)
        for record in index["publications"] if index else ():
            stale = self._one("SELECT facts FROM stale WHERE manifest = ?", (record["manifest"],))
            if stale is not None and stale[0] is not None:
                manifest, facts = record["manifest"], self._value(stale[0], keep=False)
                files = dict(self._read("SELECT kind, path FROM outputs WHERE publication = ?", (manifest,)))
                self.record_publication(Published.of(manifest, record["sha256"], facts, files), _json(record))
                self._write("DELETE FROM stale WHERE manifest = ?", (record["manifest"],))
        self.commit()

    def _take_over_thumbnail(self, pdf: dict[str, Any], theme_id: int, own_inputs: dict[str, str],
                             facts: dict[str, Any], manifest: str) -> None:
        from folderpers.render.thumbnails import shows, thumbnail_path
        path = thumbnail_path(PurePosixPath(pdf["path"]))
        try:
            data = (self.dist / path).read_bytes()
        except OSError:
            return
        if shows(data, pdf["sha256"]):
            self.record(str(path), "thumbnail", pdf["writer"], pdf["source"], hashlib.sha256(data).hexdigest(),
                        len(data), _UNKNOWN_MTIME, None, pdf["inputs_sha256"], theme_id, own_inputs, facts, manifest)

    def close(self) -> None:
        if self.connection is not None:
            self.commit()
            self.connection.close()

    # -- transactions ----------------------------------------------------------------------------

    def _write(self, sql: str, parameters: tuple = ()) -> sqlite3.Cursor:
        connection = self._connect()
        try:
            if not connection.in_transaction:
                connection.execute("BEGIN IMMEDIATE")
            self._pending += 1
            return connection.execute(sql, parameters)
        except sqlite3.OperationalError as error:
            raise self._failure(error) from None

    def _write_many(self, sql: str, rows: list[tuple]) -> None:
        """`sql` once per row, in the open transaction (begun if there is none), committed every BATCH."""
        for start in range(0, len(rows), BATCH):
            chunk = rows[start:start + BATCH]
            self._write(sql, chunk[0])
            try:
                self._connect().executemany(sql, chunk[1:])
            except sqlite3.OperationalError as error:
                raise self._failure(error) from None
            self._pending += len(chunk) - 1
            self.commit_when_full()

    def commit_when_full(self) -> None:
        """Commit when the open transaction holds a batch of writes (BATCH): its changes stay in memory
        until then (see cache_spill in _connect), so a transaction is kept that small."""
        if self._pending >= BATCH:
            self.commit()

    def commit(self) -> None:
        try:
            if self.connection is not None and self.connection.in_transaction:
                self.connection.execute("COMMIT")
        except sqlite3.OperationalError as error:
            raise self._failure(error) from None
        self._pending = 0

    # -- shared parts ----------------------------------------------------------------------------

    def _intern(self, table: str, value: Any) -> int:
        data = _json(value)
        key = (table, _digest(data))
        if key not in self._interned:
            row = self._one(f"SELECT id FROM {table} WHERE digest = ?", (key[1],))
            if row is None:
                row = (self._write(f"INSERT INTO {table} (digest, data) VALUES (?, ?)", (key[1], data)).lastrowid,)
            if len(self._interned) >= _INTERNED_KEPT:  # most are a publication's own facts, never asked again
                self._interned.clear()
            self._interned[key] = row[0]
        return self._interned[key]

    def _value(self, row_id: int, keep: bool = True) -> Any:
        """A shared part by id; kept parsed for the next output when `keep` (not a publication's facts,
        when all publications are read one after the other: memory would grow with the corpus)."""
        key = ("shared", row_id)
        if key in self._parsed:
            return self._parsed[key]
        value = self.shared(row_id)
        if keep:
            if len(self._parsed) >= _PARSED_KEPT:  # the memory stays bounded whatever the caller keeps
                self._parsed.clear()
            self._parsed[key] = value
        return value

    def theme_id(self, theme_inputs: dict[str, str], pipeline: dict[str, str]) -> int:
        """The id of the theme's input digests with the pipeline version (stored when first recorded)."""
        return self._intern("shared", {"theme": theme_inputs, "pipeline": pipeline})

    def known_theme_id(self, theme_inputs: dict[str, str], pipeline: dict[str, str]) -> int | None:
        """The id of these theme digests if any output was made from them (without writing anything)."""
        data = _json({"theme": theme_inputs, "pipeline": pipeline})
        row = self._one("SELECT id FROM shared WHERE digest = ?", (_digest(data),))
        return row[0] if row else None

    # -- outputs ---------------------------------------------------------------------------------

    def record(self, path: str, kind: str, writer: str, source: str, sha256: str, size: int, mtime_ns: int,
               pages: int | None, inputs_sha256: str, theme: int, own_inputs: dict[str, str],
               facts: dict[str, Any], publication: str) -> None:
        """Record (or replace) one output of the publication whose manifest is at `publication`;
        committed with its batch."""
        folder_inputs = {name: digest for name, digest in own_inputs.items() if folder_side(name)}
        other_inputs = {name: digest for name, digest in own_inputs.items() if not folder_side(name)}
        facts_id = self._intern("shared", facts)
        self._write("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (path, kind, writer, source, facts["institution"], bytes.fromhex(sha256), size, mtime_ns, pages,
                     bytes.fromhex(inputs_sha256), theme, self._intern("shared", folder_inputs),
                     self._intern("shared", other_inputs), facts_id, publication))
        # its manifest is written again (after the outputs, before the build ends): kept here, not in
        # memory, so that a build cut short leaves it for the next one
        self._write("INSERT OR REPLACE INTO stale VALUES (?, ?)", (publication, facts_id))
        self.changed = True
        self.commit_when_full()

    def rows_of_source(self, source: str) -> list[OutputRow]:
        """The outputs made from one folder file, as plain rows (a no-op reads these for every folder:
        no object per output is made of them)."""
        return list(self._read("SELECT path, writer, institution, bytes, mtime_ns, theme, folder_inputs, other_inputs, "
                               "facts FROM outputs WHERE source = ?", (source,)))

    def shared(self, row_id: int) -> Any:
        """A stored shared part (input digests, facts) by id, parsed anew: the caller keeps what it reuses."""
        row = self._one("SELECT data FROM shared WHERE id = ?", (row_id,))
        assert row is not None, f"shared part {row_id} of an output is missing"
        return json.loads(row[0])

    def paths_of_folders(self, slugs: Iterable[str]) -> list[str]:
        """The outputs of these folders (by slug), e.g. to remove them when the folder is gone."""
        wanted = set(slugs)
        return [path for path, facts in list(self._read("SELECT path, facts FROM outputs"))
                if self._value(facts)["folder"] in wanted]

    def intact(self, path: str, inputs_sha256: str, verify: bool = False) -> bool:
        """`path` was made from inputs with this digest and is in dist/ as it was written."""
        row = self._one("SELECT bytes, mtime_ns, inputs_sha256 FROM outputs WHERE path = ?", (path,))
        if row is None or row[2].hex() != inputs_sha256:
            return False
        try:
            stat = os.stat(self.dist / path)
        except OSError:
            return False
        return self.as_written(path, stat, row[0], row[1], verify)

    def as_written(self, path: str, stat: os.stat_result, size: int, mtime_ns: int, verify: bool = False) -> bool:
        """The file (with `stat`) is as recorded (`size`, `mtime_ns`): same size and modification time,
        else (or with `verify`) same sha256; then its new time is recorded, so it is not hashed again."""
        if stat.st_size != size:
            return False
        if stat.st_mtime_ns == mtime_ns and not verify:
            return True
        row = self._one("SELECT sha256 FROM outputs WHERE path = ?", (path,))
        if row is None or file_sha256(self.dist / path) != row[0].hex():
            return False
        if stat.st_mtime_ns != mtime_ns:
            self._write("UPDATE outputs SET mtime_ns = ? WHERE path = ?", (stat.st_mtime_ns, path))
        return True

    def forget_missing(self, paths: Iterable[str]) -> None:
        """Forget those of `paths` whose file is gone from dist/, each with the other files its writer made
        for that publication (their manifests are then stale): forgetting only a gone thumbnail would
        leave its PDF's row, and the next build would find the PDF current and not make the thumbnail."""
        self._forget([path for path in paths if not os.path.isfile(self.dist / path)])

    def _forget(self, gone: list[str]) -> None:
        for path in gone:
            row = self._one("SELECT publication, writer FROM outputs WHERE path = ?", (path,))
            if row is not None:  # None: forgotten already, with another file of its writer
                self._write("DELETE FROM outputs WHERE publication = ? AND writer = ?", row)
                self._write("INSERT OR IGNORE INTO stale VALUES (?, NULL)", row[:1])
        if gone:
            self.changed = True

    def drop_missing(self, settled: set[str]) -> None:
        """Forget outputs whose file is gone from dist/, except those made from the folder files in
        `settled` (this build has checked each of their outputs already)."""
        unsettled = {source for (source,) in self._read("SELECT DISTINCT source FROM outputs")}.difference(settled)
        if unsettled:  # a build of some folders, or folder files gone
            files = _FilesThere(self.dist)
            # by path: directory by directory, each listed once
            self._forget([path for path, source in self._read("SELECT path, source FROM outputs ORDER BY path")
                          if source in unsettled and not files.there(path)])
        self.commit()

    def finish(self) -> None:
        """End of a build's output changes: shared parts no output uses are deleted once they may be more
        than UNUSED_SHARE of them (finding them reads every output row: at 360,000 outputs 0.6 s, which
        an edit of one folder, leaving a few dozen unused, would pay every time)."""
        if not self.changed:
            return
        shared = self._one("SELECT count(*) FROM shared")
        cleaned = self._one("SELECT value FROM meta WHERE key = 'shared after cleaning'")
        if shared is not None and cleaned is not None and shared[0] <= int(cleaned[0]) * (1 + UNUSED_SHARE):
            self.commit()
            return
        used = "SELECT theme FROM outputs UNION SELECT folder_inputs FROM outputs UNION SELECT other_inputs FROM " \
               "outputs UNION SELECT facts FROM outputs UNION SELECT facts FROM stale WHERE facts IS NOT NULL"
        self._write(f"DELETE FROM shared WHERE id NOT IN ({used})")
        self._write("INSERT OR REPLACE INTO meta VALUES ('shared after cleaning', (SELECT count(*) FROM shared))")
        self.commit()
        self._interned.clear()
        self._parsed.clear()

    def count(self) -> int:
        row = self._one("SELECT count(*) FROM outputs")
        return int(row[0]) if row else 0

    def entries(self, publication: str | None = None, institution: str | None = None) -> Iterator[dict[str, Any]]:
        """Outputs as their publication manifest's entries (schemas/publication-manifest.schema.json), by
        path: those of one publication (by its manifest's path), of one institution, or all."""
        where, parameters = _of_publications(publication, institution)
        rows = self._read(
            "SELECT path, kind, writer, source, sha256, bytes, pages, inputs_sha256, theme, folder_inputs, "
            f"other_inputs, facts FROM outputs {where} ORDER BY path", parameters)
        facts_id, facts_value = None, {}
        for path, kind, writer, source, sha256, size, pages, inputs_sha256, theme, folder, other, facts in rows:
            if facts != facts_id:  # the outputs of one publication come one after the other (by path)
                facts_id, facts_value = facts, self._value(facts, keep=False)
            entry = {"path": path, "kind": kind, "writer": writer, "source": source, "sha256": sha256.hex(),
                     "bytes": size, "pages": pages, **facts_value,
                     "inputs": dict(sorted({**self._value(folder), **self._value(other)}.items())),
                     "theme": self._theme_key(theme), "inputs_sha256": inputs_sha256.hex()}
            yield {key: entry[key] for key in ENTRY_ORDER}

    def listed(self, publication: str) -> Iterator[dict[str, Any]]:
        """The outputs of one publication (by its manifest's path) as pages about many publications show
        them: an entry's path, kind, checksum, size, pages and facts, without the inputs `entries` adds."""
        facts_value = None
        for path, kind, sha256, size, pages, facts in self._read(
                "SELECT path, kind, sha256, bytes, pages, facts FROM outputs WHERE publication = ? ORDER BY path",
                (publication,)):
            facts_value = facts_value or self._value(facts, keep=False)  # one publication: the same facts
            yield {"path": path, "kind": kind, "sha256": sha256.hex(), "bytes": size, "pages": pages, **facts_value}

    def published(self, institution: str | None = None) -> Iterator[Published]:
        """The publications of one institution (or all) with outputs, with their facts and files, by
        manifest path: one row each, as their manifests were last written (see record_publication)."""
        where, parameters = _of_publications(None, institution, column="manifest")
        for manifest, sha256, institution_id, folder, language, title, department, related, files in self._read(
                "SELECT manifest, sha256, institution, folder, language, title, department, related, files "
                f"FROM publications {where} ORDER BY manifest", parameters):
            kinds_and_paths = files.replace("\n", "\t").split("\t")  # kind, path, kind, path ...
            yield Published(manifest, sha256.hex(), institution_id, folder, language, title, department,
                            tuple(related.split("\n")) if related else (),
                            dict(zip(kinds_and_paths[::2], kinds_and_paths[1::2], strict=True)))

    def _theme_key(self, theme: int) -> str:
        if theme not in self._theme_keys:
            shared = self._value(theme)
            self._theme_keys[theme] = theme_key(shared["theme"], shared["pipeline"])
        return self._theme_keys[theme]

    # -- the manifest's index (see manifest.py) --------------------------------------------------

    def stale_publications(self) -> Iterator[tuple[str, dict[str, Any] | None]]:
        """The publications (by manifest path) whose outputs were recorded or dropped since their manifest
        was written, with the facts of the output recorded last (None: outputs only dropped), sorted."""
        for manifest, facts in list(self._read("SELECT manifest, facts FROM stale ORDER BY manifest")):
            yield manifest, None if facts is None else self._value(facts, keep=False)

    def record_publication(self, publication: Published, record: str) -> None:
        """A publication's manifest now written (`publication.sha256` its checksum), with its line in the
        index (compact JSON). Slugs, kinds and paths hold no tab or newline (checked): they join them."""
        self._write("INSERT OR REPLACE INTO publications VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (publication.manifest, publication.institution, bytes.fromhex(publication.sha256), record,
                     publication.folder, publication.language, publication.title, publication.department,
                     "\n".join(publication.related),
                     "\n".join(f"{kind}\t{path}" for kind, path in publication.files.items())))

    def forget_publication(self, manifest: str) -> None:
        self._write("DELETE FROM publications WHERE manifest = ?", (manifest,))

    def manifests_written(self) -> None:
        """Every stale publication's manifest and then the index are written."""
        if self.connection is not None:  # a build that recorded nothing makes no store
            self._write("DELETE FROM stale")
            self.commit()

    def themes(self) -> list[dict[str, Any]]:
        """Each theme (input digests with the pipeline version) some output was made from, by id."""
        used = [self._value(theme) for (theme,) in list(self._read("SELECT DISTINCT theme FROM outputs"))]
        themes = [{"id": theme_key(shared["theme"], shared["pipeline"]), "pipeline": shared["pipeline"],
                   "inputs": shared["theme"]} for shared in used]
        return sorted(themes, key=lambda theme: theme["id"])

    def index_records(self) -> Iterator[str]:
        """Every publication's line in the index, by its manifest's path (streamed)."""
        for (record,) in self._read("SELECT record FROM publications ORDER BY manifest"):
            yield record

    def publication_digests(self) -> dict[str | None, str]:
        """Per institution (and None: all), a digest over its publications' manifests: what its index
        pages show changed when this did (the manifests hold every listed file's size and facts)."""
        digests: dict[str | None, Any] = {None: hashlib.sha256()}
        for manifest, institution, sha256 in self._read(
                "SELECT manifest, institution, sha256 FROM publications ORDER BY manifest"):
            line = manifest.encode() + b"\0" + sha256
            digests[None].update(line)
            digests.setdefault(institution, hashlib.sha256()).update(line)
        return {scope: digest.hexdigest() for scope, digest in digests.items()}

    # -- pages about many publications (the index pages) -----------------------------------------

    def current_scope(self, writer: str, scope: str, scope_from: bytes, verify: bool = False) -> list[str] | None:
        """The pages `writer` made of `scope` ("" for all institutions, else an institution's id) when
        all of them were made or found current with the scope's publications as `scope_from` says and
        are intact; else None (some page may have to be made again)."""
        rows = list(self._read("SELECT path, sha256, bytes, mtime_ns, scope_from FROM collection "
                               "WHERE writer = ? AND scope = ? ORDER BY path", (writer, scope)))
        if not rows or any(scope_of != scope_from or not self._intact_page(path, sha256, size, mtime_ns, verify)
                           for path, sha256, size, mtime_ns, scope_of in rows):
            return None
        return [str(row[0]) for row in rows]

    def current_page(self, writer: str, path: str, made_from: bytes, verify: bool = False) -> bool:
        """Whether the page at `path` was made by `writer` from `made_from` and is intact."""
        row = self._one("SELECT path, sha256, bytes, mtime_ns FROM collection "
                        "WHERE path = ? AND writer = ? AND made_from = ?", (path, writer, made_from))
        return row is not None and self._intact_page(row[0], row[1], row[2], row[3], verify)

    def _intact_page(self, path: str, sha256: bytes, size: int, mtime_ns: int, verify: bool) -> bool:
        """By size and modification time; with `verify` by sha256."""
        try:
            stat = (self.dist / path).stat()
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (size, mtime_ns) and (
            not verify or bytes.fromhex(file_sha256(self.dist / path)) == sha256)

    def record_page(self, path: str, writer: str, scope: str, made_from: bytes, sha256: bytes) -> None:
        """A page made (written or found equal) from `made_from`, its bytes' digest `sha256`; its scope is
        settled by `settle_scope` (committed with it: a page written but not recorded is made again by
        the next build)."""
        stat = (self.dist / path).stat()
        self._write("INSERT OR REPLACE INTO collection VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (path, writer, scope, sha256, stat.st_size, stat.st_mtime_ns, made_from, b""))

    def settle_scope(self, paths: list[str], scope_from: bytes) -> None:
        """Every page of a scope (`paths`) is current with its publications as `scope_from` says."""
        self._write_many("UPDATE collection SET scope_from = ? WHERE path = ?", [(scope_from, path) for path in paths])

    def pages(self, writer: str, scope: str | None = None) -> list[str]:
        """The pages `writer` made (of one scope: "" for all institutions, else an institution's id)."""
        where, parameters = ("AND scope = ?", (writer, scope)) if scope is not None else ("", (writer,))
        return [path for (path,) in self._read(f"SELECT path FROM collection WHERE writer = ? {where} ORDER BY path",
                                                parameters)]

    def forget_page(self, path: str) -> None:
        self._write("DELETE FROM collection WHERE path = ?", (path,))
        self._write("DELETE FROM fragments WHERE page = ?", (path,))
        self.commit()

    # -- parts of those pages, kept to be joined again (writers/base.py's Kept) ------------------

    def fragments(self, page: str) -> dict[bytes, str]:
        """The fragments kept for `page`, by key (stored compressed: a listing's HTML is mostly markup)."""
        return {key: zlib.decompress(data).decode("utf-8")
                for key, data in self._read("SELECT key, data FROM fragments WHERE page = ?", (page,))}

    def change_fragments(self, page: str, dropped: Iterable[bytes], added: Iterable[tuple[bytes, bytes]]) -> None:
        """`page` no longer keeps the fragments `dropped` (by key) and keeps `added` ((key, HTML compressed
        with zlib)) besides the rest: the store grows with what dist/ shows, not with its history.
        Committed with the page's scope (see record_page)."""
        self._write_many("DELETE FROM fragments WHERE page = ? AND key = ?", [(page, key) for key in dropped])
        self._write_many("INSERT OR REPLACE INTO fragments VALUES (?, ?, ?)", [(page, *row) for row in added])
