"""Names that become file names and URLs: folder slugs (folders/<slug>/) and institution ids
(institutions/<id>/). One rule, for `new` and for every build: lowercase letters, digits and single
hyphens, so a name can hold no space, control character, dot, `%2e%2e` or path, needs no escaping
in a URL, and two names never give the same file (`demo.en/` beside `demo/folder.en.yaml`). A few
names are taken by what the build writes itself (`index` is each institution's index page)."""

from __future__ import annotations

import re
from pathlib import Path

from folderpers.errors import Location, Problem, SourceError

NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
RESERVED = frozenset({"index", "manifest"})  # dist/<institution>/index.html, dist/manifest.json


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a folder or institution name, or None when it can."""
    if not NAME.fullmatch(name):
        return (f"{name!r} cannot be used as a name: use lowercase letters, digits and single hyphens (it becomes "
                f"the file name of the PDF and web page), e.g. knie-prothese")
    if name in RESERVED:
        return f"{name!r} is taken by a file the build makes itself ({name}.html or {name}.json): choose another name"
    return None


def check_directory_name(source: Path, kind: str) -> None:
    """Raise SourceError when the directory holding `source` has no usable name (`kind`: 'folder', 'institution')."""
    problem = name_problem(source.parent.name)
    if problem:
        raise SourceError(Problem(Location(source), f"the {kind} directory name {problem}",
                                  f"rename the directory {source.parent.name!r}"))
