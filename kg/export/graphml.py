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

from kg.export.xmldoc import attr, element, start_tag, text, to_bytes, write_streamed
from kg.export.tables import NODE_ATTRIBUTES
from kg.export.tables import rows as table_rows
from kg.graph import KnowledgeGraph

NS = "http://graphml.graphdrawing.org/xmlns"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"

# attribute -> GraphML attr.type; node ids "n_<attr>", edge ids "e_<attr>" keep the two kinds apart.
# Node keys are the table's attribute columns (`kg.export.tables.NODE_ATTRIBUTES`), typed from it.
_TYPES = {str: "string", int: "int", float: "double"}
NODE_KEYS = {name: _TYPES[typ] for name, typ in NODE_ATTRIBUTES.items()}
EDGE_KEYS = {"relation": "string", "weight": "double"}


def _text(value, typ: str) -> str:
    if typ == "int":
        return str(int(value))
    if typ == "double":
        return repr(float(value))
    return str(value)


def _data(prefix: str, keys: dict, row: dict) -> str:
    """The row's `<data>` children, one per key that has a value (formatted directly: a node or edge
    is one f-string, not an ElementTree element; the bytes are the same)."""
    return "".join(f'<data key="{prefix}_{name}">{text(_text(row[name], typ))}</data>'
                   for name, typ in keys.items() if row.get(name) is not None)


def lines(g: KnowledgeGraph, table: tuple | None = None):
    """The document line by line: keys, then one line per node and per edge."""
    yield start_tag("graphml", {"xmlns": NS, "xmlns:xsi": XSI, "xsi:schemaLocation": SCHEMA})
    for prefix, target, keys in (("n", "node", NODE_KEYS), ("e", "edge", EDGE_KEYS)):
        for name, typ in keys.items():
            yield "  " + element(ET.Element("key", {"id": f"{prefix}_{name}", "for": target, "attr.name": name,
                                                    "attr.type": typ}))
    yield "  " + start_tag("graph", {"id": "county-kg", "edgedefault": "directed"})
    nodes, edges = table or table_rows(g)
    for row in nodes:
        data = _data("n", NODE_KEYS, row)
        yield f'    <node id="{attr(row["id"])}">{data}</node>' if data else f'    <node id="{attr(row["id"])}" />'
    for row in edges:
        head = f'    <edge id="{attr(row["id"])}" source="{attr(row["source"])}" target="{attr(row["target"])}"'
        data = _data("e", EDGE_KEYS, row)
        yield f"{head}>{data}</edge>" if data else f"{head} />"
    yield "  </graph>"
    yield "</graphml>"


def to_xml(g: KnowledgeGraph) -> bytes:
    return to_bytes(lines(g))


def write(g: KnowledgeGraph, path: Path, table: tuple | None = None) -> Path:
    """`table` is `kg.export.tables.rows(g)` when the caller has it already."""
    write_streamed(path, lines(g, table))
    return path
