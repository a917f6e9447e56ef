"""The live preview's builds, without the server: what a change rebuilds, failures that stay until
their folder builds again, removed folders, and dist/ left alone."""

from __future__ import annotations

import shutil

from folderpers.preview.session import EVERYTHING, Preview, Scope
from folderpers.source.review import ReviewPolicy

from support import MINIMAL_FOLDER, TODAY


def test_a_change_in_a_folder_rebuilds_that_folder_and_anything_else_everything(tmp_project):
    project = tmp_project.project
    assert Scope.of([project.folders / "demo/folder.yaml", project.folders / "demo/figuur.svg",
                     project.folders / "ander/folder.en.yaml"], project) == Scope(frozenset({"demo", "ander"}))
    for other in ("institutions/alpha/institution.yaml", "snippets/zorgkosten.yaml", "templates/folder.html",
                  "styles/folder.css", "schemas/folder.schema.json"):
        assert Scope.of([project.folders / "demo/folder.yaml", project.root / other], project) == EVERYTHING


def test_failures_stay_until_their_folder_builds_again_and_a_removed_folder_leaves(tmp_project, tmp_path):
    tmp_project.folder("goed")
    broken = tmp_project.folder("kapot", MINIMAL_FOLDER.replace("version: 1.2", "version: een"))
    output = tmp_path / "preview"
    preview = Preview(tmp_project.project, ReviewPolicy(TODAY), output)
    assert preview.rebuild(EVERYTHING).count("built") > 0
    [failure] = preview.failures()
    assert failure.subject.endswith("folders/kapot/folder.yaml") and "version" in str(failure.problems[0])
    assert (output / "alpha/goed.pdf").is_file() and not (output / "alpha/kapot.html").exists()

    version = preview.version
    preview.rebuild(Scope(frozenset({"goed"})))
    assert preview.version > version and preview.failures() == [failure]  # kapot was not touched: still broken

    broken.write_text(MINIMAL_FOLDER, encoding="utf-8")
    preview.rebuild(Scope(frozenset({"kapot"})))
    assert preview.failures() == []
    assert 'href="kapot.html"' in (output / "alpha/index.html").read_text()

    shutil.rmtree(broken.parent)
    preview.rebuild(Scope(frozenset({"kapot"})))
    assert not [path for path in output.rglob("kapot.*") if path.suffix in (".html", ".pdf")]
    assert "kapot" not in (output / "alpha/index.html").read_text()
    assert (output / "alpha/goed.html").is_file()
    assert not (tmp_project.root / "dist").exists()  # the preview never writes the real outputs


def test_an_error_the_pipeline_does_not_catch_is_shown_not_raised(tmp_project, tmp_path):
    tmp_project.folder("goed")
    (tmp_project.root / "schemas/folder.schema.json").write_text("{ not json", encoding="utf-8")
    preview = Preview(tmp_project.project, ReviewPolicy(TODAY), tmp_path / "preview")
    preview.rebuild(EVERYTHING)
    # the index pages alone load no folder: the failure is the folder's build's
    assert [(o.status, o.subject) for o in preview.failures()] == [("failed", "building goed")]
    assert all(o.detail.startswith("JSONDecodeError: Expecting property name") for o in preview.failures())
