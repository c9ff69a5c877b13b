"""Build the spaCy pipeline from `config.cfg`, as spaCy builds its own.

The tokenizer is spaCy's Chinese tokenizer with jieba (it ships its
dictionary; spacy-pkuseg's model cannot be had offline from a Python 3.11
wheel and runs ~5x slower), taught our lexicon terms so that names are not cut
apart. Our components are registered factories (importing kg.nlp.* registers
them), configured from the same file: `Chinese.from_config` builds them from
`[components]`, `nlp.initialize()` gives them (and the tokenizer) their
lexicons from `[initialize]`, and `nlp.to_disk(DIR)` / `spacy.load(DIR)` keep them.
"""
from __future__ import annotations

import hashlib
from importlib.resources import files
from pathlib import Path

from spacy.lang.zh import Chinese
from spacy.language import Language
from spacy.util import registry
from thinc.api import Config

from kg import lexicons
from kg.nlp import counties, figures, groups, initiatives, officials, places, relations, tokenizer  # noqa: F401  (factories)


def default_config_path() -> Path:
    return Path(str(files("kg") / "data" / "config.cfg"))


def load_config(path: Path | None = None, overrides: dict | None = None) -> Config:
    cfg = Config().from_disk(default_config_path(), interpolate=False)
    if path is not None:
        cfg = cfg.merge(Config().from_disk(path, interpolate=False))
    if overrides:
        cfg = Config(cfg).merge(Config(overrides))
    return cfg


def build(config_path: Path | None = None, overrides: dict | None = None) -> Language:
    """The pipeline of the config, initialised: its tokenizer and components hold their lexicons."""
    cfg = load_config(config_path, overrides)
    nlp = Chinese.from_config(cfg)
    nlp.initialize()
    return nlp


def lexicons_of(nlp: Language) -> lexicons.Lexicons:
    """The lexicons the pipeline was initialised with (its tokenizer's): the normaliser's credit words."""
    lex = getattr(nlp.tokenizer, "lexicons", None)
    return lex if lex is not None else lexicons.load()


def config_lexicons(cfg: Config) -> lexicons.Lexicons:
    """The lexicons `[initialize.tokenizer.lexicons]` of a config names, read now."""
    section = Config(cfg).interpolate()["initialize"]["tokenizer"]["lexicons"]
    return registry.resolve({"lex": section})["lex"]


def config_digest(config_path: Path | None = None, overrides: dict | None = None) -> str:
    """What, besides the code version, decides the extraction: config text and lexicon bytes
    (every `*.jsonl` and `credits.json` of the shipped and the configured folders)."""
    cfg = load_config(config_path, overrides)
    return hashlib.sha256((cfg.to_str() + config_lexicons(cfg).digest).encode()).hexdigest()
