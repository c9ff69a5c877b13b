"""Orchestration: what changed, the cache, workers or Dask, merge, exports.

Each report goes left to right on its own (`kg.process.process_report` is a pure function
of the file's bytes, the pipeline version, lexicons and config, which is the
cache key); only the merge and the exports see the whole corpus. A build
re-reads only new or changed reports; deleted reports simply drop out of the
merge. A report that cannot be read is skipped with one line naming it and the
reason; the rest still build.

A build holds OUT's lock from start to end (a second build into OUT waits), checks
OUT can be written before it reads a report, and replaces every output, the
store and the manifest as one set only when all of them are written.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING, Callable

from kg import outdir, read
from kg.cache import FactCache, Manifest, report_key
from kg.facts import ReportFacts
from kg.graph import KnowledgeGraph, merge
from kg.timings import NO_TIMINGS, Timings

if TYPE_CHECKING:
    from kg.curation.apply import Outcome

CACHE_DIR = outdir.STATE_DIR


class EmptyCorpus(ValueError):
    """The corpus folder is missing or holds no report: nothing to build or compare."""


def reports_of(corpus: Path) -> list[Path]:
    """The corpus's reports; EmptyCorpus if the folder is missing or holds none."""
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise EmptyCorpus(f"corpus folder not found: {corpus}")
    found = read.find_reports(corpus)
    if not found:
        raise EmptyCorpus(f"no reports in {corpus} (a report is a .txt, .html or .htm file)")
    return found


@dataclass
class BuildResult:
    graph: KnowledgeGraph | None  # None when the build left everything as it was (`unchanged`)
    facts: list[ReportFacts]
    skipped: list[str] = field(default_factory=list)   # one line per skipped report
    outputs: list[Path] = field(default_factory=list)
    extracted: int = 0    # reports read this time (the rest came from the cache)
    cached: int = 0
    store_update: str = ""  # "full" (loaded from graph.nq) or "incremental" (changed graphs only)
    fresh: list[str] = field(default_factory=list)  # the reports read this time (not from the cache)
    fresh_facts: list[ReportFacts] = field(default_factory=list)  # their facts
    warnings: list[str] = field(default_factory=list)  # one line each: built, but not all of it used
    curation: Outcome | None = None  # what the corrections did (kg.curation.apply.Outcome); None: no folder
    unchanged: bool = False  # nothing changed since the last build into OUT: no output was rewritten
    summary: str = ""  # what the graph holds, in one line ("5 reports (…); 318 relations")


@dataclass(frozen=True)
class BuildOptions:
    """How a build runs, beyond what it reads and writes (one value, so `build` need not grow a keyword
    per setting). `curation`: the folder of `*.jsonl` corrections applied to the facts after extraction
    (`kg build` passes ./curation); None applies none."""

    curation: Path | None = None
    timings: Timings = NO_TIMINGS  # kg.timings: the time of each stage (`kg build --timings`)
    # When no report, rule, lexicon, config or correction changed since the last build into OUT and its
    # outputs are all there, leave them as they are (no file rewritten, nothing merged; `graph` is
    # None). `kg build` does; the Python default builds anyway, so `graph` is always there.
    skip_unchanged: bool = False


def export(graph: KnowledgeGraph, out: Path, shards: list | None = None, info: dict | None = None,
           timings: Timings = NO_TIMINGS) -> list[Path]:
    from kg.export import export_all

    return export_all(graph, out, shards=shards, info=info, timings=timings)


def _config_digest(config_path: Path | None) -> str:
    """Config text, lexicon bytes and rule code: what, besides a report's bytes, decides its facts."""
    import hashlib

    from kg.cache import code_digest
    from kg.nlp.pipeline import config_digest

    return hashlib.sha256(f"{config_digest(config_path)}\0{code_digest()}".encode()).hexdigest()


def _without_evidence(facts: ReportFacts) -> ReportFacts:
    """The facts with empty evidence lists: the shard holds the evidence, memory need not."""
    for item in (*facts.entities, *facts.relations):
        item.evidence = []
    return facts


@contextmanager
def _collector_paused():
    """Merging and exporting create millions of small acyclic objects (nodes, quads, rows); the cyclic
    garbage collector rescanned the whole heap again and again while they piled up (a third of the
    export time). Reference counting still frees them; the collector resumes afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build(corpus: Path, out: Path, nlp=None, on_skip: Callable[[str], None] | None = None, *,
          workers: int = 1, executor: str = "processes", scheduler=None, full: bool = False,
          config_path: Path | None = None, progress: bool = False, export_outputs: bool = True,
          keep_evidence: bool = True, keep_facts: bool = True,
          on_warning: Callable[[str], None] | None = None, lock_wait: float | None = None,
          on_wait: Callable[[str], None] | None = None, options: BuildOptions | None = None) -> BuildResult:
    """Build OUT from CORPUS, re-reading only what changed since the last build into OUT.

    Reports are merged one at a time in name order as they come, from the cache or from the workers,
    so the parent never holds every report's facts (`keep_facts=False`, as the CLI runs it, keeps
    only those read this time; `keep_evidence=False` parses no cached evidence: the shards hold it).
    A report's warnings (a bad sidecar left out) are kept with its cached facts, so every build repeats them.

    Raises EmptyCorpus (no report), kg.outdir.OutputError (OUT cannot be written: before any report
    is read, or while writing, naming the file; no output is then replaced) and kg.outdir.OutputBusy
    (another build held OUT for longer than `lock_wait` seconds; None waits, calling `on_wait` once).

    The corrections of `options.curation` apply to every report's facts, cached or read now (the
    cache keeps what the rules said); a bad curation line raises kg.curation.CurationError (one line,
    FILE:LINE) before anything is read or written.

    `options.timings` (kg.timings) gets the time of each stage, measured where it runs
    (`kg build --timings`).
    """
    from kg import curation

    options = options or BuildOptions()
    corpus, out = Path(corpus), Path(out)
    corrections = curation.load(options.curation) if options.curation is not None else []
    timings = options.timings
    with timings.stage("find"):
        found = reports_of(corpus)
    outdir.check_writable(out)
    with outdir.exclusive(out, wait=lock_wait, on_wait=on_wait):
        return _build_locked(corpus, out, found, nlp, on_skip, workers=workers, executor=executor,
                             scheduler=scheduler, full=full, config_path=config_path, progress=progress,
                             export_outputs=export_outputs, keep_evidence=keep_evidence, keep_facts=keep_facts,
                             on_warning=on_warning, corrections=corrections, options=options)


def _text_reader(corpus: Path, paths: dict[str, Path], nlp, config_path: Path | None):
    """report name -> its normalised Text (None if it cannot be read), for the curation's `add`s."""
    lexicons = []

    def text_of(name: str):
        from kg.nlp.pipeline import config_lexicons, lexicons_of, load_config
        from kg.process import normalized_text

        path = paths.get(name)
        if path is None:
            return None
        if not lexicons:
            lexicons.append(lexicons_of(nlp) if nlp is not None else config_lexicons(load_config(config_path)))
        return normalized_text(path, corpus, lexicons[0])

    return text_of


def _build_locked(corpus: Path, out: Path, found: list[Path], nlp, on_skip, *, workers: int, executor: str,
                  scheduler, full: bool, config_path: Path | None, progress: bool, export_outputs: bool,
                  keep_evidence: bool, keep_facts: bool, on_warning, corrections: list,
                  options: BuildOptions) -> BuildResult:
    from kg import executors
    from kg.curation import state as curation_state
    from kg.curation.apply import Curator
    from kg.curation.rdf import curated_shard
    from kg.atomic import together
    from kg.curation.shardcache import CuratedShards, shard_key

    keep_evidence = keep_evidence or not export_outputs  # without exports the facts are all there is
    timings = options.timings
    cache_root = out / CACHE_DIR
    cache = FactCache(cache_root)
    cfg = _config_digest(config_path)
    config = str(config_path) if config_path else None
    manifest = Manifest(config=cfg)
    entries = []  # (name, path, digest, key, cached?) in name order: the merge order
    with timings.stage("find"):
        for path in found:
            name = read.report_name(path, corpus)
            digest = read.file_digest(path)
            key = report_key(f"{name}\0{digest}", cfg) if digest else None
            entries.append((name, path, digest, key, bool(key) and not full and cache.has(key)))
    entries.sort(key=lambda e: e[0])
    todo = [(str(path), str(corpus)) for _, path, _, _, cached in entries if not cached]
    if options.skip_unchanged and not full and not todo:
        last = _unchanged_since(out, cfg, entries, options.curation)
        if last is not None:
            for line in (w for r in last.reports.values() for w in r.get("warnings", [])):
                if on_warning:
                    on_warning(line)
            return BuildResult(None, [], cached=len(entries), unchanged=True, summary=last.summary,
                               warnings=[w for r in last.reports.values() for w in r.get("warnings", [])])
    curator = Curator(corrections, _text_reader(corpus, {e[0]: e[1] for e in entries}, nlp, config_path))
    curated = CuratedShards(cache_root)
    used_curated: set[str] = set()
    failed: dict[str, str] = {}
    if executor == "dask":
        results = executors.run_dask(todo, scheduler, config, timings=timings)
    elif nlp is not None or workers <= 1 or len(todo) < 2:
        results = executors.run_serial(todo, config, nlp, timings)
    else:
        results = executors.run_processes(todo, workers, config, timings)
    results = executors.with_progress(results, len(todo), progress)

    kept: list[ReportFacts] = []
    fresh_facts: list[ReportFacts] = []
    fresh_names: list[str] = []
    # the facts read this time are kept for the build's shape check of what changed; when every
    # report is read, the check reads the whole graph instead, and keeping them all costs gigabytes
    keep_fresh = keep_facts or len(todo) < len(entries)
    shards: list = []
    skipped: list[str] = []
    warnings: list[str] = []
    hits = extracted = 0

    def each_report():
        """Facts in name order: a cached entry, or the next worker result (the workers run in the same
        order); an entry found damaged now is re-read here."""
        nonlocal hits, extracted
        for name, path, digest, key, cached in entries:
            with timings.stage("cache"):
                hit = cache.get(key, evidence=keep_evidence) if cached else None
            if hit is not None:
                hits += 1
                facts, shard = hit
            else:
                extracted += 1
                status, value = next(results) if not cached else executors.extract_one(
                    (str(path), str(corpus)), config, nlp, timings)
                if status != "ok":
                    failed[name] = value
                    skipped.append(value)
                    manifest.reports[name] = {"digest": digest, "key": None, "status": "failed", "reason": value}
                    if on_skip:
                        on_skip(value)
                    continue
                facts, shard = value
                if key:  # keep the shard on disk, not in memory
                    with timings.stage("cache"):
                        shard = cache.put(key, facts, shard)
                fresh_names.append(name)
            if curator and curator.touches(facts):
                facts, shard = curate(facts, shard, key)
            if not keep_evidence:
                facts = _without_evidence(facts)
            if hit is None and keep_fresh:
                fresh_facts.append(facts)
            manifest.reports[name] = {"digest": digest, "key": key, "status": "ok"}
            if facts.warnings:  # kept so that a build that changes nothing repeats them too
                manifest.reports[name]["warnings"] = list(facts.warnings)
            for line in facts.warnings:
                warnings.append(line)
                if on_warning:
                    on_warning(line)
            shards.append(shard)
            if keep_facts:
                kept.append(facts)
            yield facts

    def curate(facts: ReportFacts, shard, key):
        """The report's facts after the corrections, and its shard rebuilt from them (the fact cache
        keeps the rules' facts: its key never sees the curation), or kept from an earlier build."""
        ckey = shard_key(key, curator.relevant(facts)) if key else None
        kept_shard = curated.get(facts.report, ckey) if ckey else None
        if kept_shard is None and key and not any(item.evidence for item in (*facts.entities, *facts.relations)):
            full_hit = cache.get(key, evidence=True)  # the shard needs the evidence the merge skips
            if full_hit is not None:
                facts = full_hit[0]
        records = curator.apply(facts)
        if not records:  # nothing it names is in this report: the rules' shard stands
            return facts, shard
        if ckey:
            used_curated.add(ckey)
        if kept_shard is not None:
            return facts, kept_shard
        made = curated_shard(facts, records)
        return facts, (curated.put(ckey, made) if ckey else made)

    info: dict = {}
    try:
        with _collector_paused():
            graph = timings.apart("merge", lambda items: merge(items, keep_evidence=keep_evidence, presorted=True),
                                  each_report())
            outcome = curator.outcome(set(graph.reports), failed)
            with together():  # the outputs, the store, the manifest and the curation's outcome: all or none
                outputs = export(graph, out, shards, info, timings) if export_outputs else []
                manifest.outputs = sorted(str(p.relative_to(out)) for p in outputs if p.is_relative_to(out))
                manifest.summary = summary_of(graph)
                with timings.stage("manifest"):
                    manifest.save(cache_root)
                    curation_state.save(cache_root, options.curation, outcome)
                committing = perf_counter()
            timings.add("commit", perf_counter() - committing)  # the renames that put the set in place
    finally:
        results.close()  # a build stopped mid-way (an error, SIGTERM) stops its workers now
    with timings.stage("cache"):
        cache.prune({r["key"] for r in manifest.reports.values() if r.get("key")})
        curated.prune(used_curated)
    return BuildResult(graph, kept, skipped, outputs, extracted=extracted, cached=hits,
                       store_update=info.get("store", ""), fresh=fresh_names, fresh_facts=fresh_facts,
                       warnings=warnings, curation=outcome if options.curation is not None else None,
                       summary=manifest.summary or summary_of(graph))


def summary_of(graph: KnowledgeGraph) -> str:
    """What a graph holds, in one line: `5 reports (5 County, 61 Mechanism, …); 318 relations`."""
    counts: dict[str, int] = {}
    for n in graph.nodes.values():
        counts[n.type] = counts.get(n.type, 0) + 1
    kinds = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    return f"{len(graph.reports)} reports ({kinds}); {len(graph.edges)} relations"


def _unchanged_since(out: Path, cfg: str, entries: list, curation: Path | None) -> Manifest | None:
    """The last build's manifest when this build would make exactly what it made: the same reports
    with the same bytes and cache keys, all read then, the same rules, lexicons and config, the same
    corrections, and every output it wrote still in place; else None."""
    from kg.cache import PIPELINE_VERSION
    from kg.curation.state import unchanged_since_last_build

    last = Manifest.load(out / CACHE_DIR)
    if last.config != cfg or last.pipeline != PIPELINE_VERSION or not last.outputs:
        return None
    if set(last.reports) != {e[0] for e in entries}:
        return None
    for name, _, digest, key, _ in entries:
        r = last.reports[name]
        if r.get("status") != "ok" or r.get("digest") != digest or r.get("key") != key:
            return None
    if not all((out / p).exists() for p in last.outputs):
        return None
    return last if unchanged_since_last_build(out / CACHE_DIR, curation) else None


@dataclass
class Status:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    unchanged: int = 0
    config_changed: bool = False
    curation_changed: bool = False  # the curation files differ from those the last build applied
    unmatched: list[str] = field(default_factory=list)  # "FILE:LINE: why" per correction matching nothing
    curation_error: str | None = None  # a bad curation line ("FILE:LINE: why"): every build refuses to run


def status(corpus: Path, out: Path, config_path: Path | None = None, options: BuildOptions | None = None) -> Status:
    """What a build would re-read, compared with the last build into OUT (EmptyCorpus if no report),
    and the corrections of `options.curation` that match nothing (as the last build found, or whose
    report is no longer in the corpus)."""
    from kg.curation import state as curation_state

    found = reports_of(corpus)
    manifest = Manifest.load(Path(out) / CACHE_DIR)
    st = Status(config_changed=bool(manifest.reports) and manifest.config != _config_digest(config_path))
    seen = set()
    for path in found:
        name = read.report_name(path, Path(corpus))
        seen.add(name)
        old = manifest.reports.get(name)
        if old is None:
            st.new.append(name)
        elif old.get("status") == "failed":
            st.failed.append(name)
        elif old.get("digest") != read.file_digest(path):
            st.changed.append(name)
        else:
            st.unchanged += 1
    st.deleted = sorted(set(manifest.reports) - seen)
    folder = (options or BuildOptions()).curation
    if folder is not None:
        st.curation_changed, st.unmatched, st.curation_error = curation_state.check(Path(out) / CACHE_DIR, folder,
                                                                                    seen)
    return st
