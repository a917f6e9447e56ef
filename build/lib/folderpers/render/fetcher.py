"""The only way rendering reads files: a URL fetcher that allows `data:` URLs and files inside
the publication's own asset directories (real paths, symlinks resolved). Everything else,
http(s) included, stops the render of that output with a clear error."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import FatalURLFetchingError, URLFetcher


class AssetRefused(FatalURLFetchingError):
    """Rendering asked for a resource outside the allowed directories, or over the network."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"refused to load {url!r}: {reason}")
        self.url, self.reason = url, reason


class AssetFetcher(URLFetcher):
    def __init__(self, roots: tuple[Path, ...]):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, fail_on_errors=True)
        self.roots = tuple(Path(root).resolve() for root in roots)

    def fetch(self, url: str, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise AssetRefused(url, "content may not load anything from the network; put the file in "
                                    "the folder's directory")
        path = Path(url2pathname(urlsplit(url).path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise AssetRefused(url, "it lies outside the folder's and the institution's directories")
        if not path.is_file():
            raise AssetRefused(url, "no such file")
        return super().fetch(path.as_uri(), headers)
