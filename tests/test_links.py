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
