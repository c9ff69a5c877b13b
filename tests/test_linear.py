"""A report's cost grows linearly with its length, whatever its punctuation (issue 12, case 14).

The hostile input is the real corpus with every punctuation mark, space and
newline taken out and repeated to size: one "sentence" of a megabyte. Before
the fix a scan of the sentence per mention made it quadratic (0.5, 1 and 2 MB
took 25, 63 and 228 s). Only a ratio of two sizes is timed, never an absolute.
"""
from __future__ import annotations

import time
import unicodedata
from pathlib import Path

import pytest

from kg import read
from kg.build import build
from kg.process import process_report
from kg.normalize import MAX_SENTENCE, normalize
from kg.rdf.shards import shard_of

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
REAL = sorted(CORPUS.glob("*.txt"))


def _unpunctuated(n_bytes: int) -> str:
    """The corpus without punctuation, symbols, spaces or newlines, repeated to about n_bytes of UTF-8."""
    body = "".join(c for p in REAL for c in p.read_text(encoding="utf-8")
                   if not unicodedata.category(c).startswith(("P", "Z", "C", "S")))
    chars = n_bytes * len(body) // len(body.encode("utf-8"))
    return (body * (chars // len(body) + 1))[:chars]


def _evidence(facts):
    return [e for item in (*facts.entities, *facts.relations) for e in item.evidence]


def _timed(nlp, path: Path) -> tuple[float, object]:
    """CPU seconds of this process (not wall time: other processes on a loaded machine do not count)."""
    t = time.process_time()
    facts = process_report(nlp, path, path.parent)
    shard = shard_of(facts)
    return time.process_time() - t, (facts, shard)


def test_a_report_without_punctuation_costs_time_linear_in_its_length(tmp_path, nlp):
    small, big = tmp_path / "small.txt", tmp_path / "big.txt"
    small.write_text(_unpunctuated(250_000), encoding="utf-8")
    big.write_text(_unpunctuated(1_000_000), encoding="utf-8")
    _timed(nlp, small)  # warm: lazy models (jieba's tags, LAC) load on first use
    t_small = min(_timed(nlp, small)[0] for _ in range(2))
    t_big, (facts, shard) = _timed(nlp, big)
    # 4x the text: linear is ~4x, the quadratic code was ~14x. The bar sits at 10: the small text is timed
    # warm, and the segmenter's and LAC's per-process caches make a repeated text cheaper (7.3x was seen
    # on a noisy machine), so 6 failed without any change to the code; 10 still fails a quadratic cost.
    assert t_big / t_small < 10, (t_small, t_big)
    assert len(facts.entities) > 100 and facts.relations
    assert max(len(e.sentence) for e in _evidence(facts)) <= MAX_SENTENCE
    assert max(map(len, shard.nquads.splitlines())) < 8 * MAX_SENTENCE  # no literal grows with the report


def test_a_megabyte_line_without_punctuation_builds_with_bounded_evidence(tmp_path, nlp):
    c = tmp_path / "corpus"
    c.mkdir()
    (c / "long.txt").write_text(_unpunctuated(1_000_000), encoding="utf-8")
    res = build(c, tmp_path / "out", nlp=nlp)
    assert res.skipped == []
    sentences = [e.sentence for e in _evidence(res.facts[0])]
    assert sentences and max(map(len, sentences)) <= MAX_SENTENCE
    with open(tmp_path / "out" / "graph.nq", "rb") as fh:
        assert max(len(line) for line in fh) < 8 * MAX_SENTENCE


def test_long_sentences_are_cut_into_windows_after_a_clause_mark_where_there_is_one():
    plain = _unpunctuated(30_000)
    text = normalize(plain)
    spans = text.sentences
    assert all(e - s <= MAX_SENTENCE for s, e in spans)
    assert spans[0][0] == 0 and spans[-1][1] == len(text.text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))  # hard cuts: nothing lost between windows
    clauses = "，".join(plain[i:i + 70] for i in range(0, 5000, 70))  # one sentence of 5,000 characters
    spans = normalize(clauses).sentences
    t = normalize(clauses).text
    assert len(spans) > 1 and all(e - s <= MAX_SENTENCE for s, e in spans)
    assert all(t[e - 1] == "，" for _, e in spans[:-1])  # cut after a comma, never inside a clause


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_real_sentences_stay_whole(path):
    """The windows are for hostile input only: no sentence of a real report reaches the maximum."""
    text = normalize(read.read_report(path, CORPUS).text)
    assert max(e - s for s, e in text.sentences) < MAX_SENTENCE // 2


def test_a_photo_credit_after_a_long_run_of_spaces_is_still_read():
    """The trailing-credit scan replaced a regex that backtracked cubically through runs of spaces."""
    line = "县委组织部开展党员志愿服务活动" + " " * 3000 + "宣传单。李成东 / 摄"
    text = normalize(line + "\n" + REAL[0].read_text(encoding="utf-8"))
    assert [(c.role, c.name) for c in text.credits if c.role == "photographer"] == [("photographer", "李成东")]
    assert "李成东" not in text.text
