"""The rule components on real sentences of this genre: what each finds, and what it must not."""
from __future__ import annotations

import json

import pytest

from kg.nlp import extract
from kg.nlp.figures import chinese_number
from kg.normalize import normalize


def _mentions(nlp, text: str, typ: str) -> list:
    doc = extract.run(nlp, normalize(text), "t.txt")
    return [m for m in doc._.kg_mentions if m.type == typ]


def _labels(nlp, text: str, *types: str) -> set[str]:
    return {m.label for t in types for m in _mentions(nlp, text, t)}


@pytest.mark.parametrize("text, value, value_max, unit, comparator", [
    ("计划培养储备300名—500名科级后备干部。", 300, 500, "名", None),
    ("每个乡镇明确2-3名扶贫专职干部。", 2, 3, "名", None),
    ("落实村级运转经费18.5万元。", 18.5, None, "万元", None),
    ("最强党支部创建比例达到30%以上。", 30, None, "%", "以上"),
    ("全年举办干部培训班不少于32期。", 32, None, "期", "不少于"),
    ("组织全县670余名党员干部参加考试。", 670, None, "名", "余"),
])
def test_figures_read_value_range_unit_and_comparator(nlp, text, value, value_max, unit, comparator):
    figs = _mentions(nlp, text, "Target")
    assert len(figs) == 1, [f.attrs for f in figs]
    a = figs[0].attrs
    assert (a["value"], a.get("value_max"), a["unit"], a.get("comparator")) == (value, value_max, unit, comparator)
    assert len(a["measures"]) >= 2


@pytest.mark.parametrize("text", [
    "2021年4月11日，全县召开组织工作会议。",          # a date
    "第三期县管干部专题研讨班顺利结业。",               # an ordinal
    "平均年龄38岁的班子更有活力。",                     # an age
    "实施“五个一”工作法。",                             # a number inside a name
    "用3个月时间完成整顿。",                            # a duration
])
def test_dates_ordinals_ages_durations_and_names_are_not_figures(nlp, text):
    assert _mentions(nlp, text, "Target") == []


def test_goal_and_achieved_figures(nlp):
    goal = _mentions(nlp, "力争到2025年培养200名年轻干部。", "Target")
    done = _mentions(nlp, "截至目前，已累计培训党员3500人次。", "Target")
    assert [f.attrs["kind"] for f in goal] == ["goal"] and [f.attrs["kind"] for f in done] == ["achieved"]
    assert goal[0].attrs.get("deadline") == "到2025年"


def test_chinese_numerals_parse():
    assert [chinese_number(s) for s in ("三", "十二", "一千", "三万五千", "两百")] == [3, 12, 1000, 35000, 200]
    assert chinese_number("第三") is None


def test_quoted_unquoted_documents_and_numbered_initiatives(nlp):
    text = ("全县深入实施“青苗培育工程”，推行积分制管理，出台《关于加强村干部队伍建设的实施意见》，"
            "探索1+N帮带模式，建立“三个一”工作机制。")
    found = _labels(nlp, text, "Programme", "Mechanism")
    assert {"青苗培育工程", "积分制管理", "关于加强村干部队伍建设的实施意见", "1+N帮带模式", "三个一工作机制"} <= found
    types = {m.label: m.type for t in ("Programme", "Mechanism") for m in _mentions(nlp, text, t)}
    assert types["青苗培育工程"] == "Programme" and types["积分制管理"] == "Mechanism"


def test_lists_sharing_one_head_are_split(nlp):
    found = _labels(nlp, "严格落实领导包联、工作组驻村、月报告等制度，推进后进村转化。", "Mechanism")
    assert {"领导包联制度", "工作组驻村制度", "月报告制度"} <= found


def test_generic_names_and_count_labels_are_not_initiatives(nlp):
    found = _labels(nlp, "健全长效机制，完善规章制度，抓好“三个行动”和一项活动。", "Programme", "Mechanism")
    assert found == set()


def test_bundles_whose_parts_are_named_keep_the_bundle_and_each_part(nlp):
    found = _labels(nlp, "建立“三个一”制度(写一份周记、开一次例会、做一次回访)。", "Programme", "Mechanism")
    assert {"三个一制度", "写一份周记", "开一次例会", "做一次回访"} <= found
    found = _labels(nlp, "坚持“两个优先”，对表现突出的，提拔使用优先、评先评优优先。", "Programme", "Mechanism")
    assert {"两个优先", "提拔使用优先", "评先评优优先"} <= found
    # a list that does not hold as many parts as the label counts is no bundle's
    assert _labels(nlp, "实施“三大工程”(强基、铸魂)。", "Programme") == set()


def test_names_inside_document_titles_corner_quotes_and_stops_before_the_head(nlp):
    found = _labels(nlp, "出台《关于实施“青苗培育工程”的意见》，实施堡垒提升工程，实行「轮值」。",
                    "Programme", "Mechanism")
    assert {"关于实施青苗培育工程的意见", "青苗培育工程", "堡垒提升工程", "轮值"} <= found


def test_quote_with_a_phrase_levers_and_what_is_no_initiative(nlp):
    found = _labels(nlp, "以“三化同步”示范达标党组织创建活动为抓手，以“支部建在产业链上”为切入口，建立"
                         "“产业建到哪里、支部就建到哪里”的动态调整机制。", "Programme", "Mechanism")
    assert {"三化同步示范达标党组织创建活动", "支部建在产业链上", "产业建到哪里、支部就建到哪里动态调整机制"} <= found
    # a building phase, a described "new model", kinds of activity, a head before 领导小组
    none = _labels(nlp, "全力支持学院三期工程建设，探索干部培养新模式，通过开展专题讲座、集中培训等活动，"
                        "成立主题教育活动领导小组。", "Programme", "Mechanism")
    assert none == set()


def test_short_forms_join_the_long_name_and_standardisation_drives_are_programmes(nlp):
    text = ("全县开展党建联盟结对共建活动。各村有选择地开展结对共建活动，宣传开展党建联盟活动的意义。"
            "一是全面推进村党组织标准化、规范化建设。")
    found = _labels(nlp, text, "Programme", "Mechanism")
    assert {"党建联盟结对共建活动", "村党组织标准化建设", "规范化建设"} <= found
    assert not {"结对共建活动", "党建联盟活动"} & found


def test_a_quoted_list_with_the_count_of_its_items_is_one_name(nlp):
    found = _labels(nlp, "建立“县级统筹、乡镇落实、村级实施”三项责任清单。", "Programme", "Mechanism")
    assert found == {"县级统筹、乡镇落实、村级实施三项责任清单"}


def test_a_count_label_whose_parts_head_the_sections_is_a_bundle(nlp):
    text = "全县实施“三大工程”，凝聚合力。\n实施堡垒提升工程\n一是压实责任。\n实施头雁培育工程\n二是配强力量。"
    assert {"三大工程", "堡垒提升工程", "头雁培育工程"} <= _labels(nlp, text, "Programme")
    assert "三大工程" not in _labels(nlp, "全县实施“三大工程”，凝聚合力。", "Programme")


def test_groups_keep_modifiers_and_drop_bare_generic_heads(nlp):
    groups = {m.label: m.attrs["head"] for m in
              _mentions(nlp, "持续培养90后专业化科级后备干部，加强村党组织书记队伍建设，关心干部。", "Group")}
    assert groups.get("90后专业化科级后备干部") == "后备干部"
    assert "村党组织书记" in groups
    assert "干部" not in groups


def test_initiative_targets_group_in_the_same_clause(nlp):
    doc = extract.run(nlp, normalize("盐亭县实施“青苗培育工程”，选派年轻干部到基层一线锻炼。"), "t.txt")
    pairs = {(ln.source.label, ln.target.label) for ln in doc._.kg_links if ln.type == "targets"}
    assert ("青苗培育工程", "年轻干部") in pairs


def test_places_below_the_report_county_with_their_town(nlp):
    doc = extract.run(nlp, normalize("东源县上莞镇新民村党支部开展主题党日活动。"), "t.txt")
    places = {m.label: m.attrs for m in doc._.kg_mentions if m.type == "Place"}
    assert places["上莞镇"]["county"] == "东源县"
    assert places["新民村"]["town"] == "上莞镇"


def test_county_short_form_needs_support_and_names_inside_words_do_not_count(nlp):
    assert _labels(nlp, "东源县委组织部召开会议。", "County") == {"东源县"}
    assert _labels(nlp, "该县被评为全省主题教育示范县。", "County") == set()  # 范县 inside 示范县


def test_a_user_lexicon_extends_the_rules_without_code(tmp_path, monkeypatch):
    from kg.nlp.pipeline import build

    text = "全县选聘党建网格专员担任联络人。"
    monkeypatch.chdir(tmp_path)
    before = _labels(build(), text, "Group")
    (tmp_path / "lexicons").mkdir()
    (tmp_path / "lexicons" / "mine.jsonl").write_text(
        json.dumps({"lexicon": "group_head", "term": "网格专员"}, ensure_ascii=False) + "\n", encoding="utf-8")
    after = _labels(build(), text, "Group")
    assert "网格专员" in after and "网格专员" not in before
