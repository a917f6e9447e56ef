from folderpers.publish import publish, remove_leftovers


def test_publish_replaces_atomically_and_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "dist/a/folder.pdf"
    publish(target, b"eerste")
    publish(target, b"tweede")
    assert target.read_bytes() == b"tweede"
    assert [p.name for p in target.parent.iterdir()] == ["folder.pdf"]


def test_leftovers_of_an_interrupted_build_are_removed(tmp_path):
    (tmp_path / "a").mkdir()
    leftover = tmp_path / "a/.folder.pdf.partial-x1y2"
    leftover.write_bytes(b"half")
    (tmp_path / "a/folder.pdf").write_bytes(b"heel")
    assert remove_leftovers(tmp_path) == [leftover]
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["folder.pdf"]
