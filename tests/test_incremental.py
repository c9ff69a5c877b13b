"""Incremental builds on the real reports: add, change, delete, cache invalidation, workers and Dask."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import CACHE_DIR, build, status
from kg.cli import main

OUTPUTS = ("graph.ttl", "graph.trig", "graph.nq", "graph.graphml", "graph.gexf", "nodes.csv", "edges.csv")


def _files(out: Path) -> dict[str, bytes]:
    return {n: (out / n).read_bytes() for n in OUTPUTS}


def _names(out: Path) -> set[str]:
    import rdflib

    g = rdflib.Graph().parse(out / "graph.ttl")
    return {str(o) for o in g.objects(None, rdflib.URIRef("https://w3id.org/county-kg/ontology#fileName"))}


@pytest.fixture
def small_corpus(tmp_path):
    """Three real reports, so each step is quick."""
    src = Path(__file__).resolve().parent.parent / "corpus"
    dst = tmp_path / "corpus"
    dst.mkdir()
    for name in sorted(p.name for p in src.glob("*.txt"))[:3]:
        shutil.copy(src / name, dst / name)
    return dst


def test_second_build_reads_nothing_and_gives_identical_files(small_corpus, tmp_path, nlp):
    out = tmp_path / "out"
    first = build(small_corpus, out, nlp=nlp)
    files = _files(out)
    second = build(small_corpus, out, nlp=nlp)
    assert (first.extracted, second.extracted, second.cached) == (3, 0, 3)
    assert _files(out) == files


def test_add_change_delete_reread_only_what_changed(small_corpus, tmp_path, nlp):
    out = tmp_path / "out"
    build(small_corpus, out, nlp=nlp)
    extra = Path(__file__).resolve().parent.parent / "corpus" / "004_c08bcf71cc10af30.txt"

    res = CliRunner().invoke(main, ["add", str(extra), "--corpus", str(small_corpus), "--out", str(out),
                                    "--meta", "county=天镇县", "--no-build"])
    assert res.exit_code == 0, res.output
    assert json.loads((small_corpus / "004_c08bcf71cc10af30.txt.meta.json").read_text())["county"] == "天镇县"
    st = status(small_corpus, out)
    assert st.new == ["004_c08bcf71cc10af30.txt"] and st.unchanged == 3
    added = build(small_corpus, out, nlp=nlp)
    assert added.extracted == 1 and "004_c08bcf71cc10af30.txt" in _names(out)

    changed = small_corpus / "000_820299a8950da9aa.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n全县实施“青苗培育工程”。\n", encoding="utf-8")
    assert status(small_corpus, out).changed == ["000_820299a8950da9aa.txt"]
    res = build(small_corpus, out, nlp=nlp)
    assert res.extracted == 1
    assert "青苗培育工程" in (out / "graph.ttl").read_text(encoding="utf-8")

    (small_corpus / "001_80bae33e4e5280a8.txt").unlink()
    assert status(small_corpus, out).deleted == ["001_80bae33e4e5280a8.txt"]
    res = build(small_corpus, out, nlp=nlp)
    assert res.extracted == 0
    assert "001_80bae33e4e5280a8.txt" not in _names(out)
    assert "乌审旗" not in (out / "graph.ttl").read_text(encoding="utf-8")


def _dataset(out: Path) -> list[bytes]:
    from pyoxigraph import RdfFormat, Store

    return sorted(Store.read_only(str(out / "store")).dump(format=RdfFormat.N_QUADS).splitlines())


def test_store_is_patched_not_reloaded_and_equals_a_full_load(small_corpus, tmp_path, nlp):
    """After adding, changing and deleting a report the patched store holds exactly what a fresh
    build's store holds, quad for quad."""
    out = tmp_path / "out"
    assert build(small_corpus, out, nlp=nlp).store_update == "full"
    steps = [
        lambda: shutil.copy(Path(__file__).resolve().parent.parent / "corpus" / "004_c08bcf71cc10af30.txt",
                            small_corpus),
        lambda: (small_corpus / "000_820299a8950da9aa.txt").write_text(
            "盐亭县实施“青苗培育工程”，培训年轻干部120名。\n", encoding="utf-8"),
        lambda: (small_corpus / "001_80bae33e4e5280a8.txt").unlink(),
    ]
    for i, step in enumerate(steps):
        step()
        res = build(small_corpus, out, nlp=nlp)
        assert res.store_update == "incremental"
        fresh = build(small_corpus, tmp_path / f"fresh{i}", nlp=nlp)
        assert fresh.store_update == "full"
        assert _dataset(out) == _dataset(tmp_path / f"fresh{i}")
    assert any("青苗培育工程".encode() in q for q in _dataset(out))
    assert not any(b"001_80bae33e4e5280a8" in q for q in _dataset(out))


def test_store_changed_by_an_update_query_is_reloaded_in_full(small_corpus, tmp_path, nlp):
    from kg import query as kq

    out = tmp_path / "out"
    build(small_corpus, out, nlp=nlp)
    kq.query(out, "INSERT DATA { <urn:x> <urn:y> <urn:z> }", allow_update=True)
    shutil.copy(Path(__file__).resolve().parent.parent / "corpus" / "004_c08bcf71cc10af30.txt", small_corpus)
    assert build(small_corpus, out, nlp=nlp).store_update == "full"
    assert not any(b"urn:x" in q for q in _dataset(out))


def test_failed_report_is_reported_by_status(small_corpus, tmp_path, nlp):
    out = tmp_path / "out"
    (small_corpus / "broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    res = build(small_corpus, out, nlp=nlp)
    assert len(res.skipped) == 1 and "broken.txt: skipped: binary data" in res.skipped[0]
    assert status(small_corpus, out).failed == ["broken.txt"]


def test_corrupted_cache_entry_is_detected_and_rebuilt(small_corpus, tmp_path, nlp):
    out = tmp_path / "out"
    build(small_corpus, out, nlp=nlp)
    files = _files(out)
    entry = sorted((out / CACHE_DIR / "facts").glob("*/*.json"))[0]
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])  # torn write
    res = build(small_corpus, out, nlp=nlp)
    assert res.extracted == 1
    assert _files(out) == files


def test_changed_lexicon_invalidates_the_cache(small_corpus, tmp_path, nlp, monkeypatch):
    out = tmp_path / "out"
    build(small_corpus, out, nlp=nlp)
    monkeypatch.chdir(tmp_path)  # the default config reads user lexicons from ./lexicons
    (tmp_path / "lexicons").mkdir()
    (tmp_path / "lexicons" / "mine.jsonl").write_text(
        json.dumps({"lexicon": "group_head", "term": "网格员"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert status(small_corpus, out).config_changed
    res = build(small_corpus, out, nlp=nlp)
    assert res.extracted == 3


@pytest.mark.slow
def test_one_worker_many_workers_and_dask_give_identical_graphs(small_corpus, tmp_path):
    from distributed import Client, LocalCluster

    one, many, dask_out = tmp_path / "one", tmp_path / "many", tmp_path / "dask"
    build(small_corpus, one, workers=1)
    build(small_corpus, many, workers=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        res = build(small_corpus, dask_out, executor="dask", scheduler=client)
    assert res.extracted == 3
    assert _files(one) == _files(many) == _files(dask_out)


def test_cache_entry_gives_the_facts_back_with_or_without_their_evidence(small_corpus, tmp_path, nlp):
    from kg.process import process_report
    from kg.cache import FactCache
    from kg.rdf.shards import shard_of

    facts = process_report(nlp, small_corpus / "000_820299a8950da9aa.txt", small_corpus)
    cache = FactCache(tmp_path / "cache")
    cache.put("ab" * 32, facts, shard_of(facts))
    full, _ = cache.get("ab" * 32)
    assert full.to_json() == facts.to_json() and any(e.evidence for e in full.entities)
    bare, _ = cache.get("ab" * 32, evidence=False)
    assert bare.to_json(evidence=False) == facts.to_json(evidence=False)
    assert not any(e.evidence for e in bare.entities) and not any(r.evidence for r in bare.relations)


def test_build_checks_shapes_on_what_it_read_and_the_whole_graph_when_it_read_everything(small_corpus, tmp_path):
    out = tmp_path / "out"
    args = ["build", "--corpus", str(small_corpus), "--out", str(out), "--workers", "1"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "shacl: the graph conforms to ontology/shapes.ttl" in first.output
    shutil.copy(Path(__file__).resolve().parent.parent / "corpus" / "004_c08bcf71cc10af30.txt", small_corpus)
    second = CliRunner().invoke(main, args)
    assert "shacl: what the 1 report(s) read this time state conforms" in second.output, second.output
    third = CliRunner().invoke(main, args)
    assert "shacl: no report was read this time" in third.output


def test_part_checked_after_an_incremental_build_is_the_new_reports_alone(small_corpus, tmp_path, nlp):
    import rdflib

    from kg.validate import part_of

    out = tmp_path / "out"
    build(small_corpus, out, nlp=nlp)
    shutil.copy(Path(__file__).resolve().parent.parent / "corpus" / "004_c08bcf71cc10af30.txt", small_corpus)
    res = build(small_corpus, out, nlp=nlp, keep_evidence=False)
    assert res.fresh == ["004_c08bcf71cc10af30.txt"]
    files = {str(o) for o in part_of(res).objects(None, rdflib.URIRef("https://w3id.org/county-kg/ontology#fileName"))}
    assert files == {"004_c08bcf71cc10af30.txt"}
