"""SPARQL over the built store: checked by `kg.sparql`, run by `kg.sandbox` in a child without network.

Every query runs in that child, with or without a timeout, so a SERVICE or LOAD
that the check missed still reaches nothing, and a stopped `kg query` leaves no
process behind. Plain queries open the store read-only with Oxigraph's query
parser, which does not accept updates: only `allow_update` runs the update parser.

The project's prefixes (`prefixes()`: ckg, kgid, rdfs, skos, prov, org, dcterms, geo, xsd…) are
pre-declared, so SPARQL pasted from the README runs as it is; a query's own PREFIX lines win.
A syntax error comes back as one line with its line and column ("unknown prefix ex:").
"""
from __future__ import annotations

from pathlib import Path

from pyoxigraph import Literal, NamedNode, QueryBoolean, QuerySolutions, Store

from kg import sandbox, store
from kg.sparql import MAX_QUERY_CHARS, UnsafeQuery, check, undeclared_prefix  # noqa: F401  (re-exported)

_BOOLEAN = NamedNode("http://www.w3.org/2001/XMLSchema#boolean")


def prefixes() -> dict[str, str]:
    """The prefixes every query may use undeclared: the exporters' table (`kg.rdf.terms.RDF_PREFIXES`,
    the one list of the project's namespaces) plus `dcterms`, the usual spelling of Turtle's `dct`.
    Imported here, not at module level, so the query child stays light."""
    from kg.rdf.terms import RDF_PREFIXES
    from kg.rdf.terms import DCT

    return {**RDF_PREFIXES, "dcterms": DCT}


def explain(error: SyntaxError, sparql: str, known) -> str:
    """A parse error in one line: "line 2, column 18: unknown prefix ex:" rather than Oxigraph's list of
    character classes; other errors keep Oxigraph's words, on one line and cut short."""
    missing = undeclared_prefix(sparql, known)
    if missing is not None:
        name, line, col = missing
        return f"line {line}, column {col}: unknown prefix {name}: (declare it: PREFIX {name}: <…>)"
    msg = " ".join(str(error).split())
    where, _, what = msg.removeprefix("error at ").partition(": ")
    if what and where.replace(":", "").isdigit():
        line, _, col = where.partition(":")
        msg = f"line {line}, column {col}: {what}"
    return msg if len(msg) <= 200 else msg[:197] + "..."


class QueryTimeout(TimeoutError):
    """The query ran longer than its timeout and was stopped."""


def run(path: str, sparql: str, is_update: bool, prefixes: dict[str, str] | None = None):
    """(names, rows) of one query or update on the store at `path`, in this process, unchecked."""
    if is_update:
        from kg.store_sync import STATE_FILE

        st = Store(path)
        st.update(sparql, prefixes=prefixes)
        st.flush()
        Path(path, STATE_FILE).unlink(missing_ok=True)  # changed by hand: the next build reloads it in full
        return ["updated"], [(Literal("true", datatype=_BOOLEAN),)]
    return solutions(Store.read_only(path).query(sparql, prefixes=prefixes))


def solutions(result):
    """(names, rows) of a pyoxigraph query result: SELECT rows, ASK as one `ask` row, triples as s/p/o."""
    if isinstance(result, QueryBoolean):
        return ["ask"], [(Literal("true" if bool(result) else "false", datatype=_BOOLEAN),)]
    if isinstance(result, QuerySolutions):
        names = [v.value for v in result.variables]
        return names, [tuple(sol[n] for n in names) for sol in result]
    return ["subject", "predicate", "object"], [(t.subject, t.predicate, t.object) for t in result]


def run_isolated(path: str, sparql: str, is_update: bool, timeout: float | None = None,
                 prefixes: dict[str, str] | None = None):
    """`run` in a child process with no network that dies with this one; errors come back as exceptions."""
    try:
        status, payload = sandbox.call(run, (path, sparql, is_update, prefixes), timeout=timeout)
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
    QueryTimeout past `timeout` seconds, FileNotFoundError when nothing was built. `prefixes()` are
    pre-declared; a SyntaxError says in one line where and what ("line 1, column 27: unknown prefix ex:").
    """
    is_update = check(sparql, allow_update)
    known = prefixes()
    # a query holds its generation of the store (a build swapping in another leaves it whole); an
    # update changes a copy, swapped in only when it succeeds
    with (store.updating(out_dir) if is_update else store.reading(out_dir)) as path:
        try:
            return run_isolated(str(path), sparql, is_update, timeout, known)
        except SyntaxError as exc:
            raise SyntaxError(explain(exc, sparql, known)) from None
