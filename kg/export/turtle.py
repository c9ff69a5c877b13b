"""RDF exports, serialised by Oxigraph (fast, and byte-identical given sorted input).

`graph.ttl` is the default graph: the contract of ANNOTATION.md
(`kg.mapping.contract_triples`, unchanged) plus the taxonomy (SKOS) and the
alignments (ORG posts, Dublin Core, WGS84). `graph.trig` and `graph.nq` are the
whole dataset: that default graph and one named graph of evidence per report.
"""
from __future__ import annotations

from itertools import chain
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, parse, serialize

from kg.alignments import GEO, ORG, alignment_triples
from kg.export.atomic import write_bytes
from kg.graph import KnowledgeGraph
from kg.mapping import ID, PREFIXES, contract_lines, nquads
from kg.taxonomy import SCHEME, taxonomy_triples

_KINDS = ("report", "county", "place", "official", "person", "programme", "mechanism", "group", "target",
          "post", "organ", "evidence")
# One prefix per kind of node, so Turtle reads `county:140222` rather than `kgid:county\/140222`.
RDF_PREFIXES = {**PREFIXES, "org": ORG, "geo": GEO, "tax": SCHEME + "/", **{k: f"{ID}{k}/" for k in _KINDS}}


def default_nquads(g: KnowledgeGraph) -> bytes:
    """The default graph every RDF export and the store share, as N-Quads in a fixed order, each
    statement once. The contract is written as text (`kg.mapping.contract_lines`); the small taxonomy
    and alignment parts are serialised by Oxigraph."""
    extra = serialize(list(chain(taxonomy_triples(g), alignment_triples(g))), format=RdfFormat.N_QUADS)
    lines = dict.fromkeys(contract_lines(g))
    lines.update(dict.fromkeys(extra.decode("utf-8").splitlines()))
    return nquads(list(lines))


def _parsed(nquads: bytes):
    """Quads parsed one at a time (Rust), so a serialiser can stream them without a list."""
    return parse(nquads, format=RdfFormat.N_QUADS)


def default_quads(g: KnowledgeGraph) -> list[Quad]:
    """The default graph as pyoxigraph quads (for callers that want objects, such as the benchmark)."""
    return list(_parsed(default_nquads(g)))


def write(g: KnowledgeGraph, path: Path, default: list[Quad] | bytes | None = None) -> Path:
    """graph.ttl from the default graph (quads, or their N-Quads bytes streamed through the parser)."""
    quads = default if default is not None else default_nquads(g)
    if isinstance(quads, bytes):
        quads = _parsed(quads)
    write_bytes(path, serialize(quads, format=RdfFormat.TURTLE, prefixes=RDF_PREFIXES))
    return path


def write_trig_shards(default: list[Quad] | bytes, shards: list, path: Path) -> Path:
    """The default graph (quads or N-Quads bytes; with the @prefix header) followed by every report's
    graph block."""
    from kg.export.atomic import atomic_path

    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(serialize(_parsed(default) if isinstance(default, bytes) else default, format=RdfFormat.TRIG,
                           prefixes=RDF_PREFIXES))
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
