"""Gold files (the format of ANNOTATION.md, "Gold file format") as plain per-report records.

Loading is strict about what the scorer needs (a report name, lists where lists
belong, numeric figure values) and says which file is wrong in one line, so a bad
gold folder is a usage error, not a traceback in the middle of scoring.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kg.evaluate.text import norm

# entity type -> gold key
ENTITY_KEYS = {
    "County": "counties", "Place": "places", "Official": "officials", "Person": "persons",
    "Programme": "programmes", "Mechanism": "mechanisms", "Group": "groups",
}
# relation -> gold key of its pairs
PAIR_KEYS = {"implements": "implements", "targets": "targets_rel", "locatedIn": "locatedIn"}


class GoldError(ValueError):
    """The gold folder is missing, empty, or holds a file that is not gold."""


@dataclass(frozen=True)
class Figure:
    value: float
    unit: str          # normalised
    what: str
    kind: str
    evidence: str = ""


@dataclass
class GoldReport:
    """One gold file: the names per entity type, officials with titles, figures, relation pairs."""
    report: str
    path: Path
    names: dict[str, list[str]] = field(default_factory=dict)
    initiatives: list[str] = field(default_factory=list)
    officials: list[tuple[str, list[str]]] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    pairs: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    owned: list[tuple[str, int]] = field(default_factory=list)  # (owner, index into figures)


def _name(item) -> str:
    return str(item["name"] if isinstance(item, dict) else item)


def _list(data: dict, key: str, path: Path) -> list:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise GoldError(f"{path}: '{key}' is not a list")
    return value


def load_report(path: Path) -> GoldReport:
    """One gold file; GoldError naming the file when it is not readable gold."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldError(f"{path}: not a readable JSON gold file ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("report"), str):
        raise GoldError(f"{path}: no 'report' naming the report file")
    try:
        g = GoldReport(report=data["report"], path=Path(path))
        for cls, key in ENTITY_KEYS.items():
            g.names[cls] = [_name(x) for x in _list(data, key, path)]
        g.initiatives = [str(x) for x in _list(data, "programmes", path) + _list(data, "mechanisms", path)]
        g.officials = [(_name(x), [str(t) for t in x.get("titles", [])]) for x in _list(data, "officials", path)]
        g.figures = [Figure(float(t["value"]), norm(t.get("unit", "")), str(t.get("what", "")),
                            str(t.get("kind", "")), str(t.get("evidence", ""))) for t in _list(data, "targets", path)]
        for rel, key in PAIR_KEYS.items():
            g.pairs[rel] = [(str(a), str(b)) for a, b in _list(data, key, path)]
        g.owned = [(str(owner), int(i)) for owner, i in _list(data, "hasTarget", path)
                   if 0 <= int(i) < len(g.figures)]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise GoldError(f"{path}: malformed gold ({type(exc).__name__}: {exc})") from None
    return g


def load_dir(gold_dir: Path) -> list[GoldReport]:
    """Every *.json gold file of the folder, in name order."""
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise GoldError(f"gold folder not found: {gold_dir}")
    files = sorted(gold_dir.glob("*.json"))
    if not files:
        raise GoldError(f"no gold files (*.json) in {gold_dir}")
    return [load_report(p) for p in files]
