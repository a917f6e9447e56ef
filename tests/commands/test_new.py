"""`build.py new <slug>`: a commented starter that validates and builds at once, wired to the schema."""

from __future__ import annotations

import fnmatch
import json
import shutil

import pytest

from folderpers.build.pipeline import build
from folderpers.cli import main
from folderpers.commands.new import ScaffoldError, new_folder
from folderpers.source.review import ReviewPolicy, add_months

from support import REPO, TODAY, heard_build, options


def test_a_new_folder_validates_and_builds_at_once_without_warnings(tmp_project):
    source = new_folder(tmp_project.project, "knie-prothese", ReviewPolicy(TODAY))
    assert source == tmp_project.root / "folders/knie-prothese/folder.yaml"
    report = heard_build(tmp_project.project, options(formats=("pdf", "web")))
    assert report.ok and report.count("built") == 6  # PDF, its thumbnail and web page for two institutions
    assert not [warning for outcome in report.outcomes for warning in outcome.warnings]
    html = (tmp_project.root / "dist/alpha/knie-prothese.html").read_text()
    assert "<h1>Knie prothese</h1>" in html and "Alpha Ziekenhuis" in html  # {institution} filled in
    text = source.read_text()
    assert f"approved: {TODAY.isoformat()}" in text
    assert f"review: {add_months(TODAY, 36).isoformat()}" in text  # the longest the review policy allows


def test_a_new_folder_builds_for_the_example_hospitals_too(tmp_project):
    shutil.rmtree(tmp_project.root / "institutions")
    shutil.copytree(REPO / "institutions", tmp_project.root / "institutions")
    new_folder(tmp_project.project, "knie-prothese", ReviewPolicy(TODAY))
    report = build(tmp_project.project, options(formats=("pdf", "web")))
    assert report.ok and report.count("built") == 9  # three example institutions, PDF, its thumbnail and web page each


def test_editors_find_the_schema_for_completion(tmp_project):
    source = new_folder(tmp_project.project, "demo", ReviewPolicy(TODAY))
    first_line = source.read_text().splitlines()[0]
    assert first_line.startswith("# yaml-language-server: $schema=")
    schema = (source.parent / first_line.split("$schema=")[1]).resolve()
    assert schema == (tmp_project.root / "schemas/folder.schema.json").resolve()
    assert "properties" in json.loads(schema.read_text())  # the keys an editor offers, with descriptions
    mapping = json.loads((REPO / ".vscode/settings.json").read_text())["yaml.schemas"]
    patterns = mapping["./schemas/folder.schema.json"]
    assert any(fnmatch.fnmatch("folders/demo/folder.yaml", pattern) for pattern in patterns)


@pytest.mark.parametrize("slug", ["Knie", "knie_prothese", "-knie", "knie-", "knie--prothese", "../knie", "knie prothese", ""])
def test_a_bad_name_is_refused(tmp_project, slug):
    with pytest.raises(ScaffoldError, match="lowercase letters, digits and single hyphens"):
        new_folder(tmp_project.project, slug, ReviewPolicy(TODAY))
    assert not any(tmp_project.project.folders.iterdir())


def test_the_command_creates_once_and_then_refuses(tmp_project, capsys):
    arguments = ["new", "mijn-folder", "--today", TODAY.isoformat()]
    assert main(arguments, root=tmp_project.root) == 0
    assert "Created folders/mijn-folder/folder.yaml" in capsys.readouterr().out
    before = (tmp_project.root / "folders/mijn-folder/folder.yaml").read_text()
    assert main(arguments, root=tmp_project.root) == 2
    assert "error: folders/mijn-folder already exists" in capsys.readouterr().err
    assert (tmp_project.root / "folders/mijn-folder/folder.yaml").read_text() == before  # untouched
