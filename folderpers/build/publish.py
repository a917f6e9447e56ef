"""Stage 5: put outputs in place atomically.

Each file is written under a temporary name in a staging directory inside dist/ (same file
system wherever dist/ is mounted, so the final rename is atomic), flushed to disk, and renamed over
its target in one step. A reader, or a build killed at any moment, sees the old file or the new one, never half of
one, and dist/ itself never holds a partial file. The next build clears what a killed one left
in the staging directory. A build holds a lock on dist/ (dist/.lock) from reading the manifest
to writing it, so two builds at once (`-i a` and `-i b`) run one after the other and neither loses
the other's manifest entries.

An OS error while writing (a full disk, a read-only directory, a file-size limit, no permission)
is an OutputError naming the file and the cause, not an internal error.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from folderpers.errors import Location, OutputError, Problem

_FIXES = {
    errno.ENOSPC: "free space on this disk, or give another --output",
    errno.EDQUOT: "free space within your quota, or give another --output",
    errno.EROFS: "this file system is read-only: give another --output",
    errno.EACCES: "you may not write here: check the directory's permissions, or give another --output",
    errno.EPERM: "you may not write here: check the directory's permissions, or give another --output",
    errno.EFBIG: "the file is larger than this process may write (ulimit -f) or the file system allows",
}
LOCK_NAME = ".lock"


def staging_directory(dist: Path) -> Path:
    """Where files are written before they are renamed into place: `.staging` inside dist/."""
    return dist / ".staging"


def output_error(error: OSError, path: Path, action: str = "cannot write") -> OutputError:
    """`error` as an author or operator reads it: the file, the cause (ENOSPC ...) and what to do."""
    name = errno.errorcode.get(error.errno or 0, "")
    return OutputError(Problem(Location(Path(error.filename or path)), f"{action}: {error.strerror or error}"
                               + (f" ({name})" if name else ""), _FIXES.get(error.errno or 0, "")))


def publish(target: Path, data: bytes, dist: Path) -> bool:
    """Write `data` to `target` (inside `dist`) atomically; False when `target` holds exactly `data`
    already, and nothing is written (a rebuild that changes nothing leaves dist/ untouched). Raise
    OutputError if the system refuses."""
    if _holds(target, data):
        return False
    publish_chunks(target, (data,), dist)
    return True


def publish_chunks(target: Path, chunks: Iterable[bytes], dist: Path) -> None:
    """Write `chunks` one after the other to `target` atomically, as publish() does (a large file made
    piece by piece); OutputError if the system refuses."""
    try:
        _publish(target, chunks, dist)
    except OSError as error:
        raise output_error(error, target) from None


def _publish(target: Path, chunks: Iterable[bytes], dist: Path) -> None:
    staging = staging_directory(dist)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Another process publishing may make the staging directory and remove it again, empty, at any
    # moment: whichever step finds it made or gone meanwhile is tried again.
    while True:
        with contextlib.suppress(FileExistsError):  # made by another (pathlib then finds it gone again)
            staging.mkdir(parents=True, exist_ok=True)
        try:
            descriptor, temporary = tempfile.mkstemp(prefix=f"{target.name}.", dir=staging)
            break
        except FileNotFoundError:  # removed by another in between
            if not dist.is_dir():
                raise
    try:
        with os.fdopen(descriptor, "wb") as stream:
            for chunk in chunks:
                stream.write(chunk)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    finally:
        with contextlib.suppress(OSError):  # empty again: gone, so that dist/ shows only outputs
            staging.rmdir()


def _holds(target: Path, data: bytes) -> bool:
    try:
        return target.stat().st_size == len(data) and target.read_bytes() == data
    except OSError:  # not there (or not readable): write it
        return False


@contextlib.contextmanager
def output_lock(dist: Path) -> Iterator[None]:
    """Hold dist/.lock for the block; when another build holds it, say so and wait for it."""
    try:
        dist.mkdir(parents=True, exist_ok=True)
        lock = open(dist / LOCK_NAME, "a+b")  # noqa: SIM115 - held for the block, closed below
    except OSError as error:
        raise output_error(error, dist / LOCK_NAME) from None
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another build writing to {dist} to finish ...", file=sys.stderr, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield  # closing the file releases the lock, also when the process is killed


def remove_leftovers(dist: Path) -> list[Path]:
    """Delete what an interrupted build left in the staging directory; return what was removed."""
    staging = staging_directory(dist)
    if not staging.is_dir():
        return []
    leftovers = sorted(path for path in staging.rglob("*") if path.is_file())
    shutil.rmtree(staging)
    return leftovers
