"""GEXF 1.3 for Gephi: typed attributes, colour by type, size by mentions, report dates on the timeline.

Written by hand with ElementTree (networkx writes GEXF 1.2draft and sets
`lastmodifieddate` to today, which breaks byte-identical builds). When any
report has a date, the graph is `dynamic` with `timeformat="date"` and each
node and edge `start`s at the earliest dated report that states it, so
Gephi's timeline plays the corpus in order; undated ones are always present.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from kg import __version__
from kg.export.xmldoc import element, start_tag, write_streamed
from kg.export.tables import edge_rows, node_rows
from kg.graph import KnowledgeGraph

NS = "http://gexf.net/1.3"
VIZ = "http://gexf.net/1.3/viz"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

NODE_ATTRS = {"type": "string", "family": "string", "code": "string", "latitude": "double",
              "longitude": "double", "reports": "integer", "iri": "string"}
EDGE_ATTRS = {"relation": "string", "reports": "integer"}

# Colour per node type (r, g, b): one hue family per kind of thing.
COLORS = {
    "Report": (150, 150, 150), "County": (214, 39, 40), "Place": (255, 152, 150),
    "Official": (31, 119, 180), "Person": (174, 199, 232), "Programme": (44, 160, 44),
    "Mechanism": (152, 223, 138), "Group": (255, 127, 14), "Target": (148, 103, 189),
}


def _value(value, typ: str) -> str:
    if typ in ("integer", "long"):
        return str(int(value))
    if typ in ("double", "float"):
        return repr(float(value))
    return str(value)


def _attributes(cls: str, attrs: dict) -> list[str]:
    out = ["    " + start_tag("attributes", {"class": cls, "mode": "static"})]
    for name, typ in attrs.items():
        out.append("      " + element(ET.Element("attribute", id=name, title=name, type=typ)))
    out.append("    </attributes>")
    return out


def _attvalues(parent: ET.Element, attrs: dict, row: dict) -> None:
    el = ET.SubElement(parent, "attvalues")
    for name, typ in attrs.items():
        if row.get(name) is not None:
            ET.SubElement(el, "attvalue", {"for": name, "value": _value(row[name], typ)})


def lines(g: KnowledgeGraph):
    """The document line by line: one line per node and per edge, no tree of the whole graph."""
    nodes = node_rows(g)
    edges = edge_rows(g, {r["id"] for r in nodes})
    dynamic = any(r["start"] for r in nodes)
    yield start_tag("gexf", {"xmlns": NS, "xmlns:viz": VIZ, "xmlns:xsi": XSI,
                             "xsi:schemaLocation": f"{NS} {NS}/gexf.xsd", "version": "1.3"})
    meta = ET.Element("meta")
    ET.SubElement(meta, "creator").text = f"county-kg {__version__}"
    ET.SubElement(meta, "description").text = "County party-building reports as a knowledge graph"
    yield "  " + element(meta)
    gattrs = {"defaultedgetype": "directed", "mode": "dynamic" if dynamic else "static"}
    if dynamic:
        gattrs["timeformat"] = "date"
    yield "  " + start_tag("graph", gattrs)
    yield from _attributes("node", NODE_ATTRS)
    yield from _attributes("edge", EDGE_ATTRS)
    yield "    <nodes>"
    for row in nodes:
        el = ET.Element("node", id=row["id"], label=row["label"])
        if dynamic and row["start"]:
            el.set("start", row["start"])
        _attvalues(el, NODE_ATTRS, row)
        r, gr, b = COLORS.get(row["type"], (0, 0, 0))
        ET.SubElement(el, "viz:size", value=repr(4.0 + 6.0 * row["reports"]))
        ET.SubElement(el, "viz:color", r=str(r), g=str(gr), b=str(b), a="1.0")
        yield "      " + element(el)
    yield "    </nodes>"
    yield "    <edges>"
    for row in edges:
        el = ET.Element("edge", id=row["id"], source=row["source"], target=row["target"],
                        label=row["relation"], weight=repr(row["weight"]))
        if dynamic and row["start"]:
            el.set("start", row["start"])
        _attvalues(el, EDGE_ATTRS, {**row, "reports": int(row["weight"])})
        yield "      " + element(el)
    yield "    </edges>"
    yield "  </graph>"
    yield "</gexf>"


def to_xml(g: KnowledgeGraph) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + "".join(x + "\n" for x in lines(g))).encode("utf-8")


def write(g: KnowledgeGraph, path: Path) -> Path:
    write_streamed(path, lines(g))
    return path
