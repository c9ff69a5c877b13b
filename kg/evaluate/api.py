"""`evaluate`: gold folder and graph in, `Scores` out; the one entry point the CLI and tests use."""
from __future__ import annotations

from pathlib import Path

from kg.evaluate import evidence as evidence_mod
from kg.evaluate import gold as gold_mod
from kg.evaluate import predicted, source
from kg.evaluate.scoring import ALL, KEYS, Scores, score

# short names accepted by --min-f1 (and resolve_key) besides the keys themselves
ALIASES = {"ALL": ALL, "Programme+Mechanism": "Initiative", "implements": "rel:implements",
           "targets": "rel:targets", "hasTarget": "rel:hasTarget", "locatedIn": "rel:locatedIn"}


class EvalError(ValueError):
    """Bad usage: a gold folder or graph that cannot be read, or an unknown score key. One line."""


def resolve_key(name: str) -> str:
    """A score key from its name or alias (case-insensitive); EvalError naming the known ones."""
    for k in (*KEYS, *ALIASES):
        if k.lower() == name.strip().lower():
            return ALIASES.get(k, k)
    raise EvalError(f"unknown score key {name!r} (one of: {', '.join(KEYS)}; or {', '.join(ALIASES)})")


def evaluate(gold_dir: Path, out: Path | None = None, graph: Path | None = None, details: bool = False,
             maximum: bool = False) -> Scores:
    """Score the build in `out` (its store) or the graph file `graph` against the gold files in `gold_dir`.

    With `details`, the sentences of the graph's evidence are read too (`Scores.evidence`), for
    `kg.evaluate.report.details`. `maximum`: the largest one-to-one matching instead of the
    guide's first fit (`kg.evaluate.matching`). EvalError when the gold or the graph cannot be read.
    """
    if (out is None) == (graph is None):
        raise EvalError("give either a build's output folder (--out) or a graph file (--graph)")
    try:
        golds = gold_mod.load_dir(gold_dir)
        opener = source.open_out(out) if out is not None else source.open_file(graph)
        with opener as st:
            scores = score(golds, predicted.read(st), maximum=maximum)
            if details:
                scores.evidence = evidence_mod.read(st)
    except (gold_mod.GoldError, source.GraphError) as exc:
        raise EvalError(str(exc)) from None
    return scores
