"""Lexicons: the vocabulary the rules use, kept in JSONL files users can extend.

Every line of every `*.jsonl` file is one record `{"lexicon": NAME, "term": ..., ...}`.
The shipped files live in `kg/data/lexicons/`; a user adds terms by dropping
more `*.jsonl` files into a folder named in the config (`[paths] lexicons`,
default `lexicons/` beside the corpus) and rebuilding. A record with
`"remove": true` takes a shipped term out.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path


def shipped_dir() -> Path:
    return Path(str(files("kg") / "data" / "lexicons"))


@dataclass
class Lexicons:
    records: dict[str, list[dict]] = field(default_factory=dict)
    digest: str = ""

    def terms(self, name: str) -> list[str]:
        return [r["term"] for r in self.records.get(name, [])]

    def by(self, name: str, attr: str) -> dict[str, str]:
        """term -> record[attr] for one lexicon."""
        return {r["term"]: r.get(attr, "") for r in self.records.get(name, [])}


class LexiconError(ValueError):
    pass


def _files(dirs: list[Path]) -> list[Path]:
    out: list[Path] = []
    for d in dirs:
        if d.is_dir():
            out += sorted(p for p in d.glob("*.jsonl") if p.is_file())
    return out


def load(extra_dirs: list[Path] | None = None) -> Lexicons:
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
    return Lexicons({k: list(v.values()) for k, v in recs.items()}, h.hexdigest())


_active: tuple[Path, ...] = ()
_cache: dict[tuple, Lexicons] = {}


def configure(extra_dirs: list[Path] | tuple[Path, ...] = ()) -> Lexicons:
    """Choose the user lexicon folders for this process (pipeline build calls it)."""
    global _active
    _active = tuple(Path(d).resolve() for d in extra_dirs)  # relative folders mean: from here
    return load_default()


def load_default() -> Lexicons:
    """The lexicons of the configured folders, read again only when a file there changes."""
    stamp = (_active, tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in _files(list(_active))))
    if stamp not in _cache:
        _cache[stamp] = load(list(_active))
    return _cache[stamp]
