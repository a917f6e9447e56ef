"""The web page: one self-contained, accessible HTML file per folder and institution."""

from __future__ import annotations

from typing import ClassVar

from folderpers.model.publication import Publication
from folderpers.render.html import WEB, Medium, data_url
from folderpers.writers.base import OneFileWriter, Rendered


class WebPageWriter(OneFileWriter):
    kind: ClassVar[str] = "web"
    medium: ClassVar[Medium] = WEB
    relative_cost: ClassVar[float] = 0.1  # no layout (measured below 0.01): scheduled last
    suffix: ClassVar[str] = ".html"

    def render(self, publication: Publication) -> tuple[Rendered, ...]:
        html = self.theme.html.render(publication, self.medium, image_url=data_url)
        return (Rendered(self.paths(publication)[0], self.kind, html.encode("utf-8")),)
