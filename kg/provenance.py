"""Evidence as RDF: one named graph per report, holding its facts and the sentences behind them.

The default graph stays the merged contract. Each report's named graph
(`<report IRI>#graph`) repeats the contract triples of what that report says
and adds one PROV evidence record per (fact, sentence): the sentence, its
offsets in the original file, the rule id and the tool version, derived from
the report. The record names the triple it supports with ckg:subject,
ckg:predicate and ckg:object (no RDF reification), so one SPARQL pattern finds
the sentence behind any triple:

    GRAPH ?g { ?ev ckg:subject ?s ; ckg:predicate ckg:implements ; ckg:object ?o ; ckg:sentence ?text }
"""
from __future__ import annotations

import hashlib
from dataclasses import replace

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from kg import __version__
from kg.facts import Evidence
from kg.graph import Edge, KnowledgeGraph
from kg.mapping import ID, PROV, RDF, XSD, _safe, ckg, contract_triples, node_iri, report_iri, ordered

_A = NamedNode(RDF + "type")
_INT = NamedNode(XSD + "integer")
_DERIVED = NamedNode(PROV + "wasDerivedFrom")


def graph_iri(report: str) -> NamedNode:
    """The named graph of one report."""
    return NamedNode(report_iri(report).value + "#graph")


def evidence_iri(ev: Evidence, s: NamedNode, p: NamedNode, o: NamedNode) -> NamedNode:
    """Deterministic: the same sentence supporting the same fact by the same rule gets the same IRI."""
    key = "\x1f".join((ev.report, str(ev.start), str(ev.end), ev.rule, s.value, p.value, o.value))
    return NamedNode(f"{ID}evidence/{hashlib.sha1(key.encode('utf-8')).hexdigest()[:20]}")


def report_views(g: KnowledgeGraph) -> dict[str, KnowledgeGraph]:
    """Each report's part of the merged graph (its nodes and edges, only its evidence), in one pass."""
    views = {r: KnowledgeGraph(reports={r: dict(meta)}) for r, meta in g.reports.items()}
    for ref in sorted(g.nodes):
        n = g.nodes[ref]
        evidence: dict[str, list[Evidence]] = {}
        for ev in n.evidence:
            evidence.setdefault(ev.report, []).append(ev)
        for r in n.reports:
            if r in views:
                views[r].nodes[ref] = replace(n, reports={r}, evidence=evidence.get(r, []))
    for key in sorted(g.edges):
        e = g.edges[key]
        evidence = {}
        for ev in e.evidence:
            evidence.setdefault(ev.report, []).append(ev)
        for r in e.reports:
            if r in views:
                views[r].edges[key] = replace(e, reports={r}, evidence=evidence.get(r, []))
    return views


def report_view(g: KnowledgeGraph, report: str) -> KnowledgeGraph:
    """The part of the merged graph that one report states."""
    return report_views(g)[report]


def _edge_ends(g: KnowledgeGraph, e: Edge):
    src = report_iri(e.source[1]) if e.source[0] == "Report" else (
        node_iri(e.source, g.nodes[e.source]) if e.source in g.nodes else None)
    tgt = node_iri(e.target, g.nodes[e.target]) if e.target in g.nodes else None
    return src, tgt


def _records(ev: Evidence, s, p, o, graph: NamedNode) -> list[Quad]:
    """One evidence record (9 triples); its tool version sits once on the report's graph."""
    r = evidence_iri(ev, s, p, o)
    return [Quad(x, y, z, graph) for x, y, z in (
        (r, _A, ckg("Evidence")),
        (r, ckg("sentence"), Literal(_safe(ev.sentence))),
        (r, ckg("start"), Literal(str(int(ev.start)), datatype=_INT)),
        (r, ckg("end"), Literal(str(int(ev.end)), datatype=_INT)),
        (r, ckg("rule"), Literal(_safe(ev.rule))),
        (r, _DERIVED, report_iri(ev.report)),
        (r, ckg("subject"), s), (r, ckg("predicate"), p), (r, ckg("object"), o),
    )]


def evidence_quads(g: KnowledgeGraph) -> list[Quad]:
    """Every report's named graph, one block per report in sorted order: its contract triples,
    the tool version that read it, and one evidence record per (fact, sentence)."""
    out: list[Quad] = []
    views = report_views(g)
    for report in sorted(views):
        graph = graph_iri(report)
        view = views[report]
        out += [Quad(q.subject, q.predicate, q.object, graph) for q in contract_triples(view)]
        out.append(Quad(graph, ckg("toolVersion"), Literal(__version__), graph))
        for n in view.sorted_nodes():
            s = node_iri(n.ref, n)
            for ev in n.evidence:
                out += _records(ev, s, _A, ckg(n.type), graph)
        for e in view.sorted_edges():
            s, o = _edge_ends(view, e)
            if s is None or o is None:
                continue
            for ev in e.evidence:
                out += _records(ev, s, ckg(e.type), o, graph)
    return ordered(out)


def quad_key(q: Quad) -> tuple:
    """Sort key: default graph first, then by graph and subject, so TriG writes each graph in one block."""
    named = not isinstance(q.graph_name, DefaultGraph)
    return (named, str(q.graph_name) if named else "", str(q.subject), str(q.predicate), str(q.object))
