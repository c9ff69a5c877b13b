"""The pipeline segments with rjieba (kg.nlp.segmenter) and must give jieba's own words, with the same
user words: on every sentence of the real reports, on the differences jieba-rs is known to have, and on
random strings of the reports' characters mixed with digits, ASCII marks and rare CJK characters."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from kg import read
from kg.normalize import normalize

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = (ROOT / "corpus", ROOT / "tests" / "annotated" / "texts")


@pytest.fixture(scope="module")
def texts(nlp):
    from kg.nlp.pipeline import lexicons_of

    lex = lexicons_of(nlp)
    return [normalize(read.read_report(p, folder).text, lex) for folder in FOLDERS for p in read.find_reports(folder)]


def _both(nlp):
    tok = nlp.tokenizer
    return (lambda s: list(tok.jieba_seg.cut(s, cut_all=False))), tok.words_seg.cut


def test_every_sentence_and_report(nlp, texts):
    jieba_cut, ours = _both(nlp)
    sentences = [t.text[s:e] for t in texts for s, e in t.sentences]
    assert len(texts) >= 60 and len(sentences) >= 800
    differ = [s for s in sentences if ours(s) != jieba_cut(s)]
    assert not differ, f"{len(differ)} sentences segmented differently, e.g. {differ[0]!r}"
    assert all(ours(t.text) == jieba_cut(t.text) for t in texts)


@pytest.mark.parametrize("text", [
    "关于扶贫开发的重要论述",          # 扶贫 is taught anew: jieba-rs counted the total otherwise
    "每个乡镇明确2-3名扶贫专职干部",    # jieba-rs kept 2-3 whole
    "发布时间：2019-02-01 09:41:02",
    "热线0531-66661234，网址minsheng.iqilu.com",
    "提高到1-2.5万元，增长85.7%",
    "学习C++和AT&T的c#教程",           # ASCII dictionary words stay whole
    "Ontime_fororder_123_",
    "㐀㐀村和鿖+镇、豈豈社区𠀀𠀁",       # CJK extensions and compatibility ideographs: one word each
    "",
])
def test_known_differences(nlp, text):
    jieba_cut, ours = _both(nlp)
    assert ours(text) == jieba_cut(text)


def test_random_strings(nlp, texts):
    jieba_cut, ours = _both(nlp)
    rng = random.Random(14)
    chars = "".join(t.text for t in texts)
    special = list("0123456789-.%+#&_:/ \n\t\u3000AaZz") + ["\r\n", "㐀", "鿖", "\u9fff", "豈", "𠀀"]
    differ = []
    for _ in range(3000):
        k = rng.randrange(len(chars) - 40)
        s = "".join(c if rng.random() > 0.15 else rng.choice(special) for c in chars[k:k + rng.randint(1, 40)])
        if ours(s) != jieba_cut(s):
            differ.append(s)
    assert not differ, f"{len(differ)} strings segmented differently, e.g. {differ[0]!r}"


def test_pos_tagger_shares_jiebas_table(nlp, texts):
    """The tagger the initiative rules ask (kg.nlp.tokenizer.pos_tagger_for) tags as jieba's own
    POSTokenizer over the same dictionary does, without reading the dictionary file again."""
    import jieba.posseg

    ours = nlp.tokenizer.pos_tagger
    theirs = jieba.posseg.POSTokenizer(nlp.tokenizer.jieba_seg)
    assert type(ours) is not jieba.posseg.POSTokenizer and ours.word_tag_tab == theirs.word_tag_tab
    spans = [t.text[s:min(e, s + 30)] for t in texts for s, e in t.sentences][::7]
    assert len(spans) > 100
    assert all([(p.word, p.flag) for p in ours.cut(x)] == [(p.word, p.flag) for p in theirs.cut(x)] for x in spans)
