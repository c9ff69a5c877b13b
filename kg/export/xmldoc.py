"""The XML declaration and body of an ElementTree document, as GraphML and GEXF both write it."""
from __future__ import annotations

import xml.etree.ElementTree as ET


def document_bytes(root: ET.Element) -> bytes:
    """Indented UTF-8 with a declaration; a raw CR in element text is escaped, or it would come back as LF
    (ElementTree already escapes it in attributes)."""
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body.replace("\r", "&#13;") + "\n").encode("utf-8")
