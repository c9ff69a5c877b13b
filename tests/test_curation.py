"""Curation on the real reports: issue 15's hand-written lines take effect in graph.ttl, GraphML and the store,
after a full build, after an incremental one that adds a report, and after a change of the curation alone;
the fact cache stays valid; a bad line stops the build; what matches nothing shows in `kg status`.

One sequence of builds per module (the fixture `runs`), each step's outputs read right after it.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import networkx as nx
import pytest
import rdflib
from click.testing import CliRunner
from pyoxigraph import RdfFormat, Store

import kg
from kg.build import BuildOptions, build
from kg.cli import main

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
R000 = "000_820299a8950da9aa.txt"   # Traditional, glosses: 盐亭县
R004 = "004_c08bcf71cc10af30.txt"   # 天镇县: 驻村第一书记, 抓党建责任体系
LATER = "002_ca7ee976e50d1c96.txt"  # added by the incremental build
CKG = rdflib.Namespace("https://w3id.org/county-kg/ontology#")
SKOS = rdflib.namespace.SKOS
ID = "https://w3id.org/county-kg/id/"
YANTING = rdflib.URIRef(ID + "county/510723")

# issue 15's four forms exactly as written there, then an accept naming the county in Traditional,
# a retype, and a line whose report is not in the corpus
HAND = """\
{"action": "reject", "report": "000_820299a8950da9aa.txt", "subject": "盐亭县", "predicate": "implements", "object": "小班培训模式"}
{"action": "merge", "type": "Group", "keep": "农村第一书记", "drop": "驻村第一书记"}
{"action": "rename", "type": "Mechanism", "from": "抓党建责任体系", "to": "党建责任体系"}
{"action": "add", "report": "000_820299a8950da9aa.txt", "subject": "盐亭县", "predicate": "implements", "object": "某某工程", "object_type": "Programme", "sentence": "以小班培训模式，有针对性地举办农村党支部书记培训班和村级后备力量培训班。"}
// who and when, in both forms
{"action": "accept", "report": "000_820299a8950da9aa.txt", "subject": "鹽亭縣", "predicate": "implements", "object": "城乡党建结对共建行动", "by": "Li Wei", "at": "2025-03-01T10:00:00+08:00"}
{"action": "retype", "type": "Programme", "label": "乡村振兴示范村建设", "to": "Mechanism", "by": "https://orcid.org/0000-0001-2345-6789", "at": "last spring"}
{"action": "reject", "report": "999_gone.txt", "type": "Group", "label": "党员"}
"""


def _iri(kind: str, label: str) -> rdflib.URIRef:
    return rdflib.URIRef(f"{ID}{kind}/{quote(label, safe='')}")


_DECIMAL = re.compile(rb'"(-?\d+\.\d*?)0+"(\^\^<http://www.w3.org/2001/XMLSchema#decimal>)')


def _decimal(line: bytes) -> bytes:
    """A quad with its decimals' trailing zeros dropped: a patched store holds the default graph's
    added lines in canonical form ("109.18032") where graph.nq has "109.180320" (as before curation)."""
    return _DECIMAL.sub(rb'"\1"\2', line)


def _read(out: Path) -> dict:
    """What a step left: graph.ttl (rdflib), GraphML (networkx) and the store's answers (kg.open)."""
    ttl = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    gml = nx.read_graphml(out / "graph.graphml")
    g = kg.open(out, corpus=CORPUS)
    store_edges = {(r["s"], r["p"].rsplit("#", 1)[1], r["o"]) for r in g.query(
        "SELECT ?s ?p ?o WHERE { VALUES ?p { ckg:implements ckg:targets ckg:hasTarget } ?s ?p ?o }")}
    store_nodes = {(r["n"], r["t"].rsplit("#", 1)[1]) for r in g.query(
        "SELECT ?n ?t WHERE { ?n a ?t ; rdfs:label ?l FILTER(STRSTARTS(STR(?t), STR(ckg:))) }")}
    curations = g.query("""
        SELECT ?action ?line ?s ?p ?o ?by ?byLabel ?at (DATATYPE(?at) AS ?atType) ?former ?text WHERE { GRAPH ?g {
          ?c a ckg:Curation ; ckg:action ?action ; ckg:curationLine ?line ;
             ckg:subject ?s ; ckg:predicate ?p ; ckg:object ?o .
          OPTIONAL { ?c prov:wasAttributedTo ?by . ?by rdfs:label ?byLabel }
          OPTIONAL { ?c prov:generatedAtTime ?at }
          OPTIONAL { ?c ckg:formerLabel ?former }
          OPTIONAL { ?c ckg:sentence/ckg:text ?text } } } ORDER BY ?line ?p""")
    store = {_decimal(q) for q in Store.read_only(str(out / "store")).dump(format=RdfFormat.N_QUADS).splitlines()}
    nq = {_decimal(q) for q in (out / "graph.nq").read_bytes().splitlines() if q}
    return {"ttl": ttl, "gml": gml, "edges": store_edges, "nodes": store_nodes, "curations": curations,
            "store_is_graph_nq": store == nq}


@pytest.fixture(scope="module")
def runs(tmp_path_factory, nlp):
    """Full build of four reports with the hand-written lines; add a fifth (incremental); change only
    the curation (kg curate, then kg build); then delete a curated report and ask kg status."""
    root = tmp_path_factory.mktemp("curation")
    corpus, out, cur = root / "corpus", root / "out", root / "curation"
    corpus.mkdir()
    for p in sorted(CORPUS.glob("*.txt")):
        if p.name != LATER:
            shutil.copy(p, corpus / p.name)
    cur.mkdir()
    (cur / "hand.jsonl").write_text(HAND, encoding="utf-8")
    opts = BuildOptions(curation=cur)
    steps = {}

    def step(name, **kw):
        res = build(corpus, out, nlp=nlp, keep_evidence=False, keep_facts=False, options=opts, **kw)
        steps[name] = (res, _read(out))

    step("full", full=True)
    shutil.copy(CORPUS / LATER, corpus / LATER)
    step("incremental")
    runner = CliRunner()
    curate = runner.invoke(main, ["curate", "reject", "--report", R004, "--type", "Group", "--label", "第一书记",
                                  "--by", "tester", "--curation", str(cur)])
    assert curate.exit_code == 0, curate.output
    steps["curate"] = curate.output
    steps["status before"] = runner.invoke(main, ["status", "--corpus", str(corpus), "--out", str(out),
                                                  "--curation", str(cur)]).output
    # the curation alone changed: `kg build` (it reads no report, so it loads no pipeline)
    cli = runner.invoke(main, ["build", "--corpus", str(corpus), "--out", str(out), "--curation", str(cur)])
    assert cli.exit_code == 0, cli.output
    steps["curation only"] = (cli.output, _read(out))
    files = {n: (out / n).read_bytes() for n in ("graph.ttl", "graph.nq", "graph.graphml", "edges.csv")}
    again = build(corpus, out, nlp=nlp, keep_evidence=False, keep_facts=False, options=opts)
    steps["again"] = (again, files == {n: (out / n).read_bytes() for n in files})
    (corpus / R000).unlink()
    steps["status"] = runner.invoke(main, ["status", "--corpus", str(corpus), "--out", str(out),
                                           "--curation", str(cur)])
    return steps, root


BUILDS = ("full", "incremental", "curation only")


@pytest.mark.parametrize("step", BUILDS)
def test_the_four_hand_written_forms_take_effect_in_turtle_graphml_and_the_store(runs, step):
    res, seen = runs[0][step]
    ttl, gml = seen["ttl"], seen["gml"]
    # reject: the fact is gone everywhere, both of its ends stay
    mech = _iri("mechanism", "小班培训模式")
    assert (YANTING, CKG.implements, mech) not in ttl and (mech, rdflib.RDF.type, CKG.Mechanism) in ttl
    assert not gml.has_edge("County:盐亭县", "Mechanism:小班培训模式") and gml.has_node("Mechanism:小班培训模式")
    assert (str(YANTING), "implements", str(mech)) not in seen["edges"]
    # merge: one node, the dropped name kept as skos:altLabel, its report and links moved over
    kept, dropped = _iri("group", "农村第一书记"), _iri("group", "驻村第一书记")
    assert (dropped, None, None) not in ttl and (None, None, dropped) not in ttl
    assert rdflib.Literal("驻村第一书记", lang="zh-Hans") in set(ttl.objects(kept, SKOS.altLabel))
    assert not gml.has_node("Group:驻村第一书记") and gml.has_node("Group:农村第一书记")
    assert (str(dropped), "Group") not in seen["nodes"] and (str(kept), "Group") in seen["nodes"]
    # rename into a name another report uses: one node, mentioned in both reports
    old, new = _iri("mechanism", "抓党建责任体系"), _iri("mechanism", "党建责任体系")
    assert (old, None, None) not in ttl
    assert {str(r).rsplit("/", 1)[1] for r in ttl.objects(new, CKG.mentionedIn)} >= {R004, "001_80bae33e4e5280a8.txt"}
    assert gml.has_edge("County:天镇县", "Mechanism:党建责任体系") and not gml.has_node("Mechanism:抓党建责任体系")
    # add: the new Programme and its fact, in all three
    added = _iri("programme", "某某工程")
    assert (YANTING, CKG.implements, added) in ttl and (added, rdflib.RDF.type, CKG.Programme) in ttl
    assert gml.has_edge("County:盐亭县", "Programme:某某工程")
    assert (str(YANTING), "implements", str(added)) in seen["edges"]
    # retype
    assert (_iri("mechanism", "乡村振兴示范村建设"), rdflib.RDF.type, CKG.Mechanism) in ttl
    assert (_iri("programme", "乡村振兴示范村建设"), None, None) not in ttl
    assert gml.nodes["Mechanism:乡村振兴示范村建设"]["type"] == "Mechanism"
    assert seen["store_is_graph_nq"]
    if step == "curation only":  # kg build's own line
        assert "\napplied 7 corrections; 1 matches nothing: see kg status\n" in res
    else:
        assert res.curation.summary() == "applied 6 corrections; 1 matches nothing: see kg status"
        assert [(c.line, why) for c, why in res.curation.unmatched] == [(8, "report 999_gone.txt is not in the corpus")]


@pytest.mark.parametrize("step", BUILDS)
def test_curated_facts_carry_prov_in_their_report_graph(runs, step):
    rows = runs[0][step][1]["curations"]
    by_action = {}
    for r in rows:
        by_action.setdefault(r["action"], []).append(r)
    assert set(by_action) >= {"reject", "merge", "rename", "add", "accept", "retype"}
    accept = by_action["accept"][0]
    assert accept["line"] == "hand.jsonl:6" and accept["s"] == str(YANTING)
    assert accept["by"] == ID + "agent/Li%20Wei" and accept["byLabel"] == "Li Wei"
    assert accept["at"] == "2025-03-01T10:00:00+08:00" and accept["atType"].endswith("#dateTime")
    retype = by_action["retype"][0]
    assert retype["by"] == "https://orcid.org/0000-0001-2345-6789"
    assert retype["at"] == "last spring" and retype["atType"].endswith("#string")
    assert {r["former"] for r in by_action["merge"]} == {"驻村第一书记"}
    assert {r["former"] for r in by_action["rename"]} == {"抓党建责任体系"}
    # the add's sentence, recovered from the Traditional report, with offsets into the original
    add = next(r for r in by_action["add"] if r["p"].endswith("#implements"))
    assert add["text"] == "以小班培训模式，有针对性地举办农村党支部书记培训班和村级后备力量培训班。"
    g = kg.open(runs[1] / "out", corpus=CORPUS)
    ev = g.query("""SELECT ?start ?end ?rule WHERE { GRAPH ?g { ?ev a ckg:Curation ; ckg:rule ?rule ;
                     ckg:predicate ckg:implements ; ckg:sentence [ ckg:start ?start ; ckg:end ?end ] } }""")
    original = (CORPUS / R000).read_text(encoding="utf-8")
    assert ev and ev[0]["rule"] == "curation.add"
    assert original[ev[0]["start"]:ev[0]["end"]].startswith("以小班培訓(xùn)模式,有針對")
    # rule facts are told from curated ones: every implements fact of 盐亭县 but the added one has rule evidence
    rule_only = {r["o"] for r in g.query("""SELECT DISTINCT ?o WHERE { GRAPH ?g { ?ev ckg:subject ?s ;
        ckg:predicate ckg:implements ; ckg:object ?o . FILTER NOT EXISTS { ?ev a ckg:Curation } } }
        VALUES ?s { <https://w3id.org/county-kg/id/county/510723> }""")}
    assert str(_iri("programme", "某某工程")) not in rule_only and str(_iri("programme", "城乡党建结对共建行动")) in rule_only


def test_the_cache_holds_rule_output_and_a_curation_change_alone_rebuilds(runs):
    steps = runs[0]
    full, incremental, only = (steps[s][0] for s in BUILDS)
    assert (full.extracted, incremental.extracted, incremental.cached) == (4, 1, 4)
    assert incremental.store_update == "incremental"
    assert only.startswith("read 0 report(s), 5 from the cache\n")
    again, same = steps["again"]  # and nothing changed since: the same bytes again
    assert (again.extracted, again.cached, same) == (0, 5, True)
    # the kg curate line took effect at the next build, with no report read
    assert json.loads(steps["curate"])["by"] == "tester"
    before, after = steps["incremental"][1], steps["curation only"][1]
    first = _iri("group", "第一书记")
    assert (first, None, None) in before["ttl"]
    assert {str(r).rsplit("/", 1)[1] for r in after["ttl"].objects(first, CKG.mentionedIn)} == {"003_be5d3f317b1676cc.txt"}
    assert after["gml"].has_node("Group:第一书记") and before["gml"].degree("Group:第一书记") > after["gml"].degree("Group:第一书记")


def test_status_lists_the_corrections_whose_report_was_deleted(runs):
    assert runs[0]["status before"].splitlines()[0] == f"{runs[1] / 'curation'}: changed since the last build (kg build applies it)"
    status = runs[0]["status"]
    assert status.exit_code == 0, status.output
    lines = status.output.splitlines()
    assert not any("changed since" in line for line in lines)
    cur = runs[1] / "curation" / "hand.jsonl"
    for n in (1, 4, 6):  # the reject, the add and the accept of 000
        assert f"unmatched {cur}:{n}: report {R000} is not in the corpus" in lines
    assert f"unmatched {cur}:8: report 999_gone.txt is not in the corpus" in lines
    assert f"deleted  {R000}" in lines and lines[-1].endswith("; 4 correction(s) match nothing")


def test_a_bad_line_stops_the_build_before_anything_is_written(runs, tmp_path):
    out = runs[1] / "out"
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    manifest = (out / ".cache" / "manifest.json").read_bytes()
    bad = tmp_path / "curation"
    bad.mkdir()
    (bad / "a.jsonl").write_text(HAND.splitlines()[1] + "\n" + '{"action": "merge", "type": "Group", "keep": "x"}\n',
                                 encoding="utf-8")
    res = CliRunner().invoke(main, ["build", "--corpus", str(runs[1] / "corpus"), "--out", str(out),
                                    "--curation", str(bad)])
    assert res.exit_code == 2
    assert res.output == f"kg: {bad / 'a.jsonl'}:2: merge needs 'drop'; nothing was built\n"
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert (out / ".cache" / "manifest.json").read_bytes() == manifest


def _readme_queries() -> list[str]:
    """The SPARQL of README's curation section: blocks opened with ```sparql curated (they answer on a curated
    build, so test_readme_queries, which runs every plain ```sparql block on the uncurated one, leaves them
    out) and its plain ```sparql blocks."""
    readme = (CORPUS.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Correcting facts (curation)", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```sparql(?: curated)?\n(.*?)^```$", section, re.M | re.S)


def test_the_readme_curation_queries_answer_on_a_curated_build(runs):
    from kg import query as kq

    queries = _readme_queries()
    assert len(queries) == 2
    names, rows = kq.query(runs[1] / "out", queries[0])
    got = {(str(r[0].value), str(r[4].value) if r[4] is not None else None) for r in rows}
    assert ("accept", "Li Wei") in got and ("reject", "tester") in got and ("merge", None) in got
    _, rows = kq.query(runs[1] / "out", queries[1])
    assert rows and all(not str(r[2].value).startswith("curation.") for r in rows)


def test_the_curated_graph_uses_declared_terms_and_conforms_to_the_shapes(runs):
    from kg.validate import validate

    out = runs[1] / "out"
    # this checkout's ontology (an editable install elsewhere may map kg.ontology to its own copy)
    onto = rdflib.Graph().parse(CORPUS.parent / "ontology" / "ckg.ttl", format="turtle")
    ds = rdflib.Dataset()
    ds.parse(out / "graph.trig", format="trig")
    used = {p for _, p, _, _ in ds.quads((None, None, None, None))}
    used |= {o for _, p, o, _ in ds.quads((None, rdflib.RDF.type, None, None)) if isinstance(o, rdflib.URIRef)}
    assert {CKG.Curation, CKG.action, CKG.curationLine, CKG.formerLabel, CKG.formerType} <= used
    for term in used:
        if str(term).startswith(str(CKG)):
            langs = {(o.language or "").lower() for o in onto.objects(term, rdflib.RDFS.label)}
            assert {"en", "zh-hans"} <= langs, f"{term} is used but not declared"
    conforms, lines = validate(out / "graph.ttl")
    assert conforms, "\n".join(lines)
