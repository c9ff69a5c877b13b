"""China's administrative divisions, from jionlp's list shipped in kg/data/divisions/.

`china_location.txt` (zipped, as jionlp publishes it; Apache-2.0, see
kg/data/divisions/README.md and scripts/update_divisions.py) holds every
province, prefecture, county-level unit (with its GB/T 2260 code and short
form), town and village, one per line, indented by level. The file ships with
county-kg rather than through the jionlp package, which would install a
148 MB segmenter for this one file. We keep counties with their towns and
villages, which is what county and place resolution need.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

# Suffixes that make a level-2 unit a county in ANNOTATION.md's sense.
COUNTY_SUFFIXES = ("自治县", "自治旗", "县", "旗", "市", "区", "特区", "林区")
# Suffixes whose removal gives a usable short form when the list gives none.
_SHORTEN = ("自治县", "联合旗", "自治旗", "县", "旗", "市", "区")


@dataclass
class County:
    name: str
    code: str
    short: str
    province: str
    prefecture: str
    towns: dict[str, set[str]] = field(default_factory=dict, repr=False)  # town -> villages

    @property
    def villages(self) -> dict[str, str]:
        """village -> town, for places named without their town."""
        return {v: t for t, vs in self.towns.items() for v in vs}


@dataclass
class Divisions:
    counties: list[County]
    by_name: dict[str, list[County]]   # full name and short form -> counties
    by_code: dict[str, County]
    prefectures: set[str]
    provinces: set[str]

    def lookup(self, name: str) -> list[County]:
        return self.by_name.get(name, [])


SOURCE = Path(__file__).resolve().parent / "data" / "divisions" / "china_location.zip"


def _location_lines() -> Iterator[str]:
    with zipfile.ZipFile(SOURCE) as zf, zf.open("china_location.txt") as raw:
        yield from io.TextIOWrapper(raw, encoding="utf-8")


def _short_form(name: str) -> str:
    for suffix in _SHORTEN:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _cache_file() -> Path | None:
    """Where the parsed list is kept between runs: the user's cache folder, keyed by the source file
    (path, size, time) and this module's code, so a new list or a changed parser is re-read."""
    import hashlib
    import os

    key = hashlib.sha256(Path(__file__).read_bytes())
    st = SOURCE.stat()
    key.update(f"{SOURCE}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "county-kg"
    return root / f"divisions-{key.hexdigest()[:16]}.pickle"


@lru_cache(maxsize=1)
def load() -> Divisions:
    """The division list, parsed once per process; the parse (700k lines, about 1.5 s) is also kept in
    the user's cache folder, which every later process (each build, each worker) reads in a fraction
    of that. A missing, unwritable or unreadable cache only costs the parse."""
    import pickle

    from kg.atomic import write_bytes

    path = _cache_file()
    try:
        found = pickle.loads(path.read_bytes())
        if isinstance(found, Divisions):
            return found
    except Exception:  # no cache yet, or a damaged one: parse again
        pass
    parsed = _parse()
    try:
        write_bytes(path, pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass
    return parsed


def _parse() -> Divisions:
    counties: list[County] = []
    prefectures: set[str] = set()
    provinces: set[str] = set()
    province = prefecture = ""
    county: County | None = None
    town: str | None = None
    for raw in _location_lines():
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip("\t"))
        parts = line.strip("\t").split("\t")
        name = parts[0].strip()
        if depth == 0:
            province, county = name, None
            provinces.add(name)
        elif depth == 1:
            prefecture, county = name, None
            prefectures.add(name)
        elif depth == 2:
            code = parts[1].strip() if len(parts) > 1 else ""
            if not code or not name.endswith(COUNTY_SUFFIXES) or name == "市辖区":
                county = None
                continue
            alias = parts[2].strip() if len(parts) > 2 and parts[2].strip() else _short_form(name)
            county = County(name, code, alias, province, prefecture)
            counties.append(county)
        elif depth == 3 and county is not None:
            town = name
            county.towns.setdefault(town, set())
        elif depth == 4 and county is not None and town is not None:
            county.towns[town].add(name)
    by_name: dict[str, list[County]] = {}
    by_code: dict[str, County] = {}
    for c in counties:
        by_code.setdefault(c.code, c)
        for key in {c.name, c.short}:
            by_name.setdefault(key, []).append(c)
    return Divisions(counties, by_name, by_code, prefectures, provinces)
