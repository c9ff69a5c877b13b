"""How scores are shown: the table, the JSON of `../shared/eval/score.py`'s shape, the per-report
details (missed and spurious items with their sentences), and the --min-f1 check."""
from __future__ import annotations

from kg.evaluate.scoring import Item, Scores

UNKNOWN_REPORT = "(report not known: the graph holds no evidence for it)"
NO_EVIDENCE = "no sentences: this graph holds no evidence (a bare .ttl export); score --out or graph.trig for them"
# what --details lists; a "+title"/"+kind" line only adds the items its base line does not already list
DETAIL_KEYS = ("County", "Place", "Official", "Official+title", "Person", "Initiative", "Group", "Target",
               "Target+kind", "rel:implements", "rel:targets", "rel:hasTarget", "rel:locatedIn")
_BASE = {"Official+title": "Official", "Target+kind": "Target"}
_MAX_SHOWN = 160


def table(scores: Scores) -> str:
    """One line per key: P, R, F1, tp, pred, gold."""
    lines = [f"{'type':<16}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'pred':>6}{'gold':>6}"]
    for k, v in scores.as_dict().items():
        lines.append(f"{k:<16}{v['p']:>7}{v['r']:>7}{v['f1']:>7}{v['tp']:>6}{v['pred']:>6}{v['gold']:>6}")
    return "\n".join(lines)


def _ident(item: Item) -> tuple:
    return item.report, item.facts, item.needles, item.quote


def _placed(scores: Scores, item: Item, missed: bool) -> list[tuple[str, str | None]]:
    """(report, sentence or None) for one item: a gold item in its report, a prediction in each
    report its evidence names (graph-wide relations have no report of their own)."""
    ev = scores.evidence
    if missed:
        return [(item.report, ev.find(item.report, item.needles, item.quote) if ev else None)]
    hits = [h for fact in item.facts for h in ev.of_fact(fact)] if ev else []
    if item.report is not None:
        return [(item.report, next((s for r, s in hits if r == item.report), None))]
    first: dict[str, str] = {}
    for r, s in hits:
        first.setdefault(r, s)
    return list(first.items()) or [(UNKNOWN_REPORT, None)]


def details(scores: Scores) -> dict[str, dict[str, dict[str, list[dict]]]]:
    """{report: {key: {"missed": [{"item", "sentence"}], "spurious": [...]}}}, reports in gold order."""
    out: dict[str, dict] = {r: {} for r in scores.reports}
    for key in DETAIL_KEYS:
        t = scores.tallies[key]
        base = scores.tallies.get(_BASE.get(key, ""))
        for side, items in (("missed", t.missed), ("spurious", t.spurious)):
            skip = {_ident(i) for i in getattr(base, side)} if base else set()
            for item in items:
                if _ident(item) in skip:
                    continue
                for report, sentence in _placed(scores, item, side == "missed"):
                    entry = out.setdefault(report, {}).setdefault(key, {"missed": [], "spurious": []})
                    entry[side].append({"item": item.text, "sentence": sentence})
    return out


def _short(s: str) -> str:
    s = " ".join(s.split())
    return s if len(s) <= _MAX_SHOWN else s[:_MAX_SHOWN - 1] + "…"


def details_text(scores: Scores) -> str:
    """The details for a person: per report and key, each missed and spurious item under its sentence."""
    lines = []
    if scores.evidence is None or not scores.evidence.available:
        lines.append(NO_EVIDENCE)
    for report, keys in details(scores).items():
        lines.append(f"== {report}")
        if not keys:
            lines.append("  (nothing missed or spurious)")
        for key, sides in keys.items():
            lines.append(f"  {key}")
            for side in ("missed", "spurious"):
                for e in sides[side]:
                    lines.append(f"    {side:<9}{e['item']}")
                    if e["sentence"]:
                        lines.append(f"             | {_short(e['sentence'])}")
    return "\n".join(lines)


def below(scores: Scores, floors: list[tuple[str, float]]) -> list[str]:
    """One line per floor not met: `KEY F1 got < floor`."""
    return [f"{k} F1 {scores.f1(k)} < {f}" for k, f in floors if scores.f1(k) < f]
