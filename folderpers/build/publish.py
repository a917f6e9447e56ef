"""Stage 5: put outputs in place atomically.

Each file is written under a temporary name in a staging directory beside dist/ (same file
system, so the final rename is atomic), flushed to disk, and renamed over its target in one
step. A reader, or a build killed at any moment, sees the old file or the new one, never half of
one, and dist/ itself never holds a partial file. The next build clears what a killed one left
in the staging directory.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def staging_directory(dist: Path) -> Path:
    """Where files are written before they are renamed into dist/: `.<dist>.partial` beside it."""
    return dist.parent / f".{dist.name}.partial"


def publish(target: Path, data: bytes, dist: Path) -> bool:
    """Write `data` to `target` (inside `dist`) atomically; False when `target` holds exactly `data`
    already, and nothing is written (a rebuild that changes nothing leaves dist/ untouched)."""
    if _holds(target, data):
        return False
    staging = staging_directory(dist)
    staging.mkdir(parents=True, exist_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f"{target.name}.", dir=staging)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def _holds(target: Path, data: bytes) -> bool:
    try:
        return target.stat().st_size == len(data) and target.read_bytes() == data
    except OSError:  # not there (or not readable): write it
        return False


def remove_leftovers(dist: Path) -> list[Path]:
    """Delete what an interrupted build left in the staging directory; return what was removed."""
    staging = staging_directory(dist)
    if not staging.is_dir():
        return []
    leftovers = sorted(path for path in staging.rglob("*") if path.is_file())
    shutil.rmtree(staging)
    return leftovers
