"""Build the spaCy pipeline from `config.cfg`, as spaCy builds its own.

The tokenizer is spaCy's Chinese tokenizer with jieba (it ships its
dictionary; spacy-pkuseg's model cannot be had offline from a Python 3.11
wheel and runs ~5x slower), taught our lexicon terms and the division names
so that names are not cut apart. Our components are registered factories
(importing kg.nlp.* registers them), configured from the same file.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from spacy.lang.zh import Chinese
from spacy.language import Language
from thinc.api import Config

from kg import lexicons
from kg.nlp import counties, figures, groups, initiatives, officials, places, relations, tokenizer  # noqa: F401  (factories)


def default_config_path() -> Path:
    return Path(str(files("kg") / "data" / "config.cfg"))


def load_config(path: Path | None = None, overrides: dict | None = None) -> Config:
    cfg = Config().from_disk(default_config_path())
    if path is not None:
        cfg = cfg.merge(Config().from_disk(path))
    if overrides:
        cfg = Config(cfg).merge(Config(overrides))
    return cfg


_user_words_added = False


def _teach_jieba(lex: lexicons.Lexicons) -> None:
    """Add lexicon terms to jieba's dictionary once per process.

    Division names are left out on purpose: added as words they pull jieba into
    cuts like 示/范县, and the county tagger checks that a name begins a word.
    """
    global _user_words_added
    if _user_words_added:
        return
    import jieba

    jieba.setLogLevel(60)
    words: set[str] = set()
    for name in ("initiative_head", "group_head", "group_modifier", "title"):
        words.update(lex.terms(name))
    for w in sorted(words):
        if len(w) >= 2:
            jieba.add_word(w, freq=20000)
    _user_words_added = True


def build(config_path: Path | None = None, overrides: dict | None = None) -> Language:
    cfg = load_config(config_path, overrides)
    dirs = [Path(d) for d in cfg.get("paths", {}).get("lexicons", []) or []]
    lex = lexicons.configure(dirs)
    _teach_jieba(lex)
    nlp = Chinese.from_config({"nlp": cfg["nlp"], "components": cfg["components"]})
    return nlp


def config_digest(config_path: Path | None = None) -> str:
    """What, besides the code version, decides the extraction: config text and lexicon bytes."""
    import hashlib

    cfg = load_config(config_path)
    lex = lexicons.configure([Path(d) for d in cfg.get("paths", {}).get("lexicons", []) or []])
    return hashlib.sha256((cfg.to_str() + lex.digest).encode()).hexdigest()
