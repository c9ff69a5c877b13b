"""nodes.csv, GraphML and GEXF carry the facts as typed columns: figures' value, unit, kind…, officials'
titles and county, report counts and dates, degree and a reproducible community."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from kg_sample_graph import sample_graph

from kg.export import export_all

FIGURE = "Target:000_820299a8950da9aa.txt#300"  # 240名 年轻优秀干部, a goal
OFFICIAL = "Official:盐亭县/王梦阳"  # officials are keyed by county and name


def _nodes_csv(out: Path) -> dict[str, dict]:
    with open(out / "nodes.csv", encoding="utf-8-sig", newline="") as fh:
        return {r["id"]: r for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tables")
    export_all(sample_graph(), out)
    return out


def test_nodes_csv_has_a_bom_and_a_figure_s_value_unit_and_kind_as_columns(built):
    _, out = built
    assert (out / "nodes.csv").read_bytes().startswith(b"\xef\xbb\xbfid,")  # Excel reads UTF-8 by the BOM
    assert (out / "edges.csv").read_bytes().startswith(b"\xef\xbb\xbfid,")
    rows = _nodes_csv(out)
    fig = rows[FIGURE]
    assert (fig["value"], fig["unit"], fig["kind"], fig["measures"]) == ("240", "名", "goal", "年轻优秀干部")
    ranged = next(r for r in rows.values() if r["value_max"])
    assert float(ranged["value_max"]) > float(ranged["value"]) and ranged["deadline"]
    off = rows[OFFICIAL]
    assert off["titles"] == "县委常委; 组织部部长" and off["county"] == "盐亭县"
    assert all(r["reports"] and r["degree"] and r["community"] for r in rows.values())


def test_graphml_and_gexf_read_by_networkx_carry_the_same_typed_attributes(built):
    _, out = built
    gml, gexf, table = nx.read_graphml(out / "graph.graphml"), nx.read_gexf(out / "graph.gexf"), _nodes_csv(out)
    fig = gml.nodes[FIGURE]
    assert fig["value"] == 240.0 and isinstance(fig["value"], float)
    assert (fig["unit"], fig["kind"], fig["measures"]) == ("名", "goal", "年轻优秀干部")
    assert gml.nodes[OFFICIAL]["titles"] == "县委常委; 组织部部长" and gml.nodes[OFFICIAL]["county"] == "盐亭县"
    keys = ("value", "value_max", "unit", "measures", "comparator", "deadline", "kind", "titles", "county",
            "reports", "degree", "community", "first_date", "last_date")
    for nid, a in gml.nodes(data=True):
        b = gexf.nodes[nid]
        assert isinstance(a["degree"], int) and isinstance(a["community"], int) and isinstance(a["reports"], int)
        assert {k: a.get(k) for k in keys} == {k: b.get(k) for k in keys}, nid
        assert str(a["degree"]) == table[nid]["degree"] and str(a["community"]) == table[nid]["community"]
    # the degree is the node's links in either direction
    assert all(gml.nodes[n]["degree"] == gml.degree(n) for n in gml)


def test_communities_are_a_partition_numbered_by_size_and_the_same_under_any_hash_seed(built):
    _, out = built
    gml = nx.read_graphml(out / "graph.graphml")
    sizes: dict[int, int] = {}
    for _, a in gml.nodes(data=True):
        sizes[a["community"]] = sizes.get(a["community"], 0) + 1
    assert sorted(sizes) == list(range(len(sizes))) and 1 < len(sizes) < gml.number_of_nodes()
    assert [sizes[i] for i in sorted(sizes)] == sorted(sizes.values(), reverse=True)
    script = ("import csv, sys; from kg.export.network import degrees_and_communities as f\n"
              "n = [r['id'] for r in csv.DictReader(open(sys.argv[1], encoding='utf-8-sig'))]\n"
              "e = [(r['source'], r['target'], float(r['weight'])) "
              "for r in csv.DictReader(open(sys.argv[2], encoding='utf-8-sig'))]\n"
              "print(sorted(f(n, e).items()))")
    root = str(Path(__file__).resolve().parent.parent)
    runs = {subprocess.run([sys.executable, "-c", script, str(out / "nodes.csv"), str(out / "edges.csv")],
                           env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": root},
                           capture_output=True, text=True, check=True).stdout for seed in ("1", "2", "3")}
    assert len(runs) == 1


def test_every_node_has_its_first_and_last_report_date(sample_out):
    rows = _nodes_csv(sample_out)
    county = rows["County:天镇县"]
    assert (county["first_date"], county["last_date"], county["reports"]) == ("2021-05-12", "2021-05-12", "1")
    mech = rows["Mechanism:积分制管理"]  # in a dated and an undated report
    assert mech["reports"] == "2" and mech["first_date"] == mech["last_date"] == "2021-05-12"
    assert rows["County:盐亭县"]["first_date"] == ""  # undated only
    gexf = nx.read_gexf(sample_out / "graph.gexf")
    assert gexf.nodes["County:天镇县"]["first_date"] == "2021-05-12"


def test_gexf_colours_have_no_alpha(built):
    _, out = built
    text = (out / "graph.gexf").read_text(encoding="utf-8")
    assert "<viz:color " in text and ' a="' not in text  # Gephi Lite ignores a colour with an alpha
