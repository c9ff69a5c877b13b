"""A map of the graph's counties, drawn offline from outlines keyed by GB/T 2260 code (`kg map`, `kg review`).

    from kg.map import county_values, render_svg
    values = county_values(kg.open("outputs"))                  # code -> reports
    values = county_values(g, initiative="党史学习教育")          # code -> implemented there?
    svg = render_svg(values, title="…")                          # an <svg> to save or put in a page

Counties are shaded by their number (a sequential scale with a legend) or,
for yes/no values, in two colours; provinces are drawn for context. The
outlines ship in kg/data/maps/ (kg.map.outlines); a county whose code changed
since they were made is found by its name (see `kg.map.outlines.locate`).
Modules: outlines (data, code lookup), projection (Albers), scale (colours,
legend), scene (shapes in pixels), svg, html, png (Pillow, the `[png]` extra),
values (what the graph says).
"""
from __future__ import annotations

from kg.map.values import Initiative, UnknownInitiative, county_values, find_initiative


def render_svg(values: dict, title: str = "", legend: str = "reports", width: int = 960,
               inline: bool = False) -> str:
    """An SVG map of `values` (GB/T 2260 code -> number, or code -> bool): each county a <path> with
    `data-code`, `data-name` (and `data-value`, class `kgmap-valued` when it has a value) and a <title>
    tooltip; `legend` heads the legend (what is counted, or for yes/no values the initiative); `width`
    in px (the height follows); `inline` leaves out the XML namespaces, for a place inside an HTML page."""
    from kg.map import scene, svg

    return svg.render(scene.build(values, title, legend, width), inline=inline)


def render_html(values: dict, title: str = "", legend: str = "reports", width: int = 960) -> str:
    """The same map in a standalone HTML page (inline CSS and script, nothing fetched; hover shows the county)."""
    from kg.map import html, scene

    return html.render(scene.build(values, title, legend, width))


def render_png(values: dict, title: str = "", legend: str = "reports", width: int = 1600) -> bytes:
    """The same map as PNG bytes; needs Pillow (`pip install 'county-kg[png]'`), else MissingExtra."""
    from kg.map import png, scene

    return png.render(scene.build(values, title, legend, width))


__all__ = ["Initiative", "UnknownInitiative", "county_values", "find_initiative", "render_html", "render_png",
           "render_svg"]
