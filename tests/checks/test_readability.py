"""B1 readability: syllables from Pyphen's Dutch patterns, sentences, Flesch-Douma, thresholds as warnings."""

from __future__ import annotations

import pytest

from folderpers.checks.readability import douma, readability, split_sentences, syllables, words
from folderpers.commands.check import CheckOptions, check
from folderpers.errors import Location
from folderpers.model.blocks import Passage
from folderpers.source.inline import parse_inline

from support import MINIMAL_FOLDER


@pytest.mark.parametrize("word, count", [
    ("vertebroplastiek", 5), ("botontkalking", 4), ("fysiotherapeut", 6), ("patiënt", 3), ("afspraak", 2),
    ("MRI-scan", 2), ("uw", 1), ("38,5", 1), ("{phone:poli}", 1),
])
def test_syllables(word, count):
    assert syllables(word) == count


def test_sentences_and_words():
    assert split_sentences("Neem bijv. paracetamol. Helpt het niet? Bel dan 112! 38,5 °C is koorts. "
                           "Daarna (na 6 uur) mag u eten.") == [
        "Neem bijv. paracetamol.", "Helpt het niet?", "Bel dan 112!", "38,5 °C is koorts.", "Daarna (na 6 uur) mag u eten."]
    assert words("Bel {contact:poli} of 's avonds de MRI-scan en/of 088.") == [
        "Bel", "{contact:poli}", "of", "s", "avonds", "de", "MRI-scan", "en/of", "088"]


def test_flesch_douma_formula():
    # 206.84 - 0.77 * (150 syllables per 100 words) - 0.93 * (10 words per sentence)
    assert douma(words=100, syllables=150, sentences=10) == pytest.approx(82.04)


def test_readability_of_passages_and_the_hardest_sentences():
    def passage(key, text, line):
        role = {"text": "prose", "heading": "label", "sources": "reference", "table": "cell"}[key]
        return Passage(key, role, parse_inline(text, lambda offset: Location("x.yaml", line)),
                       Location("x.yaml", line))

    scores = readability([
        passage("text", "U krijgt een verdoving. Daarna spuit de arts het botcement in de ingezakte wervel.", 1),
        passage("heading", "Een kop telt niet mee als zin", 2),
        passage("sources", "Klazen CAH, Lohle PNM, de Vries J, et al. Vertebroplasty versus conservative treatment.", 3),
        passage("table", "Dag 1 tot 3", 4),
        passage("table", "U doet rustig aan en loopt korte stukjes in huis.", 5),
    ], long_word_syllables=4, hardest=1)
    assert (scores.sentences, scores.words) == (3, 4 + 10 + 10)
    assert scores.long_words == 1 and scores.average_sentence_words == pytest.approx(8.0)  # in-ge-zak-te
    assert [sentence.text for sentence in scores.hardest] == [
        "Daarna spuit de arts het botcement in de ingezakte wervel."]


def test_thresholds_exceeded_are_warnings_at_the_folder(tmp_project):
    config = tmp_project.root / "checks.yaml"
    config.write_text(config.read_text().replace("max_average_sentence_words: 12", "max_average_sentence_words: 3")
                      .replace("min_flesch_douma: 60", "min_flesch_douma: 200")
                      .replace("max_long_word_percent: 8", "max_long_word_percent: 0"))
    path = tmp_project.folder("demo", MINIMAL_FOLDER + "  - text: Een behandeling met botcement.\n")
    report = check(tmp_project.project, CheckOptions(institutions=("alpha",), outputs=False))
    readability_warnings = [f for f in report.findings if f.kind == "readability"]
    assert [(f.subject, f.severity, f.location.path, f.location.line) for f in readability_warnings] == [
        ("sentence-length", "warning", path, 1), ("flesch-douma", "warning", path, 1), ("long-words", "warning", path, 1)]
    assert report.ok  # warnings do not fail


def test_hardest_sentences_put_long_sentences_first():
    def passage(text, line):
        return Passage("text", "prose", parse_inline(text, lambda offset: Location("x.yaml", line)),
                       Location("x.yaml", line))

    long_plain = " ".join(["Dan gaat u naar huis en u rust uit op de bank"] * 4) + "."
    short_hard = "Postoperatieve complicaties vereisen adequate medicamenteuze interventie na vertebroplastiek."
    scores = readability([passage(short_hard + " Een korte zin met acht woorden voor u.", 1),
                          passage(long_plain, 2)], long_word_syllables=4, hardest=2)
    assert [s.words for s in scores.hardest] == [48, 8]
