"""Curation applied to one real report's facts: labels and sentences bound as a person saw them (Traditional or
Simplified), the last verdict on a fact winning, and a reason for every line that matches nothing."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from kg import read
from kg.curation import Correction
from kg.curation.apply import ADD_RULE, Curator
from kg.curation.format import check
from kg.normalize import normalize

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
R000 = "000_820299a8950da9aa.txt"


def _text_of(name: str):
    return normalize(read.read_report(CORPUS / name, CORPUS).text)


def _curator(*lines: dict) -> Curator:
    for line in lines:
        assert check(line) is None, line
    return Curator([Correction(line, "curation/t.jsonl", i) for i, line in enumerate(lines, 1)], _text_of)


@pytest.fixture
def facts(built):
    result, _ = built
    return copy.deepcopy(next(f for f in result.facts if f.report == R000))


def _rels(facts) -> set:
    return {(r.type, r.source[1], r.target[1]) for r in facts.relations}


def test_a_reject_names_the_county_in_traditional_or_simplified(facts):
    fact = ("implements", "盐亭县", "小班培训模式")
    assert fact in _rels(facts)
    cur = _curator({"action": "reject", "report": R000, "subject": "鹽亭縣", "predicate": "implements",
                    "object": "小班培訓模式"})
    records = cur.apply(facts)
    assert fact not in _rels(facts) and len(records) == 1 and records[0].predicate == "implements"
    assert {e.label for e in facts.entities} >= {"盐亭县", "小班培训模式"}  # the ends stay
    assert cur.outcome({R000}).summary() == "applied 1 correction"


def test_the_last_verdict_on_a_fact_wins(facts):
    reject = {"action": "reject", "report": R000, "subject": "盐亭县", "predicate": "implements", "object": "小班培训模式"}
    accept = dict(reject, action="accept")
    cur = _curator(reject, accept)
    cur.apply(facts)
    assert ("implements", "盐亭县", "小班培训模式") in _rels(facts)
    out = cur.outcome({R000})
    assert [c.line for c in out.applied] == [2] and [(a.line, b.line) for a, b in out.superseded] == [(1, 2)]
    assert out.summary() == "applied 1 correction (1 more replaced by a later verdict)"


def test_an_entity_reject_takes_its_facts_with_it(facts):
    assert any(r.target == ("Mechanism", "小班培训模式") or r.source == ("Mechanism", "小班培训模式")
               for r in facts.relations)
    _curator({"action": "reject", "report": R000, "type": "Mechanism", "label": "小班培训模式"}).apply(facts)
    assert ("Mechanism", "小班培训模式") not in {e.ref for e in facts.entities}
    assert not any("小班培训模式" in (r.source[1], r.target[1]) for r in facts.relations)


@pytest.mark.parametrize("sentence", [
    "以小班培训模式，有针对性地举办农村党支部书记培训班和村级后备力量培训班。",           # Simplified
    "以小班培訓(xùn)模式,有針對(duì)性地舉辦農(nóng)村黨支部書記培訓(xùn)班",  # as the report has it, glosses and all
])
def test_an_add_finds_its_sentence_as_written_or_in_simplified(facts, sentence):
    assert ("targets", "小班培训模式", "乡土人才") not in _rels(facts)
    records = _curator({"action": "add", "report": R000, "subject": "小班培训模式", "predicate": "targets",
                        "object": "鄉土人才", "sentence": sentence}).apply(facts)
    rel = next(r for r in facts.relations if r.type == "targets" and r.target == ("Group", "乡土人才")
               and r.source == ("Mechanism", "小班培训模式"))
    ev = rel.evidence[0]
    original = (CORPUS / R000).read_text(encoding="utf-8")
    assert ev.rule == ADD_RULE and original[ev.start:ev.end].startswith("以小班培訓(xùn)模式,有針對")
    assert ev.sentence.startswith("以小班培训模式，有针对性")
    assert [r.predicate for r in records] == ["targets"]


def test_every_line_that_matches_nothing_says_why(facts):
    lines = [
        {"action": "add", "report": R000, "subject": "盐亭县", "predicate": "implements", "object": "某某工程",
         "sentence": "以小班培训模式"},
        {"action": "add", "report": R000, "subject": "盐亭县", "predicate": "implements", "object": "某某工程",
         "object_type": "Programme", "sentence": "这句话不在报告里。"},
        {"action": "accept", "report": R000, "subject": "盐亭县", "predicate": "targets", "object": "小班培训模式"},
        {"action": "merge", "type": "Group", "keep": "甲", "drop": "乙"},
        {"action": "retype", "type": "Group", "label": "乡土人才", "to": "Place", "by": "x"},
    ]
    cur = _curator(*lines)
    cur.apply(facts)
    out = cur.outcome({R000})
    assert [c.line for c in out.applied] == [5]
    assert [why for _, why in out.unmatched] == [
        f"object '某某工程' is not an entity of {R000}: give object_type to add it",
        f"the sentence is not in {R000}",
        f"no targets fact 盐亭县 → 小班培训模式 in {R000}",
        "no Group labelled '乙' in the corpus",
    ]
    assert ("Place", "乡土人才") in {e.ref for e in facts.entities}
