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

from kg.export.atomic import write_bytes
from kg.export.xmldoc import document_bytes
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


def to_xml(g: KnowledgeGraph) -> bytes:
    root = ET.Element("graphml", {"xmlns": NS, "xmlns:xsi": XSI, "xsi:schemaLocation": SCHEMA})
    for prefix, target, keys in (("n", "node", NODE_KEYS), ("e", "edge", EDGE_KEYS)):
        for name, typ in keys.items():
            ET.SubElement(root, "key", {"id": f"{prefix}_{name}", "for": target, "attr.name": name, "attr.type": typ})
    graph = ET.SubElement(root, "graph", id="county-kg", edgedefault="directed")
    nodes = node_rows(g)
    for row in nodes:
        _data(ET.SubElement(graph, "node", id=row["id"]), "n", NODE_KEYS, row)
    for row in edge_rows(g, {r["id"] for r in nodes}):
        _data(ET.SubElement(graph, "edge", id=row["id"], source=row["source"], target=row["target"]),
              "e", EDGE_KEYS, row)
    return document_bytes(root)


def write(g: KnowledgeGraph, path: Path) -> Path:
    write_bytes(path, to_xml(g))
    return path
