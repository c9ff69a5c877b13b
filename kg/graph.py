"""Merge many reports' facts into one graph: one node per thing, one edge per stated link.

This is the only stage that sees the whole corpus; it is a pure function of
the per-report facts, sorted, so the same corpus always merges the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from kg.facts import Evidence, ReportFacts


@dataclass
class Node:
    type: str
    key: str
    label: str
    surfaces: set[str] = field(default_factory=set)
    attrs: dict[str, Any] = field(default_factory=dict)
    reports: set[str] = field(default_factory=set)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def ref(self) -> tuple[str, str]:
        return (self.type, self.key)


@dataclass
class Edge:
    type: str
    source: tuple[str, str]
    target: tuple[str, str]
    reports: set[str] = field(default_factory=set)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class KnowledgeGraph:
    nodes: dict[tuple[str, str], Node] = field(default_factory=dict)
    edges: dict[tuple, Edge] = field(default_factory=dict)
    reports: dict[str, dict] = field(default_factory=dict)  # file name -> metadata

    def sorted_nodes(self) -> list[Node]:
        return [self.nodes[k] for k in sorted(self.nodes)]

    def sorted_edges(self) -> list[Edge]:
        return [self.edges[k] for k in sorted(self.edges)]


def _merge_attr(cur: dict, new: dict) -> None:
    for k, v in new.items():
        if isinstance(v, list):
            lst = cur.setdefault(k, [])
            lst.extend(x for x in v if x not in lst)
        elif v is not None:
            cur.setdefault(k, v)


def merge(all_facts: Iterable[ReportFacts], keep_evidence: bool = True, presorted: bool = False) -> KnowledgeGraph:
    """One node per (type, key) and one edge per (relation, source, target) over all reports.

    `keep_evidence=False` leaves the evidence lists empty: a build whose evidence graphs are
    already serialised per report (kg.rdf.shards) needs none of it here, and it is most of the memory.
    `presorted=True` takes the reports as they come (already in name order), one at a time, so a
    build can stream them without holding them all.
    """
    g = KnowledgeGraph()
    for facts in (all_facts if presorted else sorted(all_facts, key=lambda f: f.report)):
        g.reports[facts.report] = dict(facts.meta)
        for e in facts.entities:
            node = g.nodes.get(e.ref)
            if node is None:
                node = g.nodes[e.ref] = Node(e.type, e.key, e.label)
            node.surfaces.update(e.surfaces)
            _merge_attr(node.attrs, e.attrs)
            node.reports.add(facts.report)
            if keep_evidence:
                node.evidence.extend(e.evidence)
        for r in facts.relations:
            key = (r.type, r.source, r.target)
            edge = g.edges.get(key)
            if edge is None:
                edge = g.edges[key] = Edge(r.type, r.source, r.target)
            edge.reports.add(facts.report)
            if keep_evidence:
                edge.evidence.extend(r.evidence)
    return g
