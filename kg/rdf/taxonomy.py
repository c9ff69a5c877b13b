"""Families of initiatives: keyword rules from data, classification, and the SKOS scheme.

The families and their keywords live in `kg/data/taxonomy/families.jsonl`
(one JSON object a line: id, en, zh, keywords), so a person can add a family
or a keyword without touching code. A Programme or Mechanism label belongs to
the family with the most distinct keywords in it; a tie goes to the family
listed first; no keyword at all gives `unclassified`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from kg.graph import KnowledgeGraph
from kg.rdf.terms import RDF, RDFS, SCHEME, SKOS, ckg, node_iri, ordered

FAMILIES_FILE = Path(__file__).resolve().parent.parent / "data" / "taxonomy" / "families.jsonl"
UNCLASSIFIED = "unclassified"
INITIATIVE_TYPES = ("Programme", "Mechanism")


@dataclass(frozen=True)
class Family:
    id: str
    en: str
    zh: str
    keywords: tuple[str, ...]


_UNCLASSIFIED = Family(UNCLASSIFIED, "unclassified", "未分类", ())


@lru_cache(maxsize=4)
def load_families(path: Path = FAMILIES_FILE) -> tuple[Family, ...]:
    """The families in file order, with `unclassified` last."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(Family(d["id"], d["en"], d["zh"], tuple(d["keywords"])))
    return tuple(out) + (_UNCLASSIFIED,)


def classify(label: str, families: tuple[Family, ...] | None = None) -> str:
    """The id of the family whose keywords the label holds most of (first listed on a tie)."""
    best, best_score = UNCLASSIFIED, 0
    for fam in families or load_families():
        score = sum(1 for kw in fam.keywords if kw and kw in label)
        if score > best_score:
            best, best_score = fam.id, score
    return best


def families_of(g: KnowledgeGraph) -> dict[tuple[str, str], str]:
    """Family id of every Programme and Mechanism node."""
    return {n.ref: classify(n.label) for n in g.sorted_nodes() if n.type in INITIATIVE_TYPES}


def concept_iri(family_id: str) -> NamedNode:
    return NamedNode(f"{SCHEME}/{family_id}")


def taxonomy_triples(g: KnowledgeGraph) -> list[Quad]:
    """Default-graph triples: the ConceptScheme, one skos:Concept per family, and ckg:family links."""
    dg = DefaultGraph()
    a, label = NamedNode(RDF + "type"), NamedNode(RDFS + "label")
    pref, hidden = NamedNode(SKOS + "prefLabel"), NamedNode(SKOS + "hiddenLabel")
    scheme = NamedNode(SCHEME)
    out = [
        Quad(scheme, a, NamedNode(SKOS + "ConceptScheme"), dg),
        Quad(scheme, pref, Literal("county-kg families of initiatives", language="en"), dg),
        Quad(scheme, pref, Literal("县级党建举措类别", language="zh-Hans"), dg),
    ]
    for fam in load_families():
        c = concept_iri(fam.id)
        out += [
            Quad(c, a, NamedNode(SKOS + "Concept"), dg),
            Quad(c, pref, Literal(fam.en, language="en"), dg),
            Quad(c, pref, Literal(fam.zh, language="zh-Hans"), dg),
            Quad(c, label, Literal(fam.zh, language="zh-Hans"), dg),
            Quad(c, NamedNode(SKOS + "notation"), Literal(fam.id), dg),
            Quad(c, NamedNode(SKOS + "inScheme"), scheme, dg),
            Quad(c, NamedNode(SKOS + "topConceptOf"), scheme, dg),
            Quad(scheme, NamedNode(SKOS + "hasTopConcept"), c, dg),
        ]
        out += [Quad(c, hidden, Literal(kw, language="zh-Hans"), dg) for kw in fam.keywords]
    for ref, fam_id in families_of(g).items():
        out.append(Quad(node_iri(ref, g.nodes[ref]), ckg("family"), concept_iri(fam_id), dg))
    return ordered(out)
