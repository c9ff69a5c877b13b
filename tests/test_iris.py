"""IRIs keep Chinese as RFC 3987 allows and percent-encode only what an IRI may not hold, so names
read as names in query results, Gephi's iri column and every file."""
from __future__ import annotations

import re

import pyoxigraph
import rdflib

from kg.rdf.terms import slug


def test_the_corpus_build_writes_chinese_iris_unencoded(built):
    _, out = built
    ttl = (out / "graph.ttl").read_text(encoding="utf-8")
    assert "mechanism:三个一线干部培养选拔机制 a ckg:Mechanism" in ttl
    assert not re.search(r"%E[0-9A-F]%[89AB][0-9A-F]", ttl), "a CJK character was percent-encoded"
    iris = {str(s) for s in rdflib.Graph().parse(out / "graph.ttl").subjects()}
    assert any("/group/" in i and re.search("[\u4e00-\u9fff]", i) for i in iris)


def test_what_an_iri_forbids_is_percent_encoded_and_the_rest_kept():
    nasty = '党建+景区 "x"<y>{z}|a\\b^c`d/e?f#g[h]%i\u3000j\u200fk\u0007l\ue000m\U000e0100𠀀.'
    s = slug(nasty)
    assert s.startswith("党建%2B景区%20%22x%22%3Cy%3E")
    for kept in "党建景区xyzabcdefghijklm𠀀":
        assert kept in s
    for banned in ' "<>{}|\\^`/?#[]\u3000\u200f\u0007\ue000\U000e0100':
        assert banned not in s
    assert s.endswith("%2E") and "%25i" in s
    iri = "https://w3id.org/county-kg/id/mechanism/" + s
    pyoxigraph.NamedNode(iri)  # Oxigraph validates RFC 3987 and raises on an invalid IRI
    g = rdflib.Graph().parse(data=f"<{iri}> a <urn:x> .", format="turtle")
    assert str(next(iter(g.subjects()))) == iri
