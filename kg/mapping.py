"""Facts to RDF: IRIs minted from normalised keys, and the triples of ANNOTATION.md's contract.

The default graph holds the contract the scorer and users query (types,
labels, codes, titles, figures, relations). Evidence goes to one named graph
per report (see `kg.provenance.evidence_lines`), so the contract stays unchanged.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from urllib.parse import quote

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from kg.facts import split_person_key
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
    if typ in ("Official", "Person") and "/" in key:
        # scoped by county (official/天镇县/王建江) or by report (official/report/x.txt/王建江): two people
        # of one name in two counties are two nodes (kg.nlp.extract.person_key)
        county, report, name = split_person_key(key)
        scope = f"report/{slug(report)}" if report is not None else slug(county or "")
        return NamedNode(f"{ID}{typ.lower()}/{scope}/{slug(name)}")
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


# N-Triples terms, written as text: the default graph has a million statements for a thousand
# figure-dense reports, and building a pyoxigraph object per term was most of its cost. Oxigraph
# parses the text back wherever objects are needed (Turtle, TriG, the store, shards).
_NT_ESCAPE = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
NT_XSD_INTEGER, _XSD_DECIMAL = f"<{XSD}integer>", f"<{XSD}decimal>"


def nt_literal(text: str, lang: str | None = None) -> str:
    """A plain or language-tagged literal (tags lowercased, as Oxigraph writes them)."""
    body = '"' + _safe(text).translate(_NT_ESCAPE) + '"'
    return f"{body}@{lang.lower()}" if lang else body


def nt_number(v: float) -> str:
    if float(v).is_integer():
        return f'"{int(v)}"^^{NT_XSD_INTEGER}'
    return f'"{float(v)!r}"^^{_XSD_DECIMAL}'


@lru_cache(maxsize=None)
def nt_ckg(local: str) -> str:
    """An ontology term as N-Triples text."""
    return f"<{CKG}{local}>"


@lru_cache(maxsize=65536)
def nt_report(name: str) -> str:
    """A report's IRI as N-Triples text."""
    return f"<{report_iri(name).value}>"


def nquads(lines: list[str]) -> bytes:
    """Statements, one per line, as an N-Quads (or N-Triples) document in UTF-8."""
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def contract_lines(g: KnowledgeGraph) -> list[str]:
    """The default graph as N-Triples statements: everything ANNOTATION.md's table lists, in a fixed
    order for byte-identical output. A statement can repeat (two keys of one county share its IRI):
    whoever assembles the document drops repeats once, over everything it joins."""
    out: list[str] = []
    iris = {ref: f"<{node_iri(ref, n).value}>" for ref, n in g.nodes.items()}
    a_, label_, alt_ = f"<{RDF}type>", f"<{RDFS}label>", f"<{SKOS}altLabel>"
    c = nt_ckg

    def t(s, p, o):
        out.append(f"{s} {p} {o} .")

    for name, meta in sorted(g.reports.items()):
        r = nt_report(name)
        t(r, a_, c("Report"))
        t(r, c("fileName"), nt_literal(name))
        own = meta.get("county")
        if own and ("County", own) in iris:  # the report's own county: queries start from it
            t(r, c("about"), iris[("County", own)])
        for k, prop in (("url", "sourceUrl"), ("date", "date")):
            if meta.get(k):
                t(r, c(prop), nt_literal(str(meta[k])))
    for node in g.sorted_nodes():
        s = iris[node.ref]
        t(s, a_, c(node.type))
        t(s, label_, nt_literal(node.label, "zh-Hans"))
        for surf in sorted(node.surfaces):
            if surf != node.label:
                t(s, alt_, nt_literal(surf, "zh-Hant"))
        for alt in node.attrs.get("alt_labels", ()):  # names a curation merge folded into this node
            if alt != node.label:
                t(s, alt_, nt_literal(alt, "zh-Hans"))
        for rep in sorted(node.reports):
            t(s, c("mentionedIn"), nt_report(rep))
        a = node.attrs
        if node.type == "County" and a.get("code"):
            t(s, c("adminCode"), nt_literal(str(a["code"])))
        elif node.type == "Official":
            for title in a.get("titles", []):
                t(s, c("title"), nt_literal(title, "zh-Hans"))
            county = a.get("county")
            if county and ("County", county) in iris:
                t(s, c("county"), iris[("County", county)])
        elif node.type == "Person":
            for role in a.get("roles", []):
                t(s, c("role"), nt_literal(role))
        elif node.type == "Target":
            t(s, c("value"), nt_number(a["value"]))
            if a.get("value_max") is not None:
                t(s, c("valueMax"), nt_number(a["value_max"]))
            t(s, c("unit"), nt_literal(a.get("unit", "")))
            if a.get("measures"):
                t(s, c("measures"), nt_literal(a["measures"], "zh-Hans"))
            for k, prop in (("comparator", "comparator"), ("deadline", "deadline")):
                if a.get(k):
                    t(s, c(prop), nt_literal(a[k], "zh-Hans"))
            t(s, c("targetKind"), nt_literal(a.get("kind", "achieved")))
    for edge in g.sorted_edges():
        if edge.type == "authoredBy":
            src = nt_report(edge.source[1])
        else:
            src = iris.get(edge.source)
        tgt = iris.get(edge.target)
        if src is not None and tgt is not None:
            t(src, c(edge.type), tgt)
    return out


def contract_triples(g: KnowledgeGraph) -> list[Quad]:
    """`contract_lines` as pyoxigraph quads in the default graph (parsed in Rust)."""
    from pyoxigraph import RdfFormat, parse

    return list(parse(nquads(list(dict.fromkeys(contract_lines(g)))), format=RdfFormat.N_QUADS))
