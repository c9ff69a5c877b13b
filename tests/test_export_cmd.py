"""`kg export` writes the whole dataset from the store on demand: the same statements the build's
files hold, to a file or to standard output; a missing store or an unwritable file is one line."""
from __future__ import annotations

import pyoxigraph
from click.testing import CliRunner

from kg.cli import main


def _quads(path, fmt):
    return set(pyoxigraph.parse(path=str(path), format=fmt))


def test_export_nquads_and_trig_hold_what_graph_nq_holds(built, tmp_path):
    _, out = built
    want = _quads(out / "graph.nq", pyoxigraph.RdfFormat.N_QUADS)
    for fmt, suffix, rdf in (("nquads", "nq", pyoxigraph.RdfFormat.N_QUADS), ("trig", "trig", pyoxigraph.RdfFormat.TRIG)):
        target = tmp_path / f"all.{suffix}"
        res = CliRunner().invoke(main, ["export", "--out", str(out), "--format", fmt, "--to", str(target)])
        assert res.exit_code == 0, res.output
        assert _quads(target, rdf) == want
    assert any(not isinstance(q.graph_name, pyoxigraph.DefaultGraph) for q in want)  # evidence graphs too


def test_export_turtle_to_stdout_is_the_default_graph(built):
    _, out = built
    res = CliRunner().invoke(main, ["export", "--out", str(out), "--format", "turtle"])
    assert res.exit_code == 0
    got = set(pyoxigraph.parse(res.stdout_bytes, format=pyoxigraph.RdfFormat.TURTLE))
    assert got == set(pyoxigraph.parse(path=str(out / "graph.ttl"), format=pyoxigraph.RdfFormat.TURTLE))
    assert res.stdout_bytes.startswith(b"@prefix")


def test_export_without_a_store_or_to_an_unwritable_file_is_one_line(built, tmp_path):
    _, out = built
    res = CliRunner().invoke(main, ["export", "--out", str(tmp_path / "none")])
    assert res.exit_code == 2 and res.output == f"kg export: no store in {tmp_path / 'none'}: run `kg build` first\n"
    (tmp_path / "a-file").write_text("x")
    bad = tmp_path / "a-file" / "x.trig"  # its folder is a file: no one can write there
    res = CliRunner().invoke(main, ["export", "--out", str(out), "--to", str(bad)])
    assert res.exit_code == 1 and res.output.startswith("kg export: ") and str(bad) in res.output
    assert res.output.count(str(bad)) == 1
    assert len(res.output.splitlines()) == 1
