"""jieba's words, computed by rjieba (the Rust port, jieba-rs): the same segmentation, ~20x faster.

jieba's pure-Python DAG and HMM were about a fifth of extraction. rjieba carries jieba's dictionary
and HMM model compiled in and takes the same user words, but jieba-rs departs from jieba 0.42 in
three places, each undone here so that every word is jieba's own (tests/test_segmenter.py compares
the two on every sentence of corpus/ and tests/annotated/, and on random strings):

1. Teaching a word the dictionary already has: jieba adds its new frequency to the total, jieba-rs
   also subtracts the old one, so every path's probability shifts a little and near ties flip
   (扶贫开发 became 扶贫|开发 once 扶贫 was taught). A placeholder word of private-use characters,
   which no block of text can contain, carries the difference.
2. Runs of ASCII letters, digits and `+#&._%-`: jieba's HMM splits them with
   `[a-zA-Z0-9]+(?:\\.\\d+)?%?`, jieba-rs with an unescaped `.` (2-3 and 2019-02-01 stayed whole).
   Such a run of words is split again with jieba's pattern, unless one of its words is a dictionary
   word (C++, AT&T), which jieba keeps whole too.
3. jieba-rs counts CJK extension and compatibility ideographs (㐀, 鿖, 𠀀, 豈) as Han; jieba ends a
   block at each and gives it as a word of its own. The text is cut at those characters first.
"""
from __future__ import annotations

import re
from typing import Iterable

# jieba's RE_SKIP inside its HMM (jieba/finalseg): how it splits a run of non-Han block characters
_JIEBA_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
# the non-Han characters of jieba's blocks (re_han_default less the Han range)
_ASCII_WORD = re.compile(r"[a-zA-Z0-9+#&._%\-]+")
# Han to jieba-rs, not to jieba (whose range is U+4E00-U+9FD5)
_EXTRA_HAN = re.compile("([\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f])")
_PLACEHOLDER = "\ue000\ue001"  # private use: outside every block jieba or jieba-rs cuts


class JiebaWords:
    """`cut(text)` gives the words `jieba.Tokenizer().cut(text)` gives after the same `add_word`s
    (never an empty one: together they are the text)."""

    def __init__(self, words: Iterable[str] = (), freq: int = 20000, base_freq: dict[str, int] | None = None):
        """`words` are taught with `freq`, as `jieba.Tokenizer.add_word(w, freq)` would; `base_freq` is
        jieba's own dictionary (`jieba.dt.FREQ`), read for the frequencies of words it already holds."""
        import rjieba

        self._rj = rjieba.Jieba()
        self.words: list[str] = []
        missing = 0
        for w in words:
            if base_freq is not None:
                missing += base_freq.get(w, 0)
            self._rj.add_word(w, freq, None)
            self.words.append(w)
        if missing:
            self._rj.add_word(_PLACEHOLDER, missing, None)

    def cut(self, text: str) -> list[str]:
        if _EXTRA_HAN.search(text) is None:
            return self._ascii_as_jieba(self._rj.cut(text, True))
        out: list[str] = []
        for k, part in enumerate(_EXTRA_HAN.split(text)):
            if k % 2:
                out.append(part)
            elif part:
                out += self._ascii_as_jieba(self._rj.cut(part, True))
        return out

    def _ascii_as_jieba(self, words: list[str]) -> list[str]:
        out: list[str] = []
        run: list[str] = []
        ascii_word = _ASCII_WORD.fullmatch
        for w in words:
            if w.isascii() and ascii_word(w) is not None:  # isascii: one flag, most words are Han
                run.append(w)
                continue
            if run:
                self._split_run(run, out)
                run = []
            out.append(w)
        if run:
            self._split_run(run, out)
        return out

    def _split_run(self, run: list[str], out: list[str]) -> None:
        """Split a run of adjacent ASCII words as jieba's HMM does, around the dictionary words in it."""
        if len(run) == 1 and len(run[0]) == 1:
            out.append(run[0])
            return
        piece: list[str] = []
        for w in run:
            if len(w) > 1 and self._rj.has_word(w):
                out.extend(x for x in _JIEBA_SKIP.split("".join(piece)) if x)
                piece = []
                out.append(w)
            else:
                piece.append(w)
        out.extend(x for x in _JIEBA_SKIP.split("".join(piece)) if x)
