"""`kg map` and kg.map on the corpus build: the counties of the five reports shaded, an initiative's counties
coloured, the PNG and the HTML page, an unknown initiative. One corpus build (conftest's `built`)."""
from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

import kg
from kg.cli import main
from kg.map import county_values, render_svg, scale, scene

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def graph(built):
    return kg.open(built[1])


@pytest.fixture(scope="module")
def corpus_counties(graph):
    """GB/T 2260 code -> label of every county of the corpus build."""
    rows = graph.query("SELECT ?code ?label WHERE { ?c a ckg:County ; ckg:adminCode ?code ; rdfs:label ?label }")
    return {str(r["code"]): r["label"] for r in rows}


@pytest.fixture(scope="module")
def shared_initiative(graph):
    """A real initiative of the corpus build that some counties implement and others do not: the one
    implemented in the most counties (ties by label), and those counties' labels."""
    by_object: dict[str, set[str]] = {}
    for r in graph.relations("implements"):
        by_object.setdefault(r["object_label"], set()).add(r["subject_label"])
    label = min(by_object, key=lambda k: (-len(by_object[k]), k))
    return label, by_object[label]


def run(*args):
    return CliRunner().invoke(main, ["map", *args])


def county_paths(svg_text: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg_text)
    return {p.get("data-code"): p for p in root.iter(f"{SVG}path") if p.get("data-code")}


def test_the_reports_map_shades_the_corpus_counties_and_leaves_the_rest_blank(graph, corpus_counties, tmp_path):
    assert len(corpus_counties) == 5
    assert county_values(graph) == {code: 1 for code in corpus_counties}  # each named by one report
    result = run("--out", str(graph.out), "--to", str(tmp_path / "map.svg"))
    assert result.exit_code == 0, result.output
    assert "5 with reports" in result.stderr
    paths = county_paths((tmp_path / "map.svg").read_text(encoding="utf-8"))
    assert len(paths) > 2800
    for code, label in corpus_counties.items():
        p = paths[code]
        assert p.get("fill") not in (scale.BLANK, None) and p.get("data-value") == "1", label
        assert p.get("data-name") == label and p.find(f"{SVG}title").text == f"{label} ({code}) · reports: 1"
    assert {p.get("fill") for c, p in paths.items() if c not in corpus_counties} == {scale.BLANK}


def test_the_initiative_map_colours_only_the_counties_that_implement_it(graph, corpus_counties, shared_initiative,
                                                                        tmp_path):
    label, implementing = shared_initiative
    assert 1 < len(implementing) < len(corpus_counties)  # else the colours could not tell anything apart
    result = run("--out", str(graph.out), "--initiative", label, "--to", str(tmp_path / "i.svg"))
    assert result.exit_code == 0, result.output
    paths = county_paths((tmp_path / "i.svg").read_text(encoding="utf-8"))
    coloured = {paths[c].get("data-name") for c in corpus_counties if paths[c].get("fill") == scale.YES}
    assert coloured == implementing
    others = {c for c in corpus_counties if corpus_counties[c] not in implementing}
    assert {paths[c].get("fill") for c in others} == {scale.NO}
    assert {p.get("fill") for c, p in paths.items() if c not in corpus_counties} == {scale.BLANK}
    assert label in ET.fromstring((tmp_path / "i.svg").read_text(encoding="utf-8")).find(f"{SVG}title").text


def test_the_png_has_its_size_and_the_county_colour_where_a_corpus_county_lies(graph, corpus_counties, tmp_path):
    from PIL import Image

    result = run("--out", str(graph.out), "--to", str(tmp_path / "map.png"), "--width", "800")
    assert result.exit_code == 0, result.output
    image = Image.open(io.BytesIO((tmp_path / "map.png").read_bytes())).convert("RGB")
    drawn = scene.build(county_values(graph), "Reports per county", "reports", 800)
    assert image.size == (800, drawn.height)
    areas = {a.code: a for a in drawn.areas}
    for code in corpus_counties:
        x, y = inside(areas[code].polygons)
        assert close(image.getpixel((round(x), round(y))), areas[code].fill), corpus_counties[code]
    largest = max((a for a in drawn.areas if a.value is None and a.polygons), key=lambda a: ring_area(a.polygons))
    x, y = inside(largest.polygons)  # the largest county of no report stays blank
    assert close(image.getpixel((round(x), round(y))), scale.BLANK)


def test_the_html_page_is_well_formed_and_fetches_nothing(graph, corpus_counties, tmp_path):
    result = run("--out", str(graph.out), "--to", str(tmp_path / "map.html"), "--title", 'a <b>"title"</b> & more')
    assert result.exit_code == 0, result.output
    page = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert not re.search(r"https?://", page)
    root = ET.fromstring(page.removeprefix("<!DOCTYPE html>"))  # well-formed: every element closed
    assert root.find("head/title").text == 'a <b>"title"</b> & more'  # escaped, so it came back as text
    assert "default-src 'none'" in root.find("head/meta[@http-equiv='Content-Security-Policy']").get("content")
    svg = root.find("body/figure/svg")
    paths = {p.get("data-code"): p for p in svg.iter("path") if p.get("data-code")}
    assert all(paths[c].get("fill") != scale.BLANK for c in corpus_counties)
    assert root.find("body/figure/figcaption").get("id") == "kgmap-hover" and root.find("body/script") is not None


def test_an_unknown_initiative_is_one_line_naming_the_nearest_and_exit_2(graph, shared_initiative, tmp_path):
    label, _ = shared_initiative
    result = run("--out", str(graph.out), "--initiative", label[:-1], "--to", str(tmp_path / "x.svg"))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg map: no initiative named") and label in lines[0]
    assert not (tmp_path / "x.svg").exists()


def test_bad_targets_and_a_missing_build_are_one_line(graph, tmp_path):
    (tmp_path / "file").write_text("")
    for args, status, says in ((["--to", str(tmp_path / "m.pdf")], 2, "write .svg, .png or .html"),
                               (["--to", str(tmp_path / "m.svg"), "--out", str(tmp_path / "none")], 2, "run `kg build`"),
                               (["--to", str(tmp_path / "file" / "m.svg")], 1, "cannot write")):
        result = run(*(args if "--out" in args else args + ["--out", str(graph.out)]))
        assert result.exit_code == status, result.output
        assert len(result.stderr.strip().splitlines()) == 1 and says in result.stderr


def test_a_png_without_pillow_is_one_line_naming_the_extra(graph, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "PIL", None)  # as where Pillow is not installed: importing it fails
    result = run("--out", str(graph.out), "--to", str(tmp_path / "m.png"))
    assert result.exit_code == 1 and not (tmp_path / "m.png").exists()
    assert result.stderr.strip().splitlines() == [
        "kg map: a PNG map needs Pillow: pip install 'county-kg[png]' (or write .svg or .html)"]


def test_text_is_escaped_and_cleaned_in_the_svg():
    nasty = 'x<script>alert("&")</script>\x01\ud800'
    root = ET.fromstring(render_svg({"510723": 3}, title=nasty, legend=nasty))
    assert root.find(f"{SVG}title").text == 'x<script>alert("&")</script>'
    assert not list(root.iter(f"{SVG}script"))


def ring_area(polygons) -> float:
    from kg.map.frame import ring_area as area

    return max(area(poly[0]) for poly in polygons)


def inside(polygons) -> tuple[float, float]:
    """A point well inside the largest polygon: the middle of the widest run of a scanline through it."""
    ring = max((poly[0] for poly in polygons), key=lambda r: len(r))
    ys = [y for _, y in ring]
    best = None
    for k in range(1, 10):
        y = min(ys) + (max(ys) - min(ys)) * k / 10
        xs = sorted(x1 + (y - y1) * (x2 - x1) / (y2 - y1) for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1])
                    if (y1 <= y < y2) or (y2 <= y < y1))
        for a, b in zip(xs[::2], xs[1::2]):
            if best is None or b - a > best[0]:
                best = (b - a, (a + b) / 2, y)
    return best[1], best[2]


def close(pixel, colour: str, tolerance: int = 24) -> bool:
    want = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, want))
