"""Cells a spreadsheet shows as text: the claim CSV and the centre's reports (CSV and XLSX) write through this.

Pure: no ORM, no request.
"""

from __future__ import annotations

#: A cell starting with one of these is read by a spreadsheet as a formula (or a DDE command).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: object) -> str:
    """`value` as text a spreadsheet shows as written: a leading =, +, -, @ or control character would start a
    formula, so such a cell is prefixed with an apostrophe."""
    text = str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text
