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

from pyoxigraph import NamedNode

from kg.version import __version__
from kg.facts import Evidence
from kg.graph import Edge, KnowledgeGraph
from kg.rdf.contract import contract_lines
from kg.rdf.terms import (ID, NT_XSD_INTEGER, PROV, RDF, ckg, node_iri, nquads, nt_ckg, nt_literal, nt_report, report_iri)

_A = NamedNode(RDF + "type")
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


def sentence_iri(ev: Evidence) -> NamedNode:
    """The sentence's node: the report IRI with the sentence's offsets in the original file."""
    return NamedNode(f"{report_iri(ev.report).value}#s{int(ev.start)}-{int(ev.end)}")


# Statements are written as N-Quads text (see kg.rdf.contract.contract_lines: a figure-dense report has
# thousands, and a pyoxigraph object per term was most of a shard's cost).
def _iri(term: NamedNode) -> str:
    return f"<{term.value}>"


_NT_A, _NT_DERIVED = _iri(_A), _iri(_DERIVED)
_NT = {name: nt_ckg(name) for name in
       ("Evidence", "Sentence", "sentence", "text", "start", "end", "rule", "subject", "predicate", "object",
        "toolVersion")}


def _records(ev: Evidence, s: NamedNode, p: NamedNode, o: NamedNode, graph: str, sentences: dict) -> list[str]:
    """One evidence record (6 statements), and its sentence's node (5) the first time the sentence is seen."""
    r = _iri(evidence_iri(ev, s, p, o))
    key = (ev.start, ev.end)
    node = sentences.get(key)
    out = []
    if node is None:
        node = sentences[key] = _iri(sentence_iri(ev))
        out = [
            f"{node} {_NT_A} {_NT['Sentence']} {graph} .",
            f"{node} {_NT['text']} {nt_literal(ev.sentence)} {graph} .",
            f'{node} {_NT["start"]} "{int(ev.start)}"^^{NT_XSD_INTEGER} {graph} .',
            f'{node} {_NT["end"]} "{int(ev.end)}"^^{NT_XSD_INTEGER} {graph} .',
            f"{node} {_NT_DERIVED} {nt_report(ev.report)} {graph} .",
        ]
    out += [
        f"{r} {_NT_A} {_NT['Evidence']} {graph} .",
        f"{r} {_NT['sentence']} {node} {graph} .",
        f"{r} {_NT['rule']} {nt_literal(ev.rule)} {graph} .",
        f"{r} {_NT['subject']} {_iri(s)} {graph} .",
        f"{r} {_NT['predicate']} {_iri(p)} {graph} .",
        f"{r} {_NT['object']} {_iri(o)} {graph} .",
    ]
    return out


def evidence_lines(g: KnowledgeGraph) -> list[str]:
    """Every report's named graph as N-Quads statements, one block per report in sorted order: its
    contract triples, the tool version that read it, its sentences and one evidence record per
    (fact, sentence, rule); each statement once."""
    out: list[str] = []
    views = report_views(g)
    for report in sorted(views):
        gi = graph_iri(report)
        graph = _iri(gi)
        view = views[report]
        out += [line[:-1] + graph + " ." for line in contract_lines(view)]  # "s p o ." -> "s p o g ."
        out.append(f"{graph} {_NT['toolVersion']} {nt_literal(__version__)} {graph} .")
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
    return list(dict.fromkeys(out))


def evidence_nquads(g: KnowledgeGraph) -> bytes:
    return nquads(evidence_lines(g))
