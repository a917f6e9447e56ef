"""Content lint through `build.py check`: broken folders and snippets, each finding with kind, file and line."""

from __future__ import annotations

import shutil

from folderpers.commands.check import CheckOptions, check

from support import FIXTURES, MINIMAL_FOLDER

CONTENT = CheckOptions(outputs=False)

BROKEN = """\
title: Kapotte folder
intro: Bel 088 123 4567 of mail naar info@alpha.example als u vragen heeft.
code: TST-002
department: Test
owner: Tester
version: 1.0
approved: 2026-01-10
review: 2028-01-10
blocks:
  - heading: Leeg
  - heading: Wat is een fractuur?
  - text: >-
      Een korte zin. Dit is een hele lange zin die maar doorgaat en doorgaat met
      woorden zonder dat er ooit een punt komt om de lezer rust te geven bij het
      lezen van de tekst.
  - text: |
      Een goede alinea.

      Neem analgetica in. Lees [klik hier](https://www.thuisarts.nl) of [de site](https://thuisarts) of [bel ons](tel:0881234567).
  - figure: figure.svg
    alt: Plaatje
  - list:
      - "[Mail ons](mailto:poli@alpha.example) of lees [de folder over pijn](http://www.example.org/pijn)."
"""


def findings_of(project, path):
    report = check(project, CONTENT)
    return report, {(f.kind, f.location.line) for f in report.findings if f.location.path == path}


def test_every_text_problem_is_found_with_its_line(tmp_project):
    path = tmp_project.folder("kapot", BROKEN)
    shutil.copy(FIXTURES / "figure.svg", path.parent / "figure.svg")
    report, found = findings_of(tmp_project.project, path)
    assert found == {
        ("typed-phone", 2), ("typed-email", 2),
        ("empty-section", 10),
        ("jargon", 11),  # fractuur, in a heading
        ("long-sentence", 13),  # in a folded block (>-): the line the sentence starts on
        ("jargon", 19), ("link-text", 19), ("link-malformed", 19), ("typed-phone", 19),  # tel: link
        ("alt-short", 21),
        ("typed-email", 23),  # mailto: link
    }
    jargon = [f for f in report.findings if f.kind == "jargon"]
    assert [(f.subject, f.hint) for f in jargon] == [("fractuur", "write 'breuk' (or explain the word)"),
                                                      ("analgetica", "write 'pijnstillers' (or explain the word)")]
    assert report.count("error") == 7 and report.count("warning") == 4 and not report.ok
    assert str(next(f for f in report.findings if f.kind == "typed-phone").location).endswith("folder.yaml:2:12")


def test_a_snippet_is_linted_in_its_own_file_once(tmp_project):
    snippet = tmp_project.write("snippets/bellen.yaml", "blocks:\n  - text: |\n      Bel ons.\n      Of bel 088 123 4567.\n")
    tmp_project.folder("een", MINIMAL_FOLDER + "  - include: bellen\n")
    tmp_project.folder("twee", MINIMAL_FOLDER + "  - include: bellen\n")
    report = check(tmp_project.project, CONTENT)
    assert [(f.kind, f.location.path, f.location.line) for f in report.findings] == [("typed-phone", snippet, 4)]
    assert len(report.rows) == 4  # two folders for two institutions; the snippet counts in each row
    assert all(report.count("error", row.files) == 1 for row in report.rows)


def test_headings_that_skip_a_level_only_after_includes(tmp_project):
    tmp_project.write("snippets/kop.yaml", "blocks:\n  - heading: Uit het fragment\n  - text: Tekst.\n")
    path = tmp_project.folder("diep", MINIMAL_FOLDER + """\
  - heading: Een niveau dieper
    level: 3
  - text: Tekst.
  - include: kop
  - heading: Twee niveaus dieper
    level: 4
  - text: Tekst.
""")
    report, found = findings_of(tmp_project.project, path)
    assert found == {("heading-skip", 21)}
    assert "heading level 4 follows level 2 (after includes)" in report.findings[0].message


def test_a_short_logo_alt_text_is_found_in_the_institution(tmp_project):
    path = tmp_project.root / "institutions/alpha/institution.yaml"
    path.write_text(path.read_text().replace("logo_alt: Logo Alpha Ziekenhuis", "logo_alt: Logo"))
    tmp_project.folder("demo")
    _, found = findings_of(tmp_project.project, path)
    assert found == {("alt-short", 4)}


def test_warnings_silenced_on_purpose_and_a_silence_that_silences_nothing(tmp_project):
    text = BROKEN.replace("blocks:\n", "checks:\n  ignore:\n    - jargon: analgetica\n    - alt-short\n"
                                       "    - long-sentence: Een andere zin\nblocks:\n", 1)
    path = tmp_project.folder("kapot", text)
    shutil.copy(FIXTURES / "figure.svg", path.parent / "figure.svg")
    report, found = findings_of(tmp_project.project, path)
    assert ("alt-short", 26) not in found and ("jargon", 16) in found and ("jargon", 24) not in found
    assert ("long-sentence", 18) in found  # the ignore names another sentence
    unused = [f for f in report.findings if f.kind == "unused-ignore"]
    assert [(f.location.line, f.message) for f in unused] == [(13, "'long-sentence: Een andere zin' silences nothing")]
    assert report.silenced == 2


def test_errors_cannot_be_silenced(tmp_project):
    path = tmp_project.folder("kapot", MINIMAL_FOLDER.replace("blocks:\n", "checks:\n  ignore: [link-text]\nblocks:\n"))
    report, found = findings_of(tmp_project.project, path)
    assert ("source", 11) in found and not report.ok


def test_dates_amounts_and_emergency_numbers_are_not_phone_numbers(tmp_project):
    path = tmp_project.folder("getallen", MINIMAL_FOLDER + "  - text: >-\n      Sinds 15-09-2025 krijgt 1 op de "
                              "10.000 mensen 2 x 500 mg, bij 38,5 °C. Bel bij nood 112. Of bel 06-12345678.\n")
    report, found = findings_of(tmp_project.project, path)
    assert found == {("typed-phone", 18)} and report.findings[0].subject == "06-12345678"


def test_formal_words_phrases_and_inflections_are_jargon(tmp_project):
    path = tmp_project.folder("formeel", MINIMAL_FOLDER + "  - text: >-\n      Indien u acute klachten heeft, "
                              "dient u ons te bellen. Dit gaat door middel van een procedure.\n")
    report, _ = findings_of(tmp_project.project, path)
    subjects = sorted(f.subject for f in report.findings if f.kind == "jargon" and f.location.path == path)
    assert subjects == ["acuut", "dient u", "door middel van", "indien", "procedure"]
    hint = next(f.hint for f in report.findings if f.subject == "door middel van")
    assert hint == "write 'met'"
