"""Bring OUT/store in line with a build: change only what changed since the last build.

A full load parses every quad of `graph.nq` (minutes for tens of thousands of
reports). But each report's evidence is its own named graph, and the default
graph changes little when a few reports do, so an incremental build:

1. checkpoints the live store into a new generation (RocksDB hard links:
   fast, and the live store keeps answering queries untouched),
2. drops the named graphs of changed and deleted reports, loads the shards of
   new and changed ones, and applies the line difference of the default
   graph's N-Quads (the exports write it without blank nodes, so a line is a
   quad).

Either way the new generation is only prepared here: the exports swap it in
(`kg.store.swap_in`) with the files, when every output was written.

The store remembers what it holds in `county-kg-state.json` inside its own
folder (swapped with it, so it can never describe another store): the default
graph's digest and a copy of its N-Quads, and one id per report shard (its
cache key, or the hash of its bytes). Anything unexpected (no state, a different format, an update run by
hand, most reports changed) falls back to the full load.
"""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from pyoxigraph import RdfFormat, Store, parse

import kg.store as kstore  # by module, so the benchmark's timers see the calls

STATE_FILE = "county-kg-state.json"
DEFAULT_COPY = "county-kg-default.nq"
STATE_FORMAT = 1
# Above this share of changed reports (and more than a few), removing and re-adding costs about
# what a full load does.
MAX_CHANGED_SHARE = 0.25
FEW_REPORTS = 8


def shard_id(shard) -> str:
    """What identifies a shard's content: its cache key when it is a cached file, else its bytes' hash."""
    if isinstance(shard.nquads, Path):
        return "key:" + shard.nquads.stem
    return "sha256:" + hashlib.sha256(shard.read_nquads()).hexdigest()


def read_state(out_dir: Path) -> dict | None:
    try:
        state = json.loads((kstore.store_path(out_dir) / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
        return None
    return state


def _state(default_nq: bytes, shards: dict[str, str], version: str) -> dict:
    return {"format": STATE_FORMAT, "version": version,
            "default": hashlib.sha256(default_nq).hexdigest(), "reports": dict(sorted(shards.items()))}


def _write_state(folder: Path, state: dict, default_nq: bytes) -> None:
    """The state and a copy of the default graph (for the next line diff), inside the store's folder."""
    (folder / DEFAULT_COPY).write_bytes(default_nq)
    (folder / STATE_FILE).write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")


def prepare(out_dir: Path, default_nq: bytes, shards: list, nquads_file: Path, version: str) -> tuple[Path, str]:
    """A new store generation holding `default_nq` plus one named graph per shard, not yet live;
    returns (its folder, "full"|"incremental"). The caller holds OUT's lock.

    `nquads_file` is the whole dataset (for the full load); `version` names the code that made the
    quads (a different one forces a full load).
    """
    ids = {s.report: shard_id(s) for s in shards}
    new_state = _state(default_nq, ids, version)
    old = read_state(out_dir)
    if old is not None and old.get("version") == version:
        before: dict = old.get("reports", {})
        gone = [r for r in before if before[r] != ids.get(r)]        # deleted or changed
        added = [s for s in shards if before.get(s.report) != ids[s.report]]  # new or changed
        changed = len(set(gone) | {s.report for s in added})
        if changed <= max(FEW_REPORTS, MAX_CHANGED_SHARE * len(ids)):
            old_default = _previous_default(out_dir, old)
            if old_default is not None:
                path = _update(out_dir, old_default, default_nq, gone, added, new_state)
                return path, "incremental"
    path = kstore.stage_file(nquads_file, out_dir, fill_after=lambda folder: _write_state(folder, new_state, default_nq))
    return path, "full"


def _previous_default(out_dir: Path, state: dict) -> bytes | None:
    try:
        data = (kstore.store_path(out_dir) / DEFAULT_COPY).read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == state.get("default") else None


def _quads(lines: list[bytes]):
    return parse(b"".join(lines), format=RdfFormat.N_QUADS) if lines else []


def _line_diff(old: bytes, new: bytes) -> tuple[list[bytes], list[bytes]]:
    """(lines only in old, lines only in new), comparing 64-bit hashes rather than holding two sets of
    a million lines each (Python's keyed SipHash: a false match among 10 million lines has odds of
    about one in a million)."""
    def lines(data: bytes):
        return (line if line.endswith(b"\n") else line + b"\n" for line in io.BytesIO(data) if line.strip())

    old_hashes = {hash(line) for line in lines(old)}
    new_hashes = {hash(line) for line in lines(new)}
    return ([line for line in lines(old) if hash(line) not in new_hashes],
            [line for line in lines(new) if hash(line) not in old_hashes])


def _update(out_dir: Path, old_default: bytes, new_default: bytes, gone: list[str], added: list,
            new_state: dict) -> Path:
    """Checkpoint and patch the store into a new generation (see the module docstring)."""
    from kg.rdf.evidence import graph_iri

    def patch(store: Store) -> None:
        for report in gone:
            store.remove_graph(graph_iri(report))
        removed, added_lines = _line_diff(old_default, new_default)
        for q in _quads(removed):
            store.remove(q)
        store.extend(list(_quads(added_lines)))
        for shard in added:
            store.bulk_load(input=shard.read_nquads(), format=RdfFormat.N_QUADS)

    return kstore.new_generation(out_dir, patch, checkpoint=True,
                          fill_after=lambda folder: _write_state(folder, new_state, new_default))
