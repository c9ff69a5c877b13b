"""What every kg component shares, after spaCy's own rule components (spacy/pipeline/span_ruler.py).

- construction takes only the settings of the factory (`default_config` is the one place their
  defaults are written; `config.cfg` overrides what differs);
- data-dependent setup is `initialize()`: the lexicons come from
  `[initialize.components.NAME.lexicons]` in the config (`kg.Lexicons.v1`), or are given;
- `to_disk`/`from_disk` (and `to_bytes`/`from_bytes`) keep the lexicons, so a saved pipeline
  loads with `spacy.load` and extracts the same facts without reading the lexicon folders again.

A component keeps its lexicons on itself: two pipelines of one process may use two lexicon folders.
"""
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from spacy.language import Language
from spacy.util import ensure_path

from kg import lexicons as _lexicons
from kg.lexicons import Lexicons

LEXICONS_FILE = "lexicons.json"

# what the components read and write on a Doc (declared on every factory, `nlp.analyze_pipes()`)
MENTIONS = "doc._.kg_mentions"
LINKS = "doc._.kg_links"
TEXT = "doc._.kg_text"
REPORT_COUNTY = "doc._.kg_report_county"


class NotInitialized(AttributeError):
    """A component used before `initialize()` gave it its lexicons (an AttributeError, so that
    `hasattr` and spaCy's protocol checks still work)."""


class LexiconComponent:
    """A rule component whose vocabulary is a `Lexicons`: subclasses set themselves up from it in
    `_set_lexicons`, which `initialize` and `from_disk` call."""

    def __init__(self, nlp: Language, name: str, **settings: Any):
        self.nlp = nlp
        self.name = name
        self.lexicons: Lexicons | None = None
        for key, value in settings.items():
            setattr(self, key, value)

    def __getattr__(self, attr: str):  # only for attributes normal lookup did not find
        if not attr.startswith("__") and self.__dict__.get("lexicons", None) is None:
            raise NotInitialized(f"the component '{self.__dict__.get('name', type(self).__name__)}' has no "
                               f"lexicons yet: call nlp.initialize() (or build it with kg.nlp.pipeline.build())")
        raise AttributeError(attr)

    def initialize(self, get_examples: Optional[Callable[[], Iterable]] = None, *,
                   nlp: Optional[Language] = None, lexicons: Optional[Lexicons] = None) -> None:
        self.set_lexicons(lexicons if lexicons is not None else _lexicons.load())

    def set_lexicons(self, lex: Lexicons) -> None:
        self.lexicons = lex
        self._set_lexicons(lex)

    def _set_lexicons(self, lex: Lexicons) -> None:
        raise NotImplementedError

    # -- serialisation --------------------------------------------------------
    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return self.lexicons.to_bytes() if self.lexicons is not None else b""

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "LexiconComponent":
        if data:
            self.set_lexicons(Lexicons.from_bytes(data))
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.lexicons is not None:
            (path / LEXICONS_FILE).write_bytes(self.lexicons.to_bytes())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "LexiconComponent":
        file = ensure_path(path) / LEXICONS_FILE
        if file.is_file():
            self.set_lexicons(Lexicons.from_bytes(file.read_bytes()))
        return self
