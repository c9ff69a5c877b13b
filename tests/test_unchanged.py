"""A `kg build` when nothing changed since the last one leaves every output as it is: no file is
rewritten, nothing is merged. Any change (a report's bytes, a correction, a missing output) builds."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import BuildOptions, build
from kg.cli import main

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
LOCK = os.path.join(".cache", "build.lock")


def _snapshot(out: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file under OUT (the build lock aside) with its inode, modification time and bytes."""
    snap = {}
    for root, _, files in os.walk(out):
        for f in files:
            p = Path(root, f)
            rel = str(p.relative_to(out))
            if rel != LOCK:
                st = p.stat()
                snap[rel] = (st.st_ino, st.st_mtime_ns, p.read_bytes())
    return snap


@pytest.fixture
def built_small(tmp_path, nlp):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in sorted(p.name for p in CORPUS.glob("*.txt"))[:2]:
        shutil.copy(CORPUS / name, corpus / name)
    out = tmp_path / "out"
    cur = tmp_path / "curation"
    build(corpus, out, nlp=nlp, options=BuildOptions(curation=cur))
    return corpus, out, cur


def test_kg_build_with_nothing_changed_rewrites_no_file(built_small):
    corpus, out, cur = built_small
    before = _snapshot(out)
    assert "graph.ttl" in before and any(k.startswith(os.path.join(".cache", "stores")) for k in before)
    res = CliRunner().invoke(main, ["build", "--corpus", str(corpus), "--out", str(out), "--curation", str(cur)])
    assert res.exit_code == 0, res.output
    assert f"nothing changed since the last build into {out}: every output left as it is (2 reports (" in res.output
    assert "wrote " not in res.output
    assert _snapshot(out) == before


def test_python_builds_skip_only_when_asked(built_small, nlp):
    corpus, out, cur = built_small
    res = build(corpus, out, nlp=nlp, options=BuildOptions(curation=cur, skip_unchanged=True))
    assert res.unchanged and res.graph is None and res.cached == 2 and res.outputs == []
    res = build(corpus, out, nlp=nlp, options=BuildOptions(curation=cur))
    assert not res.unchanged and res.graph is not None and len(res.graph.reports) == 2 and res.outputs


@pytest.mark.parametrize("change", ["report", "correction", "missing output", "deleted report"])
def test_any_change_builds(built_small, nlp, change):
    corpus, out, cur = built_small
    first = sorted(corpus.iterdir())[0]
    if change == "report":
        first.write_bytes(first.read_bytes() + "\n补充一句。".encode())
    elif change == "correction":
        cur.mkdir(exist_ok=True)
        (cur / "a.jsonl").write_text(json.dumps({"action": "reject", "report": first.name, "type": "Group",
                                                 "label": "不存在的群体"}, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    elif change == "missing output":
        (out / "graph.gexf").unlink()
    else:
        first.unlink()
    res = build(corpus, out, nlp=nlp, options=BuildOptions(curation=cur, skip_unchanged=True))
    assert not res.unchanged and res.graph is not None
    assert (out / "graph.gexf").exists()
    again = build(corpus, out, nlp=nlp, options=BuildOptions(curation=cur, skip_unchanged=True))
    assert again.unchanged
