"""Lengths in PDF files: user space units are points (1/72 inch); people and print shops speak mm.

The names say which way a factor converts: `length_mm * PT_PER_MM` is in points,
`length_pt * MM_PER_PT` is in millimetres.
"""

from __future__ import annotations

PT_PER_INCH = 72
MM_PER_INCH = 25.4
PT_PER_MM = PT_PER_INCH / MM_PER_INCH
MM_PER_PT = MM_PER_INCH / PT_PER_INCH
