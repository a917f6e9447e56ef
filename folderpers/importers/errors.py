"""Why a source cannot be imported: one named error, with what to do instead."""

from __future__ import annotations

from pathlib import Path

from folderpers.errors import FolderpersError, Location, Problem


class UnreadableSourceError(FolderpersError):
    """A source file is encrypted, scanned (image-only), damaged or of a kind we do not read."""

    def __init__(self, source: str | Path | Problem, message: str = "", hint: str = ""):
        if isinstance(source, Problem):  # rebuilt from its problem when sent between processes
            super().__init__(source)
        else:
            super().__init__(Problem(Location(Path(source)), message, hint))


class ImportRefusedError(FolderpersError):
    """The import would overwrite a folder, or the call is not usable (bad slug, unknown institution)."""
