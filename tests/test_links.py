"""How the relation component links initiatives to groups and the county: the cases of issue 13, class 4."""
from __future__ import annotations

from kg.nlp import extract
from kg.normalize import normalize


def _pairs(nlp, text: str, typ: str = "targets") -> set[tuple[str, str]]:
    doc = extract.run(nlp, normalize(text), "t.txt")
    lab = lambda x: x.label if hasattr(x, "label") else x[1]  # noqa: E731
    return {(lab(ln.source), lab(ln.target)) for ln in doc._.kg_links if ln.type == typ}


def test_a_group_after_a_list_of_initiatives_is_each_items(nlp):
    pairs = _pairs(nlp, "某县深入实施“雏鹰”和“归雁”计划，加大对返乡创业人才扶持力度。")
    assert {("雏鹰计划", "返乡创业人才"), ("归雁计划", "返乡创业人才")} <= pairs


def test_a_group_goes_to_the_initiative_of_its_own_list_item(nlp):
    pairs = _pairs(nlp, "要通过在窗口单位开展“马上就办”、在乡镇干部中推行“便民连心卡”等主题实践活动，拓宽服务内容。")
    assert ("便民连心卡", "乡镇干部") in pairs
    assert ("马上就办", "乡镇干部") not in pairs


def test_a_document_acts_on_the_group_its_title_names(nlp):
    pairs = _pairs(nlp, "县委印发《关于选派优秀干部到村任第一书记的实施意见》。今年共选派第一书记42名，驻村开展工作。")
    assert ("关于选派优秀干部到村任第一书记的实施意见", "第一书记") in pairs


def _counties(nlp, text: str) -> set[str]:
    doc = extract.run(nlp, normalize(text), "t.txt")
    return {m.label for m in doc._.kg_mentions if m.type == "County"}


def test_a_conjunction_before_the_county_organs_is_no_county(nlp):
    found = _counties(nlp, "濮阳县召开会议，村党支部书记李连成和县委组织部、县住建局负责同志参加。")
    assert found == {"濮阳县"}


def test_a_two_character_district_is_a_word_unless_its_prefecture_leads(nlp):
    assert "城区" not in _counties(nlp, "九原区为现代化中心城区建设注入动能，山西、广东的考察团来访。")
    assert "城区" in _counties(nlp, "晋城市城区召开基层党建工作会议。")


def test_a_short_form_before_one_of_its_villages_is_the_county(nlp):
    assert "上杭县" in _counties(nlp, "记者从长汀县一路走来，像上杭五龙村一样，党支部的堡垒作用随处可见。")
