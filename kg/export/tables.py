"""The flat view of the graph (one row per node, one per edge) and its CSV export.

GraphML, GEXF and the CSV files all render these rows, so a node has the same
id, label, type, family, coordinates, counts, dates, degree and community in
every tool, and a figure its value, unit, what it counts, comparator, deadline
and kind (goal or achieved), an official its titles and county, as columns a
filter or a pivot table can use rather than text inside a label. Strings are
cleaned of characters XML 1.0 cannot carry; missing values are None.
`timeline.csv` gives the spread of initiatives: which county took up which
programme or mechanism, with the first and last date of the reports that say
so. The CSV files are UTF-8 with a BOM (so Excel opens them right by
double-click; `csv` and pandas read them with `utf-8-sig`), and a cell that a
spreadsheet would run as a formula starts with ' (`kg.csvsafe`).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from kg.rdf.alignments import iso_date
from kg.csvsafe import cell
from kg.atomic import write_bytes
from kg.geo import coordinates
from kg.graph import KnowledgeGraph
from kg.rdf.terms import safe_text, node_iri, report_iri
from kg.rdf.taxonomy import families_of

# column -> Python type; exporters declare these types (int -> int/integer, float -> double).
NODE_COLUMNS: dict[str, type] = {
    "id": str, "iri": str, "label": str, "type": str, "family": str, "code": str,
    "latitude": float, "longitude": float, "reports": int, "first_date": str, "last_date": str,
    "degree": int, "community": int,
    # figures (Target)
    "value": float, "value_max": float, "unit": str, "measures": str, "comparator": str, "deadline": str,
    "kind": str,
    # officials
    "titles": str, "county": str,
    "start": str, "report_files": str,
}
FIGURE_COLUMNS = ("value", "value_max", "unit", "measures", "comparator", "deadline", "kind")
# What GraphML and GEXF carry as typed node attributes: every column but the id, Gephi's timeline start
# and the long list of file names.
NODE_ATTRIBUTES: dict[str, type] = {k: t for k, t in NODE_COLUMNS.items()
                                    if k not in ("id", "start", "report_files")}
EDGE_COLUMNS: dict[str, type] = {
    "id": str, "source": str, "target": str, "relation": str, "weight": int, "start": str, "report_files": str,
}
# timeline.csv: one row per county and initiative it took up
TIMELINE_COLUMNS: dict[str, type] = {
    "county": str, "code": str, "initiative": str, "kind": str, "first_date": str, "last_date": str,
    "reports": int, "report_files": str,
}
INITIATIVES = ("Programme", "Mechanism")


def node_id(ref: tuple[str, str]) -> str:
    return f"{ref[0]}:{safe_text(ref[1])}"


def _report_dates(g: KnowledgeGraph) -> dict[str, str]:
    """Each dated report's ISO date (most corpora have few or none)."""
    dates = {r: iso_date(meta.get("date")) for r, meta in g.reports.items() if meta.get("date")}
    return {r: d for r, d in dates.items() if d}


def _first_date(dates: dict[str, str], reports) -> str | None:
    if not dates:
        return None
    days = [dates[r] for r in reports if r in dates]
    return min(days) if days else None


def _last_date(dates: dict[str, str], reports) -> str | None:
    days = [dates[r] for r in reports if r in dates] if dates else []
    return max(days) if days else None


def rows(g: KnowledgeGraph) -> tuple[list[dict], list[dict]]:
    """(node rows, edge rows): computed once and shared by every exporter of a build; each node row
    gets its `degree` and `community` from the edge rows (`kg.export.network`)."""
    from kg.export.network import degrees_and_communities

    nodes = node_rows(g)
    edges = edge_rows(g, {r["id"] for r in nodes})
    metrics = degrees_and_communities([r["id"] for r in nodes],
                                      [(e["source"], e["target"], e["weight"]) for e in edges])
    for r in nodes:
        r["degree"], r["community"] = metrics[r["id"]]
    return nodes, edges


def _facts(n, g: KnowledgeGraph) -> dict:
    """The columns that carry what a figure or an official states (None elsewhere)."""
    a = n.attrs
    out = dict.fromkeys(FIGURE_COLUMNS + ("titles", "county"))
    if n.type == "Target":
        for k in FIGURE_COLUMNS:
            v = a.get(k)
            out[k] = (float(v) if k in ("value", "value_max") else safe_text(str(v))) if v is not None else None
        out["kind"] = out["kind"] or "achieved"  # as the RDF says (ckg:targetKind)
        out["unit"] = out["unit"] if out["unit"] is not None else ""
    elif n.type == "Official":
        titles = a.get("titles") or []
        out["titles"] = "; ".join(safe_text(t) for t in titles) if titles else None
        county = a.get("county")
        if county:
            node = g.nodes.get(("County", county))
            out["county"] = safe_text(node.label if node is not None else str(county))
    return out


def node_rows(g: KnowledgeGraph) -> list[dict]:
    """Reports first (by file name), then entities in the graph's sorted order."""
    rows = []
    dates = _report_dates(g)
    for name in sorted(g.reports):
        day = dates.get(name)
        rows.append({"id": node_id(("Report", name)), "iri": report_iri(name).value, "label": safe_text(name),
                     "type": "Report", "family": None, "code": None, "latitude": None, "longitude": None,
                     "reports": 1, "first_date": day, "last_date": day, **dict.fromkeys(FIGURE_COLUMNS),
                     "titles": None, "county": None, "start": day, "report_files": safe_text(name)})
    fams = families_of(g)
    for n in g.sorted_nodes():
        code = n.attrs.get("code") if n.type == "County" else None
        pos = coordinates(code) if code else None
        rows.append({
            "id": node_id(n.ref), "iri": node_iri(n.ref, n).value, "label": safe_text(n.label), "type": n.type,
            "family": fams.get(n.ref), "code": str(code) if code else None,
            "latitude": pos[0] if pos else None, "longitude": pos[1] if pos else None,
            "reports": len(n.reports), "first_date": _first_date(dates, n.reports),
            "last_date": _last_date(dates, n.reports), **_facts(n, g), "start": _first_date(dates, n.reports),
            "report_files": ";".join(safe_text(r) for r in sorted(n.reports)),
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
                         "report_files": ";".join(safe_text(r) for r in sorted(e.reports))})
    return rows


def timeline_rows(g: KnowledgeGraph) -> list[dict]:
    """Which county took up which initiative (programme or mechanism) when: one row per `implements`
    edge from a county, with the first and last date of the reports that state it (None when none of
    them is dated) and how many reports do. In order of first report, undated rows last, then by
    county and initiative."""
    dates = _report_dates(g)
    rows = []
    for e in g.sorted_edges():
        county, initiative = g.nodes.get(e.source), g.nodes.get(e.target)
        if e.type != "implements" or county is None or initiative is None or county.type != "County" \
                or initiative.type not in INITIATIVES:
            continue
        code = county.attrs.get("code")
        rows.append({"county": safe_text(county.label), "code": str(code) if code else None,
                     "initiative": safe_text(initiative.label), "kind": initiative.type,
                     "first_date": _first_date(dates, e.reports), "last_date": _last_date(dates, e.reports),
                     "reports": len(e.reports), "report_files": ";".join(safe_text(r) for r in sorted(e.reports))})
    rows.sort(key=lambda r: (r["first_date"] is None, r["first_date"] or "", r["county"], r["initiative"], r["kind"]))
    return rows


def _text(value) -> str | None:
    """A value as its CSV cell shows it: a whole float without its '.0' (240, not 240.0)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def _csv(rows: list[dict], columns) -> bytes:
    buf = io.StringIO()
    # RFC 4180 line ends: with "\r\n" as terminator the csv module quotes any field holding \r or \n
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(list(columns))
    for r in rows:
        w.writerow([cell(_text(r.get(c))) for c in columns])  # "=HYPERLINK(…)" is written '=HYPERLINK(…)
    return buf.getvalue().encode("utf-8-sig")  # with a BOM: Excel reads UTF-8 only then


def write(g: KnowledgeGraph, nodes_path: Path, edges_path: Path, table: tuple | None = None,
          timeline_path: Path | None = None) -> list[Path]:
    """nodes.csv and edges.csv, and timeline.csv when `timeline_path` is given (UTF-8 with a BOM, RFC 4180
    quoting and CRLF line ends, formula-like cells prefixed with ' by `kg.csvsafe`); `table` is `rows(g)`
    if at hand."""
    nodes, edges = table or rows(g)
    write_bytes(nodes_path, _csv(nodes, NODE_COLUMNS))
    write_bytes(edges_path, _csv(edges, EDGE_COLUMNS))
    if timeline_path is None:
        return [nodes_path, edges_path]
    write_bytes(timeline_path, _csv(timeline_rows(g), TIMELINE_COLUMNS))
    return [nodes_path, edges_path, timeline_path]
