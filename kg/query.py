"""SPARQL over the built store: checked by `kg.sparql`, run by `kg.sandbox` in a child without network.

Every query runs in that child, with or without a timeout, so a SERVICE or LOAD
that the check missed still reaches nothing, and a stopped `kg query` leaves no
process behind. Plain queries open the store read-only with Oxigraph's query
parser, which does not accept updates: only `allow_update` runs the update parser.
"""
from __future__ import annotations

from pathlib import Path

from pyoxigraph import Literal, NamedNode, QueryBoolean, QuerySolutions, Store

from kg import sandbox, store
from kg.sparql import MAX_QUERY_CHARS, UnsafeQuery, check  # noqa: F401  (re-exported for callers)

_BOOLEAN = NamedNode("http://www.w3.org/2001/XMLSchema#boolean")


class QueryTimeout(TimeoutError):
    """The query ran longer than its timeout and was stopped."""


def run(path: str, sparql: str, is_update: bool):
    """(names, rows) of one query or update on the store at `path`, in this process, unchecked."""
    if is_update:
        from kg.store_sync import STATE_FILE

        st = Store(path)
        st.update(sparql)
        st.flush()
        Path(path, STATE_FILE).unlink(missing_ok=True)  # changed by hand: the next build reloads it in full
        return ["updated"], [(Literal("true", datatype=_BOOLEAN),)]
    result = Store.read_only(path).query(sparql)
    if isinstance(result, QueryBoolean):
        return ["ask"], [(Literal("true" if bool(result) else "false", datatype=_BOOLEAN),)]
    if isinstance(result, QuerySolutions):
        names = [v.value for v in result.variables]
        return names, [tuple(sol[n] for n in names) for sol in result]
    return ["subject", "predicate", "object"], [(t.subject, t.predicate, t.object) for t in result]


def run_isolated(path: str, sparql: str, is_update: bool, timeout: float | None = None):
    """`run` in a child process with no network that dies with this one; errors come back as exceptions."""
    try:
        status, payload = sandbox.call(run, (path, sparql, is_update), timeout=timeout)
    except sandbox.CallTimeout:
        raise QueryTimeout(f"query ran past {timeout:g} s and was stopped") from None
    if status == "err":
        name, msg = payload
        raise (SyntaxError(msg) if name == "SyntaxError" else RuntimeError(f"{name}: {msg}"))
    return payload


def query(out_dir: Path, sparql: str, timeout: float | None = None, allow_update: bool = False):
    """(variable names, rows of pyoxigraph terms or None) for a SPARQL query on OUT/store.

    ASK gives one row under `ask`; CONSTRUCT/DESCRIBE give subject/predicate/object rows. Raises
    UnsafeQuery (SERVICE, an update not allowed, over MAX_QUERY_CHARS, unreadable), SyntaxError,
    QueryTimeout past `timeout` seconds, FileNotFoundError when nothing was built.
    """
    is_update = check(sparql, allow_update)
    # a query holds its generation of the store (a build swapping in another leaves it whole); an
    # update changes a copy, swapped in only when it succeeds
    with (store.updating(out_dir) if is_update else store.reading(out_dir)) as path:
        return run_isolated(str(path), sparql, is_update, timeout)
