"""Streamed XML for GraphML and GEXF: each node or edge is built as a small ElementTree element, written as
one line, and dropped, so a large graph never sits in memory as a tree.

`element` serialises with ElementTree's escaping rules but without `ET.tostring`, whose per-call set-up
(a writer, namespace discovery) was most of the export time on a large graph; the bytes are the same.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

# ElementTree's escaping: text escapes & < >; attributes also " and the whitespace controls (a raw CR or
# TAB would otherwise come back as a space or LF).
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                       "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"})


def attr(value) -> str:
    """An attribute value escaped as ElementTree escapes it."""
    return str(value).translate(_ATTR)


def text(value) -> str:
    """Element text escaped as ElementTree escapes it (and a CR, which would come back as LF)."""
    return str(value).translate(_TEXT)


def _open(tag: str, attrib: dict) -> str:
    return "<" + tag + "".join(f' {k}="{attr(v)}"' for k, v in attrib.items())


def _write(el: ET.Element, out: list) -> None:
    out.append(_open(el.tag, el.attrib))
    if el.text or len(el):
        out.append(">")
        if el.text:
            out.append(text(el.text))
        for child in el:
            _write(child, out)
        out.append(f"</{el.tag}>")
    else:
        out.append(" />")
    if el.tail:
        out.append(text(el.tail))


def element(el: ET.Element) -> str:
    """One element on one line, escaped as ElementTree escapes it (a CR in text too: it would come back as LF)."""
    out: list[str] = []
    _write(el, out)
    return "".join(out)


def start_tag(tag: str, attrs: dict) -> str:
    """`<tag a="…">` with ElementTree's attribute escaping."""
    return _open(tag, attrs) + ">"


_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def to_bytes(lines) -> bytes:
    """The document `write_streamed` writes, in memory (for tests and small graphs)."""
    return (_DECLARATION + "".join(x + "\n" for x in lines)).encode("utf-8")


def write_streamed(path, lines) -> None:
    """Write an XML document line by line, atomically: no tree of the whole graph in memory."""
    from kg.atomic import atomic_path

    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(_DECLARATION)
        for line in lines:
            fh.write(line)
            fh.write("\n")
