"""`kg eval`: score a build against gold files (`kg.evaluate`), show the table, JSON or details.

Exit status: 0 scored (and every --min-f1 met); 1 a --min-f1 not met (each named
on stderr); 2 bad usage (no gold folder, a graph or store that cannot be read,
an unknown key or a bad threshold), with one line.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def _usage(msg: str):
    click.echo(f"kg eval: {msg}", err=True)
    sys.exit(2)


def _floors(specs: tuple[str, ...]) -> list[tuple[str, float]]:
    from kg.evaluate import EvalError, resolve_key

    floors = []
    for spec in specs:
        key, sep, value = spec.rpartition("=")
        try:
            f = float(value)
            if not sep or not 0 <= f <= 1:
                raise ValueError
            floors.append((resolve_key(key), f))
        except ValueError as exc:
            _usage(str(exc) if isinstance(exc, EvalError) else f"--min-f1 wants TYPE=F with F in 0..1, not {spec!r}")
    return floors


@click.command("eval")
@click.option("--gold", "gold_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of gold files (*.json, ANNOTATION.md's format), e.g. tests/gold.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="The folder `kg build` wrote, whose store is scored [default: outputs].")
@click.option("--graph", type=click.Path(path_type=Path), default=None,
              help="Score an exported graph file instead (.ttl has no sentences; .trig and .nq do).")
@click.option("--json", "as_json", is_flag=True, help="The scores as JSON (the keys of ../shared/eval/score.py).")
@click.option("--details", is_flag=True, help="Per report, the missed and spurious items with their sentences.")
@click.option("--min-f1", "min_f1", multiple=True, metavar="TYPE=F",
              help="Exit 1 unless TYPE's F1 is at least F (TYPE a key of the table, or ALL, "
                   "Programme+Mechanism, implements, targets, hasTarget, locatedIn). Repeatable.")
def eval_cmd(gold_dir, out, graph, as_json, details, min_f1):
    """Score the graph against gold annotations: P/R/F1 per type and relation."""
    from kg.evaluate import EvalError, evaluate
    from kg.evaluate import report

    if gold_dir is None:
        _usage("give the gold folder with --gold DIR")
    if out is not None and graph is not None:
        _usage("give --out or --graph, not both")
    floors = _floors(min_f1)
    try:
        scores = evaluate(gold_dir, out=None if graph else (out or Path("outputs")), graph=graph, details=details)
    except EvalError as exc:
        _usage(str(exc))
    if as_json:
        data = scores.as_dict()
        if details:
            data = {"scores": data, "details": report.details(scores)}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(report.table(scores))
        if details:
            click.echo(report.details_text(scores))
    failed = report.below(scores, floors)
    for line in failed:
        click.echo(f"kg eval: below --min-f1: {line}", err=True)
    sys.exit(1 if failed else 0)
