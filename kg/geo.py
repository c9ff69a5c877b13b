"""County coordinates (WGS84 latitude/longitude) by GB/T 2260 code, from cpca's table in kg/data/divisions/.

`adcodes.csv` (from the cpca package, MIT; see kg/data/divisions/README.md and
scripts/update_divisions.py) holds adcode (12 digits), name, longitude and
latitude for every province, prefecture and county. It ships with county-kg
rather than through cpca, which would install pandas for this one file.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

SOURCE = Path(__file__).resolve().parent / "data" / "divisions" / "adcodes.csv"


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    with SOURCE.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            try:
                lat, lon = float(row["latitude"]), float(row["longitude"])
            except (KeyError, TypeError, ValueError):
                continue
            code = (row.get("adcode") or "")[:6]
            if len(code) == 6 and code.isdigit():
                out.setdefault(code, (lat, lon))
    return out


def coordinates(code: str | None) -> tuple[float, float] | None:
    """(latitude, longitude) of the division with this 6-digit code, or None when unknown."""
    if not code:
        return None
    return _table().get(str(code)[:6])
