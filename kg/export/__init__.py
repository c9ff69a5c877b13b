"""Exporters: one module per format, each a function from the merged graph to a file, written atomically."""
from __future__ import annotations

from pathlib import Path

from kg.graph import KnowledgeGraph
from kg.rdf import dataset
from kg.timings import NO_TIMINGS, Timings


def export_all(graph: KnowledgeGraph, out: Path, store: bool = True, shards: list | None = None,
               info: dict | None = None, timings: Timings = NO_TIMINGS) -> list[Path]:
    """Write every format into OUT and update OUT/store; returns the paths written (the store last).

    graph.ttl (default graph: contract + taxonomy + alignments), graph.trig and
    graph.nq (plus one evidence graph per report: the `shards`, serialised where
    each report was read, or made here from the merged graph), graph.graphml,
    graph.gexf, nodes.csv, edges.csv, timeline.csv. Each file is byte-identical for the same graph. The store is
    updated in place of a full load when few reports changed (`kg.store_sync`); `info["store"]` says
    which ("full" or "incremental").

    The outputs are replaced as one set: every file goes to a temp file and the store to a new
    generation, and only when all of them are written are they renamed in; on any error no output
    changes. Holds OUT's lock (`kg.outdir.exclusive`). `timings` gets each file's time (export.*) and
    the store's (`store`, in its thread; `store.wait`, what the exporters left to wait for).
    """
    from concurrent.futures import ThreadPoolExecutor, wait

    from kg import store as kstore
    from kg.cache import code_digest
    from kg.export import gexf, graphml, tables, turtle
    from kg.atomic import together
    from kg.outdir import exclusive
    from kg.rdf.shards import shards_of_merged
    from kg.store_sync import prepare

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if shards is None:
        shards = shards_of_merged(graph)
    shards = sorted(shards, key=lambda s: s.report)
    t = timings
    with exclusive(out), together() as batch:
        with t.stage("export.default_graph"):
            default_nq = dataset.default_nquads(graph)
        with t.stage("export.graph.nq"):
            nq = turtle.write_nquads_shards(default_nq, shards, out / "graph.nq")
        # The store load is Rust that releases the GIL: it runs in a thread beside the Python exporters
        # (leaving the `with` waits for it, also when an exporter fails).
        with ThreadPoolExecutor(1, thread_name_prefix="kg-store-load") as pool:
            loading = (pool.submit(t.timed("store", prepare), out, default_nq, shards, batch.pending(nq),
                                   code_digest()) if store else None)
            if loading is not None:  # a store made for a failed set is dropped
                batch.then(lambda: None, lambda: _drop_generation(loading, kstore.discard))
            with t.stage("export.table_rows"):
                table = tables.rows(graph)
            with t.stage("export.graph.ttl"):
                paths = [turtle.write(graph, out / "graph.ttl", default_nq)]
            with t.stage("export.graph.trig"):
                paths.append(turtle.write_trig_shards(default_nq, shards, out / "graph.trig"))
            paths.append(nq)
            with t.stage("export.graph.graphml"):
                paths.append(graphml.write(graph, out / "graph.graphml", table))
            with t.stage("export.graph.gexf"):
                paths.append(gexf.write(graph, out / "graph.gexf", table))
            with t.stage("export.csv"):
                paths += tables.write(graph, out / "nodes.csv", out / "edges.csv", table, out / "timeline.csv")
            if loading is not None:
                with t.stage("store.wait"):
                    wait([loading])
        if loading is not None:
            generation, mode = loading.result()  # re-raises the load's error here
            batch.then(lambda: kstore.swap_in(out, generation), lambda: None)
            paths.append(kstore.store_path(out))
            if info is not None:
                info["store"] = mode
    return paths


def _drop_generation(loading, discard) -> None:
    if not loading.cancelled() and loading.exception() is None:
        discard(loading.result()[0])
