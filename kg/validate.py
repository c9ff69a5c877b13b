"""SHACL validation of the exported graph against `ontology/shapes.ttl`, with pySHACL.

`validate` returns (conforms, lines): one line per violation naming the focus
node and the shape it broke (the named property shape, or the node shape that
holds an anonymous one), then the path, the offending value and the message:
enough for a person to find the triple without reading pySHACL's report graph.
"""
from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Dataset, Graph, Namespace
from rdflib.namespace import NamespaceManager
from rdflib.util import guess_format

from kg.rdf.terms import RDF_PREFIXES
from kg.paths import ontology_dir

SH = Namespace("http://www.w3.org/ns/shacl#")
PREFIXES = {**RDF_PREFIXES, "ckgsh": "https://w3id.org/county-kg/shapes#"}


_FORMATS = ("turtle", "nt", "ntriples", "trig", "nquads")


def _load(data) -> Graph:
    if isinstance(data, Graph):
        return data
    path = Path(data)
    fmt = guess_format(str(path)) or "turtle"
    if fmt not in _FORMATS:  # JSON-LD and RDF/XML can pull remote documents: never parse them here
        raise ValueError(f"{path}: validate reads Turtle, N-Triples, TriG or N-Quads, not {fmt}")
    if fmt in ("trig", "nquads"):  # a dataset: check the union of its graphs
        ds = Dataset()
        ds.parse(path, format=fmt)
        g = Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            g.add((s, p, o))
        return g
    return Graph().parse(path, format=fmt)


def _shapes() -> tuple[Graph, Graph]:
    d = ontology_dir()
    return Graph().parse(d / "shapes.ttl", format="turtle"), Graph().parse(d / "ckg.ttl", format="turtle")


def _namer(shapes: Graph):
    nm = NamespaceManager(Graph(), bind_namespaces="none")
    for p, ns in PREFIXES.items():
        nm.bind(p, ns)

    def name(term) -> str:
        if term is None:
            return "-"
        if isinstance(term, BNode):
            owner = next(iter(shapes.subjects(SH.property, term)), None)
            return f"{name(owner)} (anonymous property shape)" if owner is not None else "(anonymous shape)"
        try:
            return term.n3(nm)
        except Exception:
            return str(term)

    return name


def part_of(result) -> Graph:
    """The part of a build's graph that the reports read this time state (their nodes and links, as a
    graph of their own), for the build's own check: checking only what changed keeps an incremental
    build fast (pySHACL took 154 s on the whole graph of 1,000 generated reports). `kg validate`
    still checks the whole graph."""
    from kg.rdf.dataset import default_nquads
    from kg.graph import merge

    part = merge(result.fresh_facts, keep_evidence=False)
    return Graph().parse(data=default_nquads(part), format="nt")


def validate(data) -> tuple[bool, list[str]]:
    """(conforms, report lines) for a graph file path or an rdflib Graph."""
    from pyshacl import validate as shacl

    shapes, ontology = _shapes()
    conforms, results, _ = shacl(_load(data), shacl_graph=shapes, ont_graph=ontology,
                                 inference="none", advanced=False, allow_warnings=True)
    name = _namer(shapes)
    lines = []
    for r in results.subjects(SH.resultSeverity, SH.Violation):
        node, shape = results.value(r, SH.focusNode), results.value(r, SH.sourceShape)
        path, value = results.value(r, SH.resultPath), results.value(r, SH.value)
        msg = results.value(r, SH.resultMessage)
        line = f"{name(node)} violates {name(shape)}"
        if path is not None:
            line += f" on {name(path)}"
        if value is not None:
            line += f" (value {name(value)})"
        lines.append(f"{line}: {msg}" if msg else line)
    return bool(conforms), sorted(lines)
