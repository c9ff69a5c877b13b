"""The extraction cache: one file (a line of checksums, the facts and their evidence as JSON) per (report bytes, pipeline version, config+lexicons).

A report's facts are a pure function of its bytes, the code version and the
configuration, so the hash of the three is the key. Each entry carries a
checksum of its payload: a torn or corrupted entry is detected, deleted and
rebuilt, never trusted. The manifest records what the last build saw, so
`kg status` can say what is new, changed, deleted or failed.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from kg.version import __version__
from kg.atomic import write_bytes
from kg.facts import ReportFacts
from kg.rdf.shards import Shard

# Bump when extraction code changes in a way the config digest cannot see.
PIPELINE_VERSION = f"{__version__}+rules.4"


_CODE_DIGEST: str | None = None


def code_digest() -> str:
    """A hash of the code that decides the facts and their cached shards (reading, normalising, the NLP
    rules, mapping to facts and to RDF) and of the shipped division list: a changed rule or a regenerated
    list invalidates the cache as a changed lexicon does, even between releases."""
    global _CODE_DIGEST
    if _CODE_DIGEST is None:
        root = Path(__file__).resolve().parent
        files = [root / "read.py", root / "normalize.py", root / "facts.py", root / "divisions.py", root / "dates.py",
                 root / "lexicons.py", root / "graph.py", root / "process.py", *sorted((root / "rdf").glob("*.py")),
                 *sorted((root / "nlp").glob("*.py")),
                 # the division data by its README, which holds the data files' hashes (a test keeps them true)
                 root / "data" / "divisions" / "README.md"]
        h = hashlib.sha256()
        for f in files:
            h.update(f.name.encode() + b"\0" + f.read_bytes())
        _CODE_DIGEST = h.hexdigest()
    return _CODE_DIGEST


def report_key(file_digest: str, config_digest: str) -> str:
    return hashlib.sha256(f"{file_digest}\0{PIPELINE_VERSION}\0{config_digest}".encode()).hexdigest()


def _checksum(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def _file_checksum(path: Path) -> str:
    return _checksum(Path(path).read_bytes())


class FactCache:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.dir = self.root / "facts"

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def has(self, key: str) -> bool:
        """An entry exists (`get` still checks it: a damaged one is re-read then)."""
        return self._path(key).is_file()

    def get(self, key: str, evidence: bool = True) -> tuple[ReportFacts, Shard] | None:
        """The facts and the shard files of a report; None (and the entry removed) if missing or corrupt.

        Without `evidence` the evidence lists stay unparsed (empty): a build whose evidence is in the
        cached shards needs none of it, and it is most of an entry."""
        path = self._path(key)
        try:
            header, _, raw = path.read_bytes().partition(b"\n")
            nq, trig = path.with_suffix(".nq"), path.with_suffix(".trig")
            sums = [_checksum(raw), _file_checksum(nq), _file_checksum(trig)]
            if json.loads(header) != sums:
                raise ValueError("checksum mismatch")
            facts_line, newline, evidence_line = raw.partition(b"\n")
            if not newline:
                raise ValueError("no evidence line")
            facts = ReportFacts.from_json(json.loads(facts_line))
            if evidence:
                facts.with_evidence(json.loads(evidence_line))
            return facts, Shard(facts.report, nq, trig)
        except FileNotFoundError:
            if path.exists():
                self._drop(path)
            return None
        except (ValueError, KeyError, TypeError, AttributeError, IndexError):  # corrupted: drop it, the report is re-read
            self._drop(path)
            return None

    @staticmethod
    def _drop(path: Path) -> None:
        for p in (path, path.with_suffix(".nq"), path.with_suffix(".trig")):
            p.unlink(missing_ok=True)

    def put(self, key: str, facts: ReportFacts, shard: Shard) -> Shard:
        """Store the facts and the shard; returns the shard pointing at its cached files."""
        path = self._path(key)
        nq, trig = path.with_suffix(".nq"), path.with_suffix(".trig")
        write_bytes(nq, shard.read_nquads())
        write_bytes(trig, shard.read_trig())
        raw = (json.dumps(facts.to_json(evidence=False), ensure_ascii=False).encode() + b"\n"
               + json.dumps(facts.evidence_json(), ensure_ascii=False).encode())
        header = json.dumps([_checksum(raw), _file_checksum(nq), _file_checksum(trig)]).encode()
        write_bytes(path, header + b"\n" + raw)  # a line of checksums, the facts, their evidence
        return Shard(facts.report, nq, trig)

    def prune(self, keep: set[str]) -> int:
        """Delete entries no report uses any more."""
        gone = 0
        if self.dir.is_dir():
            for p in self.dir.glob("*/*.json"):
                if p.stem not in keep:
                    self._drop(p)
                    gone += 1
        return gone


@dataclass
class Manifest:
    """What the last build saw: report name -> {digest, key, status, reason}."""

    config: str = ""
    pipeline: str = PIPELINE_VERSION
    reports: dict[str, dict] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)  # the files the build wrote, relative to OUT
    summary: str = ""  # what the build made, in one line ("5 reports (…); 318 relations")

    @classmethod
    def load(cls, root: Path) -> "Manifest":
        try:
            data = json.loads((Path(root) / "manifest.json").read_text(encoding="utf-8"))
            return cls(data.get("config", ""), data.get("pipeline", ""), dict(data.get("reports", {})),
                       [str(p) for p in data.get("outputs", [])], str(data.get("summary", "")))
        except (OSError, ValueError, AttributeError, TypeError):
            return cls(pipeline="")

    def save(self, root: Path) -> None:
        data = {"config": self.config, "pipeline": self.pipeline, "reports": dict(sorted(self.reports.items())),
                "outputs": self.outputs, "summary": self.summary}
        write_bytes(Path(root) / "manifest.json", json.dumps(data, ensure_ascii=False, indent=1).encode())
