"""Lexicons: the vocabulary the rules use, kept in files users can extend.

Every line of every `*.jsonl` file is one record `{"lexicon": NAME, "term": ..., ...}`.
The shipped files live in `kg/data/lexicons/`; a user adds terms by dropping
more `*.jsonl` files into a folder named in the config (`[paths] lexicons`,
default `lexicons/` beside the corpus) and rebuilding. A record with
`"remove": true` takes a shipped term out. The credit words the normaliser
reads (bylines, roles, surnames) are `credits.json`; a user's `credits.json`
in such a folder adds to the shipped one (see `merge_credits`).

A `Lexicons` is a value: `load()` reads the files every time it is called and
keeps nothing between calls. The pipeline's components load theirs in
`initialize()` (spaCy's idiom for data-dependent setup) and keep them with
`to_disk`/`from_disk`; nothing here is process-global.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from importlib.resources import files
from pathlib import Path
from typing import Iterable, List

from spacy.util import registry

CREDITS_FILE = "credits.json"


def shipped_dir() -> Path:
    return Path(str(files("kg") / "data" / "lexicons"))


class Lexicons:
    """The records of every lexicon by name, the credit words, and a digest of the bytes read.

    A plain class, not a dataclass: spaCy validates `initialize()` arguments with pydantic, which
    would turn a dataclass into a dict."""

    def __init__(self, records: dict[str, list[dict]] | None = None, digest: str = "",
                 credits: dict | None = None):
        self.records = records or {}
        self.digest = digest
        self.credits = credits or {}  # credits.json, shipped and users' merged
        # what users of this value derive from it once (the normaliser's compiled credit patterns)
        self.prepared: dict = {}

    def __repr__(self) -> str:
        return f"Lexicons({len(self.records)} lexicons, digest={self.digest[:12]})"

    def terms(self, name: str) -> list[str]:
        return [r["term"] for r in self.records.get(name, [])]

    def by(self, name: str, attr: str) -> dict[str, str]:
        """term -> record[attr] for one lexicon."""
        return {r["term"]: r.get(attr, "") for r in self.records.get(name, [])}

    # serialisation, for the components' to_disk/from_disk
    def to_bytes(self) -> bytes:
        return json.dumps({"records": self.records, "credits": self.credits, "digest": self.digest},
                          ensure_ascii=False, sort_keys=True).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> "Lexicons":
        obj = json.loads(data.decode("utf-8"))
        return cls(obj["records"], obj["digest"], obj["credits"])


class LexiconError(ValueError):
    pass


def _files(dirs: list[Path]) -> list[Path]:
    out: list[Path] = []
    for d in dirs:
        if d.is_dir():
            out += sorted(p for p in d.glob("*.jsonl") if p.is_file())
    return out


def merge_credits(base: dict, extra: dict) -> dict:
    """A user's credits.json over the shipped one: its sections' keys are added (or replace
    the shipped entry), list items and string characters are appended; `_comment` keys are ignored."""
    out = dict(base)
    for key, value in extra.items():
        if key.startswith("_"):
            continue
        cur = out.get(key)
        if isinstance(cur, dict) and isinstance(value, dict):
            out[key] = {**cur, **{k: v for k, v in value.items() if not k.startswith("_")}}
        elif isinstance(cur, list) and isinstance(value, list):
            out[key] = cur + [v for v in value if v not in cur]
        elif isinstance(cur, str) and isinstance(value, str):
            out[key] = cur + "".join(ch for ch in dict.fromkeys(value) if ch not in cur)
        else:
            out[key] = value
    return out


def load(extra_dirs: Iterable[Path | str] | None = None) -> Lexicons:
    """Read shipped and user lexicons; the digest covers every byte read (cache key)."""
    dirs = [shipped_dir()] + [Path(d) for d in (extra_dirs or [])]
    recs: dict[str, dict[str, dict]] = defaultdict(dict)
    h = hashlib.sha256()
    for path in _files(dirs):
        data = path.read_bytes()
        h.update(path.name.encode() + b"\0" + data)
        for n, line in enumerate(data.decode("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                name, term = rec["lexicon"], rec["term"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise LexiconError(f"{path}:{n}: not a lexicon record ({exc})") from None
            if not isinstance(term, str) or not term:
                raise LexiconError(f"{path}:{n}: 'term' must be a non-empty string")
            if rec.get("remove"):
                recs[name].pop(term, None)
            else:
                recs[name][term] = rec
    credits: dict = {}
    for d in dirs:
        path = d / CREDITS_FILE
        if not path.is_file():
            continue
        data = path.read_bytes()
        h.update(b"credits\0" + str(len(data)).encode() + b"\0" + data)
        try:
            extra = json.loads(data.decode("utf-8"))
        except json.JSONDecodeError as exc:
            raise LexiconError(f"{path}: not JSON ({exc})") from None
        credits = merge_credits(credits, extra) if credits else extra
    return Lexicons({k: list(v.values()) for k, v in recs.items()}, h.hexdigest(), credits)


@registry.misc("kg.Lexicons.v1")
def lexicons_from_dirs(dirs: List[str] = []) -> Lexicons:  # noqa: B006 (a config default)
    """The lexicons of the shipped folder and `dirs` (relative to the working directory), for
    `[initialize.components.*.lexicons]` in config.cfg."""
    return load([Path(d) for d in dirs or []])
