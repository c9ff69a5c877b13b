"""Officials and persons the reports name in ways the title-plus-name pattern misses (issue 13, class 5)."""
from __future__ import annotations

from kg.nlp.extract import run
from kg.nlp.mentions import mentions
from kg.normalize import normalize


def _people(nlp, text):
    doc = run(nlp, normalize(text), "t.txt")
    return {m.label: (m.type, m.attrs.get("titles") or m.attrs.get("roles")) for m in mentions(doc, "Official", "Person")}


def test_spaced_names_in_credit_lines():
    t = normalize("标题\n记者 张  三 通讯员 李 小 明\n县委召开会议。\n（记者 罗 艾桦）\n")
    assert [(c.role, c.name) for c in t.credits] == [("reporter", "张三"), ("correspondent", "李小明"),
                                                      ("reporter", "罗艾桦")]


def test_a_bracketed_name_signing_off_is_the_author():
    t = normalize("标题\n全县推进基层党建工作，受到好评。(王杏)\n")
    assert [(c.role, c.name) for c in t.credits] == [("author", "王杏")]
    assert "王杏" not in t.text
    # a bracketed name inside a sentence is no credit
    assert not normalize("标题\n村党支部书记(王杏)带头，全村参与。\n").credits


def test_office_after_the_name_through_a_verb(nlp):
    got = _people(nlp, "标题\n这是赖珠兴担任仙塘村支书5年来交出的成绩单。田奇越是省委宣传部办公室主任，下派工作。"
                       "2018年，周大勇当选为村党支部书记。\n")
    assert got["赖珠兴"] == ("Official", ["仙塘村支书"])
    assert got["田奇越"] == ("Official", ["省委宣传部办公室主任"])
    assert got["周大勇"][0] == "Official"


def test_titles_written_together_and_with_modifiers(nlp):
    got = _people(nlp, "标题\n武山县委书记温利平、县委常委组织部长王永刚出席。县委党校常务副校长张彦林主持。\n")
    assert got["王永刚"] == ("Official", ["县委常委", "组织部长"])
    assert got["张彦林"] == ("Official", ["县委党校常务副校长"])


def test_named_people_in_the_story_are_persons(nlp):
    got = _people(nlp, "标题\n县委书记王建江说，要抓好党建。村民李大山说：“日子好了。”五十六岁的刘桂珍告诉记者，"
                       "她家脱了贫。\n")
    assert got["王建江"][0] == "Official"  # an official who speaks stays an official
    assert got["李大山"][0] == "Person" and got["刘桂珍"][0] == "Person"


def test_editors_are_persons_but_not_authors(built):
    result, _ = built
    facts = next(f for f in result.facts if f.report == "000_820299a8950da9aa.txt")
    persons = {e.label for e in facts.entities if e.type == "Person"}
    authors = {t[1].rpartition("/")[2] for r in facts.relations if r.type == "authoredBy" for t in [r.target]}
    assert "刘艳梅" in persons  # 责编: a Person with the role editor
    assert authors == {"王梦阳"}
