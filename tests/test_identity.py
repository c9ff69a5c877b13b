"""One node per thing, but not two things in one node: officials and persons are keyed by name and county.

Three reports made from the real 天镇县 report (corpus/004): the report itself, the same text told of
阳高县 (a neighbouring county of the same city), and an excerpt of the 天镇县 report. 王建江 is
县委书记 in both counties: two people, two nodes, each with its own county and post. The excerpt
names the 天镇县 王建江 again: one node, mentioned in two reports.
"""
from __future__ import annotations

import rdflib

from kg.facts import person_key, split_person_key

CKG = rdflib.Namespace("https://w3id.org/county-kg/ontology#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
SOURCE = "004_c08bcf71cc10af30.txt"


def test_person_key_scopes_by_county_or_report():
    assert person_key("王建江", "天镇县", "a.txt") == "天镇县/王建江"
    assert split_person_key(person_key("王建江", "天镇县", "a.txt")) == ("天镇县", None, "王建江")
    assert split_person_key(person_key("苏新发", None, "b.txt")) == (None, "b.txt", "苏新发")
    assert split_person_key("王建江") == (None, None, "王建江")  # older facts: a bare name


def _corpus(tmp_path, corpus_copy):
    text = (corpus_copy / SOURCE).read_text(encoding="utf-8")
    assert "天鎮" in text and "王建江" in text
    folder = tmp_path / "same_name"
    folder.mkdir()
    (folder / "a_tianzhen.txt").write_text(text, encoding="utf-8")
    (folder / "b_yanggao.txt").write_text(text.replace("天鎮", "陽高"), encoding="utf-8")
    # an excerpt: the opening paragraphs, down to the one that names the county secretary
    paras = text.split("\n")
    k = next(i for i, p in enumerate(paras) if "王建江" in p)
    (folder / "c_tianzhen_excerpt.txt").write_text("\n".join(paras[:k + 1]) + "\n", encoding="utf-8")
    return folder


def test_same_name_in_two_counties_is_two_officials(tmp_path, corpus_copy, nlp):
    from kg.build import build

    corpus = _corpus(tmp_path, corpus_copy)
    out = tmp_path / "out"
    result = build(corpus, out, nlp=nlp)
    meta = {f.report: f.meta.get("county") for f in result.facts}
    assert meta == {"a_tianzhen.txt": "天镇县", "b_yanggao.txt": "阳高县", "c_tianzhen_excerpt.txt": "天镇县"}

    g = rdflib.Graph()
    g.parse(out / "graph.ttl")
    wang = [o for o in g.subjects(rdflib.RDF.type, CKG.Official)
            if str(g.value(o, rdflib.RDFS.label)) == "王建江"]
    assert len(wang) == 2, wang
    by_county = {}
    for o in wang:
        county = g.value(o, CKG.county)
        by_county[str(g.value(county, rdflib.RDFS.label))] = o
    assert set(by_county) == {"天镇县", "阳高县"}

    def reports(o):
        return {str(g.value(r, CKG.fileName)) for r in g.objects(o, CKG.mentionedIn)}

    # the 天镇县 secretary is one node across the two 天镇县 reports; the 阳高县 one is only in his own
    assert reports(by_county["天镇县"]) == {"a_tianzhen.txt", "c_tianzhen_excerpt.txt"}
    assert reports(by_county["阳高县"]) == {"b_yanggao.txt"}
    for name, o in by_county.items():
        assert {str(t) for t in g.objects(o, CKG.title)} == {"县委书记"}
        # each post sits in the official's own county, never the other's
        code = str(g.value(g.value(o, CKG.county), CKG.adminCode))
        posts = [str(p) for p in g.objects(o, ORG.holds)]
        assert posts and all(f"/post/{code}/" in p for p in posts), (name, posts)

    # the other officials of the story split the same way, and the tables keep them apart
    nodes = (out / "nodes.csv").read_text(encoding="utf-8")
    assert "Official:天镇县/王建江" in nodes and "Official:阳高县/王建江" in nodes
