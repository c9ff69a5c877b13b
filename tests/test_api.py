"""kg.open on the corpus build: a query, an evidence lookup, both conversions, and the errors a user meets."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

import kg
from kg.query import UnsafeQuery

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def g(built):
    return kg.open(built[1], corpus=CORPUS)


def test_a_query_gives_rows_as_dicts_with_the_prefixes_declared(g):
    rows = g.query("SELECT ?county ?code WHERE { ?c a ckg:County ; rdfs:label ?county ; ckg:adminCode ?code } "
                   "ORDER BY ?code")
    assert {"county": "盐亭县", "code": "510723"} in rows and len(rows) == 5
    assert g.query("SELECT (COUNT(*) AS ?n) WHERE { ?c a ckg:County }") == [{"n": 5}]  # numbers are ints
    assert g.query("ASK { ?c a ckg:County }") == [{"ask": True}]
    own = g.query("PREFIX ckg: <http://example.org/> SELECT ?c WHERE { ?c a ckg:County }")
    assert own == []  # the query's own PREFIX wins
    assert g.query("SELECT ?c WHERE { ?c a ckg:County }", timeout=60) == \
        g.query("SELECT ?c WHERE { ?c a ckg:County }")  # the child-process path answers the same


def test_entities_and_relations(g):
    counties = g.entities(type="County")
    assert {e["label"] for e in counties} == {"盐亭县", "乌审旗", "富平县", "天镇县", "东源县"}
    assert all(e["type"] == "County" and e["iri"].startswith("https://w3id.org/county-kg/id/county/")
               and e["reports"] >= 1 for e in counties)
    assert len(g.entities()) > len(counties)
    rel = g.relations(predicate="implements")
    assert rel and {r["predicate"] for r in rel} == {"implements"}
    assert any(r["subject_label"] == "盐亭县" and r["object_label"] == "积分制管理" for r in rel)
    assert any(r["predicate"] == "authoredBy" and r["subject_label"].endswith(".txt") for r in g.relations())
    with pytest.raises(ValueError, match="unknown entity type"):
        g.entities(type="Nonsense")
    with pytest.raises(ValueError, match="unknown relation"):
        g.relations(predicate="x } ?a ?b ?c . {")


def test_evidence_gives_the_sentence_in_simplified_and_in_the_original_script(g):
    ev = g.evidence("盐亭县", "implements", "积分制管理")
    assert ev
    e = ev[0]
    assert e["report"] == "000_820299a8950da9aa.txt" and e["rule"].startswith("implements.")
    assert "积分制管理" in e["simplified"] and "積分制管理" in e["original"]
    text = (CORPUS / e["report"]).read_text(encoding="utf-8")
    assert text[e["start"]:e["end"]] == e["original"]  # offsets into the original file
    # the same fact named by IRIs and a prefixed name
    county = next(x["iri"] for x in g.entities("County") if x["label"] == "盐亭县")
    by_iri = g.evidence(county, "ckg:implements", e["object"])
    assert [x["start"] for x in by_iri] == [x["start"] for x in ev]
    assert g.evidence("county:510723", "implements", e["object"]) == by_iri
    # an entity's own evidence: that it is a Mechanism
    assert g.evidence("积分制管理", "type", "Mechanism")[0]["original"]
    assert g.evidence("没有这个", "implements") == []


def test_evidence_without_the_corpus_has_no_original_but_the_rest(built):
    e = kg.open(built[1], corpus=Path("/nonexistent"))
    ev = e.evidence("盐亭县", "implements", "积分制管理")
    assert ev and ev[0]["original"] is None and "积分制管理" in ev[0]["simplified"]


def test_to_networkx(g):
    G = g.to_networkx()
    reports = g.query("SELECT (COUNT(*) AS ?n) WHERE { ?r a ckg:Report }")[0]["n"]
    assert G.number_of_nodes() == len(g.entities()) + reports
    assert G.number_of_edges() == len(g.relations())
    county = next(x["iri"] for x in g.entities("County") if x["label"] == "盐亭县")
    assert G.nodes[county]["type"] == "County" and G.nodes[county]["label"] == "盐亭县"
    assert any(d["relation"] == "implements" for _, _, d in G.out_edges(county, data=True))


def test_to_pandas(g):
    pd = pytest.importorskip("pandas")
    nodes, edges = g.to_pandas()
    assert isinstance(nodes, pd.DataFrame) and isinstance(edges, pd.DataFrame)
    assert list(nodes.columns) == ["iri", "type", "label", "reports"] and len(nodes) == len(g.entities())
    assert (nodes["type"] == "County").sum() == 5
    assert len(edges) == len(g.relations()) and "object_label" in edges.columns


def test_to_pandas_without_pandas_says_what_to_install(g, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(ImportError, match="pip install pandas"):
        g.to_pandas()


def test_the_api_refuses_updates_and_service_and_explains_syntax_errors(g):
    with pytest.raises(UnsafeQuery):
        g.query("DELETE WHERE { ?s ?p ?o }")
    with pytest.raises(UnsafeQuery):
        g.query("SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }")
    with pytest.raises(SyntaxError, match=r"^line 2, column 8: unknown prefix ex:"):
        g.query("SELECT * WHERE {\n  ?s a ex:C }")


def test_open_without_a_build_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="kg build"):
        kg.open(tmp_path)
