"""Where per-report extraction runs: in this process, in a pool of processes, or on a Dask cluster.

Every executor runs the same function, `extract_one`, on (path, corpus) jobs,
and loads the spaCy pipeline once per worker process, not once per report.
Results come back as ReportFacts (or a skip line) in the order of the jobs,
so one worker, many workers and Dask give the same graph.

Pool workers die with the parent (Linux: PR_SET_PDEATHSIG), ignore Ctrl-C and
SIGTERM meant for the parent, and are killed when the parent stops reading
their results (an error, or SIGTERM turned into an exception by the CLI).
A report whose facts would hold a literal over `kg.rdf.shards.MAX_LITERAL_BYTES`
is skipped here, where its shard is made.

Given a `kg.timings.Timings`, every executor times the per-report stages (and
each process its pipeline load) where they run and adds them to it: a worker
sends its batch's totals back with the batch's results.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from time import perf_counter

from kg.timings import NO_TIMINGS, Timings

Job = tuple[str, str]            # (report path, corpus folder)
Result = tuple[str, object]      # ("ok", (ReportFacts, Shard)) or ("skip", "corpus/x.txt: skipped: …")

_NLP = None
_CONFIG: str | None = None
_LOAD = Timings()  # this process's pipeline load, until a timed batch reports it


def _pipeline(config_path: str | None):
    global _NLP, _CONFIG
    if _NLP is None or _CONFIG != config_path:
        from kg.nlp.pipeline import build

        start = perf_counter()
        _NLP = build(Path(config_path) if config_path else None)
        _LOAD.add("nlp.load", perf_counter() - start)
        _CONFIG = config_path
    return _NLP


def _report_load(timings: Timings) -> None:
    """Hand this process's pipeline load, once, to the build's timings."""
    if timings and _LOAD.seconds:
        timings.update(_LOAD.totals())
        _LOAD.clear()


def extract_one(job: Job, config_path: str | None = None, nlp=None, timings: Timings = NO_TIMINGS) -> Result:
    """Read one report: ("ok", (facts, shard)) or ("skip", the one-line reason)."""
    from kg import read
    from kg.process import process_report
    from kg.rdf.shards import oversized, shard_of

    path, corpus = job
    try:
        facts = process_report(nlp or _pipeline(config_path), Path(path), Path(corpus), timings)
        with timings.stage("shard"):
            shard = shard_of(facts)
            too_big = oversized(facts, shard)
        if too_big:
            return ("skip", f"{read.display_name(Path(path), Path(corpus))}: skipped: {too_big}")
        return ("ok", (facts, shard))
    except read.ReportError as exc:
        return ("skip", str(exc))
    except Exception as exc:  # a bug on one report must not end the build: name it and go on
        first = str(exc).splitlines()[0][:200] if str(exc) else ""
        return ("skip", f"{read.display_name(Path(path), Path(corpus))}: skipped: extraction failed: "
                        f"{type(exc).__name__}: {first}")


def _extract_batch(jobs: list[Job], config_path: str | None, timed: bool = False):
    """A worker's batch: (results, the batch's stage totals, or None when not `timed`)."""
    if not timed:
        return [extract_one(j, config_path) for j in jobs], None
    timings = Timings()
    results = [extract_one(j, config_path, timings=timings) for j in jobs]
    _report_load(timings)
    return results, timings.totals()


def _init_worker(config_path: str | None, parent: int | None = None) -> None:
    import signal

    from kg.sandbox import die_with_parent

    if parent is not None:
        die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C reaches the whole group: the parent decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)   # not the parent's handler, inherited by fork
    _LOAD.clear()  # a load the parent did before the fork is the parent's
    _pipeline(config_path)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_serial(jobs: list[Job], config_path=None, nlp=None, timings: Timings = NO_TIMINGS) -> Iterator[Result]:
    _LOAD.clear()  # a load before this build (the pipeline is kept between builds) is not this build's
    for job in jobs:
        result = extract_one(job, config_path, nlp, timings)
        _report_load(timings)
        yield result


# Batches in flight per worker: enough to keep every worker busy, few enough that finished results
# (a report's facts and evidence shard, about a megabyte) never pile up in the parent.
IN_FLIGHT_PER_WORKER = 4


def run_processes(jobs: list[Job], workers: int, config_path=None,
                  timings: Timings = NO_TIMINGS) -> Iterator[Result]:
    """Results in job order, with a bounded window of batches in flight: `Executor.map` submits every
    job at once, so when the parent (caching each result) falls behind the workers, finished results
    can queue up in its memory without bound."""
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    import multiprocessing

    ctx = get_context("fork" if sys.platform == "linux" else "spawn")
    size = max(1, min(8, len(jobs) // (workers * 8) or 1))
    batches = iter([jobs[i:i + size] for i in range(0, len(jobs), size)])
    before = {p.pid for p in multiprocessing.active_children()}
    pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                               initargs=(config_path, os.getpid()))
    pending: deque = deque()
    finished = False
    try:
        def submit() -> None:
            batch = next(batches, None)
            if batch is not None:
                pending.append(pool.submit(_extract_batch, batch, config_path, bool(timings)))

        for _ in range(workers * IN_FLIGHT_PER_WORKER):
            submit()
        while pending:
            done, totals = pending.popleft().result()
            timings.update(totals)
            submit()
            yield from done
        finished = True
    finally:
        if not finished:  # stopped early: drop the queued work and kill the workers now
            pool.shutdown(wait=False, cancel_futures=True)
            for proc in multiprocessing.active_children():
                if proc.pid not in before:
                    proc.kill()
        pool.shutdown(wait=True)


def run_dask(jobs: list[Job], scheduler: str | object, config_path=None, batch: int = 64,
             timings: Timings = NO_TIMINGS) -> Iterator[Result]:
    """Batches of reports as Dask tasks; `scheduler` is an address or a distributed Client/LocalCluster.

    The workers must see the corpus paths (a shared filesystem) and have county-kg installed.
    """
    from distributed import Client

    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        batches = [jobs[i:i + batch] for i in range(0, len(jobs), batch)]
        futures = client.map(_extract_batch, batches, config_path=config_path, timed=bool(timings), pure=False)
        for fut in futures:  # in job order
            done, totals = fut.result()
            timings.update(totals)
            yield from done
            fut.release()
    finally:
        if client is not scheduler:
            client.close()


def with_progress(results: Iterable[Result], total: int, enabled: bool) -> Iterator[Result]:
    """A progress bar (reports done, characters per second, time left), shown only on a terminal."""
    if not enabled:
        yield from results
        return
    import time

    from tqdm import tqdm

    start, chars = time.monotonic(), 0
    with tqdm(total=total, unit="report", file=sys.stderr, dynamic_ncols=True) as bar:
        for res in results:
            if res[0] == "ok":
                chars += int(res[1][0].meta.get("chars", 0))
            bar.set_postfix_str(f"{chars / max(time.monotonic() - start, 1e-6):,.0f} chars/s")
            bar.update(1)
            yield res
