"""The embedded Oxigraph store at OUT/store: where it lives, how readers hold it, how a new one is swapped in.

OUT/store is a symbolic link to one generation of the store, a folder
OUT/.cache/stores/<n>. A build fills a new generation beside the live one and
swaps the link with one rename, so a reader sees the old store or the new one,
whole. Readers open a generation through `reading`, which holds a shared lock
on a file inside it; a build deletes an old generation only when it gets that
lock exclusively, and otherwise leaves it for the next build to sweep. Only the
holder of OUT's lock (`kg.outdir.exclusive`) makes or swaps generations.

Queries over it are `kg.query`'s job: it opens the store through `reading`
(or, for an update allowed by hand, `updating`: a copy of the store, swapped
in when the update succeeds).
"""
from __future__ import annotations

import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from pyoxigraph import RdfFormat, Store

from kg.outdir import STATE_DIR, OutputError, exclusive, reason

STORE_DIR = "store"
GENERATIONS = "stores"                   # OUT/.cache/stores/<n>: the store's generations
READERS = "county-kg-readers.lock"       # inside a generation: readers hold it shared
_RESOLVE_TRIES = 50


def store_path(out_dir: Path) -> Path:
    """OUT/store: the link to the live generation (or, as older builds and copies have it, a folder)."""
    return Path(out_dir) / STORE_DIR


def generations_dir(out_dir: Path) -> Path:
    return Path(out_dir) / STATE_DIR / GENERATIONS


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path)
    except OSError:
        return False
    own = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino)


@contextmanager
def reading(out_dir: Path):
    """Yield the folder of the live store, to open with `Store.read_only`; it stays whole until the
    block ends, whatever builds swap in meanwhile. FileNotFoundError if OUT has no store."""
    import fcntl

    link = store_path(out_dir)
    for _ in range(_RESOLVE_TRIES):
        if not link.is_symlink():
            if link.is_dir():  # a plain folder (an older build, or a copy of OUT): nothing swaps it
                yield link
                return
            if not generations_dir(out_dir).is_dir():
                break
            time.sleep(0.01)  # a plain folder being moved among the generations (once): look again
            continue
        gen = Path(os.path.realpath(link))
        try:
            fd = os.open(gen / READERS, os.O_RDONLY)
        except FileNotFoundError:  # swapped out and being deleted: the link points elsewhere now
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            if not _same_file(fd, gen / READERS):  # deleted while we waited for the lock
                continue
            yield gen
            return
        finally:
            os.close(fd)
    raise FileNotFoundError(f"no store at {link}: run `kg build` first")


def _next_generation(out_dir: Path) -> Path:
    root = generations_dir(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name) for p in root.iterdir() if p.name.isdigit()]
    return root / str(max(numbers, default=0) + 1)


def new_generation(out_dir: Path, fill, checkpoint: bool = False, fill_after=None) -> Path:
    """A new generation of the store, filled but not live: `fill(store)` on an empty store, or on a
    checkpoint of the live one (RocksDB hard links: fast, and the live store is only read).
    `fill_after(folder)` adds files to it. On any error nothing of it is left. Hold OUT's lock."""
    gen = _next_generation(out_dir)
    try:
        if checkpoint:
            with reading(out_dir) as live:
                source = Store.read_only(str(live))
                try:
                    source.backup(str(gen))
                finally:
                    del source
        store = Store(str(gen))
        try:
            fill(store)
            store.flush()  # no optimize(): it rewrites the whole RocksDB for little gain on a fresh bulk load
        finally:
            del store  # the last reference: RocksDB's handle and lock go with it (no gc.collect: it costs
            # seconds on a heap of millions of quads)
        if fill_after is not None:
            fill_after(gen)
        (gen / READERS).touch()
    except BaseException as exc:
        shutil.rmtree(gen, ignore_errors=True)
        if isinstance(exc, OSError) and not isinstance(exc, (OutputError, FileNotFoundError)):
            raise OutputError(store_path(out_dir), reason(exc)) from None
        raise
    return gen


def discard(generation: Path) -> None:
    """Remove a generation that was never swapped in."""
    shutil.rmtree(generation, ignore_errors=True)


def swap_in(out_dir: Path, generation: Path) -> Path:
    """Make `generation` the live store (one rename of a link), then sweep the old ones. Hold OUT's lock."""
    link = store_path(out_dir)
    tmp = link.with_name(f".{STORE_DIR}.link-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    os.symlink(os.path.relpath(generation, link.parent), tmp)
    if link.is_dir() and not link.is_symlink():  # a plain folder: becomes an old generation
        os.replace(link, _next_generation(out_dir))
    os.replace(tmp, link)
    sweep(out_dir)
    return link


def _remove_unread(gen: Path) -> None:
    """Delete a generation unless a reader holds it (then the next sweep tries again)."""
    import fcntl

    try:
        fd = os.open(gen / READERS, os.O_RDONLY)
    except FileNotFoundError:  # never made live (a failed or killed build), or half deleted
        shutil.rmtree(gen, ignore_errors=True)
        return
    except OSError:
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return
        os.unlink(gen / READERS)  # first: a reader that locks after this sees it gone and looks again
        shutil.rmtree(gen, ignore_errors=True)
    finally:
        os.close(fd)


def sweep(out_dir: Path) -> None:
    """Delete the generations no reader holds, besides the live one, and what killed builds of older
    versions left (".store.new-PID", ".store.old-PID", ".store.link-PID" whose PID is gone). Hold OUT's lock."""
    from kg.atomic import pid_alive

    link = store_path(out_dir)
    live = os.path.realpath(link) if link.is_symlink() else None
    root = generations_dir(out_dir)
    for gen in sorted(root.iterdir()) if root.is_dir() else []:
        if gen.is_dir() and os.path.realpath(gen) != live:
            _remove_unread(gen)
    for p in Path(out_dir).glob(f".{STORE_DIR}.*-*"):
        kind, _, pid = p.name[len(STORE_DIR) + 2:].partition("-")
        if kind in ("new", "old", "link") and pid.isdigit() and not pid_alive(int(pid)):
            if p.is_symlink() or not p.is_dir():
                p.unlink(missing_ok=True)
            else:
                shutil.rmtree(p, ignore_errors=True)


def stage_file(nquads: Path, out_dir: Path, fill_after=None) -> Path:
    """A new generation bulk-loaded from an N-Quads file (parsed in Rust, not quad by quad in Python)."""
    return new_generation(out_dir, lambda store: store.bulk_load(path=str(nquads), format=RdfFormat.N_QUADS),
                          fill_after=fill_after)


def load_file(nquads: Path, out_dir: Path, fill_after=None) -> Path:
    """Load an N-Quads file as OUT's store and swap it in (taking OUT's lock)."""
    with exclusive(out_dir):
        return swap_in(out_dir, stage_file(nquads, out_dir, fill_after))


@contextmanager
def updating(out_dir: Path):
    """Yield a copy of the live store's folder, to open with `Store` and change; it is swapped in when
    the block ends without error, and dropped otherwise. Holds OUT's lock for the block."""
    if not store_path(out_dir).exists():
        raise FileNotFoundError(f"no store at {store_path(out_dir)}: run `kg build` first")
    with exclusive(out_dir):
        gen = new_generation(out_dir, lambda store: None, checkpoint=True)
        try:
            yield gen
        except BaseException:
            discard(gen)
            raise
        swap_in(out_dir, gen)

