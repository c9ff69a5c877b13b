"""GraphML for Gephi, yEd and networkx: named key ids, typed attributes, XML 1.0 safe.

Written by hand with ElementTree rather than networkx: networkx's default key
ids (d0, d1…) collide with the yEd keys Gephi reads first, its key types
follow whatever Python value it meets first, and it writes forbidden control
characters as they come. Here every key has an id named after its attribute
(`n_label`, `e_weight`), `for` and `attr.type`; numbers are `int`/`double` so
Gephi's filters and GeoLayout see numbers; strings were cleaned by
`kg.export.tables`.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from kg.export.xmldoc import element, start_tag, write_streamed
from kg.export.tables import edge_rows, node_rows
from kg.graph import KnowledgeGraph

NS = "http://graphml.graphdrawing.org/xmlns"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"

# attribute -> GraphML attr.type; node ids "n_<attr>", edge ids "e_<attr>" keep the two kinds apart.
NODE_KEYS = {"label": "string", "type": "string", "family": "string", "code": "string",
             "latitude": "double", "longitude": "double", "reports": "int", "iri": "string"}
EDGE_KEYS = {"relation": "string", "weight": "double"}


def _text(value, typ: str) -> str:
    if typ == "int":
        return str(int(value))
    if typ == "double":
        return repr(float(value))
    return str(value)


def _data(parent: ET.Element, prefix: str, keys: dict, row: dict) -> None:
    for name, typ in keys.items():
        if row.get(name) is not None:
            ET.SubElement(parent, "data", key=f"{prefix}_{name}").text = _text(row[name], typ)


def lines(g: KnowledgeGraph):
    """The document line by line: keys, then one line per node and per edge."""
    yield start_tag("graphml", {"xmlns": NS, "xmlns:xsi": XSI, "xsi:schemaLocation": SCHEMA})
    for prefix, target, keys in (("n", "node", NODE_KEYS), ("e", "edge", EDGE_KEYS)):
        for name, typ in keys.items():
            yield "  " + element(ET.Element("key", {"id": f"{prefix}_{name}", "for": target, "attr.name": name,
                                                    "attr.type": typ}))
    yield "  " + start_tag("graph", {"id": "county-kg", "edgedefault": "directed"})
    nodes = node_rows(g)
    for row in nodes:
        el = ET.Element("node", id=row["id"])
        _data(el, "n", NODE_KEYS, row)
        yield "    " + element(el)
    for row in edge_rows(g, {r["id"] for r in nodes}):
        el = ET.Element("edge", id=row["id"], source=row["source"], target=row["target"])
        _data(el, "e", EDGE_KEYS, row)
        yield "    " + element(el)
    yield "  </graph>"
    yield "</graphml>"


def to_xml(g: KnowledgeGraph) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + "".join(x + "\n" for x in lines(g))).encode("utf-8")


def write(g: KnowledgeGraph, path: Path) -> Path:
    write_streamed(path, lines(g))
    return path
