"""GEXF 1.3 for Gephi: typed attributes, colour by type, size by mentions, report dates on the timeline.

Colours carry no alpha (`a`): Gephi Lite ignores a `viz:color` that has one.

Written by hand with ElementTree (networkx writes GEXF 1.2draft and sets
`lastmodifieddate` to today, which breaks byte-identical builds). When any
report has a date (a sidecar's, the page's, or read from the text by
`kg.dates`), the graph is `dynamic` with `timeformat="date"` and
`timerepresentation="interval"`, and each node and edge has the open interval
`start`ing at the earliest dated report that states it (no `end`: what a
report stated stays stated), so Gephi's timeline plays the corpus in order and
shows initiatives spreading over counties as their `implements` edges appear;
undated ones are always present.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from kg.version import __version__
from kg.export.xmldoc import attr, element, start_tag, to_bytes, write_streamed
from kg.export.tables import NODE_ATTRIBUTES
from kg.export.tables import rows as table_rows
from kg.graph import KnowledgeGraph

NS = "http://gexf.net/1.3"
VIZ = "http://gexf.net/1.3/viz"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

# Node attributes are the table's attribute columns (`kg.export.tables.NODE_ATTRIBUTES`) but the label,
# which GEXF holds on the node itself.
_TYPES = {str: "string", int: "integer", float: "double"}
NODE_ATTRS = {name: _TYPES[typ] for name, typ in NODE_ATTRIBUTES.items() if name != "label"}
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


def _attvalues(attrs: dict, row: dict) -> str:
    """`<attvalues>` with one `<attvalue>` per attribute that has a value (formatted directly: a node or
    edge is one f-string, not an ElementTree element; the bytes are the same)."""
    values = "".join(f'<attvalue for="{name}" value="{attr(_value(row[name], typ))}" />'
                     for name, typ in attrs.items() if row.get(name) is not None)
    return f"<attvalues>{values}</attvalues>" if values else "<attvalues />"


def lines(g: KnowledgeGraph, table: tuple | None = None):
    """The document line by line: one line per node and per edge, no tree of the whole graph."""
    nodes, edges = table or table_rows(g)
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
        gattrs["timerepresentation"] = "interval"
    yield "  " + start_tag("graph", gattrs)
    yield from _attributes("node", NODE_ATTRS)
    yield from _attributes("edge", EDGE_ATTRS)
    yield "    <nodes>"
    for row in nodes:
        start = f' start="{attr(row["start"])}"' if dynamic and row["start"] else ""
        r, gr, b = COLORS.get(row["type"], (0, 0, 0))
        yield (f'      <node id="{attr(row["id"])}" label="{attr(row["label"])}"{start}>'
               f'{_attvalues(NODE_ATTRS, row)}<viz:size value="{4.0 + 6.0 * row["reports"]!r}" />'
               f'<viz:color r="{r}" g="{gr}" b="{b}" /></node>')  # no alpha: Gephi Lite drops a colour with one
    yield "    </nodes>"
    yield "    <edges>"
    for row in edges:
        start = f' start="{attr(row["start"])}"' if dynamic and row["start"] else ""
        yield (f'      <edge id="{attr(row["id"])}" source="{attr(row["source"])}" target="{attr(row["target"])}" '
               f'label="{attr(row["relation"])}" weight="{attr(repr(row["weight"]))}"{start}>'
               f'{_attvalues(EDGE_ATTRS, {**row, "reports": int(row["weight"])})}</edge>')
    yield "    </edges>"
    yield "  </graph>"
    yield "</gexf>"


def to_xml(g: KnowledgeGraph) -> bytes:
    return to_bytes(lines(g))


def write(g: KnowledgeGraph, path: Path, table: tuple | None = None) -> Path:
    """`table` is `kg.export.tables.rows(g)` when the caller has it already."""
    write_streamed(path, lines(g, table))
    return path
