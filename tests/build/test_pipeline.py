"""The whole build on a small project: real WeasyPrint renders, isolation of failures, CLI."""

import pikepdf
import pytest

from folderpers.build.pipeline import build
from folderpers.build.state import STATE_FILES
from folderpers.cli import main

from support import MINIMAL_FOLDER, TODAY, heard_build, options


def outcomes(report):
    return {(outcome.status, outcome.subject) for outcome in report.outcomes}


def test_builds_a_pdf_and_a_web_page_per_institution(tmp_project):
    tmp_project.folder("demo")
    report = build(tmp_project.project, options(formats=("pdf", "web")))
    assert report.ok and report.count("built") == 6  # the screen PDF's thumbnail with it
    dist = tmp_project.root / "dist"
    assert sorted(str(p.relative_to(dist)) for p in dist.rglob("*") if p.is_file() and p.name not in STATE_FILES) == [
        "alpha/demo.html", "alpha/demo.manifest.json", "alpha/demo.pdf", "alpha/thumbs/demo.png", "beta/demo.html",
        "beta/demo.manifest.json", "beta/demo.pdf", "beta/thumbs/demo.png", "manifest.json"]
    with pikepdf.open(dist / "beta/demo.pdf") as pdf:
        assert pdf.Root.Lang == "nl" and "/StructTreeRoot" in pdf.Root
        assert str(pdf.docinfo.Title) == "Testfolder"


def test_one_broken_folder_does_not_stop_the_others(tmp_project, capsys):
    tmp_project.folder("goed")
    tmp_project.folder("kapot", MINIMAL_FOLDER.replace("title: Testfolder", "title: [Testfolder"))
    assert main(["--today", TODAY.isoformat(), "--format", "pdf,web"], root=tmp_project.root) == 1
    captured = capsys.readouterr()
    assert "FAILED  folders/kapot/folder.yaml" in captured.err or "kapot/folder.yaml" in captured.err
    assert "kapot/folder.yaml:2:" in captured.err and "YAML syntax error" in captured.err
    assert "built   dist/alpha/goed.pdf" in captured.out and "built   dist/beta/goed.html" in captured.out
    assert "6 built, 0 skipped, 1 failed" in captured.out  # a thumbnail with each screen PDF


def test_restricted_folder_is_skipped_elsewhere_and_unknown_ids_fail(tmp_project):
    tmp_project.folder("alleen-alpha", MINIMAL_FOLDER + "institutions: [alpha]\n")
    tmp_project.folder("onbekend", MINIMAL_FOLDER + "institutions: [alpha, gamma]\n")
    report = heard_build(tmp_project.project, options(formats=("web",)))
    assert ("skipped", "alleen-alpha for beta") in outcomes(report)
    assert ("built", "dist/alpha/alleen-alpha.html") in outcomes(report)
    [failure] = [o for o in report.outcomes if o.status == "failed"]
    assert "folder.yaml:17:15: unknown institution 'gamma'" in str(failure.problems[0])


def test_a_failed_render_keeps_the_previously_published_file(tmp_project):
    from PIL import Image
    folder = tmp_project.folder("demo", MINIMAL_FOLDER + "  - figure: plaatje.png\n    alt: Een plaatje.\n")
    image = folder.parent / "plaatje.png"
    Image.new("RGB", (60, 40), (200, 80, 60)).save(image)
    assert build(tmp_project.project, options(formats=("pdf",))).ok
    published = tmp_project.root / "dist/alpha/demo.pdf"
    before = published.read_bytes()
    image.write_bytes(b"not a png at all")
    report = heard_build(tmp_project.project, options(formats=("pdf",)))
    assert not report.ok and report.count("failed") == 1  # the folder fails, for every institution
    failure = next(o for o in report.outcomes if o.status == "failed")
    assert "image 'plaatje.png' cannot be read as an image" in str(failure.problems[0])
    assert "folders/demo/folder.yaml" in str(failure.problems[0])
    assert published.read_bytes() == before
    assert not [p for p in published.parent.iterdir() if p.name.startswith(".")]


def test_a_missing_font_fails_only_that_institutions_outputs(tmp_project):
    tmp_project.folder("demo")
    path = tmp_project.root / "institutions/beta/institution.yaml"
    path.write_text(path.read_text().replace("font: Open Sans", "font: Nonexistent Sans"))
    report = heard_build(tmp_project.project, options(formats=("web",)))
    assert ("built", "dist/alpha/demo.html") in outcomes(report)
    assert ("failed", "demo for beta") in outcomes(report)
    institution_failure = next(o for o in report.outcomes if "institution.yaml" in o.subject)
    assert "font 'Nonexistent Sans' is not installed" in str(institution_failure.problems[0])


def test_filters_select_folders_and_institutions(tmp_project, capsys):
    tmp_project.folder("een")
    tmp_project.folder("twee")
    assert main(["--today", TODAY.isoformat(), "--folder", "twee", "--institution", "beta", "--format", "web"], root=tmp_project.root) == 0
    assert sorted(p.name for p in (tmp_project.root / "dist").rglob("*.html")) == ["twee.html"]
    assert main(["--today", TODAY.isoformat(), "--folder", "drie"], root=tmp_project.root) == 1
    assert "no folder 'drie'; there are: een, twee" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--format", "docx"], root=tmp_project.root)


def test_a_translation_is_published_beside_the_original_with_its_own_language(tmp_project):
    tmp_project.folder("demo")
    tmp_project.folder("demo", MINIMAL_FOLDER.replace("title: Testfolder", "title: Test leaflet") + "language: en\n",
                       name="folder.en.yaml")
    assert build(tmp_project.project, options(institutions=("alpha",))).ok
    html = (tmp_project.root / "dist/alpha/demo.en.html").read_text()
    assert '<html lang="en"' in html and "About this leaflet" in html and "Skip to content" in html
    with pikepdf.open(tmp_project.root / "dist/alpha/demo.en.pdf") as pdf:
        assert pdf.Root.Lang == "en" and str(pdf.docinfo.Title) == "Test leaflet"
    assert (tmp_project.root / "dist/alpha/demo.pdf").exists()


@pytest.mark.parametrize("argv", [
    ["--project", "/elders", "--today", "2026-01-02", "-i", "alpha", "{command}"],
    ["{command}", "--project", "/elders", "--today", "2026-01-02", "-i", "alpha"],
])
@pytest.mark.parametrize("command", ["build", "check", "serve", "review"])
def test_shared_options_count_before_and_after_the_command(argv, command):
    from datetime import date

    from folderpers.cli import _parser
    if command in ("serve", "review"):  # they have no --institution
        argv = [arg for arg in argv if arg not in ("-i", "alpha")]
    args = _parser().parse_args([arg.replace("{command}", command) for arg in argv])
    assert (str(args.project), args.today) == ("/elders", date(2026, 1, 2))
    if command in ("build", "check"):
        assert args.institution == ["alpha"]
    assert _parser().parse_args([command]).project is None  # and the defaults stay defaults


def test_each_built_output_says_which_per_institution_text_it_got(tmp_project):
    tmp_project.folder("demo", MINIMAL_FOLDER + "  - text: Alleen voor Alpha.\n    only: [alpha]\n"
                       "  - text:\n      variants:\n        beta: Beta vergoedt dit niet.\n        default: Vraag het.\n")
    report = heard_build(tmp_project.project, options(formats=("web",)))
    notes = {outcome.subject.split("/")[-2]: outcome.notes for outcome in report.outcomes if outcome.status == "built"}
    assert notes == {
        "alpha": ("per-institution text for alpha: has line 17 'text' block, line 22 variant 'default'; "
                  "not line 21 variant 'beta'",),
        "beta": ("per-institution text for beta: has line 21 variant 'beta'; not line 17 'text' block, "
                 "line 22 variant 'default'",)}
