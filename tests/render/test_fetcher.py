"""Rendering may read only the publication's own asset directories (and data: URLs)."""

import os

import pytest

from folderpers.render.fetcher import AssetFetcher, AssetRefused


@pytest.fixture
def roots(tmp_path):
    allowed = tmp_path / "folder"
    allowed.mkdir()
    (allowed / "ok.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "secret.txt").write_text("geheim")
    os.symlink(tmp_path / "secret.txt", allowed / "link.svg")
    return tmp_path, AssetFetcher((allowed,))


def test_allowed_file_and_data_urls(roots):
    tmp_path, fetcher = roots
    response = fetcher.fetch((tmp_path / "folder/ok.svg").as_uri())
    assert response.read().startswith(b"<svg")
    response.close()
    assert fetcher.fetch("data:text/plain;base64,aGFsbG8=").read() == b"hallo"


@pytest.mark.parametrize("url, reason", [
    ("file:///etc/passwd", "outside the folder's"),
    ("https://example.org/tracker.png", "network"),
    ("http://127.0.0.1:9/x.png", "network"),
    ("ftp://example.org/x", "network"),
])
def test_refusals(roots, url, reason):
    _, fetcher = roots
    with pytest.raises(AssetRefused, match=reason):
        fetcher.fetch(url)


def test_dot_dot_and_symlinks_out_are_refused(roots):
    tmp_path, fetcher = roots
    with pytest.raises(AssetRefused, match="outside"):
        fetcher.fetch((tmp_path / "folder").as_uri() + "/../secret.txt")
    with pytest.raises(AssetRefused, match="outside"):
        fetcher.fetch((tmp_path / "folder/link.svg").as_uri())
