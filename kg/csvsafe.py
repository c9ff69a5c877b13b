"""CSV cells that a spreadsheet shows as text, never runs as a formula (OWASP "CSV Injection").

Labels come from scraped reports, so a cell may begin with `=HYPERLINK(…)`.
A cell beginning with =, +, -, @, a tab or a carriage return (or the
full-width ＝ ＋ － ＠ common in Chinese text) gets a leading apostrophe.
A cell that is a plain decimal number (-3.5, +1e3) is left as it is: it
holds no formula, and numbers stay numbers. Used by every CSV writer (nodes.csv,
edges.csv, `kg query --format csv`).
"""
from __future__ import annotations

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def cell(value) -> str:
    """The text to write for one cell: "" for None, numbers as they are, risky text prefixed with '."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(TRIGGERS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text
