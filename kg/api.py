"""The Python API: `kg.open("outputs")` gives a `Graph` over what `kg build` wrote, for notebooks.

Queries here run in this process, on the store opened read-only under
`kg.store.reading` (so a build swapping in a new store leaves the query's
generation whole), and only after `kg.sparql.check` has passed them as
read-only: SERVICE is refused, so is any update keyword, and Oxigraph's query
parser (`Store.query`) accepts no update anyway, so a query here can neither
reach the network nor change the store. `kg query` runs each query in a
network-less child process instead (see `kg.sandbox`), because it runs query
files from elsewhere; here the code is the caller's own, and a child per query
(~0.17 s) would make `entities()` or `to_networkx()` slow in a notebook.
`query(..., timeout=S)` still takes that path, where a runaway query can be stopped.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from kg import query as kquery
from kg import store as kstore
from kg.facts import ENTITY_TYPES, RELATION_TYPES
from kg.rdf.terms import CKG, RDF

_NUMBERS = {f"http://www.w3.org/2001/XMLSchema#{t}": int for t in
            ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger")}
_NUMBERS.update({f"http://www.w3.org/2001/XMLSchema#{t}": float for t in ("decimal", "double", "float")})
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_LABEL_TAG = "zh-Hans"  # Oxigraph keeps it as zh-hans: language tags are case-insensitive


def value(term) -> Any:
    """A pyoxigraph term as a plain Python value: IRI -> str, number -> int/float, boolean -> bool,
    other literal -> its text (the language tag dropped), blank node -> "_:id", unbound -> None."""
    from pyoxigraph import BlankNode, Literal

    if term is None:
        return None
    if isinstance(term, Literal):
        kind = _NUMBERS.get(term.datatype.value)
        if kind is not None:
            try:
                return kind(term.value)
            except ValueError:
                return term.value
        if term.datatype.value == _BOOLEAN:
            return term.value in ("true", "1")
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return term.value


class Frames(NamedTuple):
    """`Graph.to_pandas()`: the entities and the relations as two DataFrames."""

    nodes: Any
    edges: Any


class Graph:
    """A built output folder: query it, list entities and relations, trace a fact to its sentence,
    convert it to networkx or pandas. Every call reads the live store, so a rebuild shows at once."""

    def __init__(self, out: str | Path = "outputs", corpus: str | Path | None = None):
        self.out = Path(out)
        if not kstore.store_path(self.out).exists():
            raise FileNotFoundError(f"no store at {kstore.store_path(self.out)}: run `kg build` first")
        # the corpus the offsets point into; by default corpus/ beside the output folder, as `kg build` has it
        self.corpus = Path(corpus) if corpus is not None else self.out.resolve().parent / "corpus"
        self.prefixes = kquery.prefixes()

    def __repr__(self) -> str:
        return f"kg.Graph({str(self.out)!r})"

    # ---- queries ---------------------------------------------------------------------------

    def solutions(self, sparql: str) -> tuple[list[str], list[tuple]]:
        """(variable names, rows of pyoxigraph terms) of a read-only query, run in this process."""
        if kquery.check(sparql, allow_update=False):  # raises UnsafeQuery for SERVICE and updates
            raise kquery.UnsafeQuery("the Python API only reads: run updates with `kg query --allow-update`")
        with kstore.reading(self.out) as path:
            try:
                return kquery.run(str(path), sparql, False, self.prefixes)
            except SyntaxError as exc:
                raise SyntaxError(kquery.explain(exc, sparql, self.prefixes)) from None

    def query(self, sparql: str, timeout: float | None = None) -> list[dict[str, Any]]:
        """The rows of a SPARQL query as dicts of plain values (see `value`), the project's prefixes
        (ckg, kgid, rdfs, skos, prov, org, dcterms, geo, xsd…) declared. With `timeout` (seconds) it runs
        as `kg query` runs it, in a child process that is stopped when the time is up."""
        if timeout is not None:
            names, rows = kquery.query(self.out, sparql, timeout=timeout)
        else:
            names, rows = self.solutions(sparql)
        return [{n: value(t) for n, t in zip(names, row)} for row in rows]

    # ---- the graph ---------------------------------------------------------------------------

    def entities(self, type: str | None = None) -> list[dict[str, Any]]:
        """Every entity (or those of one type: County, Place, Official, Person, Programme, Mechanism,
        Group, Target) as {iri, type, label, reports}, by type and label."""
        classes = " ".join(f"ckg:{t}" for t in ([_entity_type(type)] if type else ENTITY_TYPES))
        return self.query(f"""
            SELECT ?iri ?type ?label (COUNT(DISTINCT ?r) AS ?reports) WHERE {{
              VALUES ?class {{ {classes} }}
              ?iri a ?class ; rdfs:label ?label .
              OPTIONAL {{ ?iri ckg:mentionedIn ?r }}
              BIND(STRAFTER(STR(?class), STR(ckg:)) AS ?type)
            }} GROUP BY ?iri ?type ?label ORDER BY ?type ?label ?iri""")

    def relations(self, predicate: str | None = None) -> list[dict[str, Any]]:
        """Every relation of the contract (or one: implements, targets, hasTarget, locatedIn, authoredBy)
        as {subject, subject_label, predicate, object, object_label}; a report is labelled by its file name."""
        preds = " ".join(f"ckg:{p}" for p in ([_relation(predicate)] if predicate else RELATION_TYPES))
        return self.query(f"""
            SELECT ?subject ?subject_label ?predicate ?object ?object_label WHERE {{
              VALUES ?p {{ {preds} }}
              ?subject ?p ?object .
              OPTIONAL {{ ?subject rdfs:label ?sl }} OPTIONAL {{ ?subject ckg:fileName ?sf }}
              OPTIONAL {{ ?object rdfs:label ?ol }}
              BIND(COALESCE(?sl, ?sf) AS ?subject_label) BIND(?ol AS ?object_label)
              BIND(STRAFTER(STR(?p), STR(ckg:)) AS ?predicate)
            }} ORDER BY ?predicate ?subject ?object""")

    def evidence(self, subject: str, predicate: str | None = None, object: str | None = None) -> list[dict]:
        """The sentences behind the facts (subject, predicate, object): each as {subject, predicate, object,
        report, start, end, rule, simplified, original}.

        `subject` and `object` are IRIs (full or prefixed, `county:510723`) or labels (`盐亭县`, every
        entity so labelled); `predicate` a relation name (`implements`), a prefixed or full IRI, or
        `type` for the statement that the subject is an entity of type `object` (`Mechanism`).
        None leaves a part open. `simplified` is the sentence as the extractor read it, from the
        report's evidence graph (Simplified, glosses removed; a byline or credit line as written);
        `original` is the same span of the report as the user has it (`start`, `end`: offsets into
        the decoded original), read from the corpus, or None when the corpus is not at hand or the
        report changed since the build."""
        from pyoxigraph import Literal, NamedNode

        pattern = []
        for var, given in (("subject", subject), ("object", object)):
            if given is None:
                continue
            if var == "object" and predicate in ("a", "type") and given in ENTITY_TYPES:
                given = f"ckg:{given}"
            iri = self._iri(given)
            if iri is not None:
                pattern.append(f"VALUES ?{var} {{ {NamedNode(iri)} }}")
            else:
                pattern.append(f"VALUES ?{var}Label {{ {Literal(given, language=_LABEL_TAG)} }} "
                               f"?{var} rdfs:label ?{var}Label .")
        if predicate is not None:
            pattern.append(f"VALUES ?predicate {{ {NamedNode(self._predicate(predicate))} }}")
        rows = self.query(f"""
            SELECT ?subject ?predicate ?object ?report ?start ?end ?rule ?simplified WHERE {{
              {' '.join(pattern)}
              GRAPH ?g {{
                ?ev ckg:subject ?subject ; ckg:predicate ?predicate ; ckg:object ?object ;
                    ckg:rule ?rule ; ckg:sentence ?sn .
                ?sn ckg:text ?simplified ; ckg:start ?start ; ckg:end ?end ; prov:wasDerivedFrom ?r .
              }}
              ?r ckg:fileName ?report .
            }} ORDER BY ?report ?start ?rule ?subject ?object""")
        for row in rows:
            text = self._original(row["report"])
            row["original"] = text[row["start"]:row["end"]] if text is not None else None
        return rows

    def text(self, report: str) -> str | None:
        """The decoded original text of `report` (its file name in the corpus) as the build read it, which
        every evidence offset points into; None when the corpus is not at hand or the report changed since."""
        return self._original(report)

    # ---- conversions -------------------------------------------------------------------------

    def to_networkx(self):
        """The entities, the reports and the contract's relations as a networkx MultiDiGraph: nodes keyed
        by IRI with `label`, `type` and `reports`; one edge per relation, keyed and named by it
        (`relation`). For Gephi's view with every figure's columns, degree and community, read
        OUT/graph.graphml with `networkx.read_graphml` instead."""
        import networkx as nx

        g = nx.MultiDiGraph()
        for r in self.query("SELECT ?iri ?label WHERE { ?iri a ckg:Report ; ckg:fileName ?label } ORDER BY ?label"):
            g.add_node(r["iri"], label=r["label"], type="Report", reports=1)
        for e in self.entities():
            g.add_node(e["iri"], label=e["label"], type=e["type"], reports=e["reports"])
        for r in self.relations():
            if r["subject"] in g and r["object"] in g:
                g.add_edge(r["subject"], r["object"], key=r["predicate"], relation=r["predicate"])
        return g

    def to_pandas(self) -> Frames:
        """`(nodes, edges)` DataFrames of `entities()` and `relations()`. Needs pandas, which county-kg
        does not install (any query's rows convert too: `pandas.DataFrame(g.query(...))`)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("Graph.to_pandas() needs pandas, which county-kg does not install: "
                              "pip install pandas") from None
        nodes = pd.DataFrame(self.entities(), columns=["iri", "type", "label", "reports"])
        edges = pd.DataFrame(self.relations(),
                             columns=["subject", "subject_label", "predicate", "object", "object_label"])
        return Frames(nodes, edges)

    # ---- helpers -----------------------------------------------------------------------------

    def _iri(self, text: str) -> str | None:
        """The IRI `text` names (full, <full> or prefixed with a known prefix), or None for a label."""
        if text.startswith("<") and text.endswith(">"):
            return text[1:-1]
        if text.startswith(("http://", "https://", "urn:")):
            return text
        prefix, colon, local = text.partition(":")
        if colon and prefix in self.prefixes:
            return self.prefixes[prefix] + local
        return None

    def _predicate(self, text: str) -> str:
        if text in ("a", "type"):
            return RDF + "type"
        return self._iri(text) or CKG + _relation(text)

    def _original(self, report: str) -> str | None:
        from kg.outdir import STATE_DIR

        stamps = []
        for path in (self.corpus / report, self.out / STATE_DIR / "manifest.json"):
            try:
                stamps.append(path.stat().st_mtime_ns)
            except OSError:
                return None
        return _original_text(str(self.corpus), str(self.out), report, tuple(stamps))


def _entity_type(name: str) -> str:
    name = name.removeprefix("ckg:")
    if name not in ENTITY_TYPES:
        raise ValueError(f"unknown entity type {name!r}: one of {', '.join(ENTITY_TYPES)}")
    return name


def _relation(name: str) -> str:
    name = name.removeprefix("ckg:")
    if name not in RELATION_TYPES:
        raise ValueError(f"unknown relation {name!r}: one of {', '.join(RELATION_TYPES)}")
    return name


@lru_cache(maxsize=64)
def _original_text(corpus: str, out: str, report: str, stamps: tuple) -> str | None:
    """The decoded text of a report as the build read it, or None when it is not in `corpus` or its
    bytes (or its sidecar) differ from those the build read (then the offsets would point elsewhere).
    Cached by the report's and the manifest's modification times (`stamps`)."""
    from kg import read
    from kg.cache import Manifest
    from kg.outdir import STATE_DIR

    path = Path(corpus) / report
    built = Manifest.load(Path(out) / STATE_DIR).reports.get(report, {}).get("digest")
    try:
        if not built or not path.is_file() or read.file_digest(path) != built:
            return None
        return read.read_report(path, Path(corpus)).text
    except (OSError, read.ReportError):
        return None
