"""build/pages.py: the index pages made scope by scope in worker processes, as they would be here."""

from __future__ import annotations

import os
import signal
import sqlite3
import zlib
from pathlib import Path

from folderpers.build.pipeline import build
from folderpers.errors import Location, OutputError, Problem
from folderpers.project import Project
from folderpers.writers.index_page import IndexWriter

from support import assert_fragments_are_those_shown, heard_build, listed_titles, options, parts_of

BOTH = ("web", "index")


def pages(dist: Path) -> dict[str, bytes]:
    return {str(path.relative_to(dist)): path.read_bytes() for path in sorted(dist.rglob("*.html"))}


def recorded(dist: Path) -> tuple[list[tuple], list[tuple]]:
    """The state store's rows about the index pages: each page's, and each listing kept (uncompressed)."""
    connection = sqlite3.connect(dist / ".state.sqlite")
    try:
        collection = list(connection.execute("SELECT path, writer, scope, sha256, bytes, made_from, scope_from "
                                             "FROM collection ORDER BY path"))
        fragments = [(page, key, zlib.decompress(data)) for page, key, data in connection.execute(
            "SELECT page, key, data FROM fragments ORDER BY page, key")]
    finally:
        connection.close()
    return collection, fragments


def test_pages_made_in_worker_processes_are_those_made_in_the_build_process(split_project, monkeypatch, tmp_path):
    makers = tmp_path / "makers"
    makers.mkdir()
    render = IndexWriter.render

    def noted(self, plan, entries, kept):  # in whichever process renders the page (a fork has it too)
        (makers / str(os.getpid())).touch()
        return render(self, plan, entries, kept)
    monkeypatch.setattr(IndexWriter, "render", noted)
    heard = heard_build(split_project.project, options(formats=BOTH, jobs=2))
    assert heard.ok, heard.failures
    rendered_by = {int(marker.name) for marker in makers.iterdir()}
    assert rendered_by and os.getpid() not in rendered_by  # every page rendered in a worker process
    index_pages = [outcome.subject for outcome in heard.outcomes
                   if outcome.status == "built" and (outcome.subject.endswith("/index.html") or "/a_z/" in outcome.subject)]
    assert len(index_pages) >= 9  # three indexes, each an overview and its parts

    dist, here = split_project.root / "dist", split_project.root / "here"
    assert build(Project(split_project.root, output=here), options(formats=BOTH, jobs=0)).ok
    assert pages(dist) == pages(here)
    assert recorded(dist) == recorded(here)  # the same pages, digests and kept listings, as the build process keeps
    assert_fragments_are_those_shown(dist)


def test_an_edit_made_in_worker_processes_remakes_the_parts_that_show_it_as_a_fresh_build_would(split_project):
    assert build(split_project.project, options(formats=BOTH, jobs=2)).ok
    dist = split_project.root / "dist"
    source = split_project.root / "folders/map-0/folder.yaml"  # "Aambeien" -> the end of the alphabet
    source.write_text(source.read_text("utf-8").replace("title: Aambeien", "title: Zweetvoeten"), "utf-8")
    heard = heard_build(split_project.project, options(formats=BOTH, jobs=2))
    assert heard.ok, heard.failures
    built = {outcome.subject.removeprefix("dist/") for outcome in heard.outcomes if outcome.status == "built"}
    unchanged_parts = {part for overview in ("index.html", "alpha/index.html", "beta/index.html")
                       for part in parts_of(dist, overview) if part not in built}
    assert unchanged_parts  # parts that neither showed it nor show it now were left alone
    assert all("Zweetvoeten" not in listed_titles(dist / part) for part in unchanged_parts)
    fresh = split_project.root / "fresh"
    assert build(Project(split_project.root, output=fresh), options(formats=BOTH, jobs=0)).ok
    assert pages(dist) == pages(fresh)
    assert_fragments_are_those_shown(dist)


def test_a_worker_that_dies_fails_only_its_scope_and_the_next_build_makes_it(split_project, monkeypatch):
    plan = IndexWriter.plan
    parent = os.getpid()

    def dying(self, institution_id, *args):  # beta's index kills the worker process planning it
        if institution_id == "beta" and os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return plan(self, institution_id, *args)
    monkeypatch.setattr(IndexWriter, "plan", dying)
    heard = heard_build(split_project.project, options(formats=BOTH, jobs=2))
    assert [outcome.subject for outcome in heard.failures] == ["index (dist/beta/index.html)"]
    assert "died" in heard.failures[0].detail
    dist = split_project.root / "dist"
    assert (dist / "index.html").is_file() and (dist / "alpha/index.html").is_file()
    assert not (dist / "beta/index.html").exists()

    monkeypatch.setattr(IndexWriter, "plan", plan)
    heard = heard_build(split_project.project, options(formats=BOTH, jobs=2))
    assert heard.ok, heard.failures
    built = {outcome.subject for outcome in heard.outcomes if outcome.status == "built"}
    assert "dist/beta/index.html" in built and "dist/index.html" not in built  # the others were current
    fresh = split_project.root / "fresh"
    assert build(Project(split_project.root, output=fresh), options(formats=BOTH, jobs=0)).ok
    assert pages(dist) == pages(fresh)


def test_a_scope_that_cannot_be_planned_is_reported_with_its_problem_from_the_worker(split_project, monkeypatch):
    plan = IndexWriter.plan

    def refusing(self, institution_id, *args):
        if institution_id == "alpha":
            raise OutputError(Problem(Location(Path("institutions/alpha/institution.yaml"), 3), "kapot",
                                      "maak het heel"))
        return plan(self, institution_id, *args)
    monkeypatch.setattr(IndexWriter, "plan", refusing)
    heard = heard_build(split_project.project, options(formats=BOTH, jobs=2))
    assert [outcome.subject for outcome in heard.failures] == ["index (dist/alpha/index.html)"]
    assert [str(problem.location) for problem in heard.failures[0].problems] == [
        "institutions/alpha/institution.yaml:3"]
    dist = split_project.root / "dist"
    assert (dist / "index.html").is_file() and (dist / "beta/index.html").is_file()
