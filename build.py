#!/usr/bin/env python3
"""Build the patient information folders: `python build.py --help`. The logic lives in folderpers/."""

import sys
from pathlib import Path

from folderpers.cli import main

if __name__ == "__main__":
    sys.exit(main(root=Path(__file__).resolve().parent))
