"""A scene (kg.map.scene) as SVG text: one <path> per county with a <title> tooltip, provinces as context.

Made to be embedded as it is (in `kg review`'s overview) as well as saved: no
stylesheet, every colour an attribute, classes and ids prefixed `kgmap-`; each
county is a <path> in `g.kgmap-counties` with its code and name in `data-code`
and `data-name`, and, when it has a value, class `kgmap-valued` and
`data-value` (true/false or the number), for a page's script or CSS.
Coordinates are whole tenths of a pixel (the map group is scaled by 0.1) and
each ring relative to its first point, which keeps the file small. Every text
(county names, a title from an initiative's scraped name) is escaped, and
characters XML 1.0 cannot carry are removed.
"""
from __future__ import annotations

import re

from kg.export.xmldoc import attr, text
from kg.map.scene import DOT_RADIUS, LEGEND_ROW, Area, Scene

NS = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, WenQuanYi Micro Hei, sans-serif"
COUNTY_STROKE = "#d3cfc4"
VALUED_STROKE = "#5a2a20"
PROVINCE_STROKE = "#7d7d7d"
INSET_CAPTION = "South China Sea islands"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(value) -> str:
    """`value` as text XML 1.0 can carry (controls and lone surrogates removed)."""
    return _NOT_XML.sub("", str(value))


def _ints(numbers) -> str:
    """Integers as SVG path data: a space between them, none before a minus sign."""
    return "".join(str(n) if n < 0 else f" {n}" for n in numbers).lstrip()


def path_data(polygons) -> str:
    """Rings in px as path data in tenths of a pixel: M to the first point, l to each next, z."""
    parts = []
    for poly in polygons:
        for ring in poly:
            pts = [(round(x * 10), round(y * 10)) for x, y in ring]
            deltas = []
            for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
                if (x1, y1) != (x0, y0):
                    deltas += (x1 - x0, y1 - y0)
            parts.append(f"M{_ints(pts[0])}" + (f"l{_ints(deltas)}" if deltas else "") + "z")
    return "".join(parts)


def dot_data(x: float, y: float, r: float = DOT_RADIUS) -> str:
    """A circle as path data (two arcs), in tenths of a pixel, so a dot is a <path> like any county."""
    cx, cy, r10 = round(x * 10), round(y * 10), round(r * 10)
    return f"M{cx - r10} {cy}a{r10} {r10} 0 1 0 {2 * r10} 0a{r10} {r10} 0 1 0 {-2 * r10} 0z"


def _path(a: Area, polygons, dot) -> str:
    d = path_data(polygons) if polygons else dot_data(*dot)
    valued = ""
    if a.value is not None:
        valued = (f' class="kgmap-valued" stroke="{VALUED_STROKE}" stroke-width="6" '
                  f'data-value="{attr(clean(_plain(a.value)))}"')
    return (f'<path d="{d}" fill="{a.fill}"{valued} data-code="{attr(clean(a.code))}" '
            f'data-name="{attr(clean(a.name))}"><title>{text(clean(a.tooltip))}</title></path>')


def _counties(areas: list[Area], inset: bool) -> list[str]:
    out = []
    for a in areas:
        polygons = a.inset if inset else a.polygons
        dot = a.dot if a.dot is not None and a.dot_in_inset == inset else None
        if polygons or dot is not None:
            out.append(_path(a, polygons, dot))
    return out


def _plain(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(int(value)) if float(value).is_integer() else str(value)


def _legend(scene: Scene) -> list[str]:
    x, y = scene.legend_at
    out = [f'<g class="kgmap-legend" font-family="{FONT}" font-size="12" fill="#333">',
           f'<text x="{x:.1f}" y="{y + 12:.1f}" font-weight="bold">{text(clean(scene.scale.title))}</text>']
    for i, (colour, label) in enumerate(scene.scale.legend):
        ry = y + (i + 1) * LEGEND_ROW
        out.append(f'<rect x="{x:.1f}" y="{ry + 1:.1f}" width="16" height="12" fill="{colour}" '
                   f'stroke="{PROVINCE_STROKE}" stroke-width="0.6"/>'
                   f'<text x="{x + 22:.1f}" y="{ry + 11.5:.1f}">{text(clean(label))}</text>')
    out.append("</g>")
    return out


def render(scene: Scene, inline: bool = False) -> str:
    """The SVG document (no XML declaration). `inline`: for a place inside an HTML page, without the
    namespace declarations and xlink, which HTML does not need (then the page names no URL at all)."""
    w, h = scene.width, scene.height
    title = clean(scene.title) or "Counties of the graph"
    blank = scene.scale.colour(None)
    # ids name the geometry (the size), so two maps on one page never point at each other's shapes
    ids = {k: f"kgmap-{k}-{w}x{h}" for k in ("provinces", "inset-provinces", "inset-clip")}
    ix, iy, iw, ih = scene.inset_box

    def use(key: str, **attrs) -> str:
        more = " ".join(f'{k.replace("_", "-")}="{v}"' for k, v in attrs.items())
        xlink = "" if inline else f' xlink:href="#{ids[key]}"'
        return f'<use href="#{ids[key]}"{xlink} {more} pointer-events="none"/>'

    def frame(provinces: str, areas: list[str]) -> list[str]:
        """Land under the counties, the counties, province borders over them (one <path> drawn twice)."""
        return [use(provinces, fill=blank, fill_rule="evenodd", stroke="none"),
                f'<g class="kgmap-counties" fill-rule="evenodd" stroke="{COUNTY_STROKE}" stroke-width="2.5">',
                *areas, "</g>", use(provinces, fill="none", stroke=PROVINCE_STROKE, stroke_width="6")]

    namespaces = "" if inline else f'xmlns="{NS}" xmlns:xlink="{XLINK}" '
    out = [f'<svg {namespaces}class="kgmap" viewBox="0 0 {w} {h}" width="{w}" '
           f'height="{h}" role="img" aria-label="{attr(title)}">',
           f"<title>{text(title)}</title>",
           f'<rect class="kgmap-sea" width="{w}" height="{h}" fill="#ffffff"/>',
           '<g transform="scale(0.1)" stroke-linejoin="round">',
           f'<defs><path id="{ids["provinces"]}" d="{"".join(path_data(p) for p in scene.provinces)}"/>'
           f'<path id="{ids["inset-provinces"]}" d="{"".join(path_data(p) for p in scene.inset_provinces)}"/>'
           f'<clipPath id="{ids["inset-clip"]}"><rect x="{round(ix * 10)}" y="{round(iy * 10)}" '
           f'width="{round(iw * 10)}" height="{round(ih * 10)}"/></clipPath></defs>',
           *frame("provinces", _counties(scene.areas, inset=False)),
           f'<g class="kgmap-inset" clip-path="url(#{ids["inset-clip"]})">',
           f'<rect x="{round(ix * 10)}" y="{round(iy * 10)}" width="{round(iw * 10)}" height="{round(ih * 10)}" '
           'fill="#ffffff"/>',
           *frame("inset-provinces", _counties(scene.areas, inset=True)),
           "</g>",
           f'<rect x="{round(ix * 10)}" y="{round(iy * 10)}" width="{round(iw * 10)}" height="{round(ih * 10)}" '
           f'fill="none" stroke="{PROVINCE_STROKE}" stroke-width="6" pointer-events="none"/>',
           "</g>"]
    out.append(f'<text x="{ix + iw - 4:.1f}" y="{iy + ih - 5:.1f}" text-anchor="end" font-family="{FONT}" '
               f'font-size="9" fill="#666">{text(INSET_CAPTION)}</text>')
    if scene.title:
        out.append(f'<text x="12" y="30" font-family="{FONT}" font-size="18" font-weight="bold" '
                   f'fill="#222">{text(clean(scene.title))}</text>')
    out += _legend(scene)
    lx, _ = scene.legend_at
    out.append(f'<text x="{lx:.1f}" y="{h - 12}" font-family="{FONT}" font-size="9" '
               f'fill="#888">{text(clean(scene.credit))}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
