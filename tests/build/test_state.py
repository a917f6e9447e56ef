"""The state store (dist/.state.sqlite): what incremental builds decide from, and manifest.json made from it."""

import json
import os

import pytest

from folderpers.build.manifest import MANIFEST_NAME, index_chunks
from folderpers.build.pipeline import build
from folderpers.build.state import STATE_FILES, STATE_NAME, StateError, StateStore

from support import heard_build, options


@pytest.fixture
def built(tmp_project):
    tmp_project.folder("een")
    tmp_project.folder("twee")
    assert build(tmp_project.project, options(formats=("web", "index"))).ok
    return tmp_project


def outputs(dist):
    """Every file a reader sees, with what would show a write: size, modification time, inode."""
    return {str(path.relative_to(dist)): (path.stat().st_size, path.stat().st_mtime_ns, path.stat().st_ino)
            for path in dist.rglob("*") if path.is_file() and path.name not in STATE_FILES}


def statuses(project, **kwargs) -> dict[str, str]:
    """The status of each output a build reports (an unchanged output is counted: "unchanged" here)."""
    heard = heard_build(project, options(**kwargs))
    assert heard.ok, heard.report.failures
    reported = {outcome.subject.removeprefix("dist/"): outcome.status for outcome in heard.outcomes}
    unchanged = {entry["path"]: "unchanged" for entry in _entries(project.dist) if entry["path"] not in reported}
    assert len(unchanged) == heard.count("unchanged") - list(reported.values()).count("unchanged")
    return unchanged | reported


def _entries(dist):
    store = StateStore(dist)
    try:
        return list(store.entries())
    finally:
        store.close()


def test_a_dist_with_only_a_manifest_is_taken_over_without_writing_anything(built):
    dist = built.root / "dist"
    (dist / STATE_NAME).unlink()  # as dist/ is when the store is lost: the manifest files only
    before = outputs(dist)
    report = build(built.project, options(formats=("web", "index")))
    manifests = [name for name in before if name.endswith("manifest.json")]
    assert len(manifests) == 5  # the index and one per publication
    assert report.ok and report.count("built") == 0 and report.count("unchanged") == len(before) - len(manifests)
    assert outputs(dist) == before  # not one output, index page or manifest file written again
    store = StateStore(dist)
    try:
        assert store.count() == 4 and [entry["path"] for entry in store.entries()] == [
            "alpha/een.html", "alpha/twee.html", "beta/een.html", "beta/twee.html"]
    finally:
        store.close()


def test_the_index_is_written_in_pieces_as_valid_json_with_a_publication_per_line(built):
    dist = built.root / "dist"
    written = (dist / MANIFEST_NAME).read_bytes()
    manifest = json.loads(written)
    assert len(manifest["themes"]) == 1 and len(manifest["publications"]) == 4
    lines = written.decode().splitlines()
    assert [json.loads(line.strip().rstrip(",")) for line in lines if '"manifest":' in line] == manifest["publications"]
    empty = {"format": manifest["format"], "themes": [], "publications": []}
    assert json.loads(b"".join(index_chunks([], []))) == empty


def test_outputs_are_checked_by_size_and_time_and_hashed_only_when_the_time_differs(built):
    dist = built.root / "dist"
    page = dist / "alpha/een.html"
    stat = page.stat()
    original = page.read_bytes()
    # same bytes, new time (e.g. copied): hashed once, found intact, the new time recorded
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert statuses(built.project, formats=("web",))["alpha/een.html"] == "unchanged"
    store = StateStore(dist)
    try:
        recorded = {row[0]: row[4] for row in store.rows_of_source("folders/een/folder.yaml")}  # path: mtime_ns
        assert recorded["alpha/een.html"] == page.stat().st_mtime_ns
    finally:
        store.close()
    # other bytes of the same size at the recorded time: only --verify (a hash of every file) sees it
    page.write_bytes(original.replace(b"Testfolder", b"Tastfolder", 1))
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert statuses(built.project, formats=("web",))["alpha/een.html"] == "unchanged"
    assert statuses(built.project, formats=("web",), verify=True)["alpha/een.html"] == "built"
    assert page.read_bytes() == original


def test_the_index_is_not_made_again_when_nothing_changed_and_is_when_an_output_did(built, monkeypatch):
    from folderpers.writers.index_page import IndexWriter

    def refuse(*args):
        raise AssertionError("the index was made again")
    with monkeypatch.context() as patch:
        patch.setattr(IndexWriter, "render", refuse)
        assert statuses(built.project, formats=("web", "index"))["index.html"] == "unchanged"
    (built.root / "folders/een/folder.yaml").write_text(
        (built.root / "folders/een/folder.yaml").read_text().replace("title: Testfolder", "title: Andere titel"))
    assert statuses(built.project, formats=("web", "index"))["index.html"] == "built" and "Andere titel" in (built.root / "dist/index.html").read_text()


def test_a_broken_state_file_is_a_clear_error(built):
    (built.root / "dist" / STATE_NAME).write_bytes(b"not a database, but long enough to look like a header" * 20)
    with pytest.raises(StateError, match="delete .state.sqlite"):
        build(built.project, options(formats=("web",)))


def test_a_build_that_publishes_nothing_makes_no_state_store_and_an_empty_index(tmp_project):
    tmp_project.folder("kapot", "title: [")
    report = build(tmp_project.project, options(formats=("web",)))
    assert not report.ok
    dist = tmp_project.root / "dist"
    assert not (dist / STATE_NAME).exists() and json.loads((dist / MANIFEST_NAME).read_text())["publications"] == []


def test_shared_parts_no_output_uses_are_deleted_before_they_are_a_tenth_of_those_used(tmp_project):
    import sqlite3

    from folderpers.build.state import UNUSED_SHARE
    for number in range(10):
        tmp_project.folder(f"map-{number}")
    assert build(tmp_project.project, options(formats=("web",))).ok
    source = tmp_project.root / "folders/map-0/folder.yaml"
    unused_seen = []
    for version in range(3, 15):  # each edit makes new facts and input digests for map-0's publications
        source.write_text(source.read_text("utf-8").replace("version: 1.2", f"version: 1.{version}")
                          .replace(f"version: 1.{version - 1}", f"version: 1.{version}"), "utf-8")
        heard = heard_build(tmp_project.project, options(formats=("web",)))
        assert heard.ok and heard.count("built") == 2
        connection = sqlite3.connect(tmp_project.root / "dist" / STATE_NAME)
        try:
            (count,), = connection.execute("SELECT count(*) FROM shared")
            (used,), = connection.execute(
                "SELECT count(*) FROM (SELECT theme FROM outputs UNION SELECT folder_inputs FROM outputs UNION "
                "SELECT other_inputs FROM outputs UNION SELECT facts FROM outputs)")
        finally:
            connection.close()
        assert count - used <= UNUSED_SHARE * used, (count, used)
        unused_seen.append(count - used)
    # left for a later build while few (not a scan of every output per build), deleted when they add up
    assert max(unused_seen) > 0 and unused_seen.count(0) >= 2, unused_seen
