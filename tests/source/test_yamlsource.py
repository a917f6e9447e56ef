from pathlib import Path

import pytest

from folderpers.errors import SourceError
from folderpers.source.yamlsource import MAX_FILE_BYTES, load_yaml


def load_text(tmp_path: Path, text: str):
    path = tmp_path / "doc.yaml"
    path.write_text(text, encoding="utf-8")
    return load_yaml(path)


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(SourceError) as caught:
        load_text(tmp_path, text)
    return str(caught.value)


def test_dates_decimals_and_yes_no_stay_text(tmp_path):
    document = load_text(tmp_path, "version: 2.10\napproved: 2026-03-01\nanswer: no\nlevel: 3\nflag: true\n"
                                   "nothing: ~\nphone: 0881234567\n")
    assert document.data == {"version": "2.10", "approved": "2026-03-01", "answer": "no", "level": "3",
                             "flag": True, "nothing": None, "phone": "0881234567"}
    assert document.data["level"] == 3 and document.data["phone"] == 881234567


def test_positions_of_values_and_keys(tmp_path):
    document = load_text(tmp_path, "title: Test\nblocks:\n  - text: hallo\n  - list: [a, b]\n")
    assert (document.location(("blocks", 1, "list", 1)).line, document.location(("blocks", 1, "list", 1)).column) == (4, 15)
    assert document.location(("blocks", 0, "text"), key=True).line == 3
    assert document.location(("blocks", 0, "text"), key=True).column == 5
    # a path that does not exist falls back to its nearest parent
    assert document.location(("blocks", 0, "missing")).line == 3


def test_literal_block_text_location_counts_lines(tmp_path):
    document = load_text(tmp_path, "text: |\n  eerste regel\n  tweede {x}\n")
    offset = document.data["text"].index("{x}")
    assert document.text_location(("text",), offset).line == 3


def test_python_tags_are_refused(tmp_path):
    message = error_of(tmp_path, "title: !!python/object/apply:os.system ['echo hacked']\n")
    assert "doc.yaml:1:8" in message and "not allowed" in message


def test_duplicate_keys_are_an_error_with_both_lines(tmp_path):
    message = error_of(tmp_path, "title: een\nsubtitle: x\ntitle: twee\n")
    assert "doc.yaml:3:1" in message and "first on line 1" in message


def test_syntax_error_names_line_and_gives_a_fix(tmp_path):
    message = error_of(tmp_path, "title: een\nblocks:\n  - text: [unclosed\n  - list: x\n")
    assert "doc.yaml:4" in message and "YAML syntax error" in message and "fix:" in message


def test_alias_expansion_is_bounded(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for name, previous in zip("bcdefg", "abcdef", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    message = error_of(tmp_path, "\n".join(lines) + "\n")
    assert "aliases" in message


def test_nesting_is_bounded(tmp_path):
    message = error_of(tmp_path, "a: " + "[" * 40 + "]" * 40 + "\n")
    assert "nested more than" in message


def test_size_is_bounded(tmp_path):
    message = error_of(tmp_path, "a: '" + "x" * (MAX_FILE_BYTES + 1) + "'\n")
    assert "limit" in message


def test_empty_file_and_bad_encoding(tmp_path):
    assert "file is empty" in error_of(tmp_path, "# only a comment\n")
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: caf\xe9\n".encode("latin-1"))
    with pytest.raises(SourceError, match="UTF-8"):
        load_yaml(path)


def test_dutch_apostrophe_and_placeholders_in_rows_get_specific_hints(tmp_path):
    message = error_of(tmp_path, "contacts:\n  poli:\n    hours: 's avonds, 's nachts en in het weekend\n")
    assert "doc.yaml:3:" in message and "double quotes" in message and "'s avonds" in message
    message = error_of(tmp_path, "table:\n  - [Bel {phone:poli} op tijd, Wat]\n")
    assert "doc.yaml:2:" in message and '["Bel {phone:poli}", Wat]' in message
    for text in ("text: {name:poli} is open op werkdagen\n", "text: {phone:poli\nlist: [a]\n"):  # at the start
        message = error_of(tmp_path, text)
        assert "doc.yaml:" in message and 'text: "{name:poli} is open ..."' in message, message
    # libyaml reads a question mark inside [ ... ] as text, as authors expect
    assert load_text(tmp_path, "table:\n  - [Wanneer?, Wat]\n").data == {"table": [["Wanneer?", "Wat"]]}
