"""Per-report RDF shards: each report's named graph (its facts and their evidence), serialised once.

A report's evidence graph depends on that report alone, so it is serialised
where the report is read (a worker process or a Dask task), cached with its
facts, and the exports only concatenate bytes: graph.nq and graph.trig grow
by one shard per report, and an incremental build re-serialises only what
changed. The shards also suit a bulk load into Oxigraph server or Jena TDB2.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import RdfFormat, parse, serialize

from kg.facts import ReportFacts
from kg.graph import KnowledgeGraph, merge


@dataclass(frozen=True)
class Shard:
    """A report's named graph as N-Quads and as TriG graph blocks (no @prefix header: the exporter
    writes it once). Each is bytes in memory, or a Path to a cached file read when written out."""

    report: str
    nquads: bytes | Path
    trig: bytes | Path

    def read_nquads(self) -> bytes:
        return self.nquads if isinstance(self.nquads, bytes) else Path(self.nquads).read_bytes()

    def read_trig(self) -> bytes:
        return self.trig if isinstance(self.trig, bytes) else Path(self.trig).read_bytes()


def _strip_prefixes(trig: bytes) -> bytes:
    lines = trig.splitlines(keepends=True)
    i = 0
    while i < len(lines) and (lines[i].startswith(b"@prefix") or lines[i].startswith(b"@base")):
        i += 1
    return b"".join(lines[i:])


def shard_of_graph(graph: KnowledgeGraph, report: str) -> Shard:
    """N-Quads as written by `kg.provenance` (text), TriG by Oxigraph from those quads."""
    from kg.export.turtle import RDF_PREFIXES
    from kg.provenance import evidence_nquads

    nquads = evidence_nquads(graph)
    trig = serialize(parse(nquads, format=RdfFormat.N_QUADS), format=RdfFormat.TRIG, prefixes=RDF_PREFIXES)
    return Shard(report, nquads, _strip_prefixes(trig))


def shard_of(facts: ReportFacts) -> Shard:
    """The report's named graph, from its own facts (nodes carry what this report says of them)."""
    return shard_of_graph(merge([facts]), facts.report)


def shards_of_merged(graph: KnowledgeGraph) -> list[Shard]:
    """Shards for a graph built by hand (no per-report facts at hand): one per report, sorted."""
    from kg.provenance import report_views

    views = report_views(graph)
    return [shard_of_graph(views[r], r) for r in sorted(views)]
