"""The RDF vocabulary in one place: namespaces and prefixes, IRIs minted from normalised keys, and
terms written as pyoxigraph objects or as N-Triples text (the fast path for millions of statements)."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode

from kg.facts import split_person_key
from kg.graph import Node

CKG = "https://w3id.org/county-kg/ontology#"
ID = "https://w3id.org/county-kg/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
SCHEME = "https://w3id.org/county-kg/taxonomy"   # the SKOS scheme of initiative families (kg.rdf.taxonomy)
PREFIXES = {"ckg": CKG, "kgid": ID, "rdf": RDF, "rdfs": RDFS, "skos": SKOS, "xsd": XSD, "prov": PROV, "dct": DCT}
_KINDS = ("report", "county", "place", "official", "person", "programme", "mechanism", "group", "target",
          "post", "organ", "evidence")
# What every file, the store and `kg query` declare: one prefix per kind of node, so Turtle reads
# `county:140222` rather than `kgid:county\/140222`.
RDF_PREFIXES = {**PREFIXES, "org": ORG, "geo": GEO, "tax": SCHEME + "/", **{k: f"{ID}{k}/" for k in _KINDS}}



@lru_cache(maxsize=None)
def ckg(local: str) -> NamedNode:
    """A term of the ontology (cached: the mapping asks for the same few hundred thousands of times)."""
    return NamedNode(CKG + local)


_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def safe_text(text: str) -> str:
    """Drop characters RDF literals and XML cannot carry (controls, lone surrogates)."""
    return _UNSAFE.sub("", text)


def ordered(quads) -> list:
    """Drop repeats, keep the (deterministic) order in which the quads were generated.

    Every generator walks reports, nodes and edges in sorted order, so the
    output is the same on every run without sorting millions of quads by string.
    """
    return list(dict.fromkeys(quads))


def _iri_char(c: str) -> str:
    """The character as an IRI path segment may hold it: RFC 3987 lets a segment carry ucschar (CJK
    and the rest of Unicode's letters and marks) as they are, so a name reads in query results, in
    Gephi's iri column and in every file; what an IRI forbids, and ASCII reserved characters, spaces,
    controls and format marks (RFC 3987 4.1 warns of bidi ones), are percent-encoded."""
    o = ord(c)
    if c.isascii():
        return c if c.isalnum() or c in "-._~" else quote(c, safe="")
    ucs = (0xA0 <= o <= 0xD7FF or 0xF900 <= o <= 0xFDCF or 0xFDF0 <= o <= 0xFFEF
           or (0x10000 <= o <= 0xEFFFD and (o & 0xFFFF) < 0xFFFE and not 0xE0000 <= o <= 0xE0FFF))
    if ucs and unicodedata.category(c)[0] not in "ZC":
        return c
    return quote(c, safe="")


def slug(text: str) -> str:
    """A path segment that keeps Chinese as it is and is a valid IRI whatever the text holds. A final
    '.' is encoded: Turtle writes it as an escaped prefixed name (`x\\.`) that not every parser reads."""
    out = "".join(map(_iri_char, safe_text(text)))
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
    return Literal(safe_text(text), language=tag)


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
    body = '"' + safe_text(text).translate(_NT_ESCAPE) + '"'
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
