"""The ontology parses, declares and labels every term the graph uses, aligns to W3C vocabularies; SHACL bites."""
from __future__ import annotations

import pyoxigraph
import pytest
import rdflib
from kg_sample_graph import real_exports, sample_graph
from rdflib import OWL, RDF, RDFS, Literal, URIRef

from kg.paths import ontology_dir
from kg.validate import validate

CKG = rdflib.Namespace("https://w3id.org/county-kg/ontology#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
SKOS = rdflib.namespace.SKOS
ALIGNED = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#",
           "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/prov#", "http://purl.org/dc/terms/",
           "http://www.w3.org/ns/org#", "http://www.w3.org/2003/01/geo/wgs84_pos#")
ORIGINAL_TERMS = (
    "Report County Place Official Person Initiative Programme Mechanism Group Target mentionedIn implements "
    "targets hasTarget locatedIn authoredBy county fileName title adminCode role value valueMax unit measures "
    "comparator deadline targetKind sourceUrl date").split()


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_dir() / "ckg.ttl", format="turtle")


@pytest.fixture(scope="module")
def real(built):
    return real_exports(built)


def _labels(g: rdflib.Graph, term) -> set[str]:
    return {(o.language or "").lower() for o in g.objects(term, RDFS.label) if isinstance(o, Literal)}


def test_ontology_parses_and_is_versioned(onto):
    assert len(list(pyoxigraph.parse(path=str(ontology_dir() / "ckg.ttl")))) == len(onto)
    ont = URIRef("https://w3id.org/county-kg/ontology")
    assert (ont, RDF.type, OWL.Ontology) in onto and onto.value(ont, OWL.versionInfo) is not None
    rdflib.Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")


def test_every_ckg_term_has_type_en_zh_labels_and_comment(onto):
    terms = {s for s in onto.subjects() if isinstance(s, URIRef) and str(s).startswith(str(CKG))}
    assert {CKG[t] for t in ORIGINAL_TERMS} <= terms  # nothing of the first ontology was lost
    for t in terms:
        kinds = set(onto.objects(t, RDF.type))
        assert kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, t
        assert {"en", "zh-hans"} <= _labels(onto, t), t
        assert onto.value(t, RDFS.comment) is not None, t
        if OWL.ObjectProperty in kinds or OWL.DatatypeProperty in kinds:
            assert onto.value(t, RDFS.domain) is not None or onto.value(t, RDFS.range) is not None, t


def test_alignments_to_org_prov_skos_dct_geo(onto):
    sub = lambda a, b: (a, RDFS.subClassOf, b) in onto  # noqa: E731
    assert sub(CKG.Report, PROV.Entity) and sub(CKG.Evidence, PROV.Entity) and sub(CKG.Organ, ORG.Organization)
    assert (CKG.family, RDFS.range, SKOS.Concept) in onto
    assert (CKG.sourceUrl, RDFS.subPropertyOf, URIRef("http://purl.org/dc/terms/source")) in onto
    assert sub(CKG.County, URIRef("http://www.w3.org/2003/01/geo/wgs84_pos#SpatialThing"))
    for term in (ORG.holds, ORG.postIn, ORG.Post):
        assert {"en", "zh-hans"} <= _labels(onto, term)


def _used_terms(graph: rdflib.Graph) -> set[URIRef]:
    used = set(graph.predicates())
    used |= {o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef)}
    return used


def test_every_term_the_graph_uses_is_declared(onto, real):
    _, out = real
    ds = rdflib.Dataset()
    ds.parse(out / "graph.trig", format="trig")
    g = rdflib.Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    g += rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    used = _used_terms(g)
    assert CKG.Evidence in used and ORG.holds in used and SKOS.Concept in used
    for term in used:
        if str(term).startswith(str(CKG)):
            assert {"en", "zh-hans"} <= _labels(onto, term), f"{term} is used but not declared with en+zh labels"
        else:
            assert str(term).startswith(ALIGNED), f"{term} is from a vocabulary the ontology does not align to"


def test_shapes_pass_on_the_built_graph(real):
    _, out = real
    conforms, lines = validate(out / "graph.ttl")
    assert conforms, "\n".join(lines)


def test_shapes_pass_on_the_sample_graph(tmp_path):
    from kg.export import turtle

    turtle.write(sample_graph(), tmp_path / "graph.ttl")
    conforms, lines = validate(tmp_path / "graph.ttl")
    assert conforms, "\n".join(lines)


def _sample_rdflib(tmp_path) -> rdflib.Graph:
    from kg.export import turtle

    turtle.write(sample_graph(), tmp_path / "graph.ttl")
    return rdflib.Graph().parse(tmp_path / "graph.ttl", format="turtle")


def test_county_without_admin_code_fails(tmp_path):
    g = _sample_rdflib(tmp_path)
    county = URIRef("https://w3id.org/county-kg/id/county/140222")
    g.remove((county, CKG.adminCode, None))
    conforms, lines = validate(g)
    assert not conforms
    assert any("county:140222" in ln and "ckgsh:County-adminCode" in ln for ln in lines), lines


@pytest.mark.parametrize("breakage, shape", [
    ("kind", "ckgsh:Target-targetKind"),
    ("value", "ckgsh:Target-value"),
    ("title", "ckgsh:Official-title"),
    ("mention", "ckgsh:Entity-mentionedIn"),
    ("implements", "ckgsh:County-implements"),
    ("targets", "ckgsh:Initiative-targets"),
])
def test_each_shape_catches_its_breakage(tmp_path, breakage, shape):
    g = _sample_rdflib(tmp_path)
    target = next(g.subjects(RDF.type, CKG.Target))
    official = next(g.subjects(RDF.type, CKG.Official))
    group = next(g.subjects(RDF.type, CKG.Group))
    mech = next(g.subjects(RDF.type, CKG.Mechanism))
    county = URIRef("https://w3id.org/county-kg/id/county/510723")
    if breakage == "kind":
        g.set((target, CKG.targetKind, Literal("maybe")))
    elif breakage == "value":
        g.set((target, CKG.value, Literal("two hundred")))
    elif breakage == "title":
        g.remove((official, CKG.title, None))
    elif breakage == "mention":
        g.remove((group, CKG.mentionedIn, None))
    elif breakage == "implements":
        g.add((county, CKG.implements, group))
    elif breakage == "targets":
        g.add((mech, CKG.targets, county))
    conforms, lines = validate(g)
    assert not conforms and any(shape in ln for ln in lines), lines
