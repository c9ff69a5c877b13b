"""The shipped queries answer right on the real corpus; the store refuses unsafe queries; the CLI prints them."""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from kg_sample_graph import real_exports, sample_graph

from kg import query as kq, sparql
from kg.cli_graph import query_cmd, validate_cmd
from kg.export import export_all

QUERIES = Path(__file__).resolve().parent.parent / "queries"


def _rq(name: str) -> str:
    return (QUERIES / name).read_text(encoding="utf-8")


def _rows(out: Path, sparql: str) -> list[dict]:
    names, rows = kq.query(out, sparql)
    return [{n: (t.value if t is not None else None) for n, t in zip(names, r)} for r in rows]


@pytest.fixture(scope="module")
def real(built):
    return real_exports(built)


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample-q")
    export_all(sample_graph(), out)
    return out


def _cli():
    group = click.Group(commands=[query_cmd, validate_cmd])
    return lambda *args: CliRunner().invoke(group, list(args))


def test_every_shipped_query_has_a_header_and_runs(sample_out):
    files = sorted(QUERIES.glob("*.rq"))
    assert len(files) >= 6
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert text.startswith("# ") and len([ln for ln in text.splitlines() if ln.startswith("#")]) >= 2, f.name
        names, _ = kq.query(sample_out, text)
        assert names, f.name


# ---- answers on the real corpus --------------------------------------------------

def test_officials_and_posts(real):
    _, out = real
    rows = _rows(out, _rq("officials_and_posts.rq"))
    assert {"official": "王建江", "post": "县委书记", "organ": "中共天镇县委员会", "county": "天镇县"} in rows
    liu = {r["post"]: r["organ"] for r in rows if r["official"] == "刘川楠"}
    assert liu.get("县长") == "天镇县人民政府"
    assert {r["official"] for r in rows} >= {"王建江", "刘川楠", "谢日升", "王梦阳", "杨宏伟"}


def test_counties_implementing_a_mechanism(real):
    result, out = real
    rows = _rows(out, _rq("counties_implementing_mechanism.rq"))
    g = result.graph
    expected = {(e.source[1], e.target[1]) for e in g.edges.values()
                if e.type == "implements" and "积分" in e.target[1]}
    assert expected and {(r["county"], r["initiative"]) for r in rows} == expected
    assert ("盐亭县", "积分制管理") in expected
    assert all(r["code"] and len(r["code"]) == 6 for r in rows)


def test_groups_targeted_by_a_county(real):
    result, out = real
    rows = _rows(out, _rq("groups_targeted_by_county.rq"))
    g = result.graph
    inits = {e.target for e in g.edges.values() if e.type == "implements" and e.source == ("County", "东源县")}
    expected = {g.nodes[e.target].label for e in g.edges.values() if e.type == "targets" and e.source in inits}
    assert expected and {r["group"] for r in rows} == expected


def test_mechanisms_shared_by_two_or_more_counties(real):
    result, out = real
    rows = _rows(out, _rq("shared_mechanisms.rq"))
    by_init: dict = {}
    for e in result.graph.edges.values():
        if e.type == "implements":
            by_init.setdefault(e.target[1], set()).add(e.source[1])
    expected = {k: v for k, v in by_init.items() if len(v) >= 2}
    assert expected
    assert {r["initiative"]: set(r["countyNames"].split("; ")) for r in rows} == expected
    assert all(int(r["counties"]) >= 2 and r["family"] for r in rows)


def test_evidence_sentence_of_a_triple(real):
    _, out = real
    rows = _rows(out, _rq("evidence_of_triple.rq"))
    hit = [r for r in rows if r["object"] == "积分制管理"]
    assert hit, rows
    r = hit[0]
    assert "积分制管理" in r["sentence"] and r["report"] == "000_820299a8950da9aa.txt"
    original = (Path(__file__).resolve().parent.parent / "corpus" / r["report"]).read_bytes()
    from kg import read

    text = read.read_report(Path("corpus") / r["report"], Path("corpus")).text if original else ""
    assert "分制管理" in text[int(r["start"]):int(r["end"])]  # the offsets point into the original file


def test_figures_of_a_county(real):
    result, out = real
    rows = _rows(out, _rq("county_figures.rq"))
    g = result.graph
    owners = {("County", "天镇县")} | {e.target for e in g.edges.values()
                                       if e.type == "implements" and e.source == ("County", "天镇县")}
    expected = {e.target for e in g.edges.values() if e.type == "hasTarget" and e.source in owners}
    assert expected and len(rows) == len(expected)
    assert all(r["kind"] in ("goal", "achieved") and float(r["value"]) >= 0 for r in rows)


# ---- safety --------------------------------------------------------------------

@pytest.mark.parametrize("sparql", [
    "DELETE WHERE { ?s ?p ?o }",
    "insert data { <http://x/a> <http://x/b> <http://x/c> }",
    "PREFIX x: <http://x/> DROP ALL",
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "LOAD <http://example.org/data.ttl>",
])
def test_updates_and_service_are_refused(sample_out, sparql):
    with pytest.raises(kq.UnsafeQuery):
        kq.query(sample_out, sparql)


def test_keywords_inside_strings_iris_comments_and_names_are_fine(sample_out):
    q = """# INSERT nothing, DROP nothing
    PREFIX load: <http://x/delete#>
    SELECT ?delete WHERE { ?delete <http://x/INSERT> "DELETE me" . ?delete load:copy ?add }"""
    assert sparql.keywords(q) == set()
    assert kq.query(sample_out, q) == (["delete"], [])


def test_update_runs_only_when_allowed(tmp_path, sample_out):
    out = tmp_path / "copy"
    shutil.copytree(sample_out, out)
    kq.query(out, "INSERT DATA { <http://x/a> <http://x/b> 'c' }", allow_update=True)
    assert kq.query(out, "ASK { <http://x/a> <http://x/b> 'c' }")[1][0][0].value == "true"


def test_timeout_stops_a_runaway_query(real):
    _, out = real
    names, rows = kq.query(out, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=30)
    assert int(rows[0][0].value) > 500
    with pytest.raises(kq.QueryTimeout):
        kq.query(out, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=0.5)


def test_missing_store_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="kg build"):
        kq.query(tmp_path, "ASK {}")


# ---- CLI -----------------------------------------------------------------------

def test_cli_query_formats(real):
    _, out = real
    run = _cli()
    table = run("query", "-f", str(QUERIES / "officials_and_posts.rq"), "--out", str(out))
    assert table.exit_code == 0 and "王建江" in table.output and "县委书记" in table.output
    as_csv = run("query", "-f", str(QUERIES / "officials_and_posts.rq"), "--out", str(out), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert {"official": "王建江", "post": "县委书记", "organ": "中共天镇县委员会", "county": "天镇县"} in rows
    as_json = run("query", "SELECT ?n WHERE { ?c <https://w3id.org/county-kg/ontology#adminCode> ?n } ORDER BY ?n",
                  "--out", str(out), "--format", "json")
    data = json.loads(as_json.output)
    assert data["head"]["vars"] == ["n"] and len(data["results"]["bindings"]) == 5
    assert data["results"]["bindings"][0]["n"] == {"type": "literal", "value": "140222"}


def test_cli_query_refuses_and_reports_errors(sample_out):
    run = _cli()
    assert run("query", "DELETE WHERE { ?s ?p ?o }", "--out", str(sample_out)).exit_code == 2
    assert run("query", "SELECT ?x WHERE {", "--out", str(sample_out)).exit_code == 2
    assert run("query", "--out", str(sample_out)).exit_code == 2  # no query at all
    assert run("query", "ASK {}", "--out", str(sample_out / "nowhere")).exit_code == 2


def test_cli_validate_exit_codes(sample_out, tmp_path):
    run = _cli()
    ok = run("validate", "--out", str(sample_out))
    assert ok.exit_code == 0, ok.output
    bad = tmp_path / "bad"
    bad.mkdir()
    ttl = (sample_out / "graph.ttl").read_text(encoding="utf-8")
    (bad / "graph.ttl").write_text(ttl.replace('ckg:adminCode "510723"', 'ckg:adminCode "51072X"'), encoding="utf-8")
    res = run("validate", "--out", str(bad))
    assert res.exit_code == 1
    assert "county:510723" in res.output and "ckgsh:County-adminCode" in res.output
