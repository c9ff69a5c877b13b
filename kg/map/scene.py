"""The map of some values as shapes in pixels: provinces, counties with their colour and tooltip, the
legend. kg.map.svg and kg.map.png draw the same scene, so the SVG, the HTML page and the PNG agree.

Every county of the outlines is an area (blank when it has no value); a county
with a value whose outline is too small to see at this size, or that has only
coordinates (see kg.map.outlines.locate), is drawn as a dot, so a county with
a value never disappears from the map.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kg.map import outlines as kout
from kg.map.frame import MARGIN, PxPolygons, layout
from kg.map.scale import Scale, scale_for

TITLE_BAND = 34      # px above the map when there is a title
DOT_RADIUS = 2.5     # px
LEGEND_ROW = 18      # px per legend row
CREDIT_BAND = 14     # px under the legend for the data credit


@dataclass
class Area:
    """One county as drawn: its polygons in the main frame and in the inset (px; the first ring of each
    polygon is its exterior), or a dot (`dot`, px; `dot_in_inset` when it lies in the inset)."""

    code: str
    name: str
    value: object
    fill: str
    tooltip: str
    polygons: PxPolygons = field(default_factory=list)
    inset: PxPolygons = field(default_factory=list)
    dot: tuple[float, float] | None = None
    dot_in_inset: bool = False


@dataclass
class Scene:
    width: int
    height: int
    title: str
    provinces: list[PxPolygons]
    inset_provinces: list[PxPolygons]
    inset_box: tuple[float, float, float, float]   # x, y, width, height
    areas: list[Area]                              # blank counties first, then those with a value
    scale: Scale
    legend_at: tuple[float, float]                 # top left of the legend
    credit: str
    missing: list[tuple[str, str]]  # (code, name) of counties with a value and neither outline nor coordinates
    located: dict[str, str]         # code of each county with a value -> how kg.map.outlines.locate placed it


def describe(value, legend: str) -> str:
    """A county's value as its tooltip says it ("" for none)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f"{legend}: {'implemented there' if value else 'not found there'}"
    number = int(value) if float(value).is_integer() else value
    return f"{legend}: {number}"


def build(values: dict, title: str = "", legend: str = "reports", width: int = 960) -> Scene:
    """The scene of a map of `values` (GB/T 2260 code -> number or bool; see kg.map.render_svg)."""
    if not 200 <= width <= 8000:
        raise ValueError(f"map width {width} px: between 200 and 8000")
    values = {str(code)[:6]: v for code, v in values.items()}
    scale = scale_for(values, legend)
    lay = layout(int(width), MARGIN + (TITLE_BAND if title else 0))
    data = kout.load()
    valued: list[Area] = []
    taken: set[str] = set()     # outlines drawn for a county of `values`
    missing, located = [], {}
    for code in sorted(values):
        value = values[code]
        where = kout.locate(code)
        located[code] = where.how
        tip = " · ".join(t for t in (f"{where.name} ({code})", describe(value, legend)) if t)
        area = Area(code, where.name, value, scale.colour(value), tip)
        if where.outline is not None:
            taken.add(where.outline.code)
            area.polygons = lay.counties[where.outline.code]
            area.inset = lay.inset_counties.get(where.outline.code, [])
            if not area.polygons and not area.inset:
                area.dot = lay.centre(where.outline.code)
        elif where.point is not None:
            area.dot_in_inset, area.dot = lay.point(*where.point)
        else:
            missing.append((code, where.name))
            continue
        valued.append(area)
    blank = []
    for code, o in data.counties.items():
        if code in taken or code in values:
            continue
        main = lay.counties[code]
        inset = lay.inset_counties.get(code, [])
        if main or inset:
            blank.append(Area(code, o.name, None, scale.colour(None), f"{o.name} ({code})", main, inset))
    rows = len(scale.legend) + 1
    legend_at = (MARGIN + 4, lay.height - MARGIN - CREDIT_BAND - rows * LEGEND_ROW)
    return Scene(lay.width, lay.height, title, lay.provinces, lay.inset_provinces, lay.inset_box,
                 blank + valued, scale, legend_at, f"Outlines: {data.source} (MIT), simplified", missing, located)
