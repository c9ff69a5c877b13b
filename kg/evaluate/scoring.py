"""P/R/F1 per entity type and relation, keeping which items were missed and which spurious.

As ANNOTATION.md has it: entities are matched within each report (a node counts for
every report it is `ckg:mentionedIn`); relations over the whole graph; Programme
and Mechanism are also scored together (`Initiative`: their boundary is fuzzy);
`Official+title` and `Target+kind` add the title and the goal/achieved kind;
`ALL entities` sums County, Place, Official, Person, Initiative, Group, Target.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from kg.evaluate.gold import ENTITY_KEYS, PAIR_KEYS, Figure, GoldReport
from kg.evaluate import matching
from kg.evaluate.predicted import CKG, RDF_TYPE, Node, PredFigure, PredOwned, PredPair, Predicted
from kg.evaluate.text import same_number, shares_run, similar

ALL = "ALL entities"
ALL_PARTS = ("County", "Place", "Official", "Person", "Initiative", "Group", "Target")
KEYS = (*ENTITY_KEYS, "Initiative", "Official+title", "Target", "Target+kind",
        *(f"rel:{r}" for r in ("implements", "targets", "hasTarget", "locatedIn")), ALL)
Triple = tuple[str, str, str]


@dataclass(frozen=True)
class Item:
    """A missed gold item or a spurious prediction, as --details shows it."""
    report: str | None            # None: a graph-wide relation whose report only its evidence tells
    text: str
    facts: tuple[Triple, ...] = ()    # a prediction's triples, whose evidence holds its sentence
    needles: tuple[str, ...] = ()     # a gold item's strings, which a sentence of its report must hold
    quote: str = ""                   # a gold figure's own evidence


@dataclass
class Tally:
    tp: int = 0
    pred: int = 0
    gold: int = 0
    missed: list[Item] = field(default_factory=list)
    spurious: list[Item] = field(default_factory=list)

    def line(self) -> dict:
        """tp, pred, gold and P, R, F1 rounded to 3 places (P is 1 with nothing predicted or due)."""
        p = self.tp / self.pred if self.pred else (0.0 if self.gold else 1.0)
        r = self.tp / self.gold if self.gold else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"tp": self.tp, "pred": self.pred, "gold": self.gold,
                "p": round(p, 3), "r": round(r, 3), "f1": round(f, 3)}


@dataclass
class Scores:
    """The tallies by key (see KEYS), the reports scored, and where sentences come from."""
    tallies: dict[str, Tally]
    reports: list[str]
    evidence: object = None           # a kg.evaluate.evidence.Evidence when details were asked for

    def as_dict(self) -> dict[str, dict]:
        return {k: self.tallies[k].line() for k in KEYS}

    def f1(self, key: str) -> float:
        return self.tallies[key].line()["f1"]


def _number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(v)


def _figure_text(value: float, unit: str, what: str, kind: str) -> str:
    return " ".join(x for x in (_number(value) + unit, what, f"({kind})" if kind else "") if x)


Matcher = Callable[[list, list, Callable], dict[int, int]]


def _tally(t: Tally, gold: list, pred: list, same: Callable, gold_item: Callable, pred_item: Callable,
           match: Matcher) -> None:
    pairs = match(gold, pred, same)
    used = set(pairs.values())
    t.tp += len(pairs)
    t.gold += len(gold)
    t.pred += len(pred)
    t.missed += [gold_item(g) for i, g in enumerate(gold) if i not in pairs]
    t.spurious += [pred_item(p) for j, p in enumerate(pred) if j not in used]


def _node_item(report: str, cls: str, with_type: bool = False) -> Callable[[Node], Item]:
    return lambda n: Item(report, f"{n.label} ({cls})" if with_type else n.label, ((n.iri, RDF_TYPE, CKG + cls),))


def _same_figure(g: Figure, p: PredFigure) -> bool:
    return same_number(g.value, p.value) and g.unit == p.unit and shares_run(g.what, p.what)


def _score_report(g: GoldReport, pred: Predicted, tallies: dict[str, Tally], match: Matcher) -> None:
    r = g.report
    gold_name = lambda name: Item(r, name, needles=(name,))  # noqa: E731
    initiatives: list[tuple[str, Node]] = []
    for cls in ENTITY_KEYS:
        nodes = pred.entities.get((cls, r), [])
        _tally(tallies[cls], g.names[cls], nodes, lambda a, n: similar(a, n.label), gold_name,
               _node_item(r, cls), match)
        if cls in ("Programme", "Mechanism"):
            initiatives += [(cls, n) for n in nodes]
    _tally(tallies["Initiative"], g.initiatives, initiatives, lambda a, cn: similar(a, cn[1].label), gold_name,
           lambda cn: _node_item(r, cn[0], with_type=True)(cn[1]), match)
    officials = [(n, pred.titles.get(n.iri, [])) for n in pred.entities.get(("Official", r), [])]
    _tally(tallies["Official+title"], g.officials, officials,
           lambda go, po: similar(go[0], po[0].label) and any(similar(a, b) for a in go[1] for b in po[1]),
           lambda go: Item(r, f"{go[0]}: {', '.join(go[1])}", needles=(go[0],)),
           lambda po: Item(r, f"{po[0].label}: {', '.join(po[1])}", ((po[0].iri, RDF_TYPE, CKG + "Official"),)), match)
    figures = pred.figures.get(r, [])
    gold_fig = lambda f: Item(r, _figure_text(f.value, f.unit, f.what, f.kind),  # noqa: E731
                              needles=(_number(f.value),), quote=f.evidence)
    pred_fig = lambda p: Item(r, _figure_text(p.value, p.unit, p.what, p.kind),  # noqa: E731
                              ((p.iri, RDF_TYPE, CKG + "Target"),))
    _tally(tallies["Target"], g.figures, figures, _same_figure, gold_fig, pred_fig, match)
    _tally(tallies["Target+kind"], g.figures, figures, lambda f, p: _same_figure(f, p) and f.kind == p.kind,
           gold_fig, pred_fig, match)


def _score_relations(golds: list[GoldReport], pred: Predicted, tallies: dict[str, Tally],
                     match: Matcher) -> None:
    for rel in PAIR_KEYS:
        gold = [(g.report, a, b) for g in golds for a, b in g.pairs[rel]]
        _tally(tallies[f"rel:{rel}"], gold, pred.pairs[rel],
               lambda ga, pp: similar(ga[1], pp.a.label) and similar(ga[2], pp.b.label),
               lambda ga: Item(ga[0], f"{ga[1]} → {ga[2]}", needles=(ga[1], ga[2])),
               lambda pp: Item(None, f"{pp.a.label} → {pp.b.label}", ((pp.a.iri, CKG + pp.prop, pp.b.iri),)), match)
    owned = [(g.report, owner, g.figures[i]) for g in golds for owner, i in g.owned]

    def same_owned(go: tuple[str, str, Figure], po: PredOwned) -> bool:
        return similar(go[1], po.owner.label) and same_number(go[2].value, po.value) and go[2].unit == po.unit

    _tally(tallies["rel:hasTarget"], owned, pred.owned, same_owned,
           lambda go: Item(go[0], f"{go[1]} → {_number(go[2].value)}{go[2].unit}", needles=(go[1],),
                           quote=go[2].evidence),
           lambda po: Item(None, f"{po.owner.label} → {_number(po.value)}{po.unit}",
                           ((po.owner.iri, CKG + "hasTarget", po.figure),)), match)


def score(golds: list[GoldReport], pred: Predicted, maximum: bool = False) -> Scores:
    """Every key of KEYS tallied over the gold reports: first-fit matching, or with `maximum` the largest."""
    match = matching.maximum if maximum else matching.first_fit
    tallies = {k: Tally() for k in KEYS}
    for g in golds:
        _score_report(g, pred, tallies, match)
    _score_relations(golds, pred, tallies, match)
    total = tallies[ALL]
    for k in ALL_PARTS:
        total.tp += tallies[k].tp
        total.pred += tallies[k].pred
        total.gold += tallies[k].gold
    return Scores(tallies, [g.report for g in golds])
