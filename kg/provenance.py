"""Evidence as RDF: one named graph per report, holding its facts and the sentences behind them.

The default graph stays the merged contract. Each report's named graph
(`<report IRI>#graph`) repeats the contract triples of what that report says,
the tool version, one node per sentence that states a fact (`<report IRI>#s<start>-<end>`:
its text and offsets in the original file, derived from the report) and one
PROV evidence record per (fact, sentence, rule). The record names the triple it
supports with ckg:subject, ckg:predicate and ckg:object (no RDF reification)
and points at its sentence, so one SPARQL pattern finds the sentence behind any
triple:

    GRAPH ?g { ?ev ckg:subject ?s ; ckg:predicate ckg:implements ; ckg:object ?o ;
                   ckg:sentence/ckg:text ?text }

A sentence is written once however many facts it states: a report's text is
not repeated on each of its facts (a figure-dense report states a few hundred).
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
_EVIDENCE, _SENTENCE_CLASS = ckg("Evidence"), ckg("Sentence")
_SENTENCE, _TEXT, _START, _END, _RULE = (ckg(x) for x in ("sentence", "text", "start", "end", "rule"))
_SUBJECT, _PREDICATE, _OBJECT = ckg("subject"), ckg("predicate"), ckg("object")


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


def sentence_iri(ev: Evidence) -> NamedNode:
    """The sentence's node: the report IRI with the sentence's offsets in the original file."""
    return NamedNode(f"{report_iri(ev.report).value}#s{int(ev.start)}-{int(ev.end)}")


def _sentence(ev: Evidence, node: NamedNode, graph: NamedNode) -> list[Quad]:
    """The sentence once: its text, offsets and report (5 triples)."""
    return [Quad(x, y, z, graph) for x, y, z in (
        (node, _A, _SENTENCE_CLASS),
        (node, _TEXT, Literal(_safe(ev.sentence))),
        (node, _START, Literal(str(int(ev.start)), datatype=_INT)),
        (node, _END, Literal(str(int(ev.end)), datatype=_INT)),
        (node, _DERIVED, report_iri(ev.report)),
    )]


def _records(ev: Evidence, s, p, o, graph: NamedNode, sentences: dict) -> list[Quad]:
    """One evidence record (6 triples), and its sentence's node the first time the sentence is seen."""
    r = evidence_iri(ev, s, p, o)
    key = (ev.start, ev.end)
    node = sentences.get(key)
    out = []
    if node is None:
        node = sentences[key] = sentence_iri(ev)
        out = _sentence(ev, node, graph)
    out += [Quad(x, y, z, graph) for x, y, z in (
        (r, _A, _EVIDENCE), (r, _SENTENCE, node), (r, _RULE, Literal(_safe(ev.rule))),
        (r, _SUBJECT, s), (r, _PREDICATE, p), (r, _OBJECT, o),
    )]
    return out


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
        sentences: dict = {}
        for n in view.sorted_nodes():
            s = node_iri(n.ref, n)
            for ev in n.evidence:
                out += _records(ev, s, _A, ckg(n.type), graph, sentences)
        for e in view.sorted_edges():
            s, o = _edge_ends(view, e)
            if s is None or o is None:
                continue
            for ev in e.evidence:
                out += _records(ev, s, ckg(e.type), o, graph, sentences)
    return ordered(out)


def quad_key(q: Quad) -> tuple:
    """Sort key: default graph first, then by graph and subject, so TriG writes each graph in one block."""
    named = not isinstance(q.graph_name, DefaultGraph)
    return (named, str(q.graph_name) if named else "", str(q.subject), str(q.predicate), str(q.object))
