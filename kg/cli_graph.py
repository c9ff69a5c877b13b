"""`kg query` and `kg validate`: ask the built graph, check it against the shapes.

Standalone click commands; `kg.cli` adds them to its group. Exit status:
0 done (and, for validate, the graph conforms); 1 violations or a failed
query; 2 bad usage (no query, unsafe query, syntax error, nothing built yet).
"""
from __future__ import annotations

import csv
import io
import json
import sys
import unicodedata
from pathlib import Path

import click

OUT_DEFAULT = Path("outputs")
_SHORT = {
    "https://w3id.org/county-kg/ontology#": "ckg:", "https://w3id.org/county-kg/id/": "kgid:",
    "https://w3id.org/county-kg/taxonomy/": "tax:", "http://www.w3.org/ns/org#": "org:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
}


def _plain(term) -> str:
    """A term as the CSV of SPARQL 1.1 results shows it: IRI, literal value or _:id."""
    if term is None:
        return ""
    from pyoxigraph import BlankNode

    return f"_:{term.value}" if isinstance(term, BlankNode) else term.value


def _short(term) -> str:
    from pyoxigraph import NamedNode

    text = _plain(term)
    if isinstance(term, NamedNode):
        for ns, p in _SHORT.items():
            if text.startswith(ns):
                return p + text[len(ns):]
    return text


def _json_term(term) -> dict:
    from pyoxigraph import BlankNode, Literal, NamedNode

    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        d = {"type": "literal", "value": term.value}
        if term.language:
            d["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            d["datatype"] = term.datatype.value
        return d
    return {"type": "literal", "value": str(term)}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def render(names: list[str], rows: list[tuple], fmt: str) -> str:
    """Rows as an aligned table (CJK counted double width), SPARQL CSV (formula-like cells prefixed
    with ', see `kg.csvsafe`), or SPARQL JSON results."""
    from kg.csvsafe import cell

    if fmt == "json":
        bindings = [{n: _json_term(t) for n, t in zip(names, row) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        # CRLF as SPARQL 1.1 CSV results say: then the csv module also quotes a cell holding a bare CR
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(names)
        w.writerows([cell(_plain(t)) for t in row] for row in rows)  # no cell a spreadsheet runs as a formula
        return buf.getvalue().removesuffix("\r\n")
    cells = [[_short(t).replace("\n", " ") for t in row] for row in rows]
    widths = [max([_width(n)] + [_width(r[i]) for r in cells]) for i, n in enumerate(names)]
    lines = ["  ".join(_pad(n, w) for n, w in zip(names, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


@click.command("query")
@click.argument("sparql", required=False)
@click.option("-f", "--file", "qfile", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Read the query from a .rq file (see queries/).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=OUT_DEFAULT, show_default=True,
              help="The folder `kg build` wrote (its store/ is queried).")
@click.option("--timeout", type=float, default=None, help="Stop the query after this many seconds.")
@click.option("--allow-update", is_flag=True, help="Allow SPARQL Update (changes OUT/store). SERVICE is always refused.")
def query_cmd(sparql, qfile, fmt, out, timeout, allow_update):
    """Run a SPARQL query on the built graph's Oxigraph store: kg query 'SELECT …' or kg query -f FILE.rq.

    The query runs in a child process without network that dies with kg; SIGTERM, SIGHUP and Ctrl-C stop it.
    The prefixes ckg, kgid, rdfs, skos, prov, org, dcterms, geo and xsd are declared already.
    """
    from kg.query import MAX_QUERY_CHARS, QueryTimeout, UnsafeQuery, query
    from kg.sandbox import Stopped

    if (sparql is None) == (qfile is None):
        raise click.UsageError("give a query, either as an argument or with -f FILE")
    text = _read_query(qfile, MAX_QUERY_CHARS) if qfile else sparql
    try:
        names, rows = query(out, text, timeout=timeout, allow_update=allow_update)
    except (UnsafeQuery, SyntaxError) as exc:  # about the text: name the file it came from
        click.echo(f"kg query: {f'{qfile}: ' if qfile else ''}{exc}", err=True)
        sys.exit(2)
    except FileNotFoundError as exc:
        click.echo(f"kg query: {exc}", err=True)
        sys.exit(2)
    except (QueryTimeout, OSError, RuntimeError) as exc:
        click.echo(f"kg query: {exc}", err=True)
        sys.exit(1)
    except Stopped as exc:  # the query process is gone: now die of the signal, as without a handler
        import os
        import signal

        signal.signal(exc.signum, signal.SIG_DFL)
        os.kill(os.getpid(), exc.signum)
        raise
    click.echo(render(names, rows, fmt))


def _read_query(path: Path, max_chars: int) -> str:
    """The text of a query file; one line and exit 2 when it cannot be read, is not UTF-8 or is too long."""
    try:
        if path.stat().st_size > 4 * max_chars:  # surely over the limit: not read at all
            raise ValueError(f"{path.stat().st_size:,} bytes, over the limit of {max_chars:,} characters")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        why = f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
    click.echo(f"kg query: cannot read {path}: {why}", err=True)
    sys.exit(2)


@click.command("validate")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=OUT_DEFAULT, show_default=True,
              help="The folder `kg build` wrote (its graph.ttl is checked).")
def validate_cmd(out):
    """Check OUT/graph.ttl against ontology/shapes.ttl (SHACL); exit 1 naming node and shape of each violation."""
    from rdflib import Graph

    from kg.validate import validate

    path = out / "graph.ttl"
    if not path.is_file():
        click.echo(f"kg validate: {path} not found: run `kg build` first", err=True)
        sys.exit(2)
    try:  # always as Turtle: never guessed, so never JSON-LD (whose remote @context rdflib would fetch)
        graph = Graph().parse(path, format="turtle")
    except Exception as exc:  # rdflib's BadSyntax and friends: one line, not a traceback
        msg = " ".join(str(exc).split())
        click.echo(f"kg validate: {path} is not valid Turtle: {msg[:300]}", err=True)
        sys.exit(2)
    conforms, lines = validate(graph)
    for line in lines:
        click.echo(line)
    if not conforms:
        click.echo(f"{len(lines)} violation(s) in {path}", err=True)
        sys.exit(1)
    click.echo(f"{path} conforms to the shapes", err=True)


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["trig", "nquads", "turtle", "ntriples"]), default="trig",
              show_default=True, help="TriG and N-Quads: every graph (evidence too); Turtle, N-Triples: the default graph.")
@click.option("--to", "target", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The file to write (atomically); standard output when left out.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=OUT_DEFAULT, show_default=True,
              help="The folder `kg build` wrote (its store is read).")
def export_cmd(fmt: str, target: Path | None, out: Path):
    """Write the whole dataset from the store, on demand."""
    from kg.export.dump import dump

    try:
        written = dump(out, fmt, target)
    except BrokenPipeError:  # `kg export | head`: the reader has what it wanted
        sys.stdout = None
        sys.exit(0)
    except FileNotFoundError:
        click.echo(f"kg export: no store in {out}: run `kg build` first", err=True)
        sys.exit(2)
    except OSError as exc:  # kg.outdir.OutputError names the file already
        from kg.outdir import OutputError

        click.echo(f"kg export: {exc}" if isinstance(exc, OutputError) else
                   f"kg export: {target}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    if written is not None:
        click.echo(f"wrote {written}", err=True)
