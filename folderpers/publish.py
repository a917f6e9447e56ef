"""Stage 5: put outputs in place atomically.

Each file is written to a temporary name beside its target, flushed to disk and renamed over the
target in one step: a reader (or a build killed half-way) sees the old file or the new one,
never half of one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMP_MARK = ".partial-"


def publish(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}{TEMP_MARK}", dir=target.parent)
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


def remove_leftovers(directory: Path) -> list[Path]:
    """Delete temporary files an interrupted build left behind; return what was removed."""
    if not directory.is_dir():
        return []
    leftovers = [path for path in directory.rglob(f".*{TEMP_MARK}*") if path.is_file()]
    for path in leftovers:
        path.unlink()
    return leftovers
