"""The flat view of the graph (one row per node, one per edge) and its CSV export.

GraphML, GEXF and the CSV files all render these rows, so a node has the same
id, label, type, family, coordinates and counts in every tool. Strings are
cleaned of characters XML 1.0 cannot carry; missing values are None. In the CSV
files a cell that a spreadsheet would run as a formula starts with ' (`kg.csvsafe`).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from kg.alignments import iso_date
from kg.csvsafe import cell
from kg.export.atomic import write_bytes
from kg.geo import coordinates
from kg.graph import KnowledgeGraph
from kg.mapping import _safe, node_iri, report_iri
from kg.taxonomy import families_of

# column -> Python type; exporters declare these types (int -> int/integer, float -> double).
NODE_COLUMNS: dict[str, type] = {
    "id": str, "iri": str, "label": str, "type": str, "family": str, "code": str,
    "latitude": float, "longitude": float, "reports": int, "start": str, "report_files": str,
}
EDGE_COLUMNS: dict[str, type] = {
    "id": str, "source": str, "target": str, "relation": str, "weight": int, "start": str, "report_files": str,
}


def node_id(ref: tuple[str, str]) -> str:
    return f"{ref[0]}:{_safe(ref[1])}"


def _report_dates(g: KnowledgeGraph) -> dict[str, str]:
    """Each dated report's ISO date (most corpora have few or none)."""
    dates = {r: iso_date(meta.get("date")) for r, meta in g.reports.items() if meta.get("date")}
    return {r: d for r, d in dates.items() if d}


def _first_date(dates: dict[str, str], reports) -> str | None:
    if not dates:
        return None
    days = [dates[r] for r in reports if r in dates]
    return min(days) if days else None


def rows(g: KnowledgeGraph) -> tuple[list[dict], list[dict]]:
    """(node rows, edge rows): computed once and shared by every exporter of a build."""
    nodes = node_rows(g)
    return nodes, edge_rows(g, {r["id"] for r in nodes})


def node_rows(g: KnowledgeGraph) -> list[dict]:
    """Reports first (by file name), then entities in the graph's sorted order."""
    rows = []
    dates = _report_dates(g)
    for name in sorted(g.reports):
        rows.append({"id": node_id(("Report", name)), "iri": report_iri(name).value, "label": _safe(name),
                     "type": "Report", "family": None, "code": None, "latitude": None, "longitude": None,
                     "reports": 1, "start": _first_date(dates, [name]), "report_files": _safe(name)})
    fams = families_of(g)
    for n in g.sorted_nodes():
        code = n.attrs.get("code") if n.type == "County" else None
        pos = coordinates(code) if code else None
        rows.append({
            "id": node_id(n.ref), "iri": node_iri(n.ref, n).value, "label": _safe(n.label), "type": n.type,
            "family": fams.get(n.ref), "code": str(code) if code else None,
            "latitude": pos[0] if pos else None, "longitude": pos[1] if pos else None,
            "reports": len(n.reports), "start": _first_date(dates, n.reports),
            "report_files": ";".join(_safe(r) for r in sorted(n.reports)),
        })
    return rows


def edge_rows(g: KnowledgeGraph, ids: set[str] | None = None) -> list[dict]:
    """Edges whose two ends are nodes (`ids`, default: all node rows), in sorted order."""
    ids = ids if ids is not None else {r["id"] for r in node_rows(g)}
    rows = []
    dates = _report_dates(g)
    for e in g.sorted_edges():
        s, t = node_id(e.source), node_id(e.target)
        if s in ids and t in ids:
            rows.append({"id": f"e{len(rows)}", "source": s, "target": t, "relation": e.type,
                         "weight": len(e.reports), "start": _first_date(dates, e.reports),
                         "report_files": ";".join(_safe(r) for r in sorted(e.reports))})
    return rows


def _csv(rows: list[dict], columns) -> bytes:
    buf = io.StringIO()
    # RFC 4180 line ends: with "\r\n" as terminator the csv module quotes any field holding \r or \n
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(list(columns))
    for r in rows:
        w.writerow([cell(r.get(c)) for c in columns])  # a label "=HYPERLINK(…)" is written '=HYPERLINK(…)
    return buf.getvalue().encode("utf-8")


def write(g: KnowledgeGraph, nodes_path: Path, edges_path: Path, table: tuple | None = None) -> list[Path]:
    """nodes.csv and edges.csv (UTF-8, RFC 4180 quoting, '\\n' line ends, formula-like cells prefixed with '
    by `kg.csvsafe`); `table` is `rows(g)` if at hand."""
    nodes, edges = table or rows(g)
    write_bytes(nodes_path, _csv(nodes, NODE_COLUMNS))
    write_bytes(edges_path, _csv(edges, EDGE_COLUMNS))
    return [nodes_path, edges_path]
