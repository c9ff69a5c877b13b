"""spaCy's Chinese tokenizer with jieba, aligned to the text in linear time.

spaCy's own `ChineseTokenizer` aligns jieba's words to the text with
`util.get_words_and_spaces`, which is fine for a page but quadratic on a long
report (17 s of a 1M-character report went there). jieba returns every
character of the text, spaces included, so the alignment is simply: a single
space after a word becomes that word's trailing space; everything else is a
word. Other segmenters fall back to spaCy's code.
"""
from __future__ import annotations

from spacy.lang.zh import ChineseTokenizer, Segmenter
from spacy.tokens import Doc
from spacy.util import registry


class LinearChineseTokenizer(ChineseTokenizer):
    def __call__(self, text: str) -> Doc:
        if self.segmenter != Segmenter.jieba:
            return super().__call__(text)
        words: list[str] = []
        spaces: list[bool] = []
        for w in self.jieba_seg.cut(text, cut_all=False):  # type: ignore[union-attr]
            if not w:
                continue
            if w == " " and words and not spaces[-1]:
                spaces[-1] = True
            else:
                words.append(w)
                spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)


@registry.tokenizers("kg.ChineseTokenizer.v1")
def create_tokenizer(segmenter: Segmenter = Segmenter.jieba):
    def factory(nlp):
        return LinearChineseTokenizer(nlp.vocab, segmenter=segmenter)

    return factory
