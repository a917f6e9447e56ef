"""The web page: one self-contained, accessible HTML file per folder and institution."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import ClassVar

from folderpers.model.publication import Publication
from folderpers.render.html import WEB, Medium, data_url
from folderpers.render.theme import Theme
from folderpers.writers.base import Rendered, output_name


class WebPageWriter:
    kind: ClassVar[str] = "web"
    medium: ClassVar[Medium] = WEB
    relative_cost: ClassVar[float] = 0.1  # no layout (measured below 0.01): scheduled last
    suffix: ClassVar[str] = ".html"

    def __init__(self, theme: Theme):
        self.theme = theme

    def paths(self, publication: Publication) -> tuple[PurePosixPath, ...]:
        return (output_name(publication, self.suffix),)

    def inputs(self, publication: Publication) -> tuple[Path, ...]:
        return ()

    def render(self, publication: Publication) -> tuple[Rendered, ...]:
        html = self.theme.html.render(publication, self.medium, image_url=data_url)
        return (Rendered(self.paths(publication)[0], self.kind, html.encode("utf-8")),)
