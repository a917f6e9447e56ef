"""Hostile content: each attack is a fixture folder (tests/fixtures/attacks/), refused exactly or
printed literally; nothing is read from outside the project, nothing runs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from folderpers.build.pipeline import build

from support import FIXTURES, MINIMAL_FOLDER, heard_build, options

ATTACKS = FIXTURES / "attacks"


def attack(tmp_project, name: str, formats=("pdf", "web")):
    shutil.copytree(ATTACKS / name, tmp_project.root / "folders" / name)
    report = build(tmp_project.project, options(formats=formats, institutions=("alpha",)))
    assert not [o for o in report.failures if o.detail.startswith("internal error")], "a crash, not a refusal"
    return report


def refusal(report) -> str:
    [failure] = report.failures
    return "\n".join(str(problem) for problem in failure.problems)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("name, message", [
    ("billion-laughs", r"billion-laughs/folder.yaml:2:\d+: more than 50,000 values \(or aliases that expand to them\)"),
    ("python-object", r"python-object/folder.yaml:2:8: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' "
                      r"is not allowed"),
    ("javascript-link", r"javascript-link/folder.yaml:11:\d+: link target 'javascript:alert\(document.cookie\)' is "
                        r"not allowed\n    fix: links start with https://, http://, mailto: or tel:"),
    ("file-link", r"file-link/folder.yaml:11:\d+: link target 'file:///etc/passwd' is not allowed"),
    ("path-traversal", r"path-traversal/folder.yaml:11:13: in the 'figure' block, 'figure' has the wrong form: "
                       r"'../../../../etc/passwd'"),
    ("svg-network", r"svg-network/folder.yaml:11:13: image 'plaatje.svg' refers to "
                    r"'https://tracker.example/pixel.png'; an SVG image must be self-contained"),
    ("svg-local-file", r"svg-local-file/folder.yaml:11:13: image 'plaatje.svg' refers to 'file:///etc/passwd'"),
    ("svg-entities", r"svg-entities/folder.yaml:11:13: image 'plaatje.svg' declares a DOCTYPE or entities"),
    ("svg-script", r"svg-script/folder.yaml:11:13: image 'plaatje.svg' contains <script>"),
])
def test_attacks_are_refused_with_the_exact_reason(tmp_project, name, message):
    report = attack(tmp_project, name)
    assert re.search(message, refusal(report)), refusal(report)
    assert not (tmp_project.root / "dist/alpha" / f"{name}.pdf").exists()
    assert not Path("/tmp/folderpers-pwned").exists()


def test_oversized_and_deeply_nested_files_are_refused(tmp_project):
    tmp_project.folder("groot", MINIMAL_FOLDER + "  - text: '" + "x" * 1_000_001 + "'\n")
    tmp_project.folder("diep", MINIMAL_FOLDER + "  - text: " + "[" * 40 + "]" * 40 + "\n")
    report = build(tmp_project.project, options(formats=("web",)))
    problems = {o.subject.rsplit("/", 2)[1]: str(o.problems[0]) for o in report.failures}
    assert "is 1,000," in problems["groot"] and "more than the limit of 1,000,000" in problems["groot"]
    assert "diep/folder.yaml:17:" in problems["diep"] and "nested more than 32 levels deep" in problems["diep"]


def test_a_symlink_out_of_the_folder_is_refused(tmp_project):
    folder = tmp_project.folder("link", MINIMAL_FOLDER + "  - figure: plaatje.svg\n    alt: Een plaatje.\n")
    os.symlink("/etc/passwd", folder.parent / "plaatje.svg")
    report = build(tmp_project.project, options(formats=("web",)))
    assert "image 'plaatje.svg' is a link to /etc/passwd, outside" in refusal(report)


def test_a_logo_that_reaches_the_network_fails_that_institution_only(tmp_project):
    tmp_project.folder("demo")
    (tmp_project.root / "institutions/beta/logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: url(https://example.org/p.svg#x) }</style>'
        '<rect width="10" height="10"/></svg>')
    report = heard_build(tmp_project.project, options(formats=("web",)))
    failure = next(o for o in report.outcomes if o.subject.endswith("beta/institution.yaml"))
    assert "institution.yaml:3:7: image 'logo.svg' refers to an outside file in its CSS" in str(failure.problems[0])
    assert ("built", "dist/alpha/demo.html") in {(o.status, o.subject) for o in report.outcomes}


def test_template_syntax_is_printed_never_evaluated(tmp_project):
    report = attack(tmp_project, "template-syntax")
    assert report.ok
    html = (tmp_project.root / "dist/alpha/template-syntax.html").read_text()
    assert "<title>{{ 7*7 }} {{ config }}</title>" in html
    # printed as written, with Dutch typographic quotes (issue 13)
    assert "{% include \u2018/etc/passwd\u2019 %} {{ cycler.next() }} {{ range(10**9)|list }} {# comment #}" in html
    text = pdf_text(tmp_project.root / "dist/alpha/template-syntax.pdf")
    assert "{{ 7*7 }} {{ config }}" in text and "root:" not in text and "49" not in text


def test_html_in_content_is_printed_as_text(tmp_project):
    report = attack(tmp_project, "html-injection")
    assert report.ok
    html = (tmp_project.root / "dist/alpha/html-injection.html").read_text()
    for raw in ("<script>alert", "<img src=x", "<iframe", '<a href="javascript', "<b>vet", "<th>kop", "<td>cel"):
        assert raw not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;iframe src=" in html
    assert "&amp;amp; &amp;lt;" in html  # entities written in content stay visible as written
    assert "<script>alert(1)</script>" in pdf_text(tmp_project.root / "dist/alpha/html-injection.pdf")


def test_css_in_content_cannot_end_a_string_or_the_style_element(tmp_project):
    report = attack(tmp_project, "css-injection")
    assert report.ok
    for name in ("css-injection.html",):
        html = (tmp_project.root / "dist/alpha" / name).read_text()
        style = html.split("<style>", 1)[1].split("</style>", 1)[0]
        assert "body { display: none }" not in style and "@import" not in style and "*{color:red}" not in style
        assert html.count("<style>") == 1
    text = " ".join(pdf_text(tmp_project.root / "dist/alpha/css-injection.pdf").split())
    # (a line break after </; the title's straight quote is set as a typographic one)
    assert 'Test \u201c; } body { display: none } </ style><style>*{color:red}' in text
    assert '@import url(https://example.org/x.css);' in text
