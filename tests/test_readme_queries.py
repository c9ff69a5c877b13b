"""Every query the README shows, and every file in queries/, runs on the corpus build and gives what the
README says it gives: a stale README fails here, and the message shows the real output to paste."""
from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

import kg
from kg import query as kq
from kg.api import Graph, value
from kg.cli_graph import render

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
COOKBOOK = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
SHOWN_ROWS = 3   # how many first rows the shipped-queries table shows
CELL = 30        # longer cells are cut there, ending with …


def _blocks(lang: str) -> list[tuple[str, int]]:
    """(body, end offset) of each fenced block in the README opened with ```lang."""
    return [(m.group(1), m.end()) for m in re.finditer(rf"^```{lang}\n(.*?)^```$", README, re.M | re.S)]


def _next_block(after: int) -> str:
    m = re.compile(r"^```[a-z]*\n(.*?)^```$", re.M | re.S).search(README, after)
    assert m, "no output block after the query"
    return m.group(1)


def _cli_queries() -> list[tuple[str, str]]:
    """(query, the output shown after it) for each `kg query '…'` in a sh block."""
    out = []
    for body, end in _blocks("sh"):
        if "kg query '" in body:
            out.append((body.split("kg query '", 1)[1].rsplit("'", 1)[0], _next_block(end)))
    return out


def test_the_readme_shows_queries_and_every_shipped_query_is_in_its_table():
    assert _cli_queries() and _blocks("sparql")
    names = set(re.findall(r"^\| `([^`]+\.rq)`", README, re.M))
    assert names == {p.name for p in QUERIES}, "the shipped-queries table must list every file in queries/"


@pytest.mark.parametrize("index", range(len(_cli_queries())))
def test_a_readme_kg_query_prints_the_output_the_readme_shows(built, index):
    _, out = built
    sparql, shown = _cli_queries()[index]
    names, rows = kq.query(out, sparql)
    real = render(names, rows, "table")
    assert real == shown.rstrip("\n"), f"README output is stale; the real output is:\n{real}"


@pytest.mark.parametrize("index", range(len(_blocks("sparql"))))
def test_a_readme_sparql_snippet_runs_as_pasted_and_answers(built, index):
    _, out = built
    names, rows = kq.query(out, _blocks("sparql")[index][0])  # prefixes undeclared: kg query declares them
    assert names and rows


def _cookbook_blocks() -> list[str]:
    return re.findall(r"^```sparql\n(.*?)^```$", COOKBOOK, re.M | re.S)


def test_the_cookbook_lists_every_shipped_query():
    names = set(re.findall(r"^\| `([^`]+\.rq)`", COOKBOOK, re.M))
    assert names == {p.name for p in QUERIES}, "docs/queries.md's table must list every file in queries/"
    assert len(_cookbook_blocks()) >= 5


@pytest.mark.parametrize("index", range(len(_cookbook_blocks())))
def test_a_cookbook_query_runs_as_pasted_and_answers(built, index):
    _, out = built
    names, rows = kq.query(out, _cookbook_blocks()[index])
    assert names and rows, f"docs/queries.md query {index + 1} answers nothing on the corpus build"


def _cells(row) -> list[str]:
    return ["" if t is None else str(value(t)) for t in row]


def _shown(rows: list[tuple]) -> str:
    """The table cell the README should show for these rows."""
    lines = [" · ".join(c if len(c) <= CELL else c[:CELL] + "…" for c in _cells(r)) for r in rows[:SHOWN_ROWS]]
    more = "<br>…" if len(rows) > SHOWN_ROWS else ""
    return "<br>".join(lines) + more + f" ({len(rows)} row{'s' if len(rows) != 1 else ''})"


def _table() -> dict[str, str]:
    return {m.group(1): m.group(2).strip() for m in re.finditer(r"^\| `([^`]+\.rq)`[^|]*\| (.*) \|$", README, re.M)}


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_a_shipped_query_answers_what_the_readme_table_shows(built, path):
    _, out = built
    _, rows = kq.query(out, path.read_text(encoding="utf-8"))
    want = _shown(rows)
    assert _table().get(path.name) == want, f"README row for {path.name} is stale; it should read:\n{want}"


def _python_block() -> tuple[str, str]:
    i = README.index("## Python API")
    code = re.compile(r"^```python\n(.*?)^```$", re.M | re.S).search(README, i)
    return code.group(1), _next_block(code.end())


def test_the_readme_python_api_example_prints_what_the_readme_shows(built, monkeypatch):
    _, out = built
    code, shown = _python_block()
    assert 'kg.open("outputs")' in code
    monkeypatch.setattr(kg, "open", lambda *a, **k: Graph(out, corpus=ROOT / "corpus"))
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    assert buf.getvalue() == shown, f"README output is stale; the real output is:\n{buf.getvalue()}"


def test_the_readme_language_tag_rule_holds_on_the_data(built):
    """The README says the data's tag reads zh-hans, that langMatches works either way, and that an
    exact lang() = "zh-Hans" finds nothing: all three hold."""
    _, out = built
    g = Graph(out)
    assert {r["t"] for r in g.query("SELECT DISTINCT (LANG(?l) AS ?t) WHERE { ?c a ckg:County ; rdfs:label ?l }")} \
        == {"zh-hans"}
    count = "SELECT (COUNT(*) AS ?n) WHERE {{ ?c a ckg:County ; rdfs:label ?l FILTER({}) }}"
    assert g.query(count.format('langMatches(lang(?l), "zh-Hans")'))[0]["n"] == 5
    assert g.query(count.format('lang(?l) = "zh-hans"'))[0]["n"] == 5
    assert g.query(count.format('lang(?l) = "zh-Hans"'))[0]["n"] == 0
    assert "`zh-hans`" in README and 'langMatches(lang(?l), "zh-Hans")' in README


def test_kg_query_names_the_file_line_and_unknown_prefix_in_one_line(built, tmp_path):
    from click.testing import CliRunner

    from kg.cli_graph import query_cmd

    _, out = built
    q = tmp_path / "bad.rq"
    q.write_text("SELECT * WHERE {\n  ?s a ex:Thing }\n", encoding="utf-8")
    res = CliRunner().invoke(query_cmd, ["--out", str(out), "-f", str(q)])
    assert res.exit_code == 2
    assert res.output.strip() == f"kg query: {q}: line 2, column 8: unknown prefix ex: (declare it: PREFIX ex: <…>)"
