"""Streamed XML for GraphML and GEXF: each node or edge is built and escaped by ElementTree, written as one
line, and dropped, so a large graph never sits in memory as a tree."""
from __future__ import annotations

import xml.etree.ElementTree as ET


def element(el: ET.Element) -> str:
    """One element, escaped by ElementTree, on one line (a raw CR in text is escaped, or it would come back as LF; ElementTree escapes it in attributes)."""
    return ET.tostring(el, encoding="unicode").replace("\r", "&#13;")


def start_tag(tag: str, attrs: dict) -> str:
    """`<tag a="…">` with ElementTree's attribute escaping."""
    empty = ET.tostring(ET.Element(tag, attrs), encoding="unicode")
    return empty[: -len(" />")] + ">"


def write_streamed(path, lines) -> None:
    """Write an XML document line by line, atomically: no tree of the whole graph in memory."""
    from kg.export.atomic import atomic_path

    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        for line in lines:
            fh.write(line)
            fh.write("\n")
