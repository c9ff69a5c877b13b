"""Exporters: one module per format, each a function from the merged graph to a file, written atomically."""
from __future__ import annotations

from pathlib import Path

from kg.graph import KnowledgeGraph


def export_all(graph: KnowledgeGraph, out: Path, store: bool = True) -> list[Path]:
    """Write every format into OUT and load OUT/store/; returns the paths written (the store last).

    graph.ttl (default graph: contract + taxonomy + alignments), graph.trig and
    graph.nq (plus one evidence graph per report), graph.graphml, graph.gexf,
    nodes.csv, edges.csv. Each file is written atomically and is byte-identical
    for the same graph.
    """
    from kg import store as kg_store
    from kg.export import gexf, graphml, tables, turtle

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    quads = turtle.dataset_quads(graph)
    paths = [
        turtle.write(graph, out / "graph.ttl"),
        turtle.write_trig(graph, out / "graph.trig", quads),
        turtle.write_nquads(graph, out / "graph.nq", quads),
        graphml.write(graph, out / "graph.graphml"),
        gexf.write(graph, out / "graph.gexf"),
        *tables.write(graph, out / "nodes.csv", out / "edges.csv"),
    ]
    if store:
        paths.append(kg_store.load(quads, out))
    return paths
