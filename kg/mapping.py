"""Facts to RDF: IRIs minted from normalised keys, and the triples of ANNOTATION.md's contract.

The default graph holds the contract the scorer and users query (types,
labels, codes, titles, figures, relations). Evidence goes to one named graph
per report (see `evidence_quads`), so the contract stays unchanged.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from urllib.parse import quote

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from kg.graph import KnowledgeGraph, Node

CKG = "https://w3id.org/county-kg/ontology#"
ID = "https://w3id.org/county-kg/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
PREFIXES = {"ckg": CKG, "kgid": ID, "rdf": RDF, "rdfs": RDFS, "skos": SKOS, "xsd": XSD, "prov": PROV, "dct": DCT}

_A = NamedNode(RDF + "type")
_LABEL = NamedNode(RDFS + "label")
_ALT = NamedNode(SKOS + "altLabel")


@lru_cache(maxsize=None)
def ckg(local: str) -> NamedNode:
    """A term of the ontology (cached: the mapping asks for the same few hundred thousands of times)."""
    return NamedNode(CKG + local)


_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _safe(text: str) -> str:
    """Drop characters RDF literals and XML cannot carry (controls, lone surrogates)."""
    return _UNSAFE.sub("", text)


def ordered(quads) -> list:
    """Drop repeats, keep the (deterministic) order in which the quads were generated.

    Every generator walks reports, nodes and edges in sorted order, so the
    output is the same on every run without sorting millions of quads by string.
    """
    return list(dict.fromkeys(quads))


def slug(text: str) -> str:
    """A percent-encoded path segment: a valid IRI whatever the text holds. A final '.' is encoded
    too: Turtle writes it as an escaped prefixed name (`x\\.`) that not every parser reads."""
    out = quote(_safe(text), safe="")
    return out[:-1] + "%2E" if out.endswith(".") else out


def node_iri(ref: tuple[str, str], node: Node | None = None) -> NamedNode:
    typ, key = ref
    if typ == "Report":
        return NamedNode(f"{ID}report/{slug(key)}")
    if typ == "County" and node is not None and node.attrs.get("code"):
        return NamedNode(f"{ID}county/{node.attrs['code']}")
    if typ == "Target":
        return NamedNode(f"{ID}target/{hashlib.sha1(key.encode()).hexdigest()[:16]}")
    return NamedNode(f"{ID}{typ.lower()}/{slug(key)}")


@lru_cache(maxsize=65536)
def report_iri(name: str) -> NamedNode:
    """A report's IRI (cached: every entity names the reports it is mentioned in)."""
    return node_iri(("Report", name))


def zh(text: str, tag: str = "zh-Hans") -> Literal:
    return Literal(_safe(text), language=tag)


def _num(v: float) -> Literal:
    if float(v).is_integer():
        return Literal(str(int(v)), datatype=NamedNode(XSD + "integer"))
    return Literal(repr(float(v)), datatype=NamedNode(XSD + "decimal"))


def contract_triples(g: KnowledgeGraph) -> list[Quad]:
    """The default graph: everything ANNOTATION.md's table lists, in a fixed order for byte-identical output."""
    dg = DefaultGraph()
    out: list[Quad] = []
    iris = {ref: node_iri(ref, n) for ref, n in g.nodes.items()}

    def t(s, p, o):
        out.append(Quad(s, p, o, dg))

    for name, meta in sorted(g.reports.items()):
        r = report_iri(name)
        t(r, _A, ckg("Report"))
        t(r, ckg("fileName"), Literal(_safe(name)))
        own = meta.get("county")
        if own and ("County", own) in iris:  # the report's own county: queries start from it
            t(r, ckg("about"), iris[("County", own)])
        for k, prop in (("url", "sourceUrl"), ("date", "date")):
            if meta.get(k):
                t(r, ckg(prop), Literal(_safe(str(meta[k]))))
    for node in g.sorted_nodes():
        s = iris[node.ref]
        t(s, _A, ckg(node.type))
        t(s, _LABEL, zh(node.label))
        for surf in sorted(node.surfaces):
            if surf != node.label:
                t(s, _ALT, zh(surf, "zh-Hant"))
        for rep in sorted(node.reports):
            t(s, ckg("mentionedIn"), report_iri(rep))
        a = node.attrs
        if node.type == "County" and a.get("code"):
            t(s, ckg("adminCode"), Literal(a["code"]))
        elif node.type == "Official":
            for title in a.get("titles", []):
                t(s, ckg("title"), zh(title))
            county = a.get("county")
            if county and ("County", county) in iris:
                t(s, ckg("county"), iris[("County", county)])
        elif node.type == "Person":
            for role in a.get("roles", []):
                t(s, ckg("role"), Literal(role))
        elif node.type == "Target":
            t(s, ckg("value"), _num(a["value"]))
            if a.get("value_max") is not None:
                t(s, ckg("valueMax"), _num(a["value_max"]))
            t(s, ckg("unit"), Literal(_safe(a.get("unit", ""))))
            if a.get("measures"):
                t(s, ckg("measures"), zh(a["measures"]))
            for k, prop in (("comparator", "comparator"), ("deadline", "deadline")):
                if a.get(k):
                    t(s, ckg(prop), zh(a[k]))
            t(s, ckg("targetKind"), Literal(a.get("kind", "achieved")))
    for edge in g.sorted_edges():
        if edge.type == "authoredBy":
            src = report_iri(edge.source[1])
        else:
            src = iris.get(edge.source)
        tgt = iris.get(edge.target)
        if src is not None and tgt is not None:
            t(src, ckg(edge.type), tgt)
    return ordered(out)
