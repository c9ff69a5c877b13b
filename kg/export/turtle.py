"""RDF exports, serialised by Oxigraph (fast, and byte-identical given sorted input).

`graph.ttl` is the default graph: the contract of ANNOTATION.md
(`kg.mapping.contract_triples`, unchanged) plus the taxonomy (SKOS) and the
alignments (ORG posts, Dublin Core, WGS84). `graph.trig` and `graph.nq` are the
whole dataset: that default graph and one named graph of evidence per report.
"""
from __future__ import annotations

from pathlib import Path

from pyoxigraph import Quad, RdfFormat, Triple, serialize

from kg.alignments import GEO, ORG, alignment_triples
from kg.export.atomic import write_bytes
from kg.graph import KnowledgeGraph
from kg.mapping import ID, PREFIXES, contract_triples
from kg.provenance import evidence_quads, quad_key
from kg.taxonomy import SCHEME, taxonomy_triples

_KINDS = ("report", "county", "place", "official", "person", "programme", "mechanism", "group", "target",
          "post", "organ", "evidence")
# One prefix per kind of node, so Turtle reads `county:140222` rather than `kgid:county\/140222`.
RDF_PREFIXES = {**PREFIXES, "org": ORG, "geo": GEO, "tax": SCHEME + "/", **{k: f"{ID}{k}/" for k in _KINDS}}


def default_quads(g: KnowledgeGraph) -> list[Quad]:
    """The default graph every RDF export and the store share, sorted."""
    return sorted(set(contract_triples(g)) | set(taxonomy_triples(g)) | set(alignment_triples(g)), key=quad_key)


def dataset_quads(g: KnowledgeGraph) -> list[Quad]:
    """Default graph plus the per-report evidence graphs, sorted by graph then subject."""
    return sorted(set(default_quads(g)) | set(evidence_quads(g)), key=quad_key)


def write(g: KnowledgeGraph, path: Path) -> Path:
    triples = [Triple(q.subject, q.predicate, q.object) for q in default_quads(g)]
    write_bytes(path, serialize(triples, format=RdfFormat.TURTLE, prefixes=RDF_PREFIXES))
    return path


def write_trig(g: KnowledgeGraph, path: Path, quads: list[Quad] | None = None) -> Path:
    write_bytes(path, serialize(quads if quads is not None else dataset_quads(g), format=RdfFormat.TRIG,
                                prefixes=RDF_PREFIXES))
    return path


def write_nquads(g: KnowledgeGraph, path: Path, quads: list[Quad] | None = None) -> Path:
    write_bytes(path, serialize(quads if quads is not None else dataset_quads(g), format=RdfFormat.N_QUADS))
    return path
