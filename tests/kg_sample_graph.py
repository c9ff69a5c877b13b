"""A small hand-built graph for export, query and shape tests (no NLP needed), and the real exports.

Labels hold everything a writer can get wrong: quotes, backslashes, newlines,
< > &, triple quotes, and control characters XML 1.0 forbids.
"""
from __future__ import annotations

from pathlib import Path

from kg.facts import Entity, Evidence, Relation, ReportFacts
from kg.graph import KnowledgeGraph, merge

R1, R2 = "a/001.txt", "b 002.txt"
NASTY = 'He said "hi" \\ back\\slash\nnext line\r\n<tag> & amp; """triple""" \x01ctrl\x0bvt end'
NASTY_CLEAN = NASTY.replace("\x01", "").replace("\x0b", "")
SENTENCE = "天镇县推行积分制管理，对党员实行积分。"


def _ev(report: str, sentence: str, start: int, rule: str) -> Evidence:
    return Evidence(report, sentence, start, start + len(sentence), rule)


def sample_facts() -> list[ReportFacts]:
    fig, pct, yt = "选拔240名以上年轻优秀干部。", "覆盖率12.5%。", "盐亭县实行积分制管理。"
    t1, t2 = ("Target", f"{R1}#30"), ("Target", f"{R1}#35")
    f1 = ReportFacts(R1, {"date": "2021年5月12日", "title": "天镇县组织工作"}, [
        Entity("County", "天镇县", "天镇县", ["天鎮縣"], {"code": "140222"}, [_ev(R1, SENTENCE, 0, "county.name")]),
        Entity("Official", "王建江", "王建江", [], {"titles": ["县委书记", "镇党委书记"], "county": "天镇县"},
               [_ev(R1, "县委书记王建江说。", 40, "official.title_name")]),
        Entity("Person", "李成东", "李成东", [], {"roles": ["photographer"]}, [_ev(R1, "摄影 李成东", 90, "credit")]),
        Entity("Mechanism", "积分制管理", "积分制管理", [], {}, [_ev(R1, SENTENCE, 0, "initiative.head")]),
        Entity("Programme", NASTY, NASTY, [], {}, [_ev(R1, "nasty", 60, "initiative.quote")]),
        Entity("Group", "年轻干部", "年轻干部", [], {}, [_ev(R1, "培养年轻干部。", 20, "group.head")]),
        Entity("Place", "新平镇", "新平镇", [], {"county": "天镇县"}, [_ev(R1, "新平镇", 70, "place.name")]),
        Entity(*t1, "240名 年轻优秀干部", [],
               {"value": 240, "unit": "名", "measures": "年轻优秀干部", "kind": "goal", "comparator": "以上"},
               [_ev(R1, fig, 30, "figure.number")]),
        Entity(*t2, "12.5% 覆盖率", [], {"value": 12.5, "unit": "%", "measures": "覆盖率", "kind": "achieved"},
               [_ev(R1, pct, 35, "figure.number")]),
    ], [
        Relation("implements", ("County", "天镇县"), ("Mechanism", "积分制管理"),
                 [_ev(R1, SENTENCE, 0, "implements.verb")]),
        Relation("implements", ("County", "天镇县"), ("Programme", NASTY), [_ev(R1, "nasty", 60, "implements.verb")]),
        Relation("targets", ("Mechanism", "积分制管理"), ("Group", "年轻干部"),
                 [_ev(R1, "培养年轻干部。", 20, "targets.verb")]),
        Relation("hasTarget", ("County", "天镇县"), t1, [_ev(R1, fig, 30, "hasTarget")]),
        Relation("hasTarget", ("Mechanism", "积分制管理"), t2, [_ev(R1, pct, 35, "hasTarget")]),
        Relation("locatedIn", ("Place", "新平镇"), ("County", "天镇县"), [_ev(R1, "新平镇", 70, "locatedIn")]),
        Relation("authoredBy", ("Report", R1), ("Person", "李成东"), [_ev(R1, "摄影 李成东", 90, "authoredBy.credit")]),
    ])
    f2 = ReportFacts(R2, {}, [
        Entity("County", "盐亭县", "盐亭县", [], {"code": "510723"}, [_ev(R2, yt, 0, "county.name")]),
        Entity("Mechanism", "积分制管理", "积分制管理", [], {}, [_ev(R2, yt, 0, "initiative.head")]),
    ], [
        Relation("implements", ("County", "盐亭县"), ("Mechanism", "积分制管理"), [_ev(R2, yt, 0, "implements.verb")]),
    ])
    return [f1, f2]


def sample_graph() -> KnowledgeGraph:
    return merge(sample_facts())


_EXPORTED: dict[int, Path] = {}


def real_exports(built) -> tuple[object, Path]:
    """(BuildResult, folder) with every export of the real corpus, made once per test session."""
    from kg.export import export_all

    result, out = built
    key = id(result)
    if key not in _EXPORTED:
        folder = Path(out) / "all-exports"
        export_all(result.graph, folder)
        _EXPORTED[key] = folder
    return result, _EXPORTED[key]
