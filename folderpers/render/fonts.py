"""Brand fonts must be installed: a missing font is an error, never a silent fallback."""

from __future__ import annotations

import subprocess
from functools import lru_cache
from typing import TYPE_CHECKING

from folderpers.errors import FontError, Location, Problem

if TYPE_CHECKING:
    from folderpers.model.institution import Institution

_DEBIAN_PACKAGES = {"lato": "fonts-lato", "open sans": "fonts-open-sans", "noto sans": "fonts-noto-core",
                    "noto naskh arabic": "fonts-noto-core", "noto sans arabic": "fonts-noto-core",
                    "noto sans hebrew": "fonts-noto-core", "noto sans ethiopic": "fonts-noto-core"}


@lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    """Every font family fontconfig knows, lower-cased (a font may list several family names)."""
    output = subprocess.run(["fc-list", "--format", "%{family}\n"], capture_output=True, text=True,
                            check=True).stdout
    return frozenset(name.strip().lower() for line in output.splitlines() for name in line.split(","))


def require_font(institution: Institution) -> None:
    require_family(institution.font, institution.font_location)


def require_family(family: str, where: Location) -> None:
    """Raise FontError (naming where the family was asked for) unless fontconfig knows `family`."""
    if family.lower() in installed_families():
        return
    package = _DEBIAN_PACKAGES.get(family.lower())
    raise FontError(Problem(
        where, f"font {family!r} is not installed on this machine",
        (f"install it (Debian: apt-get install {package}, or run 'make setup')" if package else
         "install the font family, or choose one that 'fc-list : family' lists")))
