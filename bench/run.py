#!/usr/bin/env python
"""Benchmark `kg build` and the shipped queries on the synthetic corpus, with baselines.

    python bench/run.py [--corpus-dir DIR] [--sizes 1000,10000] [--runs 3] [--workers N] [--quick]

Figures (each a median of several runs; the table says how many):

- full build (`kg build --full --no-validate --timings`, a subprocess) of the
  first N reports of the corpus: wall time, the time of each stage as the build
  itself measures it (per-report stages summed over the workers), characters
  per second, peak memory of the
  whole process tree (parent + worker processes, summed at the same instant,
  sampled with psutil every 0.2 s; RSS as asked, PSS beside it since forked
  workers share pages);
- incremental build after adding one new report to the largest corpus (the
  cache warm);
- each shipped query (queries/*.rq) through kg.query.query on the built graph;
- our export (kg.export.export_all, timed in-process from the cached facts)
  and queries against a naive baseline: the same extraction, serial in one
  process, then rdflib's in-memory Graph (the default-graph triples converted
  to rdflib terms), its Turtle serializer, and its SPARQL engine;
- a floor: read + decode + OpenCC t2s + segmentation (jieba's words, by rjieba, as
  the build segments) alone over the same files with the same worker count (no
  extraction), against our end-to-end build.

By default the largest size is built once and the others `--runs` times; the
baseline runs on the `--baseline-size` subset only (default 1,000). Results
are printed as a table and written as JSON (bench/results.json). bench/README.md
has the numbers of the last full run. Needs psutil (pip install psutil).
"""
from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

SEED = 0
EXTRA_DIR = "zz-bench-extra"   # where the incremental benchmark adds its new reports (sorted last)
MB = 1024 * 1024
STAGES = frozenset({"build", "queries", "export", "incremental", "floor", "baseline"})

# Targets on the 2-core reference machine (see bench/README.md).
TARGETS = {
    "full_build_wall_s": 180.0,
    "full_build_peak_rss_bytes": 2 * 1024 ** 3,
    "incremental_wall_s": 5.0,
    "query_s": 0.5,
    "ours_over_floor": 2.0,
    "baseline_over_ours": 10.0,
}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


# ---------------------------------------------------------------------------
# measuring a process tree

def _pss(pid: int) -> int | None:
    """Proportional set size from /proc/PID/smaps_rollup (shared pages split among sharers)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


class TreeMonitor(threading.Thread):
    """Poll the memory of a process and all its descendants; keep the peaks of the sums."""

    def __init__(self, pid: int, interval: float = 0.2, mem_limit: int | None = None):
        super().__init__(daemon=True)
        self.mem_limit = mem_limit
        self.killed = False
        import psutil

        self.psutil = psutil
        self.root = psutil.Process(pid)
        self.interval = interval
        self.done = threading.Event()
        self.peak_rss = 0         # sum over the tree at one instant
        self.peak_pss = 0
        self.pss_missing = 0
        self.peak_single = 0      # the largest single process
        self.max_procs = 0
        self.samples = 0
        self.timeline: list[tuple[float, int, int]] = []   # (seconds, tree RSS MB, processes) every ~2 s
        self.peak_at = 0.0

    def run(self) -> None:
        ps = self.psutil
        start = time.perf_counter()
        last = -10.0
        while not self.done.is_set():
            try:
                procs = [self.root] + self.root.children(recursive=True)
            except ps.Error:
                break
            rss = pss = 0
            n = 0
            for p in procs:
                try:
                    r = p.memory_info().rss
                except ps.Error:
                    continue
                n += 1
                rss += r
                self.peak_single = max(self.peak_single, r)
                if self.samples % 5 == 0:   # smaps_rollup costs more than statm: read it every 5th poll
                    q = _pss(p.pid)
                    if q is None:   # gone since it was listed, or no smaps_rollup: count its RSS
                        self.pss_missing += 1
                        q = r
                    pss += q
            now = time.perf_counter() - start
            if rss > self.peak_rss:
                self.peak_rss, self.peak_at = rss, now
            if now - last >= 2.0:
                self.timeline.append((round(now, 1), rss // MB, n))
                last = now
            if self.mem_limit and rss > self.mem_limit and not self.killed:
                self.killed = True   # protect the machine (it is shared): stop the tree we started
                for p in reversed(procs):
                    try:
                        p.kill()
                    except ps.Error:
                        pass
            if self.samples % 5 == 0:
                self.peak_pss = max(self.peak_pss, pss)
            self.max_procs = max(self.max_procs, n)
            self.samples += 1
            self.done.wait(self.interval)


MEM_LIMIT: int | None = None   # set from --mem-limit-gb


def run_measured(cmd: list[str], log_path: Path, interval: float = 0.2) -> dict:
    """Run CMD as a subprocess (output to LOG_PATH); wall time, CPU time and peak memory of its tree."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = os.getloadavg()
    with open(log_path, "wb") as fh:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        mon = TreeMonitor(proc.pid, interval, MEM_LIMIT)
        mon.start()
        rc = proc.wait()
        wall = time.perf_counter() - start
        mon.done.set()
        mon.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "wall_s": wall, "cpu_s": cpu, "rc": rc,
        "peak_rss_bytes": mon.peak_rss, "peak_pss_bytes": mon.peak_pss if mon.pss_missing <= mon.samples // 10 else None,
        "peak_single_rss_bytes": mon.peak_single, "max_processes": mon.max_procs, "samples": mon.samples,
        "peak_rss_at_s": round(mon.peak_at, 1), "rss_timeline_mb": mon.timeline,
        "killed_over_memory_limit": mon.killed, "mem_limit_bytes": MEM_LIMIT,
        "log": str(log_path), "loadavg_before": load_before, "loadavg_after": os.getloadavg(),
    }


# ---------------------------------------------------------------------------
# the corpus and its subsets

def _generator():
    if "bench_generate" in sys.modules:
        return sys.modules["bench_generate"]
    spec = importlib.util.spec_from_file_location("bench_generate", HERE / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = mod   # dataclasses look their module up here
    spec.loader.exec_module(mod)
    return mod


def ensure_corpus(corpus: Path, need: int, jobs: int, dense: bool = False) -> list[Path]:
    from kg import read

    gen = _generator()
    if not corpus.exists():
        log(f"{corpus} is missing: generating {need:,} reports (bench/generate.py, seed {SEED}"
            f"{', --dense' if dense else ''})")
        t = time.perf_counter()
        gen.generate(need, corpus, SEED, jobs, dense=dense)
        log(f"generated in {time.perf_counter() - t:.1f} s")
    first = corpus / gen.report_path(0, need)
    if first.is_file() and first.read_bytes() != gen.build_report(SEED, 0, dense).data:
        sys.exit(f"{corpus} was not written by this bench/generate.py{' --dense' if dense else ''} (seed {SEED}): "
                 f"its first report differs (an older generator, or the other density); use a fresh --corpus-dir")
    reports = [p for p in read.find_reports(corpus) if EXTRA_DIR not in p.parts]
    if len(reports) < need:
        sys.exit(f"{corpus} holds {len(reports):,} reports, fewer than the {need:,} asked for; "
                 f"use a fresh --corpus-dir (it is generated when missing) or smaller --sizes")
    return reports


def corpus_chars(corpus: Path, reports: list[Path]) -> list[int]:
    """Decoded characters of each report: from manifest.jsonl when the generator wrote one, else decoded here."""
    from kg import read

    known: dict[str, int] = {}
    mf = corpus / "manifest.jsonl"
    if mf.is_file():
        with open(mf, encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                known[rec["file"]] = rec["chars"]
    out = []
    for p in reports:
        name = read.report_name(p, corpus)
        if name not in known:
            try:
                known[name] = len(read.read_report(p, corpus).text)
            except read.ReportError:
                known[name] = 0
        out.append(known[name])
    return out


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def subset_tree(corpus: Path, reports: list[Path], n: int, dest: Path) -> Path:
    """DEST holding the first N reports (and their sidecars) under their own names, as hard links."""
    from kg import read

    stamp = dest / ".bench-subset"
    want = json.dumps({"corpus": str(corpus.resolve()), "n": n, "first": read.report_name(reports[0], corpus),
                       "last": read.report_name(reports[n - 1], corpus)})
    shutil.rmtree(dest / EXTRA_DIR, ignore_errors=True)
    if stamp.is_file() and stamp.read_text() == want:
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    for p in reports[:n]:
        rel = Path(read.report_name(p, corpus))
        _link(p, dest / rel)
        for side in read.sidecar_candidates(p):
            if side.is_file():
                _link(side, dest / rel.parent / side.name)
    stamp.write_text(want)
    return dest


# ---------------------------------------------------------------------------
# kg build as a subprocess

def kg_command() -> list[str]:
    exe = Path(sys.executable).parent / "kg"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "kg.cli"]


def build_cmd(corpus: Path, out: Path, workers: int, full: bool) -> list[str]:
    cmd = kg_command() + ["build", "--corpus", str(corpus), "--out", str(out), "--no-validate", "--timings"]
    if full:
        cmd.append("--full")
    return cmd + ["--workers", str(workers)]


def _build_counts(log_path: Path) -> dict:
    import re

    text = Path(log_path).read_text(encoding="utf-8", errors="replace")
    out = {}
    m = re.search(r"read (\d+) report\(s\), (\d+) from the cache", text)
    if m:
        out["extracted"], out["cached"] = int(m.group(1)), int(m.group(2))
    m = re.search(r"built (\d+) reports \((.*?)\); (\d+) relations", text)
    if m:
        out["reports"], out["nodes"], out["relations"] = int(m.group(1)), m.group(2), int(m.group(3))
    out["skipped_lines"] = sum(1 for line in text.splitlines() if ": skipped: " in line)
    out["tail"] = text[-2000:] if not m else ""
    from kg.timings import parse

    # the build's own stage times (`kg build --timings`): per-report stages summed over the workers
    out["stages_s"] = {k: v for k, (v, _) in parse(text.splitlines()).items()}
    return out


def dir_bytes(path: Path) -> dict:
    sizes = {}
    for p in sorted(Path(path).iterdir()):
        if p.is_file():
            sizes[p.name] = p.stat().st_size
        elif p.is_dir():
            sizes[p.name + "/"] = sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
    return sizes


# ---------------------------------------------------------------------------
# queries

def query_files() -> list[Path]:
    return sorted((ROOT / "queries").glob("*.rq"))


def time_queries(out: Path, runs: int, timeout: float = 120.0) -> dict:
    """Each shipped query: a first run in a child process stopped after TIMEOUT seconds, then RUNS
    timed runs in this process (fewer when they add up past TIMEOUT); median of the timed runs."""
    from kg.query import QueryTimeout, query

    res = {}
    for f in query_files():
        sparql = f.read_text(encoding="utf-8")
        t = time.perf_counter()
        try:
            _, rows = query(out, sparql, timeout=timeout)
        except QueryTimeout:
            res[f.stem] = {"first_s": None, "times_s": [timeout], "median_s": timeout, "rows": None,
                           "status": "timeout"}
            log(f"  {f.stem}: stopped after {timeout:.0f} s")
            continue
        first = time.perf_counter() - t
        times: list[float] = []
        while len(times) < runs and sum(times) < timeout:
            t = time.perf_counter()
            _, rows = query(out, sparql)
            times.append(time.perf_counter() - t)
        res[f.stem] = {"first_s": first, "times_s": times, "median_s": median(times), "rows": len(rows),
                       "status": "ok"}
        log(f"  {f.stem}: median {median(times) * 1000:.1f} ms over {len(times)} run(s) "
            f"(first, in a child process: {first * 1000:.1f} ms), {len(rows)} rows")
    return res


# ---------------------------------------------------------------------------
# our export, in-process, from the facts the build cached

def load_cached(out: Path):
    """(facts, shards) of every report the build into OUT cached, in report order."""
    from kg.build import CACHE_DIR
    from kg.cache import FactCache, Manifest

    root = Path(out) / CACHE_DIR
    manifest, cache = Manifest.load(root), FactCache(root)
    facts, shards = [], []
    for name in sorted(manifest.reports):
        rec = manifest.reports[name]
        if rec.get("status") != "ok" or not rec.get("key"):
            continue
        hit = cache.get(rec["key"])
        if hit is None:
            raise RuntimeError(f"cache entry of {name} is missing in {root}")
        facts.append(hit[0])
        shards.append(hit[1])
    return facts, shards


def time_our_export(out: Path, scratch: Path) -> dict:
    """Merge + export_all (every format and the store) into SCRATCH, with the time of each part as
    export_all measures it (kg.timings: export.*, store)."""
    import kg.export as kexport
    from kg.graph import merge
    from kg.timings import Timings

    t = time.perf_counter()
    facts, shards = load_cached(out)
    cache_s = time.perf_counter() - t
    t = time.perf_counter()
    graph = merge(facts)
    merge_s = time.perf_counter() - t
    del facts
    shutil.rmtree(scratch, ignore_errors=True)
    timings = Timings()
    t = time.perf_counter()
    kexport.export_all(graph, scratch, shards=shards, timings=timings)
    export_s = time.perf_counter() - t
    sizes = dir_bytes(scratch)
    shutil.rmtree(scratch, ignore_errors=True)
    del graph, shards
    gc.collect()
    return {"cache_read_s": cache_s, "merge_s": merge_s, "export_s": export_s, "parts_s": dict(timings.seconds),
            "sizes_bytes": sizes}


# ---------------------------------------------------------------------------
# the naive baseline: serial extraction, rdflib Graph, its Turtle serializer and SPARQL engine

def _to_rdflib(term, cache: dict):
    import rdflib
    from pyoxigraph import BlankNode, Literal, NamedNode

    hit = cache.get(term)
    if hit is not None:
        return hit
    if isinstance(term, NamedNode):
        r = rdflib.URIRef(term.value)
    elif isinstance(term, Literal):
        if term.language:
            r = rdflib.Literal(term.value, lang=term.language)
        elif term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            r = rdflib.Literal(term.value)
        else:
            r = rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    elif isinstance(term, BlankNode):
        r = rdflib.BNode(term.value)
    else:
        raise TypeError(f"unexpected term {term!r}")
    cache[term] = r
    return r


def psutil_vms() -> int:
    import psutil

    return psutil.Process().memory_info().vms


def _rdflib_query_child(g, sparql: str, timeout: float, mem_limit: int | None):
    """Run an rdflib query in a forked child (it shares the graph): ("ok", seconds, rows),
    ("timeout", None, None) when it runs past TIMEOUT, or ("err", message, None)."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)

    def child():
        try:
            if mem_limit:
                resource.setrlimit(resource.RLIMIT_AS, (mem_limit, mem_limit))
            t = time.perf_counter()
            n = len(list(g.query(sparql)))
            send.send(("ok", time.perf_counter() - t, n))
        except MemoryError:
            send.send(("err", "out of memory (limit set by --baseline-mem-gb)", None))
        except BaseException as exc:  # noqa: BLE001  (reported, not raised)
            send.send(("err", f"{type(exc).__name__}: {str(exc)[:160]}", None))

    proc = ctx.Process(target=child, daemon=True)
    proc.start()
    send.close()
    try:
        if recv.poll(timeout + 5):
            return recv.recv()
        return ("timeout", None, None)
    except EOFError:
        return ("err", f"child died (exit {proc.exitcode})", None)
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()


def run_baseline(corpus: Path, scratch: Path, query_runs: int, timeout: float = 300.0,
                 mem_gb: float | None = 8.0) -> dict:
    import rdflib

    from kg import executors, read
    from kg.rdf.dataset import default_quads
    from kg.rdf.terms import RDF_PREFIXES
    from kg.graph import merge
    from kg.nlp.pipeline import build as build_nlp

    res: dict = {}
    t = time.perf_counter()
    nlp = build_nlp()
    res["pipeline_load_s"] = time.perf_counter() - t
    jobs = [(str(p), str(corpus)) for p in read.find_reports(corpus)]
    t = time.perf_counter()
    results = list(executors.run_serial(jobs, None, nlp))
    res["extract_serial_s"] = time.perf_counter() - t
    res["reports"] = len(jobs)
    facts = [v[0] for status, v in results if status == "ok"]
    del results
    t = time.perf_counter()
    graph = merge(facts)
    res["merge_s"] = time.perf_counter() - t
    del facts

    t = time.perf_counter()
    quads = default_quads(graph)   # our mapping: the same triples graph.ttl holds
    res["mapping_s"] = time.perf_counter() - t
    t = time.perf_counter()
    g = rdflib.Graph()
    for k, v in RDF_PREFIXES.items():
        g.bind(k, v, override=True, replace=True)
    cache: dict = {}
    for q in quads:
        g.add((_to_rdflib(q.subject, cache), _to_rdflib(q.predicate, cache), _to_rdflib(q.object, cache)))
    res["rdflib_graph_s"] = time.perf_counter() - t
    res["triples"] = len(g)
    del quads, cache, graph
    gc.collect()
    t = time.perf_counter()
    data = g.serialize(format="turtle", encoding="utf-8")
    scratch.mkdir(parents=True, exist_ok=True)
    (scratch / "baseline.ttl").write_bytes(data)
    res["turtle_s"] = time.perf_counter() - t
    res["turtle_bytes"] = len(data)
    del data
    res["export_s"] = res["mapping_s"] + res["rdflib_graph_s"] + res["turtle_s"]

    qres = {}
    limit = psutil_vms() + int(mem_gb * 1024 ** 3) if mem_gb else None
    for f in query_files():
        sparql = f.read_text(encoding="utf-8")
        times, rows, status, spent = [], None, "ok", 0.0
        while len(times) < query_runs:
            st, value, n = _rdflib_query_child(g, sparql, timeout, limit)
            if st != "ok":
                status = st if st != "err" else f"error: {value}"
                if st == "timeout":
                    times = [timeout]
                break
            times.append(value)
            rows = n
            spent += value
            if spent > timeout:   # slow: fewer runs, not an hour of them
                break
        qres[f.stem] = {"times_s": times, "median_s": median(times), "rows": rows, "status": status}
        log(f"  rdflib {f.stem}: {status}, " + (f"median {qres[f.stem]['median_s']:.3f} s over {len(times)} run(s), "
                                                 f"{rows} rows" if times else ""))
    res["queries"] = qres
    shutil.rmtree(scratch, ignore_errors=True)
    del g
    gc.collect()
    return res


# ---------------------------------------------------------------------------
# the floor: read + decode + OpenCC t2s + segmentation, nothing else (run as `run.py --floor-worker`)

_FLOOR = {}


def _floor_one(path: str) -> tuple[int, int]:
    from kg import read

    try:
        src = read.read_report(Path(path), Path(_FLOOR["corpus"]))
    except read.ReportError:
        return (0, 0)
    text = _FLOOR["cc"].convert(src.text)
    return len(src.text), sum(1 for w in _FLOOR["words"].cut(text) if w)


def floor_main(corpus: Path, workers: int) -> None:
    """The floor segments as the build does: jieba's words with the lexicon terms, computed by rjieba
    (kg.nlp.tokenizer.words_for; jieba's own pure-Python cut is ~20x slower, a floor too easy to beat)."""
    import opencc

    from kg import lexicons, read
    from kg.nlp.tokenizer import words_for

    _FLOOR.update(corpus=str(corpus), cc=opencc.OpenCC("t2s"), words=words_for(lexicons.load()))  # before the fork
    paths = [str(p) for p in read.find_reports(corpus)]
    if workers <= 1:
        res = [_floor_one(p) for p in paths]
    else:
        import multiprocessing as mp

        chunk = max(1, min(32, len(paths) // (workers * 8) or 1))
        with mp.get_context("fork").Pool(workers) as pool:
            res = list(pool.imap(_floor_one, paths, chunksize=chunk))
    print(json.dumps({"reports": len(paths), "chars": sum(c for c, _ in res), "tokens": sum(t for _, t in res)}))


def floor_cmd(corpus: Path, workers: int) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--floor-worker", str(corpus), "--workers", str(workers)]


# ---------------------------------------------------------------------------
# profiling a build with py-spy (sampling; parent and worker processes)

def _frame_name(frame: str) -> str:
    """'merge (kg/graph.py:63)' -> 'merge (kg/graph.py)': one entry per function."""
    if frame.endswith(")") and " (" in frame:
        name, _, loc = frame[:-1].rpartition(" (")
        return f"{name} ({loc.rsplit(':', 1)[0]})"
    return frame


def summarise_profile(raw: Path, top: int = 25) -> dict:
    """Self and inclusive samples per function from py-spy's raw (collapsed) stacks."""
    from collections import Counter

    self_c, incl_c, kg_incl = Counter(), Counter(), Counter()
    parent = worker = 0
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [f for f in stack.split(";") if not f.startswith("process ")]
        if not frames:
            continue
        total += n
        if any(f.startswith("_process_worker ") for f in frames):
            worker += n
        else:
            parent += n
        names = [_frame_name(f) for f in frames]
        self_c[names[-1]] += n
        for name in set(names):
            incl_c[name] += n
            if "(kg/" in name:
                kg_incl[name] += n
    pct = (lambda c: round(100.0 * c / total, 1)) if total else (lambda c: 0.0)
    return {
        "samples": total, "parent_pct": pct(parent), "workers_pct": pct(worker),
        "top_self": [(pct(c), name) for name, c in self_c.most_common(top)],
        "top_inclusive_kg": [(pct(c), name) for name, c in kg_incl.most_common(top)],
    }


def render_profile(prof: dict) -> str:
    lines = [f"profile of one full build of {prof['size']:,} reports ({prof['command']}):",
             f"{prof['samples']:,} samples at {prof['rate']} Hz over all processes; parent process "
             f"{prof['parent_pct']}%, worker processes {prof['workers_pct']}%",
             "", "top functions by own time (% of all samples):"]
    lines += [f"  {p:5.1f}%  {name}" for p, name in prof["top_self"]]
    lines += ["", "kg functions by inclusive time (% of all samples):"]
    lines += [f"  {p:5.1f}%  {name}" for p, name in prof["top_inclusive_kg"]]
    return "\n".join(lines)


def profile_build(corpus_dir: Path, reports: list[Path], n: int, workers: int, work: Path, rate: int = 50) -> dict:
    exe = Path(sys.executable).parent / "py-spy"
    spy = str(exe) if exe.exists() else shutil.which("py-spy")
    if not spy:
        log("--profile needs py-spy: pip install py-spy")
        return {"error": "py-spy not installed"}
    corpus = subset_tree(corpus_dir, reports, n, work / f"corpus-{n}")
    out, raw = work / f"out-profile-{n}", work / f"profile-{n}.txt"
    shutil.rmtree(out, ignore_errors=True)
    build = build_cmd(corpus, out, workers, full=True)
    cmd = [spy, "record", "--nonblocking", "--subprocesses", "--rate", str(rate), "--format", "raw",
           "-o", str(raw), "--"] + build
    log(f"profile: {shlex.join(cmd)}")
    m = run_measured(cmd, work / "logs" / f"profile-{n}.log")
    shutil.rmtree(out, ignore_errors=True)
    if not raw.is_file():
        return {"error": f"py-spy wrote nothing (exit {m['rc']}, see {m['log']})"}
    prof = {"size": n, "command": shlex.join(cmd), "raw": str(raw), "rate": rate, "wall_s": m["wall_s"],
            **summarise_profile(raw)}
    log(render_profile(prof))
    return prof


# ---------------------------------------------------------------------------
# machine

def code_digest() -> str:
    """A hash of the package's code and data, to tell which state of the code the figures are for."""
    import hashlib

    h = hashlib.sha256()
    pkg = ROOT / "kg"
    for p in sorted(pkg.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(pkg)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def machine() -> dict:
    info = {"nproc": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    try:
        info["nproc"] = int(subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip())
    except (OSError, ValueError):
        pass
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        info["free_h"] = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    try:
        import psutil

        info["mem_total_bytes"] = psutil.virtual_memory().total
    except ImportError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    vers = {}
    for pkg in ("county-kg", "spacy", "jieba", "rjieba", "OpenCC", "pyoxigraph", "rdflib", "psutil"):
        try:
            vers[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    info["packages"] = vers
    return info


# ---------------------------------------------------------------------------
# the table

def fmt_num(v, unit: str) -> str:
    if v is None:
        return "n/a"
    if unit == "MB":
        return f"{v / MB:,.0f}"
    if unit in ("chars/s", "rows", "reports", "chars"):
        return f"{v:,.0f}"
    if unit == "×":
        return f"{v:,.2f}"
    if unit == "s":
        return f"{v:,.3f}" if v < 10 else f"{v:,.1f}"
    return str(v)


class Table:
    def __init__(self):
        self.rows: list[dict] = []

    def add(self, figure: str, value, unit: str, runs: str = "", target: str = "", met: bool | None = None):
        self.rows.append({"figure": figure, "value": value, "unit": unit, "runs": runs, "target": target,
                          "met": met})

    def render(self) -> str:
        head = ("figure", "value", "unit", "median of", "target", "met")
        body = [(r["figure"], fmt_num(r["value"], r["unit"]), r["unit"], r["runs"], r["target"],
                 "" if r["met"] is None else ("yes" if r["met"] else "NO")) for r in self.rows]
        widths = [max(len(str(x[i])) for x in [head] + body) for i in range(len(head))]
        lines = []
        for k, row in enumerate([head] + body):
            cells = [str(c).ljust(w) if i != 1 else str(c).rjust(w) for i, (c, w) in enumerate(zip(row, widths))]
            lines.append("| " + " | ".join(cells) + " |")
            if k == 0:
                lines.append("|" + "|".join("-" * (w + 2) if i != 1 else "-" * (w + 1) + ":"
                                            for i, w in enumerate(widths)) + "|")
        return "\n".join(lines)


def runs_label(n: int) -> str:
    return f"{n} run" + ("s" if n != 1 else "")


# ---------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus-dir", type=Path, default=Path("/tmp/bench10k"),
                    help="generated corpus (made with bench/generate.py when missing; default /tmp/bench10k)")
    ap.add_argument("--sizes", default=None, help="report counts to build, comma-separated (default 1000,10000)")
    ap.add_argument("--runs", type=int, default=None, help="runs of each size but the largest (default 3)")
    ap.add_argument("--big-runs", type=int, default=None,
                    help="runs of the largest size, also used for the incremental build (default 1)")
    ap.add_argument("--query-runs", type=int, default=None, help="timed runs of each query (default 5)")
    ap.add_argument("--query-timeout", type=float, default=120.0,
                    help="seconds before one of our queries is stopped and counted as at least that (default 120)")
    ap.add_argument("--baseline-query-runs", type=int, default=None, help="timed runs of each rdflib query (default 3)")
    ap.add_argument("--baseline-timeout", type=float, default=None,
                    help="seconds before an rdflib query is stopped and counted as at least that (default 600)")
    ap.add_argument("--baseline-mem-gb", type=float, default=8.0,
                    help="memory an rdflib query may add before it is stopped (default 8 GB)")
    ap.add_argument("--baseline-size", type=int, default=None,
                    help="subset the naive baseline runs on, and our export is compared at (default 1000)")
    ap.add_argument("--workers", type=int, default=None, help="worker processes (default: the machine's cores)")
    ap.add_argument("--dense", action="store_true",
                    help="a figure-dense corpus (bench/generate.py --dense), not the seeds' density")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: sizes 100,1000, 1 run each, baseline on 100 reports")
    ap.add_argument("--skip", default="",
                    help="stages to leave out: build,incremental,queries,export,baseline,floor or all "
                         "(with --profile alone, the profile is added to the existing JSON)")
    ap.add_argument("--work-dir", type=Path, default=Path("/tmp/kg-bench"),
                    help="scratch folder for subset corpora, outputs and logs (default /tmp/kg-bench)")
    ap.add_argument("--keep", action="store_true", help="keep the build outputs (the 10,000 one is tens of GB)")
    ap.add_argument("--json", type=Path, default=None,
                    help="where to write the results (default bench/results.json; with --quick, WORK_DIR/results-quick.json)")
    ap.add_argument("--mem-limit-gb", type=float, default=None,
                    help="stop a build whose process tree passes this much RSS (default 75%% of the memory)")
    ap.add_argument("--profile", type=int, default=None, metavar="N",
                    help="also profile one full build of N reports with py-spy (pip install py-spy)")
    ap.add_argument("--floor-worker", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    workers = args.workers or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
    if args.floor_worker is not None:
        floor_main(args.floor_worker, workers)
        return 0
    try:
        import psutil  # noqa: F401
    except ImportError:
        sys.exit("bench/run.py needs psutil: pip install psutil")

    global MEM_LIMIT
    import psutil

    MEM_LIMIT = int((args.mem_limit_gb * 1024 ** 3) if args.mem_limit_gb else psutil.virtual_memory().total * 0.75)
    q = args.quick
    sizes = sorted({int(s) for s in (args.sizes or ("100,1000" if q else "1000,10000")).split(",") if s.strip()})
    runs = args.runs if args.runs is not None else (1 if q else 3)
    big_runs = args.big_runs if args.big_runs is not None else 1
    query_runs = args.query_runs if args.query_runs is not None else (3 if q else 5)
    bq_runs = args.baseline_query_runs if args.baseline_query_runs is not None else (1 if q else 3)
    base_timeout = args.baseline_timeout if args.baseline_timeout is not None else (60.0 if q else 600.0)
    base_size = args.baseline_size if args.baseline_size is not None else (sizes[0] if q else min(1000, sizes[-1]))
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if "all" in skip:
        skip |= STAGES
    json_path = args.json or (args.work_dir / "results-quick.json" if q else HERE / "results.json")
    largest = sizes[-1]
    runs_of = {n: (big_runs if n == largest and len(sizes) > 1 else runs) for n in sizes}
    if len(sizes) == 1:
        runs_of[largest] = args.big_runs if args.big_runs is not None else runs
    if base_size not in sizes and not {"baseline", "export"} <= skip:
        sizes = sorted(set(sizes) | {base_size})
        runs_of[base_size] = runs

    command = shlex.join(["python",
                          os.path.relpath(Path(__file__).resolve(), Path.cwd()), *(argv if argv is not None else sys.argv[1:])])
    work = args.work_dir
    work.mkdir(parents=True, exist_ok=True)
    log(f"command: {command}")
    log(f"sizes {sizes}, runs {runs_of}, workers {workers}, query runs {query_runs}, baseline on {base_size}")

    corpus_dir = args.corpus_dir
    reports = ensure_corpus(corpus_dir, max(sizes + [args.profile or 0]), max(2, workers), args.dense)
    chars_each = corpus_chars(corpus_dir, reports[:max(sizes)])

    results: dict = {
        "command": command, "started": time.strftime("%Y-%m-%d %H:%M:%S %z"), "machine": machine(),
        "code_digest_start": code_digest(),
        "config": {"corpus_dir": str(corpus_dir), "sizes": sizes, "runs": {str(k): v for k, v in runs_of.items()},
                   "workers": workers, "query_runs": query_runs, "baseline_query_runs": bq_runs,
                   "baseline_size": base_size, "baseline_timeout_s": base_timeout,
                   "baseline_mem_gb": args.baseline_mem_gb, "skip": sorted(skip), "seed": SEED,
                   "dense": args.dense},
        "corpus": {}, "full_build": {}, "queries": {}, "export": {}, "incremental": {}, "baseline": None,
        "floor": {}, "build_commands": [],
    }

    def save():
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")

    for n in sizes:
        if STAGES <= skip:
            break
        corpus = subset_tree(corpus_dir, reports, n, work / f"corpus-{n}")
        nchars = sum(chars_each[:n])
        results["corpus"][str(n)] = {"path": str(corpus), "reports": n, "chars": nchars}
        out = work / f"out-{n}"
        log(f"== {n:,} reports, {nchars:,} characters ({corpus}); free disk "
            f"{shutil.disk_usage(work).free / 1024 ** 3:.0f} GB")

        built = False
        if "build" not in skip:
            per = []
            for r in range(runs_of[n]):
                shutil.rmtree(out, ignore_errors=True)
                cmd = build_cmd(corpus, out, workers, full=True)
                if r == 0:
                    results["build_commands"].append(shlex.join(cmd))
                log(f"full build {r + 1}/{runs_of[n]}: {shlex.join(cmd)}")
                m = run_measured(cmd, work / "logs" / f"build-{n}-{r}.log")
                m.update(_build_counts(Path(m["log"])))
                m["chars_per_s"] = nchars / m["wall_s"]
                log(f"  rc {m['rc']}, {m['wall_s']:.1f} s, {m['chars_per_s']:,.0f} chars/s, peak tree RSS "
                    f"{m['peak_rss_bytes'] / MB:,.0f} MB (PSS {(m['peak_pss_bytes'] or 0) / MB:,.0f} MB), "
                    f"at {m['peak_rss_at_s']:.0f} s, CPU {m['cpu_s']:.0f} s")
                per.append(m)
                if m["rc"] not in (0, 3):
                    log(f"  build failed{' (stopped: over the memory limit)' if m['killed_over_memory_limit'] else ''}"
                        f"; see {m['log']}")
                    break
            ok = [m for m in per if m["rc"] in (0, 3)]
            built = bool(ok) and ok[-1] is per[-1]
            results["full_build"][str(n)] = {
                "runs": per, "n_ok": len(ok),
                "median": {k: median([m[k] for m in ok]) for k in
                           ("wall_s", "chars_per_s", "peak_rss_bytes", "peak_pss_bytes", "peak_single_rss_bytes",
                            "cpu_s")} if ok else None,
                "outputs_bytes": dir_bytes(out) if built else None,
            }
            save()
        elif (out / "store").is_dir():
            built = True

        if built and "queries" not in skip:
            log(f"queries on the {n:,}-report graph ({query_runs} timed runs each)")
            results["queries"][str(n)] = time_queries(out, query_runs, args.query_timeout)
            save()

        if built and n == base_size and "export" not in skip:
            log(f"our export, in-process from the cache of the {n:,}-report build")
            results["export"][str(n)] = time_our_export(out, work / f"export-{n}")
            e = results["export"][str(n)]
            log(f"  cache read {e['cache_read_s']:.1f} s, merge {e['merge_s']:.1f} s, export {e['export_s']:.1f} s: "
                + ", ".join(f"{k} {v:.1f} s" for k, v in e["parts_s"].items()))
            save()

        if built and "incremental" not in skip:
            gen = _generator()
            per = []
            for r in range(big_runs):
                i = len(reports) + r          # a report the corpus does not hold yet
                rep = gen.build_report(SEED, i, args.dense)
                rel = Path(EXTRA_DIR) / f"{i:05d}.txt"
                (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
                (corpus / rel).write_bytes(rep.data)
                if rep.sidecar is not None:
                    (corpus / rel).with_suffix(".meta.json").write_bytes(rep.sidecar)
                cmd = build_cmd(corpus, out, workers, full=False)
                log(f"incremental build {r + 1}/{big_runs} (added {rel}): {shlex.join(cmd)}")
                m = run_measured(cmd, work / "logs" / f"incremental-{n}-{r}.log")
                m.update(_build_counts(Path(m["log"])))
                m["added"] = str(rel)
                log(f"  rc {m['rc']}, {m['wall_s']:.1f} s, read {m.get('extracted')} / cached {m.get('cached')}, "
                    f"peak tree RSS {m['peak_rss_bytes'] / MB:,.0f} MB")
                per.append(m)
            results["incremental"][str(n)] = {"size": n, "runs": per, "command": shlex.join(build_cmd(corpus, out, workers, False)),
                                      "median_wall_s": median([m["wall_s"] for m in per if m["rc"] in (0, 3)]),
                                      "median_peak_rss_bytes": median([m["peak_rss_bytes"] for m in per])}
            shutil.rmtree(corpus / EXTRA_DIR, ignore_errors=True)
            save()

        if "floor" not in skip:
            per = []
            for r in range(runs_of[n]):
                cmd = floor_cmd(corpus, workers)
                log(f"floor {r + 1}/{runs_of[n]}: {shlex.join(cmd)}")
                m = run_measured(cmd, work / "logs" / f"floor-{n}-{r}.log")
                try:
                    m.update(json.loads(Path(m["log"]).read_text().strip().splitlines()[-1]))
                except (ValueError, IndexError):
                    pass
                m["chars_per_s"] = nchars / m["wall_s"]
                log(f"  rc {m['rc']}, {m['wall_s']:.1f} s, {m['chars_per_s']:,.0f} chars/s")
                per.append(m)
            results["floor"][str(n)] = {"runs": per, "command": shlex.join(floor_cmd(corpus, workers)),
                                        "median_wall_s": median([m["wall_s"] for m in per]),
                                        "median_peak_rss_bytes": median([m["peak_rss_bytes"] for m in per])}
            save()

        if n == base_size and "baseline" not in skip:
            log(f"naive baseline on {n:,} reports: serial extraction, rdflib Graph + Turtle + SPARQL")
            results["baseline"] = {"size": n, **run_baseline(corpus, work / f"baseline-{n}", bq_runs, base_timeout,
                                                               args.baseline_mem_gb)}
            b = results["baseline"]
            log(f"  extraction {b['extract_serial_s']:.1f} s, rdflib graph {b['rdflib_graph_s']:.1f} s, "
                f"turtle {b['turtle_s']:.1f} s; queries: "
                + ", ".join(f"{k} {v['status']} {v['median_s'] or 0:.2f} s" for k, v in b["queries"].items()))
            save()

        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)

    if args.profile:
        prof = profile_build(corpus_dir, reports, args.profile, workers, work)
        if STAGES <= skip and json_path.is_file():
            # profiling alone: add the profile to the results already written, keep the rest
            old = json.loads(json_path.read_text(encoding="utf-8"))
            old["profile"] = {**prof, "profile_command": command, "code_digest": code_digest()}
            json_path.write_text(json.dumps(old, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
            print(render_profile(prof) if prof.get("top_self") else prof)
            print(f"\nprofile added to {json_path}")
            return 0
        results["profile"] = prof
        save()
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %z")
    results["code_digest_end"] = code_digest()
    if results["code_digest_end"] != results["code_digest_start"]:
        log("WARNING: the code under kg/ changed while the benchmark ran; the figures mix two versions")
    table, targets = summarise(results, sizes, runs_of, largest, base_size, query_runs, bq_runs)
    results["table"] = table.rows
    results["targets"] = targets
    save()
    m = results["machine"]
    print(f"command: {command}")
    print(f"machine: {m.get('nproc')} cores ({m.get('cpu', '?')}), "
          f"{(m.get('mem_total_bytes') or 0) / 1024 ** 3:.1f} GiB memory; Python {m['python']}; workers {workers}")
    for c in results["build_commands"]:
        print(f"build: {c}")
    print(f"default runs: each size {runs} run(s), the largest ({largest:,}) {big_runs} run(s); "
          f"queries {query_runs} timed runs after one untimed; baseline on {base_size:,} reports")
    print()
    print(table.render())
    print()
    if largest != 10000:
        print(f"(the targets are set for 10,000 reports; here they are checked on {largest:,})")
    for t in targets:
        print(f"target {'met   ' if t['met'] else 'MISSED' if t['met'] is False else 'n/a   '} {t['what']}: {t['detail']}")
    if results["code_digest_end"] != results["code_digest_start"]:
        print("WARNING: the code under kg/ changed during the run (code_digest_start/end in the JSON)")
    prof = results.get("profile")
    if prof and prof.get("top_self"):
        print()
        print(render_profile(prof))
    print(f"\nresults written to {json_path}")
    return 0


def summarise(res: dict, sizes, runs_of, largest, base_size, query_runs, bq_runs):
    t = Table()
    targets = []

    def target(what, value, limit, met, detail):
        targets.append({"what": what, "value": value, "limit": limit, "met": met, "detail": detail})

    for n in sizes:
        fb = res["full_build"].get(str(n))
        if not fb or not fb["median"]:
            if fb:
                last = fb["runs"][-1]
                if last.get("killed_over_memory_limit"):
                    why = f"stopped over the memory limit after {last['wall_s']:.0f} s"
                    t.add(f"full build, {n:,} reports: {why}, peak RSS ≥", last["peak_rss_bytes"], "MB", "1 run",
                          "≤ 2048 MB" if n == largest else "", False if n == largest else None)
                else:
                    why = f"FAILED, exit {last['rc']} (see {last['log']})"
                    t.add(f"full build, {n:,} reports: {why}", None, "", "1 run")
                if n == largest:
                    target(f"full build of {n:,} reports ≤ 180 s", None, 180, False, why)
                    target(f"peak RSS of the {n:,}-report build ≤ 2 GB", last["peak_rss_bytes"], 2 * 1024 ** 3,
                           last["peak_rss_bytes"] <= 2 * 1024 ** 3,
                           f"{last['peak_rss_bytes'] / MB:,.0f} MB tree RSS when it ended")
            continue
        md, k = fb["median"], runs_label(fb["n_ok"])
        big = n == largest
        t.add(f"full build, {n:,} reports: wall time", md["wall_s"], "s", k,
              "≤ 180 s" if big else "", (md["wall_s"] <= TARGETS["full_build_wall_s"]) if big else None)
        t.add(f"full build, {n:,} reports: throughput", md["chars_per_s"], "chars/s", k)
        t.add(f"full build, {n:,} reports: peak RSS, process tree (sum)", md["peak_rss_bytes"], "MB", k,
              "≤ 2048 MB" if big else "", (md["peak_rss_bytes"] <= TARGETS["full_build_peak_rss_bytes"]) if big else None)
        t.add(f"full build, {n:,} reports: peak PSS, process tree (sum)", md["peak_pss_bytes"], "MB", k)
        t.add(f"full build, {n:,} reports: CPU time (all processes)", md["cpu_s"], "s", k)
        ok = [m for m in fb["runs"] if m["rc"] in (0, 3) and m.get("stages_s")]
        for stage in (ok[0]["stages_s"] if ok else {}):  # the build's own timing (`kg build --timings`)
            t.add(f"full build, {n:,} reports: stage {stage}", median([m["stages_s"].get(stage) for m in ok]), "s",
                  runs_label(len(ok)))
        if big:
            target(f"full build of {n:,} reports ≤ 180 s", md["wall_s"], 180, md["wall_s"] <= 180,
                   f"{md['wall_s']:.1f} s")
            target(f"peak RSS of the {n:,}-report build ≤ 2 GB", md["peak_rss_bytes"], TARGETS["full_build_peak_rss_bytes"],
                   md["peak_rss_bytes"] <= TARGETS["full_build_peak_rss_bytes"],
                   f"{md['peak_rss_bytes'] / MB:,.0f} MB tree RSS (PSS {(md['peak_pss_bytes'] or 0) / MB:,.0f} MB)")
    done = [n for n in sizes if (res["incremental"].get(str(n)) or {}).get("median_wall_s") is not None]
    for n in done:
        inc = res["incremental"][str(n)]
        k = runs_label(len(inc["runs"]))
        v = inc["median_wall_s"]
        big = n == done[-1]
        t.add(f"incremental build, {n:,} + 1 report: wall time", v, "s", k, "≤ 5 s" if big else "",
              (v <= 5) if big else None)
        t.add(f"incremental build, {n:,} + 1 report: peak RSS (tree)", inc["median_peak_rss_bytes"], "MB", k)
        if big:
            target(f"incremental add-one on {n:,} ≤ 5 s", v, 5, v <= 5, f"{v:.1f} s")
    qsizes = [n for n in sizes if res["queries"].get(str(n))]
    for n in qsizes:
        qs = res["queries"][str(n)]
        big = n == qsizes[-1]
        worst = max(v["median_s"] for v in qs.values())
        for name, v in qs.items():
            what = (f"({v['rows']:,} rows)" if v.get("status", "ok") == "ok" else "stopped at the timeout, so ≥")
            t.add(f"query {name}, {n:,}-report graph {what}", v["median_s"], "s",
                  runs_label(len(v["times_s"])), "≤ 0.5 s" if big else "", (v["median_s"] <= 0.5) if big else None)
        if big:
            slow = [f"{k} {v['median_s']:.2f} s" for k, v in qs.items() if v["median_s"] > 0.5]
            target(f"every shipped query ≤ 0.5 s on the {n:,}-report graph", worst, 0.5, worst <= 0.5,
                   f"slowest {worst:.3f} s" + (f"; over: {', '.join(slow)}" if slow else ""))
    # floor
    for n in sizes:
        fl, fb = res["floor"].get(str(n)), res["full_build"].get(str(n))
        if not fl:
            continue
        k = runs_label(len(fl["runs"]))
        chars = res["corpus"][str(n)]["chars"]
        t.add(f"floor (read+decode+t2s+segmentation), {n:,} reports: wall time", fl["median_wall_s"], "s", k)
        t.add(f"floor, {n:,} reports: throughput", chars / fl["median_wall_s"], "chars/s", k)
        if fb and fb["median"]:
            ratio = fb["median"]["wall_s"] / fl["median_wall_s"]
            big = n == max(x for x in sizes if res["floor"].get(str(x))
                           and (res["full_build"].get(str(x)) or {}).get("median"))
            t.add(f"end to end ours / floor, {n:,} reports", ratio, "×", "medians above",
                  "≤ 2×" if big else "", (ratio <= 2) if big else None)
            if big:
                target(f"end to end ≤ 2× the floor ({n:,} reports)", ratio, 2, ratio <= 2,
                       f"{fb['median']['wall_s']:.1f} s / {fl['median_wall_s']:.1f} s = {ratio:.1f}×")
    # baseline
    b, ex, oq = res.get("baseline"), res["export"].get(str(base_size)), res["queries"].get(str(base_size))
    if b:
        n = b["size"]
        t.add(f"baseline, {n:,} reports: serial extraction (1 process)", b["extract_serial_s"], "s", "1 run")
        t.add(f"baseline, {n:,} reports: rdflib Graph fill ({b['triples']:,} triples)",
              b["rdflib_graph_s"] + b["mapping_s"], "s", "1 run")
        t.add(f"baseline, {n:,} reports: rdflib Turtle serialize", b["turtle_s"], "s", "1 run")
        comparable = [k for k, v in b["queries"].items() if v["status"] in ("ok", "timeout")]
        excluded = [k for k in b["queries"] if k not in comparable]
        lower = any(b["queries"][k]["status"] == "timeout" for k in comparable)
        ge = "≥ " if lower else ""
        bq = sum(b["queries"][k]["median_s"] for k in comparable)
        for name, v in b["queries"].items():
            label = f"baseline query {name}, rdflib, {n:,} reports"
            if v["status"] == "ok":
                t.add(f"{label} ({v['rows']:,} rows)", v["median_s"], "s", runs_label(len(v["times_s"])))
            elif v["status"] == "timeout":
                t.add(f"{label}: stopped at the timeout, so ≥", v["median_s"], "s", "1 run")
            elif "requiring a dataset" in v["status"]:
                t.add(f"{label}: n/a, needs named graphs (the rdflib Graph holds the default graph)", None, "s")
            else:
                t.add(f"{label}: {v['status']}", None, "s")
        if ex and oq:
            oqs = sum(oq[k]["median_s"] for k in comparable if k in oq)
            ours = ex["export_s"] + oqs
            base = b["export_s"] + bq
            nq = len(comparable)
            t.add(f"ours, {n:,} reports: export_all (all formats + store)", ex["export_s"], "s", "1 run")
            t.add(f"ours, {n:,} reports: the {nq} comparable queries, total", oqs, "s", runs_label(query_runs))
            t.add(f"baseline, {n:,} reports: Turtle export + the {nq} queries{', ≥' if lower else ''}", base, "s")
            ratio = base / ours
            t.add(f"export+query: baseline / ours, {n:,} reports{' (≥: a baseline query timed out)' if lower else ''}",
                  ratio, "×", "", "≥ 10×", ratio >= 10)
            ttl = ex["parts_s"].get("export.default_graph", 0) + ex["parts_s"].get("export.graph.ttl", 0)
            if ttl:
                t.add(f"Turtle only: baseline / ours (graph.ttl), {n:,} reports", b["export_s"] / ttl, "×")
            t.add(f"queries only: baseline / ours, {n:,} reports{' (≥)' if lower else ''}",
                  bq / oqs if oqs else None, "×")
            diff = [k for k in comparable if k in oq and b["queries"][k]["status"] == "ok"
                    and oq[k]["rows"] != b["queries"][k]["rows"]]
            target(f"export+query ≥ 10× faster than the naive baseline ({n:,} reports)", ratio, 10, ratio >= 10,
                   f"baseline {ge}{base:.1f} s / ours {ours:.1f} s = {ge}{ratio:.1f}×"
                   + (f"; left out (the baseline cannot answer): {', '.join(excluded)}" if excluded else "")
                   + (f"; row counts differ for {', '.join(diff)}" if diff else ""))
    if ex:
        n = base_size
        t.add(f"ours, {n:,} reports: cache read (in-process)", ex["cache_read_s"], "s", "1 run")
        t.add(f"ours, {n:,} reports: merge", ex["merge_s"], "s", "1 run")
        for k, v in ex["parts_s"].items():
            t.add(f"ours, {n:,} reports: export part {k}", v, "s", "1 run")
    return t, targets


if __name__ == "__main__":
    sys.exit(main())
