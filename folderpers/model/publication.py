"""A publication: one folder as one institution publishes it, the input of every writer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from folderpers.errors import Problem
from folderpers.model.blocks import Block
from folderpers.model.folder import Folder
from folderpers.model.inline import Inline
from folderpers.model.institution import Institution


@dataclass(frozen=True)
class Publication:
    """What one institution publishes of one folder: the input of every writer."""

    folder: Folder
    institution: Institution
    document_code: str
    intro: tuple[tuple[Inline, ...], ...]
    blocks: tuple[Block, ...]
    asset_roots: tuple[Path, ...]  # the only directories rendering may read images from
    sources: tuple[Path, ...]  # every content file it was made from (YAML, images, logo), for the manifest
    snippets: tuple[Path, ...] = ()  # the snippet files it includes (its text, with the folder's, is what it says)
    related: tuple[str, ...] = ()  # slugs of the folders it links to ({folder:slug})
    typed_phones: tuple[Problem, ...] = ()  # kept for `build.py check` only; a build fails on them in resolve
    language_versions: tuple[tuple[str, str], ...] = ()  # (language, stem) of the folder's language versions
    stale_parts: tuple[str, ...] = ()  # a stale translation: its out-of-date sections ("": title and intro)

    @property
    def language(self) -> str:
        return self.folder.language

    @property
    def stem(self) -> str:
        """Its outputs' file name without suffix: <slug>, or <slug>.<language> for a translation."""
        folder = self.folder
        return f"{folder.slug}.{folder.language}" if folder.is_translation else folder.slug

    @property
    def online_url(self) -> str | None:
        """Where its web page is published (the institution's base URL + the stable name of
        dist/<institution>/<stem>.html), for the QR code; None when the institution gives no base URL."""
        base = self.institution.base_url
        return f"{base}/{self.stem}.html" if base else None

    def properties(self) -> dict[str, str]:
        """The document-control facts every output carries (PDF metadata, web page <meta>, manifest)."""
        folder = self.folder
        return {
            "documentCode": self.document_code,
            "version": folder.version,
            "approvalDate": folder.approved.isoformat(),
            "reviewDate": folder.review.isoformat(),
            "owner": folder.owner,
            "department": folder.department,
            "institution": self.institution.name,
        }
