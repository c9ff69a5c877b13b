"""`kg build --timings`: the build times its own stages, where they run, and changes nothing by it."""
from __future__ import annotations

import time
from pathlib import Path

from click.testing import CliRunner

from kg.build import BuildOptions, build
from kg.cli import main
from kg.timings import NO_TIMINGS, Timings, parse

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
REPORT_STAGES = ("read", "normalize", "nlp.tokenizer", "facts", "shard")
FILES = ("graph.ttl", "graph.nq", "graph.trig", "graph.graphml", "graph.gexf", "nodes.csv", "edges.csv")


def test_a_timed_build_has_every_stage_and_the_same_outputs(tmp_path, nlp, built):
    timings = Timings()
    start = time.perf_counter()
    result = build(CORPUS, tmp_path / "out", nlp=nlp, options=BuildOptions(timings=timings))
    wall = time.perf_counter() - start
    n = len(result.graph.reports)
    stages = timings.totals()
    for name in (*REPORT_STAGES, *(f"nlp.{p}" for p in nlp.pipe_names)):
        assert stages[name][1] == n, name  # once per report
    for name in ("find", "cache", "merge", "export.default_graph", "export.graph.ttl", "export.graph.trig",
                 "export.graph.nq", "export.graph.graphml", "export.graph.gexf", "export.csv", "store",
                 "manifest", "commit"):
        assert name in stages, name
    assert all(s >= 0 for s, _ in stages.values())
    # one worker: the stages follow one another (the store's thread aside), so nothing is counted twice
    assert sum(s for k, (s, _) in stages.items() if k != "store") <= wall
    _, plain = built
    for name in FILES:
        assert (tmp_path / "out" / name).read_bytes() == (plain / name).read_bytes(), name


def test_workers_send_their_stage_times_back(tmp_path):
    timings = Timings()
    result = build(CORPUS, tmp_path / "out", workers=2, export_outputs=False, options=BuildOptions(timings=timings))
    stages = timings.totals()
    assert all(stages[s][1] == len(result.graph.reports) for s in REPORT_STAGES)
    # each worker's pipeline load, once (none where the worker forked from a process that had one)
    assert stages.get("nlp.load", (0, 0))[1] <= 2


def test_the_cli_prints_the_stages(tmp_path):
    res = CliRunner().invoke(main, ["build", "--corpus", str(CORPUS), "--out", str(tmp_path / "out"),
                                    "--workers", "1", "--timings"])
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.output.splitlines() if ln.startswith("timings:")]
    stages = parse(lines)
    assert {"read", "nlp.kg_figures", "merge", "export.graph.ttl", "store", "shacl", "total"} <= set(stages)
    assert [ln.split()[1] for ln in lines][-1] == "total" and lines.index(next(ln for ln in lines if " read " in ln)) \
        < lines.index(next(ln for ln in lines if " merge " in ln))  # pipeline order
    assert stages["total"][0] >= stages["merge"][0] + stages["shacl"][0]
    res = CliRunner().invoke(main, ["build", "--corpus", str(CORPUS), "--out", str(tmp_path / "out2"),
                                    "--workers", "1", "--no-validate"])
    assert res.exit_code == 0 and "timings:" not in res.output


def test_apart_leaves_out_the_time_spent_producing_the_items():
    timings = Timings()

    def slow_items():
        for i in range(3):
            time.sleep(0.05)  # producing an item: not the consumer's time
            yield i

    def consume(items):
        out = []
        for x in items:
            time.sleep(0.01)
            out.append(x)
        return out

    assert timings.apart("merge", consume, slow_items()) == [0, 1, 2]
    assert 0.025 <= timings.seconds["merge"] < 0.1
    assert NO_TIMINGS.apart("merge", consume, slow_items()) == [0, 1, 2] and not NO_TIMINGS.totals()


def test_lines_parse_back():
    timings = Timings()
    timings.add("nlp.kg_counties", 1.25, 3)
    timings.add("read", 0.5, 3)
    timings.add("total", 2.0)
    lines = timings.lines()
    assert [ln.split()[1] for ln in lines] == ["read", "nlp.kg_counties", "total"]
    assert parse(["other line", *lines]) == {"read": (0.5, 3), "nlp.kg_counties": (1.25, 3), "total": (2.0, 1)}
