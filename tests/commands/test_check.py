"""`build.py check` end to end: the examples pass (axe-core in Chromium on every web page, PDF/UA on every
PDF), the reports are written and accessible, errors set the exit code, broken pages are found."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from folderpers.checks.web import WebChecker
from folderpers.cli import main
from folderpers.commands.check import CheckOptions, check, render_html
from folderpers.project import Project

from support import REPO


@pytest.fixture(scope="module")
def example_check(example_build):
    """The check of the built examples: one browser for every page."""
    dist, _ = example_build
    return dist, check(Project(REPO, output=dist), CheckOptions())


def example_pages() -> list[str]:
    from test_examples import publications
    return [f"{institution}/{slug}.html" for slug, institution in publications()]


def test_the_examples_have_no_errors_and_a_score_per_folder_and_institution(example_check):
    _, report = example_check
    assert [str(finding) for finding in report.findings if finding.severity == "error"] == []
    from test_examples import publications
    stems = sorted((row.folder.slug + (f".{row.folder.language}" if row.folder.is_translation else ""),
                    row.institution) for row in report.rows)
    assert stems == sorted(publications())
    for row in report.rows:
        if row.folder.language != "nl":  # B1 scores are for Dutch (README, "B1 readability")
            assert row.readability is None
            continue
        short = row.folder.slug == "epidurale-injectie"  # the short example that is translated
        assert row.readability.sentences > (25 if short else 50) and len(row.readability.hardest) == 5
        assert 0 < row.readability.average_sentence_words <= 12 and row.readability.flesch_douma >= 60
        assert sorted(path.suffix for path in row.outputs) == [".html", ".pdf"]


@pytest.mark.parametrize("name", example_pages())
def test_every_example_web_page_passes_axe(example_check, name):
    dist, report = example_check
    page = dist / name
    assert any(page in row.outputs for row in report.rows)  # it was checked
    assert [str(f) for f in report.findings if f.location.path == page] == []


def test_the_html_report_is_accessible_too(example_check, tmp_path):
    page = tmp_path / "check-report.html"
    page.write_text(render_html(example_check[1]), "utf-8")
    with WebChecker() as checker:
        assert checker.check(page) == []


def test_a_broken_web_page_gives_axe_findings_with_their_line(tmp_path):
    page = tmp_path / "kapot.html"
    page.write_text('<!DOCTYPE html>\n<html lang="nl">\n<head><title>Kapot</title></head>\n<body>\n<main>\n'
                    '<h1>Kapot</h1>\n<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">\n'
                    '<p><a href="https://example.org"></a></p>\n</main>\n</body>\n</html>\n')
    with WebChecker() as checker:
        findings = checker.check(page)
    assert {(f.kind, f.severity, f.location.path, f.location.line) for f in findings} == {
        ("axe-image-alt", "error", page, 7), ("axe-link-name", "error", page, 8)}


def test_outputs_not_built_and_unknown_selections_are_errors(tmp_project):
    tmp_project.folder("demo")
    report = check(tmp_project.project, CheckOptions(institutions=("alpha",), folders=("demo", "onbekend")))
    assert {(f.kind, f.location.path.name) for f in report.findings} == {
        ("missing-output", "demo.pdf"), ("missing-output", "demo.html"), ("source", "onbekend")}


def test_the_command_prints_a_table_writes_the_reports_and_fails_on_errors(tmp_project, capsys):
    tmp_project.folder("demo")
    assert main(["check", "--content-only"], root=tmp_project.root) == 0
    broken = tmp_project.folder("kapot", (tmp_project.root / "folders/demo/folder.yaml").read_text()
                                .replace("Een korte uitleg", "Bel 088 123 4567 voor een korte uitleg"))
    assert main(["check", "--content-only"], root=tmp_project.root) == 1
    printed = capsys.readouterr().out
    assert "folder                   institution  errors warnings" in printed
    assert "kapot                    alpha             1        0" in printed
    assert f"error [typed-phone] {broken}:12:15: phone number '088 123 4567' typed in the text" in printed
    report = json.loads((tmp_project.root / "dist/check-report.json").read_text())
    jsonschema.validate(report, json.loads((REPO / "schemas/check-report.schema.json").read_text()))
    assert (report["errors"], report["warnings"]) == (1, 0)  # in the folder for two institutions: reported once
    assert [(f["kind"], Path(f["file"]).name, f["line"]) for f in report["findings"]] == [("typed-phone", "folder.yaml", 12)]
    assert {(p["slug"], p["institution"], p["errors"]) for p in report["publications"]} == {
        ("demo", "alpha", 0), ("demo", "beta", 0), ("kapot", "alpha", 1), ("kapot", "beta", 1)}
    assert "typed-phone" in (tmp_project.root / "dist/check-report.html").read_text()


def test_a_broken_checks_yaml_is_reported_with_its_line(tmp_project, capsys):
    config = tmp_project.root / "checks.yaml"
    config.write_text(config.read_text().replace("max_words: 20", "max_words: twintig"))
    assert main(["check", "--content-only"], root=tmp_project.root) == 1
    assert "checks.yaml:8:14: 'max_words' must be a whole number, not text" in capsys.readouterr().out
