"""Printing conditions: the standard offset conditions a print PDF can be made for, and their ICC
output profiles, built reproducibly from free characterisation data.

The characterisation data (how CMYK prints on that paper, measured by Fogra) are the `FOGRA*L.ti3`
files of Debian's `icc-profiles-free` (Zlib licence, by Kai-Uwe Behrmann); ArgyllCMS's `colprof`
(Debian `argyll`) builds an output profile from them. colprof writes the creation time into the
profile header and no profile ID: the header gets a fixed date and the ID (an MD5 of the profile,
ICC.1:2010 7.2.18) is computed, so the same data always give the same bytes, and so do the PDFs.

`make setup` runs `python -m folderpers.prepress.conditions`, which builds the profiles that are
missing into folderpers/prepress/icc/ (not in git: they are made, not written).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from folderpers.errors import FolderpersError, Location, Problem

DATA = Path("/usr/share/color/icc")  # Debian icc-profiles-free
PROFILES = Path(__file__).parent / "icc"
REGISTRY = "http://www.color.org"  # ICC's registry of characterized printing conditions
_HEADER_DATE = struct.pack(">6H", 2026, 1, 1, 0, 0, 0)  # any fixed date: only reproducibility matters


@dataclass(frozen=True)
class PrintCondition:
    """A registered printing condition (ICC characterization data registry)."""

    identifier: str  # OutputConditionIdentifier in the PDF/X output intent, as registered: FOGRA39
    description: str  # the output intent's /Info and the profile's description
    data: str  # the characterisation data file in DATA

    @property
    def profile(self) -> Path:
        return PROFILES / f"{self.identifier}.icc"


CONDITIONS = {condition.identifier: condition for condition in (
    PrintCondition("FOGRA39", "Coated FOGRA39 (ISO 12647-2:2004/Amd 1, paper type 1 or 2, coated art)",
                   "FOGRA39L.ti3"),
    PrintCondition("FOGRA29", "Uncoated FOGRA29 (ISO 12647-2:2004, paper type 4, white uncoated)", "FOGRA29L.ti3"),
    PrintCondition("FOGRA30", "Uncoated yellowish FOGRA30 (ISO 12647-2:2004, paper type 5)", "FOGRA30L.ti3"),
    PrintCondition("FOGRA28", "Web coated FOGRA28 (ISO 12647-2:2004, paper type 3, LWC)", "FOGRA28L.ti3"),
    PrintCondition("FOGRA40", "SC paper FOGRA40 (ISO 12647-2:2004, super calendered)", "FOGRA40L.ti3"),
)}
DEFAULT = CONDITIONS["FOGRA39"]


class ProfileMissing(FolderpersError):
    """The output profile of a printing condition has not been built."""


def profile_of(condition: PrintCondition) -> Path:
    """The condition's built profile; a clear error naming the command that builds it if missing."""
    if not condition.profile.is_file():
        raise ProfileMissing(Problem(Location(condition.profile), f"the ICC profile of {condition.identifier} "
                                     "has not been built", "run `make setup`, or `.venv/bin/python -m "
                                     f"folderpers.prepress.conditions {condition.identifier}`"))
    return condition.profile


def build_profile(condition: PrintCondition) -> Path:
    """Build the condition's profile with colprof (about a minute), reproducibly; written atomically."""
    data = DATA / condition.data
    if not data.is_file() or shutil.which("colprof") is None:
        raise ProfileMissing(Problem(Location(data), "colprof (Debian argyll) or the characterisation data "
                                     "(Debian icc-profiles-free) is missing", "run scripts/install-system-packages.sh"))
    PROFILES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        base = Path(work) / condition.identifier
        shutil.copyfile(data, base.with_suffix(".ti3"))
        # -qm: medium quality (-qh takes several times longer for no visible difference in leaflets)
        subprocess.run(["colprof", "-qm", "-D", condition.description, "-C", "Built by folderpers from Fogra "
                        f"characterisation data {condition.data} (icc-profiles-free, Zlib)", base.name],
                       cwd=work, check=True, stdout=subprocess.DEVNULL)
        profile = reproducible(base.with_suffix(".icc").read_bytes())
        partial = condition.profile.with_suffix(".icc.partial")
        partial.write_bytes(profile)
        os.replace(partial, condition.profile)
    return condition.profile


def reproducible(profile: bytes) -> bytes:
    """The profile with a fixed creation date and its profile ID computed (ICC.1:2010, 7.2.1, 7.2.18)."""
    header = bytearray(profile[:128])
    header[24:36] = _HEADER_DATE
    hashed = bytearray(header)
    hashed[44:48] = hashed[64:68] = bytes(4)  # flags and rendering intent are left out of the ID
    hashed[84:100] = bytes(16)
    header[84:100] = hashlib.md5(bytes(hashed) + profile[128:], usedforsecurity=False).digest()
    return bytes(header) + profile[128:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the ICC output profiles of printing conditions.")
    parser.add_argument("conditions", nargs="*", help=f"of {', '.join(CONDITIONS)}; default: {DEFAULT.identifier}")
    parser.add_argument("--force", action="store_true", help="build again even if the profile exists")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.conditions) - set(CONDITIONS))
    if unknown:
        parser.error(f"unknown printing condition {', '.join(unknown)}; choose from {', '.join(CONDITIONS)}")
    for name in args.conditions or [DEFAULT.identifier]:
        condition = CONDITIONS[name]
        if args.force or not condition.profile.is_file():
            print(f"building the ICC profile of {name} (about a minute) ...", flush=True)
            try:
                build_profile(condition)
            except (ProfileMissing, subprocess.CalledProcessError, OSError) as error:
                print(error, file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
