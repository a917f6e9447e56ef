"""`build.py check FILE.pdf …` on PDFs made anywhere: our screen and print PDFs, a tagged PDF from
Chromium's print, damaged files; the report (table, JSON, HTML) is the one of the project check,
and no input shows a traceback."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pikepdf
import pytest

from folderpers.checks.pdf_file import check_file, is_print_pdf
from folderpers.cli import main

from support import REPO


@pytest.fixture(scope="module")
def chromium_pdf(dist, browser, tmp_path_factory) -> Path:
    """A tagged PDF from another producer: Chromium's print of one of our web pages."""
    page = browser.new_page()
    page.goto((dist / "westerhaven/vertebroplastiek.html").as_uri())
    path = tmp_path_factory.mktemp("chromium") / "chromium.pdf"
    path.write_bytes(page.pdf(tagged=True))
    page.close()
    return path


def test_our_screen_pdf_is_validated_against_pdf_ua_and_passes(dist):
    checked = check_file(dist / "westerhaven/vertebroplastiek.pdf")
    assert (checked.kind, checked.profiles) == ("screen", ("PDF/UA-1",))
    assert [f for f in checked.findings if f.severity == "error"] == []
    assert checked.validation_ms > 0


def test_our_print_pdf_gets_the_preflight_and_names_its_printing_condition(dist):
    [path] = (dist / "westerhaven/print").glob("*_vertebroplastiek.pdf")
    checked = check_file(path)
    assert checked.kind == "print" and checked.profiles == ()  # PDF/X: the validator has no PDF/X profile
    assert [f for f in checked.findings if f.severity == "error"] == []
    assert "PDF/X-4 for FOGRA39" in checked.summary and "bleed 3 mm" in checked.summary


def test_chromium_tagged_pdf_is_checked_and_its_real_failures_named(chromium_pdf):
    checked = check_file(chromium_pdf)
    assert checked.kind == "screen"
    rules = {f.subject for f in checked.findings if f.kind == "pdf-conformance"}
    assert "PDFUA1-ID-PART-001" in rules  # Chromium does not claim PDF/UA, nor write what it requires
    assert all(f.severity == "warning" for f in checked.findings if f.kind.startswith("house-"))


def test_an_untagged_pdf_is_reported_not_refused(tmp_path):
    path = tmp_path / "untagged.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(path)
    checked = check_file(path)
    assert checked.kind == "screen" and {f.kind for f in checked.findings} >= {"pdf-conformance"}
    assert {"PDFUA1-STRUCT-TREE-ROOT-001", "PDFUA1-ID-PART-001"} <= {f.subject for f in checked.findings}


def test_print_files_are_told_apart_by_pdf_x_or_paper_beyond_the_trim(dist, tmp_path):
    with pikepdf.open(dist / "westerhaven/vertebroplastiek.pdf") as pdf:  # TrimBox = MediaBox: a screen PDF
        assert not is_print_pdf(pdf)
        for page in pdf.pages:
            page.obj.MediaBox = pikepdf.Array([-20, -20, 440, 615])
        assert is_print_pdf(pdf)


def test_damaged_files_give_one_clear_error_each(dist, tmp_path):
    data = (dist / "westerhaven/vertebroplastiek.pdf").read_bytes()
    generator = random.Random(12)
    cases = {"empty.pdf": b"", "text.pdf": b"not a pdf at all", "truncated.pdf": data[:5000],
             "noise.pdf": bytes(generator.randrange(256) for _ in range(4000))}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        checked = check_file(tmp_path / name)
        assert checked.kind == "unreadable" and [f.kind for f in checked.findings] == ["pdf-unreadable"], name
        assert "cannot read this PDF" in checked.findings[0].message and "BytesIO" not in checked.findings[0].message


def test_the_command_checks_files_and_directories_into_the_usual_reports(dist, chromium_pdf, tmp_path, capsys):
    (tmp_path / "kapot.pdf").write_bytes(b"%PDF-1.7\n1 0 obj")
    (tmp_path / "chromium.pdf").write_bytes(chromium_pdf.read_bytes())
    screen = dist / "westerhaven/vertebroplastiek.pdf"
    output = tmp_path / "out"
    assert main(["check", str(screen), "--output", str(output)], root=REPO) == 0
    assert main(["check", str(screen), str(tmp_path), str(tmp_path / "missing.pdf"), "--output", str(output)],
                root=REPO) == 1
    printed = capsys.readouterr().out
    assert "validated against" in printed and "error [pdf-unreadable]" in printed
    assert "error [missing-file]" in printed and "PDFUA1-ID-PART-001" in printed
    report = json.loads((output / "check-report.json").read_text())
    jsonschema.validate(report, json.loads((REPO / "schemas/check-report.schema.json").read_text()))
    assert {(Path(f["file"]).name, f["kind"]) for f in report["files"]} == {
        ("vertebroplastiek.pdf", "screen"), ("chromium.pdf", "screen"), ("kapot.pdf", "unreadable")}
    assert "Per file" in (output / "check-report.html").read_text()


def test_no_traceback_from_the_command_line(tmp_path):
    (tmp_path / "noise.pdf").write_bytes(bytes(range(256)) * 20)
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "check", str(tmp_path / "noise.pdf"),
                             "--output", str(tmp_path / "out")], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert "cannot read this PDF" in result.stdout


def test_a_pdf_that_claims_pdf_a_is_validated_against_it_too(dist, tmp_path):
    path = tmp_path / "pdfa.pdf"
    with pikepdf.open(dist / "westerhaven/vertebroplastiek.pdf") as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp["pdfaid:part"], xmp["pdfaid:conformance"] = "2", "B"
        pdf.save(path)
    checked = check_file(path)
    assert checked.profiles == ("PDF/UA-1", "PDF/A-2b")
    assert any(f.message.startswith("PDF/A-2b ") for f in checked.findings)  # no output intent, for one


LEAFLET_HTML = """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Na de behandeling</title></head>
<body><h1>Na de behandeling</h1><p>U mag dezelfde dag naar huis.</p><h2>Wat neemt u mee?</h2>
<ul><li>een lijst met uw medicijnen</li><li>uw verzekeringspas</li></ul>
<table><tr><th>Dag</th><th>Wat</th></tr><tr><td>1</td><td>Rustig aan</td></tr></table>
<p>Meer op <a href="https://www.thuisarts.nl">Thuisarts</a>.</p></body></html>"""


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed (not needed otherwise)")
def test_a_conforming_pdf_from_libreoffice_is_not_flagged(tmp_path):
    (tmp_path / "leaflet.html").write_text(LEAFLET_HTML)
    export = 'pdf:writer_pdf_Export:{"PDFUACompliance":{"type":"boolean","value":"true"}}'
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--infilter=HTML (StarWriter)", "--convert-to", export, "--outdir", str(tmp_path),
                    str(tmp_path / "leaflet.html")], check=True, capture_output=True, timeout=300)
    exported = check_file(tmp_path / "leaflet.pdf")
    # LibreOffice 7.4 omits /Tabs /S on pages with links (a real PDF/UA-1 failure, fixed in later versions)
    assert {f.subject for f in exported.findings if f.severity == "error"} <= {"PDFUA1-PAGE-TABS-001"}
    with pikepdf.open(tmp_path / "leaflet.pdf") as pdf:
        for page in pdf.pages:
            page.obj.Tabs = pikepdf.Name.S
        pdf.save(tmp_path / "fixed.pdf")
    fixed = check_file(tmp_path / "fixed.pdf")
    assert [f for f in fixed.findings if f.severity == "error"] == []  # conforms: the conformance layer is silent
    assert all(f.kind.startswith("house-") for f in fixed.findings)  # house rules: warnings, labelled
