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
    from kg.export import gexf, graphml, tables, turtle
    from kg.shards import shards_of_merged

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if shards is None:
        shards = shards_of_merged(graph)
    shards = sorted(shards, key=lambda s: s.report)
    default_nq = turtle.default_nquads(graph)
    nq = turtle.write_nquads_shards(default_nq, shards, out / "graph.nq")
    # The store load is Rust that releases the GIL: it runs beside the Python exporters.
    loading = _StoreLoad(out, default_nq, shards, nq) if store else None
    try:
        table = tables.rows(graph)
        paths = [
            turtle.write(graph, out / "graph.ttl", default_nq),
            turtle.write_trig_shards(default_nq, shards, out / "graph.trig"),
            nq,
            graphml.write(graph, out / "graph.graphml", table),
            gexf.write(graph, out / "graph.gexf", table),
            *tables.write(graph, out / "nodes.csv", out / "edges.csv", table),
        ]
    finally:
        if loading is not None:
            loading.join()
    if loading is not None:
        paths.append(loading.result())
        if info is not None:
            info["store"] = loading.mode
    return paths


class _StoreLoad:
    """`kg.store_sync.sync` in a thread; `result()` re-raises its error in the caller."""

    def __init__(self, out: Path, default_nq: bytes, shards: list, nq: Path):
        import threading

        from kg.cache import code_digest

        self.path: Path | None = None
        self.mode = ""
        self.error: BaseException | None = None
        version = code_digest()

        def run():
            from kg.store_sync import sync

            try:
                self.path, self.mode = sync(out, default_nq, shards, nq, version)
            except BaseException as exc:  # handed to the caller by result()
                self.error = exc

        self.thread = threading.Thread(target=run, name="kg-store-load", daemon=True)
        self.thread.start()

    def join(self) -> None:
        self.thread.join()

    def result(self) -> Path:
        if self.error is not None:
            raise self.error
        return self.path
