"""Translation tracking: per-block source hashes, aligned with the Dutch folder as it is now."""

from __future__ import annotations

import shutil

import pytest

from folderpers.commands.translations import survey
from folderpers.source.translation import SourceHashes, source_hash

from support import REPO

EXAMPLE = "epidurale-injectie"
LANGUAGES = ("ar", "en", "pl", "tr", "uk")


@pytest.fixture
def example(tmp_project):
    shutil.copytree(REPO / "folders" / EXAMPLE, tmp_project.root / "folders" / EXAMPLE)
    return tmp_project


def _statuses(project):
    (folder,) = survey(project.project, (EXAMPLE,))
    return folder.statuses


def _edit(project, old: str, new: str) -> None:
    path = project.root / "folders" / EXAMPLE / "folder.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_the_example_translations_are_all_up_to_date(example):
    statuses = _statuses(example)
    assert sorted(statuses) == list(LANGUAGES)
    assert all(status is not None and status.up_to_date for status in statuses.values())


def test_a_changed_dutch_block_makes_exactly_that_block_stale_in_every_translation(example):
    _edit(example, "De behandeling duurt ongeveer 15 minuten.", "De behandeling duurt ongeveer 20 minuten.")
    for language, status in _statuses(example).items():
        assert status.stale == (6,), language  # the 7th block, a text block
        assert not status.missing and not status.cover_stale, language


def test_a_changed_title_makes_the_title_part_stale_and_no_block(example):
    _edit(example, "subtitle: Een injectie in de rug", "subtitle: Een prik in de rug")
    for status in _statuses(example).values():
        assert status.cover_stale and not status.stale and not status.missing


def test_a_new_dutch_block_is_missing_and_the_blocks_after_it_stay_up_to_date(example):
    _edit(example, "  - heading: Na de behandeling\n",
          "  - text: Neem uw medicijnenlijst mee.\n  - heading: Na de behandeling\n")
    for status in _statuses(example).values():
        assert status.missing == (7,) and status.insert_at == (6,)
        assert not status.stale and not status.cover_stale


def test_a_removed_dutch_block_makes_its_translation_stale(example):
    _edit(example, "  - text: >-\n      De behandeling duurt ongeveer 15 minuten. Daarna blijft u nog 30 minuten op\n"
                   "      de afdeling.\n", "")
    for status in _statuses(example).values():
        assert status.stale == (6,) and not status.missing


def test_rewrapping_a_paragraph_changes_no_hash_but_a_new_paragraph_does():
    one = {"text": "Een zin.\nNog een zin."}
    assert source_hash(one) == source_hash({"text": "Een zin. Nog een zin.\n"})
    assert source_hash(one) != source_hash({"text": "Een zin.\n\nNog een zin."})
    assert source_hash(one) == source_hash({"text": "Een zin. Nog een zin.", "translates": "0123abcd"})


def test_hashes_cover_title_subtitle_and_intro():
    base = {"title": "T", "subtitle": "S", "intro": "I", "code": "X-1", "blocks": [{"text": "a"}]}
    hashes = SourceHashes.of(base)
    assert SourceHashes.of({**base, "code": "X-2"}) == hashes  # not text a translator translates
    assert SourceHashes.of({**base, "intro": "J"}).cover != hashes.cover
    assert SourceHashes.of({**base, "intro": "J"}).blocks == hashes.blocks


def test_the_command_lists_missing_up_to_date_and_stale(example, capsys):
    from folderpers.cli import main
    shutil.copytree(REPO / "folders" / "rughernia", example.root / "folders" / "rughernia")
    (example.root / "folders" / "rughernia" / "folder.yaml").touch()
    _edit(example, "U mag gewoon eten en drinken.", "U mag gewoon eten en drinken, tenzij de arts anders zegt.")
    assert main(["translations", "--project", str(example.root)]) == 1
    output = capsys.readouterr().out
    assert "rughernia" in output and "  en  missing" in output
    assert "  ar  STALE" in output and "block 4 of folder.ar.yaml: Dutch block 4 changed (list: " in output
    assert f"write translates: {survey(example.project, (EXAMPLE,))[0].hashes.blocks[3]}" in output
    assert "2 folders, 5 stale translations" in output
