"""Issue 12, case 2: no CSV cell that kg writes is one a spreadsheet runs as a formula (OWASP CSV injection).

Scraped labels and report names that begin with =, +, -, @, a tab or a CR go through the real writers
(nodes.csv, edges.csv from `export_all`, and `kg query --format csv`) and are read back with `csv`.
"""
from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg.csvsafe import TRIGGERS, cell

HOSTILE = ['=HYPERLINK("http://evil.example/x","点击")工作法', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd",
           "\t=1+1", "\r=1+1", "＝1+1工作法", "－1 党建", "=1", "-"]
NUMBERS = ["-3.5", "+12", "-1e3", "42"]


def _risky(text: str) -> bool:
    """A cell a spreadsheet would read as a formula: a trigger first, and not a plain number."""
    return text.startswith(TRIGGERS) and not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text)


def test_cell_prefixes_formula_like_text_and_leaves_numbers():
    for text in HOSTILE:
        assert cell(text) == "'" + text
    for text in NUMBERS + ["积分制管理", "", "'=quoted already"]:
        assert cell(text) == text
    assert cell(None) == "" and cell(-3.5) == "-3.5" and cell(7) == "7"


@pytest.fixture(scope="module")
def hostile_out(tmp_path_factory) -> Path:
    """The sample graph plus one report (itself named "=…") whose entities carry the hostile labels."""
    from kg_sample_graph import sample_facts

    from kg.export import export_all
    from kg.facts import Entity, Evidence, Relation, ReportFacts
    from kg.graph import merge

    report = "=cmd|calc.txt"
    ents = [Entity("Mechanism", label, label, [], {}, [Evidence(report, label, 10 * i, 10 * i + 3, "initiative.quote")])
            for i, label in enumerate(HOSTILE + NUMBERS)]
    rels = [Relation("implements", ("County", "天镇县"), ("Mechanism", e.key), e.evidence) for e in ents]
    county = Entity("County", "天镇县", "天镇县", [], {"code": "140222"}, [Evidence(report, "天镇县", 0, 3, "county.name")])
    out = tmp_path_factory.mktemp("csv-hostile")
    export_all(merge(sample_facts() + [ReportFacts(report, {}, [county, *ents], rels)]), out)
    return out


@pytest.mark.parametrize("name", ["nodes.csv", "edges.csv"])
def test_exported_tables_hold_no_formula(hostile_out, name):
    with open(hostile_out / name, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    cells = [c for r in rows[1:] for c in r]
    assert not [c for c in cells if _risky(c)]
    if name == "nodes.csv":
        labels = {r[rows[0].index("label")] for r in rows[1:]}
        assert {"'" + t for t in HOSTILE} <= labels and set(NUMBERS) <= labels  # neutralised, text kept whole
    assert any(c.startswith("'=cmd|calc.txt") for c in cells)  # the report name in report_files


def test_kg_query_csv_holds_no_formula(tmp_path, hostile_out):
    from kg.cli_graph import query_cmd

    out = tmp_path / "copy"
    shutil.copytree(hostile_out, out)
    run = lambda *a: CliRunner().invoke(click.Group(commands=[query_cmd]), list(a))  # noqa: E731
    q = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX ckg: <https://w3id.org/county-kg/ontology#> "
         "SELECT ?label ?n WHERE { ?m a ckg:Mechanism ; rdfs:label ?label . BIND(-3 AS ?n) }")
    res = run("query", q, "--out", str(out), "--format", "csv")
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(io.StringIO(res.stdout, newline="")))
    assert rows[0] == ["label", "n"]
    labels = {r[0] for r in rows[1:]}
    assert {"'" + t for t in HOSTILE} <= labels and set(NUMBERS) <= labels
    assert {r[1] for r in rows[1:]} == {"-3"}  # a negative number stays a number
    assert not [c for r in rows[1:] for c in r if _risky(c)]
