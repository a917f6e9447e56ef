"""Robustness, round 2: bounded work per document, builds that never crash or hang. Each case is a
fixture in tests/fixtures/attacks/ (shared with test_security.py); a case that could crash the
interpreter runs in a subprocess, so that a crash fails the test instead of killing pytest."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from test_security import attack, refusal

from folderpers.build.pipeline import build

from support import FIXTURES, REPO, options

ATTACKS = FIXTURES / "attacks"


def run_build(project_root, *arguments: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The real command line in its own process (a segfault there is an exit code here)."""
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--project", str(project_root), *arguments],
                          capture_output=True, text=True, timeout=timeout, cwd=project_root)


def test_forty_thousand_nested_flow_lists_give_the_nesting_error_not_a_segfault(tmp_project):
    shutil.copytree(ATTACKS / "yaml-deep-flow", tmp_project.root / "folders/yaml-deep-flow")
    tmp_project.folder("gewoon")
    result = run_build(tmp_project.root, "--format", "web", "-i", "alpha", "--jobs", "0")
    assert result.returncode == 1, result.stderr  # one output failed; not -11 (SIGSEGV)
    assert re.search(r"yaml-deep-flow/folder.yaml:12:\d+: nested more than 32 levels deep", result.stdout + result.stderr)
    assert (tmp_project.root / "dist/alpha/gewoon.html").exists()  # the other folder was built


def test_one_string_reused_through_aliases_is_bounded_by_its_expanded_text(tmp_project):
    report = attack(tmp_project, "yaml-alias-text", formats=("web",))
    assert re.search(r"yaml-alias-text/folder.yaml:\d+:\d+: the file's text adds up to more than 2,000,000 characters",
                     refusal(report)), refusal(report)


def test_snippets_that_include_each_other_many_times_are_bounded(tmp_project):
    shutil.copytree(ATTACKS / "snippet-amplification/snippets", tmp_project.root / "snippets", dirs_exist_ok=True)
    shutil.copytree(ATTACKS / "snippet-amplification", tmp_project.root / "folders/snippet-amplification",
                    ignore=shutil.ignore_patterns("snippets"))
    report = build(tmp_project.project, options(formats=("web",), institutions=("alpha",)))
    assert re.search(r"snippet-amplification/folder.yaml:12:\d+: with its snippets included, this folder holds more "
                     r"than 2,000,000 characters", refusal(report)), refusal(report)


def test_a_pattern_refuses_a_trailing_newline(tmp_project):
    report = attack(tmp_project, "schema-trailing-newline", formats=("web",))
    assert re.search(r"schema-trailing-newline/folder.yaml:5:\d+: 'code' has the wrong form: 'TST-001\\n'",
                     refusal(report)), refusal(report)


@pytest.mark.parametrize("name, message", [
    ("svg-use-bomb", r"image 'plaatje.svg' draws more than 50,000 elements once its references \(<use>, url\(#...\)\) "
                     r"are expanded"),
    ("svg-entities-utf16", r"image 'plaatje.svg' declares a DOCTYPE or entities"),
    ("svg-reference-cycle", r"image 'plaatje.svg' refers to itself through '#[pr]' \(a reference cycle\)"),
    ("svg-nested-data-svg", r"image 'plaatje.svg' embeds 'image/svg\+xml' data; only PNG and JPEG images may be "
                            r"embedded"),
])
def test_svg_images_are_parsed_safely_and_their_drawing_work_is_bounded(tmp_project, name, message):
    report = attack(tmp_project, name, formats=("pdf",))
    assert re.search(rf"{name}/folder.yaml:11:13: {message}", refusal(report)), refusal(report)


@pytest.mark.parametrize("name, problem", [
    ("index", "'index' is taken by a file the build makes itself"),
    ("demo.en", "'demo.en' cannot be used as a name"),
    ("met spatie", "'met spatie' cannot be used as a name"),
    ("rood\x1b[31m", r"'rood\x1b[31m' cannot be used as a name"),
    ("%2e%2e", "'%2e%2e' cannot be used as a name"),
    ("Hoofdletter", "'Hoofdletter' cannot be used as a name"),
])
def test_folder_directory_names_that_cannot_be_file_names_are_refused(tmp_project, name, problem):
    shutil.copytree(ATTACKS / "bad-names", tmp_project.root / "folders" / name)
    tmp_project.folder("demo", (ATTACKS / "bad-names/folder.yaml").read_text())
    report = build(tmp_project.project, options(formats=("web",), institutions=("alpha",)))
    assert f"the folder directory name {problem}" in refusal(report)
    assert (tmp_project.root / "dist/alpha/demo.html").exists()
    assert sorted(p.name for p in (tmp_project.root / "dist/alpha").iterdir()) == [
        "demo.html", "demo.manifest.json"]  # nothing from the other


def test_an_institution_directory_name_is_checked_by_the_same_rule(tmp_project):
    shutil.move(tmp_project.root / "institutions/beta", tmp_project.root / "institutions/Beta Twee")
    tmp_project.folder("demo", (ATTACKS / "bad-names/folder.yaml").read_text())
    report = build(tmp_project.project, options(formats=("web",)))
    failed = "\n".join(str(p) + o.detail for o in report.failures for p in o.problems or [""])
    assert "the institution directory name 'Beta Twee' cannot be used as a name" in failed
    assert (tmp_project.root / "dist/alpha/demo.html").exists()


@pytest.mark.parametrize("name, message", [
    ("text-control-escape", r"text-control-escape/folder.yaml:12:\d+: text contains the invisible control character "
                            r"U\+001B \(a control character\)"),
    ("text-bidi-override", r"text-bidi-override/folder.yaml:12:\d+: text contains the invisible control character "
                           r"U\+202E \(RIGHT-TO-LEFT OVERRIDE\)"),
    ("text-malformed-placeholder", r"text-malformed-placeholder/folder.yaml:12:\d+: unknown placeholder \{Phone:poli\}"),
    ("text-link-in-link", r"text-link-in-link/folder.yaml:12:\d+: \{email:poli\} inside the text of a link becomes a "
                          r"link inside a link"),
    ("text-url-mismatch", r"text-url-mismatch/folder.yaml:12:\d+: the link text 'www.mijnziekenhuis.nl' reads as a "
                          r"web address, but the link leads to 'https://mijnziekenhuis.nl.evil.example/login'"),
])
def test_text_that_would_mislead_or_break_outputs_is_refused_at_its_line(tmp_project, name, message):
    report = attack(tmp_project, name, formats=("web",))
    assert re.search(message, refusal(report)), refusal(report)
    assert not (tmp_project.root / f"dist/alpha/{name}.html").exists()
