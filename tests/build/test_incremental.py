"""Incremental builds: every kind of input change rebuilds exactly what it should; nothing stale is kept."""

from __future__ import annotations

import filecmp

import pytest

from folderpers.build import manifest
from folderpers.build.pipeline import build
from folderpers.build.state import STATE_FILES
from folderpers.project import Project
from folderpers.source import load

from support import MINIMAL_FOLDER, heard_build, options

EEN = MINIMAL_FOLDER + "  - include: verhinderd\n  - figure: plaatje.svg\n    alt: Een vlak.\n"
SVG = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'><rect width='10' height='10' fill='#{}'/></svg>"


@pytest.fixture
def project(tmp_project):
    een = tmp_project.folder("een", EEN)
    (een.parent / "plaatje.svg").write_text(SVG.format("3a6"))
    tmp_project.folder("twee")
    tmp_project.write("snippets/verhinderd.yaml", "blocks:\n  - text: Bel {phone:poli} als u niet kunt komen.\n")
    tmp_project.write("snippets/ongebruikt.yaml", "blocks:\n  - text: Niemand gebruikt dit.\n")
    return tmp_project


def rebuilt(tmp_project, **kwargs) -> set[str]:
    report = heard_build(tmp_project.project, options(formats=("web",), **kwargs))
    assert report.ok, report.report.failures
    return {o.subject.removeprefix("dist/") for o in report.outcomes if o.status == "built"}


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


ALL = {"alpha/een.html", "alpha/twee.html", "beta/een.html", "beta/twee.html"}


def test_each_kind_of_change_rebuilds_exactly_its_outputs(project, monkeypatch):
    root = project.root
    assert rebuilt(project) == ALL
    assert rebuilt(project) == set()  # a no-op rebuild renders nothing

    edit(root / "folders/een/folder.yaml", "Een korte uitleg", "Een heel korte uitleg")
    assert rebuilt(project) == {"alpha/een.html", "beta/een.html"}

    (root / "folders/een/plaatje.svg").write_text(SVG.format("a63"))
    assert rebuilt(project) == {"alpha/een.html", "beta/een.html"}

    edit(root / "snippets/verhinderd.yaml", "als u niet kunt komen", "zodra u weet dat u niet kunt komen")
    assert rebuilt(project) == {"alpha/een.html", "beta/een.html"}

    edit(root / "snippets/ongebruikt.yaml", "Niemand", "Nog steeds niemand")
    assert rebuilt(project) == set()

    edit(root / "institutions/alpha/institution.yaml", "088-1110001", "088-1110003")
    assert rebuilt(project) == {"alpha/een.html", "alpha/twee.html"}

    edit(root / "institutions/beta/logo.svg", "beta", "BETA")
    assert rebuilt(project) == {"beta/een.html", "beta/twee.html"}

    # an institution's own snippets count for all its outputs (one may replace a shared snippet)
    project.write("institutions/beta/snippets/verhinderd.yaml", "blocks:\n  - text: Beta's eigen tekst.\n")
    assert rebuilt(project) == {"beta/een.html", "beta/twee.html"}
    assert "Beta\u2019s eigen tekst." in (root / "dist/beta/een.html").read_text()

    edit(root / "templates/blocks/list.html", '<ul class="bullets">', '<ul class="bullets opsomming">')
    assert rebuilt(project) == ALL

    edit(root / "styles/web.css", "max-width: 44rem", "max-width: 45rem")
    assert rebuilt(project) == ALL

    monkeypatch.setitem(manifest.PIPELINE, "folderpers", "99.0")  # a new version of the pipeline
    assert rebuilt(project) == ALL
    monkeypatch.undo()
    assert rebuilt(project) == ALL

    (root / "dist/beta/twee.html").write_text("changed by hand")
    (root / "dist/alpha/twee.html").unlink()
    assert rebuilt(project) == {"alpha/twee.html", "beta/twee.html"}
    assert rebuilt(project, force=True) == ALL

    # nothing stale: the incrementally updated dist/ equals a build from scratch
    fresh = root / "fresh"
    assert build(Project(root, output=fresh), options(formats=("web",))).ok
    comparison = filecmp.dircmp(root / "dist", fresh, ignore=[*filecmp.DEFAULT_IGNORES, *STATE_FILES])
    assert not comparison.diff_files and not comparison.left_only and not comparison.right_only
    for sub in comparison.subdirs.values():
        assert not sub.diff_files and not sub.left_only and not sub.right_only


def test_a_no_op_build_loads_no_source_and_leaves_the_manifest_alone(project, monkeypatch):
    assert rebuilt(project) == ALL
    written = (project.root / "dist/manifest.json").stat().st_mtime_ns

    def refuse(*args):
        raise AssertionError("a no-op build loaded a source")
    for name in ("load_folder", "load_institution", "load_snippets"):
        monkeypatch.setattr(load, name, refuse)
    report = build(project.project, options(formats=("web",)))
    assert report.ok and report.count("unchanged") == len(ALL) and report.count("built") == 0
    assert (project.root / "dist/manifest.json").stat().st_mtime_ns == written


def test_a_writer_with_several_files_is_rebuilt_when_one_of_them_is_gone(project):
    assert build(project.project, options(formats=("print",), institutions=("beta",), folders=("twee",))).ok
    booklet = project.root / "dist/beta/print/BMC-TST-001_v1.2_twee_booklet.pdf"
    booklet.unlink()
    report = heard_build(project.project, options(formats=("print",), institutions=("beta",), folders=("twee",)))
    assert {o.subject.rsplit("/", 1)[1] for o in report.outcomes if o.status == "built"} == {
        "BMC-TST-001_v1.2_twee.pdf", "BMC-TST-001_v1.2_twee_booklet.pdf", "BMC-TST-001_v1.2_twee_preflight.json"}
    assert booklet.is_file()
    report = build(project.project, options(formats=("print",), institutions=("beta",), folders=("twee",)))
    assert report.count("unchanged") == 3 and report.count("built") == 0


def test_a_new_version_rebuilds_and_the_old_print_file_stays_listed(project):
    build(project.project, options(formats=("print",), institutions=("alpha",), folders=("twee",)))
    edit(project.root / "folders/twee/folder.yaml", "version: 1.2", "version: 1.3")
    build(project.project, options(formats=("print",), institutions=("alpha",), folders=("twee",)))
    names = sorted(p.name for p in (project.root / "dist/alpha/print").glob("*.pdf"))
    assert names == ["ALF-TST-001_v1.2_twee.pdf", "ALF-TST-001_v1.2_twee_booklet.pdf",
                     "ALF-TST-001_v1.3_twee.pdf", "ALF-TST-001_v1.3_twee_booklet.pdf"]


def test_a_no_op_build_of_every_kind_writes_nothing(project):
    """Index pages and thumbnails are made again, but a file that would not change is not written."""
    assert build(project.project, options(institutions=("alpha",), folders=("twee",))).ok
    dist = project.root / "dist"

    def state():  # dist/ itself too: a file made and removed again (a database journal) changes its time
        return {path: (path.stat().st_mtime_ns, path.stat().st_ino) for path in (dist, *dist.rglob("*"))}
    before = state()
    assert any(path.name.endswith(".png") for path in before) and (dist / "index.html") in before
    report = build(project.project, options(institutions=("alpha",), folders=("twee",)))
    assert report.ok and report.count("built") == 0 and report.count("unchanged") > 0
    assert state() == before  # not one file written, replaced or added
    assert not (dist / ".staging").exists()
