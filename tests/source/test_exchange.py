"""Translators' files: export to XLIFF 1.2 / PO with translate-toolkit, import back into folder.<lang>.yaml."""

from __future__ import annotations

import re
import shutil

import pytest
from translate.storage import po, xliff

from folderpers.commands.translations import survey
from folderpers.source.exchange import ExchangeError, export, import_file
from folderpers.source.load import load_folder
from folderpers.source.schemas import SchemaSet
from folderpers.source.yamlsource import load_yaml

from support import REPO

EXAMPLE = "epidurale-injectie"


@pytest.fixture
def example(tmp_project):
    shutil.copytree(REPO / "folders" / EXAMPLE, tmp_project.root / "folders" / EXAMPLE)
    source = tmp_project.root / "folders" / EXAMPLE / "folder.yaml"
    source.write_text(source.read_text("utf-8").replace("ongeveer 15 minuten", "ongeveer 20 minuten"), "utf-8")
    return tmp_project


def _status(project, language):
    (folder,) = survey(project.project, (EXAMPLE,))
    return folder.statuses[language]


def _translate(store, translation) -> None:
    for unit in store.getunits():
        if not unit.isheader():
            unit.target = translation(str(unit.source))


@pytest.mark.parametrize("kind, suffix, reader", [("xliff", ".xlf", xliff.xlifffile), ("po", ".po", po.pofile)])
def test_a_stale_block_goes_out_and_comes_back_up_to_date(example, tmp_path, kind, suffix, reader):
    source = example.root / "folders" / EXAMPLE / "folder.yaml"
    before = load_yaml(source.with_name("folder.ar.yaml")).data
    data, count = export(source, "ar", kind)
    assert count == 1
    if kind == "xliff":
        assert b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">' in data
        assert b'id="b7.text"' in data and b'target-language="ar"' in data
    store = reader(data)
    (unit,) = [unit for unit in store.getunits() if not unit.isheader()]
    assert "ongeveer 20 minuten" in str(unit.source) and "15 دقيقة" in str(unit.target)  # the old one, to update
    _translate(store, lambda text: "يستغرق العلاج حوالي 20 دقيقة. بعد ذلك تبقى في القسم 30 دقيقة أخرى.")
    file = tmp_path / f"{EXAMPLE}.ar{suffix}"
    file.write_bytes(bytes(store))
    result = import_file(example.root / "folders", file)
    assert result.blocks == 1 and not result.cover
    assert _status(example, "ar").up_to_date
    after = load_yaml(source.with_name("folder.ar.yaml")).data
    assert after["blocks"][6]["text"].startswith("يستغرق العلاج حوالي 20 دقيقة")
    assert [b for i, b in enumerate(after["blocks"]) if i != 6] == [b for i, b in enumerate(before["blocks"]) if i != 6]
    assert {k: v for k, v in after.items() if k != "blocks"} == {k: v for k, v in before.items() if k != "blocks"}
    load_folder(source.with_name("folder.ar.yaml"), SchemaSet(example.project.schemas))  # still a valid folder


def test_a_file_whose_placeholders_changed_is_refused_naming_the_unit_and_nothing_is_written(example, tmp_path):
    source = example.root / "folders" / EXAMPLE / "folder.yaml"
    source.write_text(source.read_text("utf-8").replace("Buiten kantoortijd belt u", "In het weekend belt u"), "utf-8")
    data, _ = export(source, "en", "xliff")
    store = xliff.xlifffile(data)
    _translate(store, lambda text: text.replace("{contact:spoedeisende-hulp}", "{contact:huisartsenpost}"))
    file = tmp_path / "changed.xlf"
    file.write_bytes(bytes(store))
    translation = source.with_name("folder.en.yaml")
    unchanged = translation.read_bytes()
    with pytest.raises(ExchangeError, match=r"unit 'b10\.text': the placeholders changed") as caught:
        import_file(example.root / "folders", file)
    assert "{contact:spoedeisende-hulp}" in str(caught.value) and str(file) in str(caught.value)
    assert translation.read_bytes() == unchanged
    assert not list(translation.parent.glob(".*importing"))


def test_a_new_language_is_exported_whole_and_imported_as_a_valid_translation(example, tmp_path):
    folder = example.root / "folders" / EXAMPLE
    (folder / "folder.pl.yaml").unlink()
    data, count = export(folder / "folder.yaml", "pl", "po")
    store = po.pofile(data)
    ids = [unit.getcontext() for unit in store.getunits() if not unit.isheader()]
    assert ids[:5] == ["title", "subtitle", "intro", "department", "owner"]
    assert "b4.list.0" in ids and "b10.items.3" in ids and "b10.text" in ids and count == len(ids)
    assert not [i for i in ids if i.startswith("b13")]  # contacts: keys only, no text
    _translate(store, lambda text: "PL " + text)  # placeholders kept
    file = tmp_path / "new.po"
    file.write_bytes(bytes(store))
    import_file(example.root / "folders", file)
    translation = load_folder(folder / "folder.pl.yaml", SchemaSet(example.project.schemas))
    assert translation.language == "pl" and translation.title == "PL Epidurale injectie"
    assert _status(example, "pl").up_to_date
    text = (folder / "folder.pl.yaml").read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=") and "{contact:pijnpoli}" in text
    assert re.search(r"^version: 1\.0$", text, re.M) and re.search(r"^approved: 2026-02-01$", text, re.M)


def test_a_file_for_another_folder_or_without_language_is_refused(example, tmp_path):
    file = tmp_path / "foreign.po"
    file.write_text('msgid ""\nmsgstr ""\n"Language: pl\\n"\n"X-Folderpers-Source: folders/bestaat-niet/folder.yaml\\n"\n')
    with pytest.raises(ExchangeError, match="bestaat-niet/folder.yaml, which does not exist"):
        import_file(example.root / "folders", file)
    file.write_text('msgid ""\nmsgstr ""\n')
    with pytest.raises(ExchangeError, match="does not say which folder and language"):
        import_file(example.root / "folders", file)
