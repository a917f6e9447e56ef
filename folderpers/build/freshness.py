"""The fast path of an incremental build: whether a folder file's outputs are all current, decided in
bulk from the state store without loading the folder.

Per folder file one query gives its outputs as plain rows. What many outputs share is checked once:
the theme and pipeline by id, a folder's input digests once per folder, an institution's (with the
writer's) once per build, every input file hashed at most once per build. Per output there is then
only a stat (size and modification time as recorded; hashed only when the time differs, or with
--verify), and nothing is made per output: an unchanged output is counted, not kept.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date

from folderpers.build.manifest import file_digest
from folderpers.build.state import StateStore
from folderpers.project import Project
from folderpers.source.review import ReviewPolicy, review_state


@dataclass(frozen=True)
class Wanted:
    """What the build is asked for: these institutions' outputs of these writers."""

    institutions: tuple[str, ...]
    kinds: tuple[str, ...]
    policy: ReviewPolicy
    verify: bool  # hash every output file (else: by size and modification time)


@dataclass(frozen=True)
class CurrentOutputs:
    """A folder file's outputs, all current: their paths (relative to dist/) and the folder's warnings."""

    paths: list[str]
    warnings: tuple[str, ...]


@dataclass
class Freshness:
    """Decides, folder file by folder file, whether everything asked of it is current (one per build)."""

    project: Project
    store: StateStore
    theme_id: int  # the state store's id of the theme's digests with this pipeline version
    wanted: Wanted
    _digests: dict[str, str] = field(default_factory=dict)  # input file (relative to root) -> sha256 now, '' gone
    _shared_current: dict[tuple[int, str], bool] = field(default_factory=dict)  # (other_inputs id, institution)
    _snippet_names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # an institution's own snippet files

    def current(self, source: str) -> CurrentOutputs | None:
        """The outputs of folder file `source` (relative to the project) when every one asked for is
        recorded, made from the inputs there are now and intact in dist/; else None (then the folder
        takes the full path, with its proper messages). Outputs recorded but not asked for (another
        format or institution) whose file is gone are forgotten. An institution whose file is
        unchanged loaded without errors when these outputs were made from it."""
        rows = self.store.rows_of_source(source)
        if not rows:
            return None
        facts = self.store.shared(rows[0][8])  # the folder's: the same in every output made from this file
        wanted = self._wanted(facts["published_by"])
        if not wanted:  # published by none of the selected institutions: the full path says so
            return None
        state, _, warnings = review_state(date.fromisoformat(facts["approved"]), date.fromisoformat(facts["review"]),
                                          self.wanted.policy)
        if state == "expired":
            return None
        asked = [row for row in rows if (row[2], row[1]) in wanted]
        # what outputs share is checked once per distinct value, in bulk; then per output only a stat
        if {(institution, writer) for _, writer, institution, *_ in asked} != wanted:  # a new institution or format
            return None
        if {row[5] for row in asked} != {self.theme_id}:  # a template, style or the pipeline's version changed
            return None
        if not all(self._inputs_current(folder_inputs) for folder_inputs in {row[6] for row in asked}):
            return None
        shared_current = self._shared_current
        for shared in {(row[7], row[2]) for row in asked}:
            if shared not in shared_current:
                shared_current[shared] = self._institution_current(*shared)
            if not shared_current[shared]:
                return None
        store, verify, stat = self.store, self.wanted.verify, os.stat
        dist = os.fspath(store.dist) + os.sep
        for path, _, _, size, mtime_ns, *_ in asked:
            try:
                found = stat(dist + path)
            except OSError:
                return None
            if (found.st_size != size or found.st_mtime_ns != mtime_ns or verify) and not store.as_written(
                    path, found, size, mtime_ns, verify):
                return None
        store.forget_missing(row[0] for row in rows if (row[2], row[1]) not in wanted)
        return CurrentOutputs([row[0] for row in asked], warnings)

    def _wanted(self, published_by: str | list[str]) -> set[tuple[str, str]]:
        return {(institution, kind) for institution in self.wanted.institutions for kind in self.wanted.kinds
                if published_by == "all" or institution in published_by}

    def _inputs_current(self, row_id: int) -> bool:
        """Every input file in stored part `row_id` has the digest recorded there."""
        return all(self._digest(name) == digest for name, digest in self.store.shared(row_id).items())

    def _institution_current(self, row_id: int, institution: str) -> bool:
        """The institution's (and writer's) inputs are unchanged, and the institution has no snippet
        file that was not among them (a new one may replace a shared snippet)."""
        inputs = self.store.shared(row_id)
        return all(self._digest(name) == digest for name, digest in inputs.items()) and all(
            name in inputs for name in self._snippets_of(institution))

    def _digest(self, name: str) -> str:
        if name not in self._digests:
            path = self.project.root / name
            self._digests[name] = file_digest(path) if path.is_file() else ""
        return self._digests[name]

    def _snippets_of(self, institution: str) -> tuple[str, ...]:
        if institution not in self._snippet_names:
            directory = self.project.institutions / institution / "snippets"
            self._snippet_names[institution] = tuple(str(path.relative_to(self.project.root))
                                                     for path in sorted(directory.glob("*.yaml")))
        return self._snippet_names[institution]
