"""The embedded Oxigraph store at OUT/store/: where it lives and how a new one is swapped in.

`load_file` builds a fresh store beside the old one and swaps the directories
with renames, so a reader never sees a half-filled store. Queries over it are
`kg.query`'s job.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from pyoxigraph import RdfFormat, Store

STORE_DIR = "store"


def store_path(out_dir: Path) -> Path:
    return Path(out_dir) / STORE_DIR


def load_file(nquads: Path, out_dir: Path, fill_after=None) -> Path:
    """Bulk-load an N-Quads file (parsed in Rust, not quad by quad in Python) and swap the store in."""
    return _swap_in(out_dir, lambda store: store.bulk_load(path=str(nquads), format=RdfFormat.N_QUADS),
                    fill_after=fill_after)


def _stale_stores(folder: Path) -> list[Path]:
    """Half-filled or half-swapped stores that killed builds left (".store.new-PID" whose PID is gone)."""
    from kg.export.atomic import pid_alive

    out = []
    for p in Path(folder).glob(f".{STORE_DIR}.*-*"):
        kind, _, pid = p.name[len(STORE_DIR) + 2:].partition("-")
        if kind in ("new", "old") and pid.isdigit() and not pid_alive(int(pid)):
            out.append(p)
    return out


def _swap_in(out_dir: Path, fill, start_from: Path | None = None, fill_after=None) -> Path:
    """Fill a new store beside OUT/store (or patch `start_from`, a checkpoint of it) and swap it in
    atomically (rename, rename, delete). `fill_after(folder)` adds files to the folder before the swap."""
    target = store_path(out_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = start_from or target.with_name(f".{STORE_DIR}.new-{os.getpid()}")
    old = target.with_name(f".{STORE_DIR}.old-{os.getpid()}")
    for p in (old, *_stale_stores(target.parent)):  # never `tmp`: its PID, ours, is alive
        shutil.rmtree(p, ignore_errors=True)
    if start_from is None:
        shutil.rmtree(tmp, ignore_errors=True)
    store = Store(str(tmp))
    try:
        fill(store)
        store.flush()  # no optimize(): it rewrites the whole RocksDB for little gain on a fresh bulk load
    except BaseException:
        del store
        shutil.rmtree(tmp, ignore_errors=True)  # a failed load leaves the old store and nothing else
        raise
    del store  # the last reference: RocksDB's handle and lock go with it (no gc.collect: it costs
    # seconds on a heap of millions of quads)
    if fill_after is not None:
        fill_after(tmp)
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)
    return target
