"""End to end on the real reports: counties, officials, persons, and the files users open."""
from __future__ import annotations

import networkx as nx
import pyoxigraph
import rdflib
from click.testing import CliRunner

from kg.cli import main

CKG = "https://w3id.org/county-kg/ontology#"
EXPECTED_COUNTY = {
    "000_820299a8950da9aa.txt": ("盐亭县", "510723"),
    "001_80bae33e4e5280a8.txt": ("乌审旗", "150626"),
    "002_ca7ee976e50d1c96.txt": ("富平县", "610528"),
    "003_be5d3f317b1676cc.txt": ("东源县", "441625"),
    "004_c08bcf71cc10af30.txt": ("天镇县", "140222"),
}


def _facts(result, report):
    return next(f for f in result.facts if f.report == report)


def test_every_report_finds_its_county_with_code(built):
    result, _ = built
    for report, (name, code) in EXPECTED_COUNTY.items():
        facts = _facts(result, report)
        assert facts.meta["county"] == name
        counties = {e.label: e.attrs["code"] for e in facts.entities if e.type == "County"}
        assert counties.get(name) == code, (report, counties)


def _officials(result, report):
    return {e.label: e.attrs for e in _facts(result, report).entities if e.type == "Official"}


def test_title_name_patterns_give_officials_with_all_titles(built):
    result, _ = built
    off = _officials(result, "004_c08bcf71cc10af30.txt")
    assert off["王建江"]["titles"] == ["县委书记"]
    assert set(off["刘川楠"]["titles"]) == {"县委副书记", "县长"}
    assert set(off["谢日升"]["titles"]) >= {"县委常委", "组织部长"}
    assert all(a["county"] == "天镇县" for a in off.values())


def test_byline_with_stated_office_makes_an_official(built):
    result, _ = built
    yt = _officials(result, "000_820299a8950da9aa.txt")
    assert set(yt["王梦阳"]["titles"]) == {"县委常委", "组织部部长"} and yt["王梦阳"]["county"] == "盐亭县"
    fp = _officials(result, "002_ca7ee976e50d1c96.txt")
    assert set(fp["杨宏伟"]["titles"]) == {"县委常委", "组织部长"} and fp["杨宏伟"]["county"] == "富平县"


def test_credits_without_office_are_persons_with_roles(built):
    result, _ = built
    persons = {e.label: e.attrs["roles"] for e in _facts(result, "003_be5d3f317b1676cc.txt").entities
               if e.type == "Person"}
    assert {"photographer", "reporter"} <= set(persons["李成东"])
    assert persons["黄赞福"] == ["photographer"]
    assert "correspondent" in persons["邱劲泽"]
    author = [e for e in _facts(result, "001_80bae33e4e5280a8.txt").entities if e.label == "苏新发"]
    assert [e.type for e in author] == ["Person"]


def test_turtle_parses_with_rdflib_and_pyoxigraph(built):
    _, out = built
    g = rdflib.Graph().parse(out / "graph.ttl")
    codes = {str(o) for o in g.objects(None, rdflib.URIRef(CKG + "adminCode"))}
    assert {c for _, c in EXPECTED_COUNTY.values()} <= codes
    store = pyoxigraph.Store()
    store.load(path=str(out / "graph.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    rows = list(store.query(
        'PREFIX ckg: <%s> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> '
        'SELECT ?l WHERE { ?c a ckg:County ; ckg:adminCode "510723" ; rdfs:label ?l }' % CKG))
    assert [r["l"].value for r in rows] == ["盐亭县"]
    assert len(store) == len(g)


def test_traditional_surface_kept_as_alt_label(built):
    _, out = built
    g = rdflib.Graph().parse(out / "graph.ttl")
    alts = {(str(o), o.language) for o in g.objects(None, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#altLabel"))}
    assert ("鹽亭縣", "zh-hant") in {(a, (lang or "").lower()) for a, lang in alts}


def test_graphml_reads_back_with_labels_types_relations(built):
    _, out = built
    G = nx.read_graphml(out / "graph.graphml")
    assert G.number_of_nodes() > 50
    assert all("label" in d and "type" in d for _, d in G.nodes(data=True))
    assert all("relation" in d for *_, d in G.edges(data=True))
    text = (out / "graph.graphml").read_text(encoding="utf-8")
    assert 'id="d0"' not in text  # named key ids: Gephi reads yEd's d0.. keys first


def test_bad_files_are_skipped_with_reason_and_the_rest_build(corpus_copy, tmp_path):
    (corpus_copy / "empty.txt").write_bytes(b"")
    (corpus_copy / "blob.txt").write_bytes(bytes(range(256)) * 40)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["build", "--corpus", str(corpus_copy), "--out", str(out)])
    assert res.exit_code == 3, res.output
    assert "empty.txt: skipped: empty file" in res.stderr
    assert "blob.txt: skipped: binary data" in res.stderr
    g = rdflib.Graph().parse(out / "graph.ttl")
    names = {str(o) for o in g.objects(None, rdflib.URIRef(CKG + "fileName"))}
    assert names == set(EXPECTED_COUNTY)


def test_normalize_command_removes_glosses(tmp_path):
    import re
    from pathlib import Path

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    res = CliRunner().invoke(main, ["normalize", str(corpus / "004_c08bcf71cc10af30.txt")])
    assert res.exit_code == 0
    assert "天镇县委" in res.stdout
    assert not re.search(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", res.stdout)
