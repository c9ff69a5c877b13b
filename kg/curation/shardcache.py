"""Curated shards kept between builds: a curated report's evidence graph is made once per (rules' facts, corrections).

Rebuilding a report's named graph from its curated facts costs about as much as reading its
evidence and serialising it again (~50 ms); a corpus-wide merge of a common name touches
thousands of reports, at every build. The curated shard is a function of the report's cache
key (its bytes, the rules, the config), of the curation lines that concern it and of this
package's code, so it is kept under the hash of the three in OUT/.cache/curated/, like the fact
cache, and pruned to what the last build used. A cached shard is a file, so the store sees the
same id at the next build and leaves that report's graph alone.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from kg.atomic import write_bytes
from kg.curation.format import Correction
from kg.rdf.shards import Shard

_CODE: str | None = None


def _code_digest() -> str:
    """The code that decides a curated shard beyond the fact cache key: how corrections apply and are written."""
    global _CODE
    if _CODE is None:
        here = Path(__file__).resolve().parent
        h = hashlib.sha256()
        for name in ("format.py", "apply.py", "rdf.py"):
            h.update(name.encode() + b"\0" + (here / name).read_bytes())
        _CODE = h.hexdigest()
    return _CODE


def shard_key(fact_key: str, corrections: list[Correction]) -> str:
    lines = [[Path(c.file).name, c.line, c.fields] for c in corrections]
    payload = json.dumps([fact_key, _code_digest(), lines], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class CuratedShards:
    def __init__(self, root: Path):
        self.dir = Path(root) / "curated"

    def _paths(self, key: str) -> tuple[Path, Path]:
        base = self.dir / key[:2] / key
        return base.with_suffix(".nq"), base.with_suffix(".trig")

    def get(self, report: str, key: str) -> Shard | None:
        nq, trig = self._paths(key)
        return Shard(report, nq, trig) if nq.is_file() and trig.is_file() else None

    def put(self, key: str, shard: Shard) -> Shard:
        nq, trig = self._paths(key)
        write_bytes(trig, shard.read_trig())
        write_bytes(nq, shard.read_nquads())  # last: `get` trusts an entry whose .nq exists with its .trig
        return Shard(shard.report, nq, trig)

    def prune(self, keep: set[str]) -> None:
        if self.dir.is_dir():
            for p in self.dir.glob("*/*.nq"):
                if p.stem not in keep:
                    p.unlink(missing_ok=True)
                    p.with_suffix(".trig").unlink(missing_ok=True)
