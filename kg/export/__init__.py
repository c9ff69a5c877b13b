"""Exporters: one module per format, each a function from the merged graph to a file, written atomically."""
from __future__ import annotations

from pathlib import Path

from kg.graph import KnowledgeGraph


def export_all(graph: KnowledgeGraph, out: Path, store: bool = True, shards: list | None = None,
               info: dict | None = None) -> list[Path]:
    """Write every format into OUT and load OUT/store/; returns the paths written (the store last).

    graph.ttl (default graph: contract + taxonomy + alignments), graph.trig and
    graph.nq (plus one evidence graph per report: the `shards`, serialised where
    each report was read, or made here from the merged graph), graph.graphml,
    graph.gexf, nodes.csv, edges.csv. Each file is written atomically and is
    byte-identical for the same graph. The store is updated in place of a full load when few
    reports changed (`kg.store_sync`); `info["store"]` says which ("full" or "incremental").
    """
    from concurrent.futures import ThreadPoolExecutor

    from kg.cache import code_digest
    from kg.export import gexf, graphml, tables, turtle
    from kg.shards import shards_of_merged
    from kg.store_sync import sync

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if shards is None:
        shards = shards_of_merged(graph)
    shards = sorted(shards, key=lambda s: s.report)
    default_nq = turtle.default_nquads(graph)
    nq = turtle.write_nquads_shards(default_nq, shards, out / "graph.nq")
    # The store load is Rust that releases the GIL: it runs in a thread beside the Python exporters
    # (leaving the `with` waits for it, also when an exporter fails).
    with ThreadPoolExecutor(1, thread_name_prefix="kg-store-load") as pool:
        loading = pool.submit(sync, out, default_nq, shards, nq, code_digest()) if store else None
        table = tables.rows(graph)
        paths = [
            turtle.write(graph, out / "graph.ttl", default_nq),
            turtle.write_trig_shards(default_nq, shards, out / "graph.trig"),
            nq,
            graphml.write(graph, out / "graph.graphml", table),
            gexf.write(graph, out / "graph.gexf", table),
            *tables.write(graph, out / "nodes.csv", out / "edges.csv", table),
        ]
    if loading is not None:
        path, mode = loading.result()  # re-raises the load's error here
        paths.append(path)
        if info is not None:
            info["store"] = mode
    return paths
