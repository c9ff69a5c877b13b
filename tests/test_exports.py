"""Every export parses back, keeps its types and strings, obeys its importer's rules, and is reproducible."""
from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pyoxigraph
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kg_sample_graph import NASTY, NASTY_CLEAN, real_exports, sample_facts, sample_graph

from kg.export import export_all
from kg.facts import Entity, ReportFacts
from kg.graph import merge
from kg.rdf.contract import contract_triples
from kg.rdf.terms import safe_text
from kg.rdf.taxonomy import classify, load_families

CKG = rdflib.Namespace("https://w3id.org/county-kg/ontology#")
FILES = ("graph.ttl", "graph.trig", "graph.nq", "graph.graphml", "graph.gexf", "nodes.csv", "edges.csv")
# Characters XML 1.0 forbids (everything below 0x20 but TAB, LF, CR; surrogates; U+FFFE/F).
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    export_all(sample_graph(), out)
    return out


@pytest.fixture(scope="module")
def real(built):
    return real_exports(built)


# ---- RDF -----------------------------------------------------------------------

def test_export_all_writes_every_format_and_the_store(sample_out):
    for name in FILES:
        assert (sample_out / name).stat().st_size > 0, name
    assert (sample_out / "store").is_dir()
    # no temp leftovers: only the build state (.cache: the lock and the store's one live generation)
    assert not [p for p in sample_out.iterdir() if p.name.startswith(".") and p.name != ".cache"]
    assert [p.name for p in (sample_out / ".cache" / "stores").iterdir()] == [(sample_out / "store").resolve().name]


def test_turtle_and_trig_parse_back_with_rdflib_and_oxigraph(sample_out):
    ttl = rdflib.Graph().parse(sample_out / "graph.ttl", format="turtle")
    assert len(ttl) == len(list(pyoxigraph.parse(path=str(sample_out / "graph.ttl"))))
    ds = rdflib.Dataset()
    ds.parse(sample_out / "graph.trig", format="trig")
    oxi = list(pyoxigraph.parse(path=str(sample_out / "graph.trig")))
    nq = list(pyoxigraph.parse(path=str(sample_out / "graph.nq")))
    assert set(oxi) == set(nq)
    assert len(set(ds.quads((None, None, None, None)))) == len(oxi)
    named = {q.graph_name for q in oxi if not isinstance(q.graph_name, pyoxigraph.DefaultGraph)}
    assert len(named) == 2  # one evidence graph per report
    default = {(q.subject, q.predicate, q.object) for q in oxi if isinstance(q.graph_name, pyoxigraph.DefaultGraph)}
    assert default == {(t.subject, t.predicate, t.object) for t in pyoxigraph.parse(path=str(sample_out / "graph.ttl"))}


def test_contract_triples_are_all_in_graph_ttl(sample_out):
    g = sample_graph()
    ttl = {(q.subject, q.predicate, q.object) for q in pyoxigraph.parse(path=str(sample_out / "graph.ttl"))}
    contract = contract_triples(g)
    assert len(contract) > 40
    assert not [q for q in contract if (q.subject, q.predicate, q.object) not in ttl]


def _labels_rdflib(path: Path, fmt: str) -> set[str]:
    if fmt in ("trig", "nquads"):
        g = rdflib.Dataset()
        g.parse(path, format=fmt)
        return {str(o) for _, _, o, _ in g.quads((None, rdflib.RDFS.label, None, None))}
    return {str(o) for o in rdflib.Graph().parse(path, format=fmt).objects(None, rdflib.RDFS.label)}


def test_hostile_label_round_trips_through_every_writer(sample_out):
    assert "\x01" in NASTY and '"""' in NASTY and "\\" in NASTY and "\n" in NASTY
    for name, fmt in (("graph.ttl", "turtle"), ("graph.trig", "trig"), ("graph.nq", "nquads")):
        assert NASTY_CLEAN in _labels_rdflib(sample_out / name, fmt), name
    ox = {q.object.value for q in pyoxigraph.parse(path=str(sample_out / "graph.trig"))
          if q.predicate.value.endswith("#label")}
    assert NASTY_CLEAN in ox
    gml = nx.read_graphml(sample_out / "graph.graphml")
    assert NASTY_CLEAN in {d["label"] for _, d in gml.nodes(data=True)}
    gexf = nx.read_gexf(sample_out / "graph.gexf")
    assert NASTY_CLEAN in {d["label"] for _, d in gexf.nodes(data=True)}
    with open(sample_out / "nodes.csv", encoding="utf-8-sig", newline="") as fh:
        assert NASTY_CLEAN in {r["label"] for r in csv.DictReader(fh)}


def test_evidence_graph_names_triple_sentence_offsets_rule_and_report(sample_out):
    ds = rdflib.Dataset()
    ds.parse(sample_out / "graph.trig", format="trig")
    rows = list(ds.query("""
        PREFIX ckg: <https://w3id.org/county-kg/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?g ?text ?start ?end ?rule ?r ?v WHERE { GRAPH ?g {
          ?ev a ckg:Evidence ; ckg:subject ?s ; ckg:predicate ckg:implements ; ckg:object ?o ;
              ckg:rule ?rule ; ckg:sentence ?sn .
          ?sn a ckg:Sentence ; ckg:text ?text ; ckg:start ?start ; ckg:end ?end ; prov:wasDerivedFrom ?r .
          ?g ckg:toolVersion ?v .
          ?s ckg:adminCode "510723" } }"""))
    assert len(rows) == 1
    g, text, start, end, rule, r, v = rows[0]
    assert str(text) == "盐亭县实行积分制管理。" and (int(start), int(end)) == (0, 11)
    assert str(rule) == "implements.verb"
    assert str(g) == str(r) + "#graph" and str(r).endswith("b%20002.txt")
    from kg import __version__
    assert str(v) == __version__


# ---- GraphML -------------------------------------------------------------------

def _raw(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def test_graphml_obeys_importer_rules(sample_out):
    path = sample_out / "graph.graphml"
    assert not FORBIDDEN.search(_raw(path))
    root = ET.parse(path).getroot()  # well-formed XML 1.0, or this raises
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = root.findall("g:key", ns)
    ids = [k.get("id") for k in keys]
    assert len(ids) == len(set(ids)) and not any(re.fullmatch(r"d\d+", i) for i in ids)
    assert all(k.get("for") in ("node", "edge") and k.get("attr.type") and k.get("attr.name") for k in keys)
    types = {(k.get("for"), k.get("attr.name")): k.get("attr.type") for k in keys}
    assert types[("node", "reports")] == "int" and types[("node", "latitude")] == "double"
    assert types[("edge", "weight")] == "double"
    node_ids = [n.get("id") for n in root.iter("{http://graphml.graphdrawing.org/xmlns}node")]
    edge_ids = [e.get("id") for e in root.iter("{http://graphml.graphdrawing.org/xmlns}edge")]
    assert len(node_ids) == len(set(node_ids)) and len(edge_ids) == len(set(edge_ids))
    G = nx.read_graphml(path)
    county = G.nodes["County:天镇县"]
    assert county["type"] == "County" and county["code"] == "140222" and isinstance(county["reports"], int)
    assert isinstance(county["latitude"], float) and 40 < county["latitude"] < 41 and 114 < county["longitude"] < 115
    assert G.nodes["Mechanism:积分制管理"]["reports"] == 2 and G.nodes["Mechanism:积分制管理"]["family"] == "assessment"
    weights = {(u, v): d["weight"] for u, v, d in G.edges(data=True)}
    assert all(isinstance(w, float) for w in weights.values())
    relations = {d["relation"] for _, _, d in G.edges(data=True)}
    assert relations == {"implements", "targets", "hasTarget", "locatedIn", "authoredBy"}


# ---- GEXF ----------------------------------------------------------------------

def test_gexf_is_1_3_with_typed_attributes_viz_and_time(sample_out):
    path = sample_out / "graph.gexf"
    assert not FORBIDDEN.search(_raw(path))
    root = ET.parse(path).getroot()
    assert root.tag == "{http://gexf.net/1.3}gexf" and root.get("version") == "1.3"
    ns = {"x": "http://gexf.net/1.3", "viz": "http://gexf.net/1.3/viz"}
    graph = root.find("x:graph", ns)
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    declared = {}
    for attrs in graph.findall("x:attributes", ns):
        for a in attrs.findall("x:attribute", ns):
            assert a.get("type"), a.get("id")
            declared[(attrs.get("class"), a.get("id"))] = a.get("type")
    assert declared[("node", "reports")] == "integer" and declared[("node", "latitude")] == "double"
    for node in graph.iter("{http://gexf.net/1.3}node"):
        assert node.find("viz:color", ns) is not None and float(node.find("viz:size", ns).get("value")) > 0
        for av in node.iter("{http://gexf.net/1.3}attvalue"):
            assert ("node", av.get("for")) in declared
    ids = [n.get("id") for n in graph.iter("{http://gexf.net/1.3}node")]
    assert len(ids) == len(set(ids))
    G = nx.read_gexf(path)
    county = G.nodes["County:天镇县"]
    assert isinstance(county["reports"], int) and isinstance(county["latitude"], float)
    assert county["start"] == "2021-05-12"  # the dated report puts it on Gephi's timeline
    assert "start" not in G.nodes["County:盐亭县"]  # undated report: always present
    assert county["viz"]["color"] != G.nodes["Group:年轻干部"]["viz"]["color"]
    assert G.nodes["Mechanism:积分制管理"]["viz"]["size"] > G.nodes["Group:年轻干部"]["viz"]["size"]
    assert all(isinstance(d["weight"], float) for _, _, d in G.edges(data=True))


def test_gexf_is_static_without_dates(tmp_path):
    facts = sample_facts()
    for f in facts:
        f.meta.pop("date", None)
    from kg.export import gexf

    gexf.write(merge(facts), tmp_path / "g.gexf")
    graph = ET.parse(tmp_path / "g.gexf").getroot().find("{http://gexf.net/1.3}graph")
    assert graph.get("mode") == "static" and graph.get("timeformat") is None


# ---- CSV -----------------------------------------------------------------------

def test_csv_tables_match_the_graph(sample_out):
    g = sample_graph()
    with open(sample_out / "nodes.csv", encoding="utf-8-sig", newline="") as fh:
        nodes = list(csv.DictReader(fh))
    with open(sample_out / "edges.csv", encoding="utf-8-sig", newline="") as fh:
        edges = list(csv.DictReader(fh))
    assert len(nodes) == len(g.nodes) + len(g.reports)
    assert len(edges) == len(g.edges)
    ids = {n["id"] for n in nodes}
    assert all(e["source"] in ids and e["target"] in ids for e in edges)
    by_id = {n["id"]: n for n in nodes}
    assert by_id["Mechanism:积分制管理"]["reports"] == "2" and by_id["County:盐亭县"]["code"] == "510723"
    assert {e["weight"] for e in edges} == {"1"}


# ---- reproducibility -------------------------------------------------------------

def test_two_exports_of_the_same_facts_are_byte_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    export_all(sample_graph(), a, store=False)
    export_all(merge(list(reversed(sample_facts()))), b, store=False)
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_store_is_swapped_in_whole(tmp_path):
    from kg import query as kq

    export_all(sample_graph(), tmp_path)
    first = kq.query(tmp_path, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[1][0][0].value
    export_all(sample_graph(), tmp_path)  # rebuild over an existing store
    again = kq.query(tmp_path, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[1][0][0].value
    assert first == again and int(first) > 0
    assert sorted(p.name for p in tmp_path.iterdir() if "store" in p.name) == ["store"]


# ---- taxonomy ------------------------------------------------------------------

def test_families_file_and_classification_rules():
    fams = load_families()
    ids = [f.id for f in fams]
    assert len(ids) == len(set(ids)) >= 9 and ids[-1] == "unclassified"
    assert all(f.en and f.zh and f.keywords for f in fams[:-1])
    assert classify("积分制管理") == "assessment"
    assert classify("容错纠错机制") == "supervision"
    assert classify("321引才工程") == "talent"
    assert classify("村党组织书记培训班") == "training"  # 培训 ties 党组织: the first listed family wins
    assert classify("凡提必核制度") == "selection"
    assert classify("天气预报") == "unclassified"


def test_taxonomy_is_a_skos_scheme_in_graph_ttl(sample_out):
    g = rdflib.Graph().parse(sample_out / "graph.ttl", format="turtle")
    SKOS = rdflib.namespace.SKOS
    scheme = rdflib.URIRef("https://w3id.org/county-kg/taxonomy")
    concepts = set(g.subjects(SKOS.inScheme, scheme))
    assert len(concepts) == len(load_families())
    for c in concepts:
        langs = {o.language.lower() for o in g.objects(c, SKOS.prefLabel)}
        assert {"en", "zh-hans"} <= langs
    fams = {str(o).rsplit("/", 1)[1] for o in g.objects(None, CKG.family)}
    assert "assessment" in fams


# ---- the real corpus -------------------------------------------------------------

def test_real_corpus_exports_parse_with_types_and_coordinates(real):
    result, out = real
    ttl = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    assert len(ttl) > 500
    ds = rdflib.Dataset()
    ds.parse(out / "graph.trig", format="trig")
    assert len({g for _, _, _, g in ds.quads((None, None, None, None)) if g is not None
                and str(g).endswith("#graph")}) == len(result.graph.reports)
    G = nx.read_graphml(out / "graph.graphml")
    counties = [d for _, d in G.nodes(data=True) if d["type"] == "County"]
    assert counties and all(isinstance(d["latitude"], float) and isinstance(d["longitude"], float) for d in counties)
    assert all(isinstance(d["reports"], int) for _, d in G.nodes(data=True))
    H = nx.read_gexf(out / "graph.gexf")
    assert H.number_of_nodes() == G.number_of_nodes() and H.number_of_edges() == G.number_of_edges()
    for name in ("graph.graphml", "graph.gexf"):
        assert not FORBIDDEN.search(_raw(out / name))
    geo = rdflib.Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
    assert len(set(ttl.subjects(geo.lat, None))) == len(counties)


def test_real_corpus_exports_are_byte_identical_on_rebuild(real, tmp_path):
    result, out = real
    export_all(result.graph, tmp_path, store=False)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


# ---- any label at all ------------------------------------------------------------

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=30).filter(lambda s: bool(safe_text(s))))
def test_any_label_survives_graphml_gexf_and_turtle(label):
    """Whatever a label holds, each reader gets back the label less the characters XML 1.0 forbids."""
    import io

    from kg.export import gexf, graphml
    from kg.rdf.dataset import default_quads

    g = merge([ReportFacts("r.txt", {}, [Entity("Group", label, label)])])
    want = safe_text(label)
    nid = f"Group:{want}"
    assert nx.read_graphml(io.BytesIO(graphml.to_xml(g))).nodes[nid]["label"] == want
    assert nx.read_gexf(io.BytesIO(gexf.to_xml(g))).nodes[nid]["label"] == want
    ttl = pyoxigraph.serialize([pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in default_quads(g)],
                               format=pyoxigraph.RdfFormat.TURTLE)
    parsed = rdflib.Graph().parse(data=ttl.decode("utf-8"), format="turtle")
    assert want in {str(o) for o in parsed.objects(None, rdflib.RDFS.label)}
