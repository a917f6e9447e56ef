"""The no-op at scale (build/freshness.py and the pipeline around it): its work per output is a constant
handful of calls, it makes no object per output, and a build lets go of each folder it has planned.
Mechanism, not timing: calls and live objects are counted at several corpus sizes."""

from __future__ import annotations

import gc
import itertools
import sys

import pytest

from folderpers.build.pipeline import build
from folderpers.build.state import StateStore
from folderpers.model.folder import Folder
from folderpers.model.outcome import Outcome
from folderpers.model.publication import Publication
from folderpers.writers import WRITERS
from folderpers.writers.base import Rendered, output_name

from support import MINIMAL_FOLDER, CrashingWriter, heard_build, make_project, options

KINDS = ("test", "test-b", "test-c", "test-d", "test-e")
DUE = MINIMAL_FOLDER.replace("review: 2028-01-10", "review: 2027-01-10")  # within 6 months of TODAY: a warning


class TextWriter(CrashingWriter):
    """A text file per publication (no rendering to wait for), in a file of its own per kind."""

    def paths(self, publication):
        return (output_name(publication, ".txt" if self.kind == "test" else f".{self.kind}.txt"),)


@pytest.fixture
def test_writer(monkeypatch):
    for kind in KINDS:
        monkeypatch.setitem(WRITERS, kind, type(f"TextWriter{kind}", (TextWriter,), {"kind": kind}))


def corpus(tmp_path, folders: int, text: str = MINIMAL_FOLDER):
    project = make_project(tmp_path / f"corpus-{folders}")
    for number in range(folders):
        project.folder(f"folder-{number:03d}", text)
    assert build(project.project, options(formats=KINDS)).ok
    return project


def calls_of_a_no_op(project, kinds: tuple[str, ...]) -> tuple[int, int]:
    """(Python and C function calls, outputs) of a no-op build of these kinds."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1
    sys.setprofile(count)
    try:
        report = build(project.project, options(formats=kinds))
    finally:
        sys.setprofile(None)
    assert report.ok and report.count("built") == 0
    return calls, report.count("unchanged")


def test_a_no_op_costs_the_same_few_calls_for_every_further_output(tmp_path, test_writer):
    """The same folders and institutions with 1, 3 and 5 outputs each: every further output costs the
    same small number of calls (a stat and a few set and list operations), nothing per output beyond."""
    project = corpus(tmp_path, 3)
    measured = [calls_of_a_no_op(project, KINDS[:kinds]) for kinds in (1, 3, 5)]
    assert [outputs for _, outputs in measured] == [6, 18, 30]  # 3 folders x 2 institutions x kinds
    per_output = [(calls - fewer_calls) / (outputs - fewer_outputs)
                  for (fewer_calls, fewer_outputs), (calls, outputs) in itertools.pairwise(measured)]
    assert per_output[0] == per_output[1] and per_output[0] <= 6, measured


def test_a_no_op_costs_the_same_for_every_further_folder(tmp_path, test_writer):
    """Per folder file: one query, its facts and input digests, its outputs; about the same for each
    (listing the folders, sorted, grows a little faster than linearly)."""
    measured = [calls_of_a_no_op(corpus(tmp_path, folders), KINDS) for folders in (3, 6, 9)]
    assert [outputs for _, outputs in measured] == [30, 60, 90]
    per_folder = [(calls - fewer_calls) / 3 for (fewer_calls, _), (calls, _) in itertools.pairwise(measured)]
    assert abs(per_folder[1] - per_folder[0]) <= 0.1 * per_folder[0] and per_folder[0] <= 400, measured


def test_a_no_op_makes_no_outcome_per_output_and_loads_no_folder(tmp_path, test_writer, monkeypatch):
    project = corpus(tmp_path, 4)
    made = []
    original = Outcome.__init__

    def counted(self, *args, **kwargs):
        made.append(args[:2])
        original(self, *args, **kwargs)
    monkeypatch.setattr(Outcome, "__init__", counted)
    monkeypatch.setattr(Folder, "__init__", lambda *args, **kwargs: pytest.fail("a no-op loaded a folder"))
    heard = heard_build(project.project, options(formats=KINDS))
    assert heard.ok and heard.count("unchanged") == 40 and heard.outcomes == [] and made == []


def test_unchanged_outputs_with_a_warning_are_still_reported_one_by_one(tmp_path, test_writer):
    project = corpus(tmp_path, 2, DUE)
    heard = heard_build(project.project, options(formats=("test",)))
    assert heard.count("unchanged") == 4 and heard.report.warnings == 4
    assert sorted(outcome.subject for outcome in heard.outcomes) == [
        "dist/alpha/folder-000.txt", "dist/alpha/folder-001.txt", "dist/beta/folder-000.txt", "dist/beta/folder-001.txt"]
    assert all("start the review" in outcome.warnings[0] for outcome in heard.outcomes)


def live(root) -> tuple[int, int]:
    """How many Folder and Publication objects of the project in `root` are alive (other tests' may be too)."""
    gc.collect()
    objects = gc.get_objects()
    folders = sum(1 for item in objects if isinstance(item, Folder) and root in item.source.parents)
    publications = sum(1 for item in objects if isinstance(item, Publication) and root in item.folder.source.parents)
    return folders, publications


@pytest.mark.parametrize("folders", (3, 9))
def test_a_build_lets_go_of_each_folder_once_its_outputs_are_published(tmp_path, test_writer, folders):
    """Whatever the corpus size: at each published output at most the folder being planned (and the
    task being rendered) is alive; after the build none, and the report holds no outcome."""
    project = make_project(tmp_path)
    for number in range(folders):
        project.folder(f"folder-{number:03d}")
    alive: list[tuple[int, int]] = []
    report = build(project.project, options(formats=("test",)), reporter=lambda outcome: alive.append(live(tmp_path)))
    assert report.ok and report.count("built") == 2 * folders and report.failures == []
    assert len(alive) == 2 * folders and max(alive) <= (2, 2), alive
    assert live(tmp_path) == (0, 0)


def test_an_output_of_a_format_not_built_is_forgotten_when_its_file_is_gone(tmp_path, test_writer):
    project = make_project(tmp_path)
    project.folder("een")
    assert build(project.project, options(formats=("test", "web"))).ok
    (project.root / "dist/alpha/een.html").unlink()
    assert build(project.project, options(formats=("test",))).count("unchanged") == 2  # the fast path
    store = StateStore(project.root / "dist")
    try:
        assert [entry["path"] for entry in store.entries()] == [
            "alpha/een.txt", "beta/een.html", "beta/een.txt"]
    finally:
        store.close()


class PairWriter(TextWriter):
    """Two files per publication, as the screen PDF and its thumbnail."""

    kind = "test-pair"

    def paths(self, publication):
        return output_name(publication, ".pair.txt"), output_name(publication, ".pair-thumb.txt")

    def render(self, publication):
        return tuple(Rendered(path, self.kind, b"pair") for path in self.paths(publication))


def test_a_gone_file_of_a_format_not_built_is_made_again_with_its_writers_other_files(tmp_path, test_writer,
                                                                                      monkeypatch):
    monkeypatch.setitem(WRITERS, "test-pair", PairWriter)
    project = make_project(tmp_path)
    project.folder("een")
    assert build(project.project, options(formats=("test", "test-pair"))).ok
    thumb = project.root / "dist/alpha/een.pair-thumb.txt"
    thumb.unlink()
    assert build(project.project, options(formats=("test",))).count("unchanged") == 2  # the fast path
    report = build(project.project, options(formats=("test-pair",)))
    assert report.ok and report.count("built") == 2 and report.count("unchanged") == 2  # alpha's pair; beta's kept
    assert thumb.read_bytes() == b"pair"
