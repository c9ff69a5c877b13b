"""spaCy's Chinese tokenizer with jieba's words, aligned to the text in linear time, with its own dictionary.

spaCy's own `ChineseTokenizer` aligns jieba's words to the text with
`util.get_words_and_spaces`, which is fine for a page but quadratic on a long
report (17 s of a 1M-character report went there). jieba returns every
character of the text, spaces included, so the alignment is simply: a single
space after a word becomes that word's trailing space; everything else is a
word. Other segmenters fall back to spaCy's code.

spaCy's tokenizer segments with jieba's process-wide dictionary (`jieba.dt`);
this one owns a `jieba.Tokenizer`, taught the lexicon terms in `initialize()`
(and again by `from_disk`, which keeps the lexicons), so two pipelines with two
lexicon folders do not share one dictionary. Its lexicons are also the ones
the normaliser reads its credit words from (`kg.nlp.pipeline.lexicons_of`).

The words themselves are computed by rjieba (`kg.nlp.segmenter.JiebaWords`), which gives jieba's
segmentation ~20x faster; the `jieba.Tokenizer` stays for its part-of-speech tagger
(`pos_tagger`), which the initiative tagger asks about a few short spans.
"""
from pathlib import Path
from typing import Optional

from spacy.lang.zh import ChineseTokenizer, Segmenter
from spacy.tokens import Doc
from spacy.util import ensure_path, registry

from kg import lexicons as _lexicons
from kg.lexicons import Lexicons
from kg.nlp.segmenter import JiebaWords

LEXICONS_FILE = "lexicons.json"
# the lexicons whose terms become words of the segmenter's dictionary. Division names are left out on
# purpose: added as words they pull jieba into cuts like 示/范县, and the county tagger checks that a
# name begins a word.
TAUGHT = ("initiative_head", "group_head", "group_modifier", "title")
TAUGHT_FREQ = 20000


def taught_words(lex: Lexicons | None) -> list[str]:
    """The lexicon terms the segmenter is taught as words, in the order it is taught them."""
    if lex is None:
        return []
    words: set[str] = set()
    for name in TAUGHT:
        words.update(lex.terms(name))
    return [w for w in sorted(words) if len(w) >= 2]


def jieba_for(lex: Lexicons | None):
    """A jieba tokenizer of its own, with jieba's dictionary and the lexicon terms as words."""
    import jieba

    jieba.setLogLevel(60)
    seg = jieba.Tokenizer()
    for w in taught_words(lex):
        seg.add_word(w, freq=TAUGHT_FREQ)
    return seg


def words_for(lex: Lexicons | None) -> JiebaWords:
    """jieba's segmentation with the lexicon terms as words, computed by rjieba."""
    import jieba

    jieba.setLogLevel(60)
    jieba.dt.check_initialized()  # jieba's own dictionary: the frequencies of the words taught anew
    return JiebaWords(taught_words(lex), TAUGHT_FREQ, base_freq=jieba.dt.FREQ)


def pos_tagger_for(seg):
    """jieba's part-of-speech tagger over `seg` (a `jieba.Tokenizer`).

    `POSTokenizer(seg)` reads jieba's dictionary file for the tag of every word (a second of pure
    Python), which importing `jieba.posseg` has just done for its default tagger; `seg` has jieba's
    own dictionary, so it takes a copy of that table (the same file, the same table)."""
    import jieba
    import jieba.posseg as posseg

    if seg.dictionary != jieba.dt.dictionary or posseg.dt.tokenizer is not jieba.dt:
        return posseg.POSTokenizer(seg)

    class SharedTable(posseg.POSTokenizer):
        def load_word_tag(self, f):
            f.close()
            self.word_tag_tab = dict(posseg.dt.word_tag_tab)

    return SharedTable(seg)


class LinearChineseTokenizer(ChineseTokenizer):
    def __init__(self, vocab, segmenter: Segmenter = Segmenter.jieba):
        import jieba

        jieba.setLogLevel(60)  # before spaCy's base class loads jieba's dictionary: no banner on stderr
        super().__init__(vocab, segmenter=segmenter)
        self.lexicons: Lexicons | None = None
        if self.segmenter == Segmenter.jieba:
            self.jieba_seg = jieba_for(None)
            self.words_seg = words_for(None)
        self._pos = None

    def initialize(self, get_examples=None, *, nlp=None, pkuseg_model: Optional[str] = None,
                   pkuseg_user_dict: Optional[str] = "default", lexicons: Optional[Lexicons] = None):
        super().initialize(get_examples, nlp=nlp, pkuseg_model=pkuseg_model, pkuseg_user_dict=pkuseg_user_dict)
        self.set_lexicons(lexicons if lexicons is not None else _lexicons.load())

    def set_lexicons(self, lex: Lexicons) -> None:
        self.lexicons = lex
        if self.segmenter == Segmenter.jieba:
            self.jieba_seg = jieba_for(lex)
            self.words_seg = words_for(lex)
            self._pos = None

    @property
    def pos_tagger(self):
        """jieba's part-of-speech tagger over this tokenizer's own dictionary."""
        if self._pos is None:
            self._pos = pos_tagger_for(self.jieba_seg)
        return self._pos

    def __call__(self, text: str) -> Doc:
        if self.segmenter != Segmenter.jieba:
            return super().__call__(text)
        if " " not in text:  # most reports: every word is a token, none with a trailing space
            found = self.words_seg.cut(text)
            return Doc(self.vocab, words=found, spaces=[False] * len(found))
        words: list[str] = []
        spaces: list[bool] = []
        for w in self.words_seg.cut(text):
            if not w:
                continue
            if w == " " and words and not spaces[-1]:
                spaces[-1] = True
            else:
                words.append(w)
                spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)

    def to_disk(self, path, **kwargs):
        super().to_disk(path, **kwargs)
        path = ensure_path(path)
        if self.lexicons is not None:
            path.mkdir(parents=True, exist_ok=True)
            (path / LEXICONS_FILE).write_bytes(self.lexicons.to_bytes())

    def from_disk(self, path, **kwargs):
        super().from_disk(path, **kwargs)
        file = Path(ensure_path(path)) / LEXICONS_FILE
        if file.is_file():
            self.set_lexicons(Lexicons.from_bytes(file.read_bytes()))
        return self


@registry.tokenizers("kg.ChineseTokenizer.v1")
def create_tokenizer(segmenter: Segmenter = Segmenter.jieba):
    def factory(nlp):
        return LinearChineseTokenizer(nlp.vocab, segmenter=segmenter)

    return factory
