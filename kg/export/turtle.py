"""RDF exports, serialised by Oxigraph (fast, and byte-identical given sorted input).

`graph.ttl` is the default graph: the contract of ANNOTATION.md
(`kg.rdf.contract.contract_triples`, unchanged) plus the taxonomy (SKOS) and the
alignments (ORG posts, Dublin Core, WGS84). `graph.trig` and `graph.nq` are the
whole dataset: that default graph and one named graph of evidence per report.
"""
from __future__ import annotations

from pathlib import Path

from pyoxigraph import Quad, RdfFormat, serialize

from kg.atomic import write_bytes
from kg.graph import KnowledgeGraph
from kg.rdf import dataset
from kg.rdf.dataset import parsed_nquads
from kg.rdf.terms import RDF_PREFIXES

def write(g: KnowledgeGraph, path: Path, default: list[Quad] | bytes | None = None) -> Path:
    """graph.ttl from the default graph (quads, or their N-Quads bytes streamed through the parser)."""
    quads = default if default is not None else dataset.default_nquads(g)
    if isinstance(quads, bytes):
        quads = parsed_nquads(quads)
    write_bytes(path, serialize(quads, format=RdfFormat.TURTLE, prefixes=RDF_PREFIXES))
    return path


def write_trig_shards(default: list[Quad] | bytes, shards: list, path: Path) -> Path:
    """The default graph (quads or N-Quads bytes; with the @prefix header) followed by every report's
    graph block."""
    from kg.atomic import atomic_path

    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(serialize(parsed_nquads(default) if isinstance(default, bytes) else default, format=RdfFormat.TRIG,
                           prefixes=RDF_PREFIXES))
        for shard in shards:
            fh.write(shard.read_trig())
    return path


def write_nquads_shards(default: list[Quad] | bytes, shards: list, path: Path) -> Path:
    """The default graph (quads, or their N-Quads bytes) followed by every report's graph."""
    from kg.atomic import atomic_path

    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(default if isinstance(default, bytes) else serialize(default, format=RdfFormat.N_QUADS))
        for shard in shards:
            fh.write(shard.read_nquads())
    return path
