"""Exporters: one module per format, each a function from the merged graph to a file, written atomically."""
from __future__ import annotations

from pathlib import Path

from kg.graph import KnowledgeGraph


def export_all(graph: KnowledgeGraph, out: Path, store: bool = True, shards: list | None = None) -> list[Path]:
    """Write every format into OUT and load OUT/store/; returns the paths written (the store last).

    graph.ttl (default graph: contract + taxonomy + alignments), graph.trig and
    graph.nq (plus one evidence graph per report: the `shards`, serialised where
    each report was read, or made here from the merged graph), graph.graphml,
    graph.gexf, nodes.csv, edges.csv. Each file is written atomically and is
    byte-identical for the same graph.
    """
    from kg import store as kg_store
    from kg.export import gexf, graphml, tables, turtle
    from kg.shards import shards_of_merged

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if shards is None:
        shards = shards_of_merged(graph)
    shards = sorted(shards, key=lambda s: s.report)
    default = turtle.default_quads(graph)
    nq = out / "graph.nq"
    paths = [
        turtle.write(graph, out / "graph.ttl", default),
        turtle.write_trig_shards(default, shards, out / "graph.trig"),
        turtle.write_nquads_shards(default, shards, nq),
        graphml.write(graph, out / "graph.graphml"),
        gexf.write(graph, out / "graph.gexf"),
        *tables.write(graph, out / "nodes.csv", out / "edges.csv"),
    ]
    if store:
        paths.append(kg_store.load_file(nq, out))
    return paths
