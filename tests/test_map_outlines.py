"""The shipped county outlines (kg/data/maps/), the code lookup with its fallbacks, and the projection."""
from __future__ import annotations

import hashlib
import math
import re
import xml.etree.ElementTree as ET

from kg import divisions
from kg.map import outlines, render_svg, scene
from kg.map.projection import RADIUS_KM, albers

DATA = outlines.SOURCE.parent


def test_shipped_outlines_are_the_ones_the_readme_names_and_small():
    """The README's hash is what scripts/make_county_outlines.py wrote: a hand edit of the data shows here."""
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"\| `([^`]+)` \| ([\w-]+) \(PyPI\) \| ([\w.]+) \| `(LICENSE\.[\w-]+)` \| `([0-9a-f]{64})` \|",
                      readme)
    assert [r[0] for r in rows] == ["outlines.zip"]
    name, package, version, licence, digest = rows[0]
    blob = (DATA / name).read_bytes()
    assert hashlib.sha256(blob).hexdigest() == digest
    assert "MIT License" in (DATA / licence).read_text(encoding="utf-8")
    assert len(blob) < 3_000_000
    data = outlines.load()
    assert data.source == f"{package} {version}"
    assert f"tolerance {data.tolerance}" in readme
    assert len(data.counties) > 2800 and len(data.provinces) == 34


def test_most_division_codes_have_an_outline_and_changed_codes_are_found_by_name():
    codes = sorted({c.code for c in divisions.load().counties})
    cover = outlines.coverage(codes)
    assert cover["code"] > 2800 and cover["name"] >= 20
    assert sum(cover.values()) == len(codes)
    # 澄江县 became 澄江市 with a new code; 公主岭市 moved to 长春 (a new prefecture code)
    assert outlines.locate("530422").how == "name" and outlines.locate("530422").outline.code == "530481"
    assert outlines.locate("220381").outline.name == "公主岭市"
    assert outlines.locate("510723").how == "code" and outlines.locate("510723").outline.name == "盐亭县"
    # a merged district has only its coordinates; a development zone (no outline, no coordinates) nothing
    assert outlines.locate("360105").how == "point"
    assert outlines.locate("510102").how == "none"


def test_a_county_found_by_name_is_drawn_in_its_outline_and_one_with_coordinates_as_a_dot():
    root = ET.fromstring(render_svg({"530422": 2, "360105": 1, "510102": 1}))
    paths = {p.get("data-code"): p for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("data-code")}
    assert paths["530422"].get("data-value") == "2" and "530481" not in paths  # not drawn twice
    assert paths["530422"].get("data-name") == "澄江县"
    assert paths["360105"].get("d").count("a") == 2  # a dot: two arcs
    assert "510102" not in paths
    drawn = scene.build({"530422": 2, "510102": 1})
    assert drawn.missing == [("510102", "成都高新技术产业开发区")]


def test_the_projection_is_equal_area():
    """A small cell's projected area equals its area on the sphere, in the south and the north of China."""
    d = 0.01
    for lon, lat in ((100.0, 20.0), (87.0, 44.0), (126.0, 52.0)):
        pts = [albers(lon, lat), albers(lon + d, lat), albers(lon + d, lat + d), albers(lon, lat + d)]
        area = abs(sum(pts[i][0] * pts[i - 1][1] - pts[i - 1][0] * pts[i][1] for i in range(4))) / 2
        sphere = RADIUS_KM ** 2 * math.radians(d) * (math.sin(math.radians(lat + d)) - math.sin(math.radians(lat)))
        assert abs(area / sphere - 1) < 1e-6


def test_many_counts_get_at_most_five_classes_darker_with_more_reports():
    from kg.map.scale import BLANK, SEQUENTIAL, scale_for

    values = {f"{i:06d}": i for i in range(0, 41)}
    s = scale_for(values)
    assert len(s.bounds) == 5 and s.bounds[0][0] == 1 and s.bounds[-1][1] == 40
    assert s.colour(0) == BLANK and s.colour(1) == SEQUENTIAL[0] and s.colour(40) == SEQUENTIAL[-1]
    ranks = [SEQUENTIAL.index(s.colour(v)) for v in range(1, 41)]
    assert ranks == sorted(ranks) and len(set(ranks)) == 5
    assert [label for _, label in s.legend] == ["20–40", "10–19", "5–9", "3–4", "1–2", "none"]  # log-spaced
