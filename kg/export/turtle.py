"""RDF exports, serialised by Oxigraph (fast, and byte-identical given sorted input).

`graph.ttl` is the default graph: the contract of ANNOTATION.md
(`kg.mapping.contract_triples`, unchanged) plus the taxonomy (SKOS) and the
alignments (ORG posts, Dublin Core, WGS84). `graph.trig` and `graph.nq` are the
whole dataset: that default graph and one named graph of evidence per report.
"""
from __future__ import annotations

from itertools import chain
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, serialize

from kg.alignments import GEO, ORG, alignment_triples
from kg.export.atomic import write_bytes
from kg.graph import KnowledgeGraph
from kg.mapping import ID, PREFIXES, contract_triples, ordered
from kg.provenance import evidence_quads
from kg.taxonomy import SCHEME, taxonomy_triples

_KINDS = ("report", "county", "place", "official", "person", "programme", "mechanism", "group", "target",
          "post", "organ", "evidence")
# One prefix per kind of node, so Turtle reads `county:140222` rather than `kgid:county\/140222`.
RDF_PREFIXES = {**PREFIXES, "org": ORG, "geo": GEO, "tax": SCHEME + "/", **{k: f"{ID}{k}/" for k in _KINDS}}


def default_quads(g: KnowledgeGraph) -> list[Quad]:
    """The default graph every RDF export and the store share, in a fixed order."""
    return ordered(chain(contract_triples(g), taxonomy_triples(g), alignment_triples(g)))


def dataset_quads(g: KnowledgeGraph, default: list[Quad] | None = None) -> list[Quad]:
    """Default graph, then each report's evidence graph in one block (reports in sorted order)."""
    return ordered(chain(default if default is not None else default_quads(g), evidence_quads(g)))


def write(g: KnowledgeGraph, path: Path, default: list[Quad] | None = None) -> Path:
    # default-graph quads serialise as Turtle as they are (no copy into Triple objects)
    quads = default if default is not None else default_quads(g)
    write_bytes(path, serialize(quads, format=RdfFormat.TURTLE, prefixes=RDF_PREFIXES))
    return path


def write_trig(g: KnowledgeGraph, path: Path, quads: list[Quad] | None = None) -> Path:
    write_bytes(path, serialize(quads if quads is not None else dataset_quads(g), format=RdfFormat.TRIG,
                                prefixes=RDF_PREFIXES))
    return path


def write_nquads(g: KnowledgeGraph, path: Path, quads: list[Quad] | None = None) -> Path:
    write_bytes(path, serialize(quads if quads is not None else dataset_quads(g), format=RdfFormat.N_QUADS))
    return path


def write_trig_shards(default: list[Quad], shards: list, path: Path) -> Path:
    """The default graph (with the @prefix header) followed by every report's graph block."""
    from kg.export.atomic import atomic_path

    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(serialize(default, format=RdfFormat.TRIG, prefixes=RDF_PREFIXES))
        for shard in shards:
            fh.write(shard.read_trig())
    return path


def write_nquads_shards(default: list[Quad] | bytes, shards: list, path: Path) -> Path:
    """The default graph (quads, or their N-Quads bytes) followed by every report's graph."""
    from kg.export.atomic import atomic_path

    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(default if isinstance(default, bytes) else serialize(default, format=RdfFormat.N_QUADS))
        for shard in shards:
            fh.write(shard.read_nquads())
    return path
