"""The embedded Oxigraph store at OUT/store/ and safe SPARQL over it.

`load` builds a fresh store beside the old one and swaps the directories with
renames, so a reader never sees a half-filled store. `query` opens it
read-only and answers with Oxigraph's engine (fast, SPARQL 1.1). Queries that
reach outside (SERVICE) or change data (INSERT, DELETE, LOAD, CLEAR, DROP,
CREATE, ADD, MOVE, COPY) are refused unless `allow_update` is set; the check
looks at keywords outside comments, strings and IRIs, so a label containing
"delete" is fine.
"""
from __future__ import annotations

import multiprocessing
import os
import re
import shutil
from pathlib import Path

from pyoxigraph import Literal, NamedNode, QueryBoolean, QuerySolutions, RdfFormat, Store

STORE_DIR = "store"
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY")
_BOOLEAN = NamedNode("http://www.w3.org/2001/XMLSchema#boolean")


class UnsafeQuery(ValueError):
    """The query calls a remote SERVICE or changes data, and updates were not allowed."""


class QueryTimeout(TimeoutError):
    """The query ran longer than its timeout and was stopped."""


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


_STRIP = re.compile(
    r"""\\[_~.\-!$&'()*+,;=/?\#@%]   # an escape in a prefixed name (ex:a\#b, ex:a\'b): no comment, no string
      | \#[^\n]*                    # comment
      | "{3}(?:[^"\\]|\\.|"(?!""))*"{3} | '{3}(?:[^'\\]|\\.|'(?!''))*'{3}  # long strings
      | "(?:[^"\\\n]|\\.)*" | '(?:[^'\\\n]|\\.)*'                         # strings
      | <[^<>"{}|^`\\\s]*>           # IRIs
    """, re.X | re.S)
_WORD = r"(?<![\w:?$@-]){}(?![\w:-])"


def keywords(sparql: str) -> set[str]:
    """The SERVICE and update keywords the query uses outside comments, strings and IRIs."""
    bare = _STRIP.sub(" ", sparql)
    return {w for w in UPDATE_WORDS + ("SERVICE",) if re.search(_WORD.format(w), bare, re.I)}


def check(sparql: str, allow_update: bool = False) -> bool:
    """True when the query is an update; raise UnsafeQuery for SERVICE or an update not allowed."""
    found = keywords(sparql)
    if "SERVICE" in found and not allow_update:
        raise UnsafeQuery("SERVICE (remote queries) is refused; pass --allow-update to override")
    is_update = bool(found & set(UPDATE_WORDS))
    if is_update and not allow_update:
        raise UnsafeQuery(f"update operations ({', '.join(sorted(found & set(UPDATE_WORDS)))}) are refused; "
                          "pass --allow-update to run them")
    return is_update


def _run(path: str, sparql: str, is_update: bool):
    if is_update:
        from kg.store_sync import STATE_FILE

        store = Store(path)
        store.update(sparql)
        store.flush()
        Path(path, STATE_FILE).unlink(missing_ok=True)  # changed by hand: the next build reloads it in full
        return ["updated"], [(Literal("true", datatype=_BOOLEAN),)]
    store = Store.read_only(path)
    result = store.query(sparql)
    if isinstance(result, QueryBoolean):
        return ["ask"], [(Literal("true" if bool(result) else "false", datatype=_BOOLEAN),)]
    if isinstance(result, QuerySolutions):
        names = [v.value for v in result.variables]
        return names, [tuple(sol[n] for n in names) for sol in result]
    return ["subject", "predicate", "object"], [(t.subject, t.predicate, t.object) for t in result]


def _child(conn, path, sparql, is_update):
    try:
        conn.send(("ok", _run(path, sparql, is_update)))
    except BaseException as exc:  # send the error back to the parent, which re-raises it
        conn.send(("err", (type(exc).__name__, str(exc))))
    finally:
        conn.close()


def query(out_dir: Path, sparql: str, timeout: float | None = None, allow_update: bool = False):
    """(variable names, rows of pyoxigraph terms or None) for a SPARQL query on OUT/store.

    ASK gives one row under `ask`; CONSTRUCT/DESCRIBE give subject/predicate/object rows.
    With `timeout` (seconds) the query runs in a child process that is killed when time is up.
    """
    path = store_path(out_dir)
    if not path.is_dir():
        raise FileNotFoundError(f"no store at {path}: run `kg build` first")
    is_update = check(sparql, allow_update)
    if timeout is None:
        return _run(str(path), sparql, is_update)
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, str(path), sparql, is_update), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise QueryTimeout(f"query ran past {timeout:g} s and was stopped")
        status, payload = parent.recv()
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        parent.close()
    if status == "err":
        name, msg = payload
        raise (SyntaxError(msg) if name == "SyntaxError" else RuntimeError(f"{name}: {msg}"))
    return payload
