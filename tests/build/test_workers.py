"""Warm worker processes: same bytes as in-process, crash isolation, recycling."""

from __future__ import annotations

import collections
import os

import pytest

from folderpers.build.pipeline import _longest_first, build
from folderpers.build.state import STATE_FILES
from folderpers.build.workers import Task, WorkerPool
from folderpers.writers import WRITERS

from support import MINIMAL_FOLDER, CrashingWriter, heard_build, options


@pytest.fixture
def test_writer(monkeypatch):
    monkeypatch.setitem(WRITERS, "test", CrashingWriter)  # inherited by the forked workers


def test_workers_give_the_same_bytes_as_rendering_in_process(tmp_project):
    tmp_project.folder("een")
    tmp_project.folder("twee")
    assert build(tmp_project.project, options(formats=("pdf", "web"), jobs=2)).ok
    pooled = {p.relative_to(tmp_project.root / "dist"): p.read_bytes()
              for p in (tmp_project.root / "dist").rglob("*") if p.is_file() and p.name not in STATE_FILES}
    (tmp_project.root / "dist").rename(tmp_project.root / "pooled")
    assert build(tmp_project.project, options(formats=("pdf", "web"), jobs=0)).ok
    local = {p.relative_to(tmp_project.root / "dist"): p.read_bytes()
             for p in (tmp_project.root / "dist").rglob("*") if p.is_file() and p.name not in STATE_FILES}
    assert pooled == local and len(local) == 17  # 4 publications x PDF, its thumbnail, web page, manifest; the index


def test_a_crashing_worker_fails_only_its_output(tmp_project, test_writer):
    for slug in ("a", "boom", "c", "d", "fout"):
        tmp_project.folder(slug)
    report = heard_build(tmp_project.project, options(formats=("test",), jobs=2, institutions=("alpha",)))
    statuses = {o.subject: o for o in report.outcomes}
    assert {s for s, o in statuses.items() if o.status == "built"} == {
        "dist/alpha/a.txt", "dist/alpha/c.txt", "dist/alpha/d.txt"}
    assert "died from signal SIGSEGV" in statuses["dist/alpha/boom.txt"].detail
    assert "internal error: RuntimeError: a bug in a writer" in statuses["dist/alpha/fout.txt"].detail
    assert not (tmp_project.root / "dist/alpha/boom.txt").exists()


def test_workers_are_recycled_after_their_quota(tmp_project, test_writer):
    for slug in ("a", "b", "c", "d", "e", "f"):
        tmp_project.folder(slug)
    report = heard_build(tmp_project.project, options(formats=("test",), jobs=2, max_tasks_per_worker=2))
    assert report.ok and report.count("built") == 12
    counts = collections.Counter((tmp_project.root / "dist" / o.subject.removeprefix("dist/")).read_text() for o in report.outcomes)
    # 12 documents, at most 2 per worker: at least 6 workers, none of them the calling process
    assert max(counts.values()) == 2 and len(counts) >= 6 and str(os.getpid()) not in counts, counts
    assert set(report.peak_rss_kib) == set(map(int, counts)) and all(rss > 10_000 for rss in report.peak_rss_kib.values())


def test_workers_started_before_the_tasks_are_known_render_them(tmp_project, test_writer):
    tmp_project.folder("a")
    publication = next(iter(_publications(tmp_project)))
    with WorkerPool(tmp_project.project, jobs=2) as pool:
        pool.start(2)  # as the build does while it is still planning
        assert len(pool.workers) == 2 and all(worker.process.is_alive() for worker in pool.workers)
        [done] = pool.run([Task("only", publication, "test")])  # one task: the other worker stays idle
    assert done.error is None and done.outputs[0].data.decode() != str(os.getpid())


def test_the_longest_tasks_are_rendered_first(tmp_project):
    tmp_project.folder("kort")
    tmp_project.folder("lang", MINIMAL_FOLDER + "".join(f"  - text: Alinea {i} met wat tekst.\n" for i in range(40)))
    tasks = [Task(kind, publication, kind) for publication in _publications(tmp_project) for kind in ("web", "pdf")]
    order = [(task.kind, task.publication.folder.slug) for task in _longest_first(tasks, len(tasks))]
    # the screen PDFs of the long folder first, web pages (no layout) last, whatever the planning order
    assert order[:2] == [("pdf", "lang"), ("pdf", "lang")] and order[-2:] == [("web", "kort"), ("web", "kort")]
    # planned as a stream: the first task goes as soon as `window` are planned, the longest of those
    consumed = []

    def planning():
        for task in tasks:
            consumed.append(task)
            yield task
    stream = _longest_first(planning(), 2)
    first = next(stream)
    assert len(consumed) == 2 and (first.kind, first.publication.folder.slug) == ("pdf", "kort")  # of web, pdf
    assert len(list(stream)) == len(tasks) - 1


def _publications(tmp_project):
    from folderpers.source.load import load_folder, load_institution, load_snippets
    from folderpers.source.resolve import resolve
    from folderpers.source.schemas import SchemaSet
    project = tmp_project.project
    schemas = SchemaSet(project.schemas)
    snippets = load_snippets(project.snippets, schemas)
    institutions = [load_institution(source, schemas) for source in project.institution_sources()]
    return [resolve(load_folder(source, schemas), institution, snippets)
            for source in project.folder_sources() for institution in institutions]


def test_the_time_inside_weasyprint_is_counted(tmp_project):
    import importlib

    from folderpers.build.workers import PDF_RENDERER_MODULE
    assert hasattr(importlib.import_module(PDF_RENDERER_MODULE), "seconds_in_weasyprint")
    tmp_project.folder("een")
    report = build(tmp_project.project, options(formats=("pdf",), institutions=("alpha",), jobs=0))
    assert report.ok and 0 < report.weasyprint_seconds <= report.render_seconds
