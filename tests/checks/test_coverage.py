"""Institution coverage and per-institution text in `build.py check` and the build's summary."""

from folderpers.build.pipeline import build
from folderpers.build.progress import coverage_text
from folderpers.commands.check import CheckOptions, check, render_text

from support import MINIMAL_FOLDER, options

CONTENT = CheckOptions(outputs=False)
NEEDS = MINIMAL_FOLDER + """\
  - text: "{Name:poli} helpt u via {link:portaal} ({term:portaal}). Bel {name:spoed}."
  - include: ontbreekt
"""


def test_check_lists_everything_each_institution_lacks_at_once(tmp_project):
    tmp_project.folder("een", NEEDS)
    tmp_project.folder("twee", NEEDS.replace("TST-001", "TST-002"))
    report = check(tmp_project.project, CONTENT)
    lacking = {(gap.institution, gap.kind, gap.subject, len(gap.needed_at)) for gap in report.gaps}
    assert lacking == {
        ("alpha", "name", "spoed", 2), ("alpha", "snippet", "ontbreekt", 2),
        ("beta", "name", "poli", 2), ("beta", "name", "spoed", 2), ("beta", "link", "portaal", 2),
        ("beta", "term", "portaal", 2), ("beta", "snippet", "ontbreekt", 2)}
    text = render_text(report)
    assert "  beta lacks 5 (add them to institutions/beta/):" in text
    assert "    links (links:):\n      portaal: needed at folders/een/folder.yaml:17:" in text.replace(
        str(tmp_project.root) + "/", "")


def test_the_build_summary_has_the_same_checklist(tmp_project):
    tmp_project.folder("een", NEEDS)
    report = build(tmp_project.project, options(formats=("web",)))
    assert not report.ok
    text = coverage_text(report)
    assert "beta lacks 5" in text and "alpha lacks 2" in text and "portaal: needed at" in text


SCOPED = MINIMAL_FOLDER + """\
  - text: Dit deel lezen alleen de patiënten van het ziekenhuis Alpha in de stad.
    only: [alpha]
  - text:
      variants:
        beta: Kort.
        default: Een zin die alleen de anderen lezen, met veel meer woorden dan nodig is.
"""


def test_scores_count_only_the_text_each_institution_publishes(tmp_project):
    tmp_project.write("institutions/alpha/snippets/extra.yaml", "blocks:\n  - text: " + "Lang woord. " * 40 + "\n")
    tmp_project.folder("een", SCOPED)
    report = check(tmp_project.project, CONTENT)
    rows = {row.institution: row.readability for row in report.rows}
    # minimal folder 4 sentences; alpha adds the only-block and the default variant, beta the short variant;
    # alpha's own snippet 'extra' is not included, so it does not count
    assert rows["alpha"].sentences == rows["beta"].sentences + 1
    assert rows["alpha"].words - rows["beta"].words == 13 + 14 - 1
    variations = [line for line in render_text(report).splitlines() if "only alpha" in line or "variant" in line]
    assert any("'text' block (only alpha): alpha; not beta" in line for line in variations)
    assert any("variant 'beta' (only beta): beta; not alpha" in line for line in variations)
    assert any("variant 'default' (not beta): alpha; not beta" in line for line in variations)
