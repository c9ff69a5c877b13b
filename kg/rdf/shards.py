"""Per-report RDF shards: each report's named graph (its facts and their evidence), serialised once.

A report's evidence graph depends on that report alone, so it is serialised
where the report is read (a worker process or a Dask task), cached with its
facts, and the exports only concatenate bytes: graph.nq and graph.trig grow
by one shard per report, and an incremental build re-serialises only what
changed. The shards also suit a bulk load into Oxigraph server or Jena TDB2.

A report whose facts or evidence would hold a literal over MAX_LITERAL_BYTES
is refused where its shard is made (`oversized`): the store cannot hold a term
over 16 MiB (a MemoryError that failed every build), and no real sentence,
label or title comes near the limit.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import RdfFormat, parse, serialize

from kg.facts import ReportFacts
from kg.graph import KnowledgeGraph, merge


MAX_LITERAL_BYTES = 1 << 20  # 1 MiB of UTF-8 in one string: a label, a title, a sentence


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
    """N-Quads as written by `kg.rdf.evidence` (text), TriG by Oxigraph from those quads."""
    from kg.rdf.terms import RDF_PREFIXES
    from kg.rdf.evidence import evidence_nquads

    nquads = evidence_nquads(graph)
    trig = serialize(parse(nquads, format=RdfFormat.N_QUADS), format=RdfFormat.TRIG, prefixes=RDF_PREFIXES)
    return Shard(report, nquads, _strip_prefixes(trig))


def shard_of(facts: ReportFacts) -> Shard:
    """The report's named graph, from its own facts (nodes carry what this report says of them)."""
    return shard_of_graph(merge([facts]), facts.report)


def shards_of_merged(graph: KnowledgeGraph) -> list[Shard]:
    """Shards for a graph built by hand (no per-report facts at hand): one per report, sorted."""
    from kg.rdf.evidence import report_views

    views = report_views(graph)
    return [shard_of_graph(views[r], r) for r in sorted(views)]


def _strings(value, where: str):
    """(where, string) for every string in a JSON-like value."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k, where)
            yield from _strings(v, f"{where}.{k}")
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v, where)


def oversized(facts: ReportFacts, shard: Shard, limit: int = MAX_LITERAL_BYTES) -> str | None:
    """Why the report cannot go into the graph ("a literal of 18,874,368 bytes in meta.title, over the
    limit of 1,048,576"), or None: any string of its facts or evidence, or line of its shard, over
    `limit` bytes."""
    def size(text: str) -> int:
        return len(text) if len(text) * 4 <= limit else len(text.encode("utf-8", "surrogatepass"))

    for where, text in _strings(facts.to_json(), "facts"):
        if len(text) > limit // 4 and size(text) > limit:
            return f"a literal of {size(text):,} bytes in {where.removeprefix('facts.')}, over the limit of {limit:,}"
    longest = max((len(line) for line in shard.read_nquads().split(b"\n")), default=0)
    if longest > limit:
        return f"a statement of {longest:,} bytes in its evidence graph, over the limit of {limit:,}"
    return None
