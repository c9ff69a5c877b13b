"""kg.normalize on the five real reports (corpus/) and on small made-up texts."""
from __future__ import annotations

import re
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.normalize import Text, normalize

from offset_checks import check_offsets

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
REPORTS = sorted(CORPUS.glob("*.txt"))
GLOSS = re.compile(r"[\u4e00-\u9fff]\([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
T2S = opencc.OpenCC("t2s").convert


@pytest.fixture(scope="module")
def done() -> dict[str, tuple[str, Text]]:
    out = {}
    for p in REPORTS:
        original = p.read_text(encoding="utf-8")
        out[p.name[:3]] = (original, normalize(original))
    return out


def _credits(t: Text) -> set[tuple[str, str | None]]:
    return {(c.role, c.name) for c in t.credits}


def test_corpus_is_there():
    assert len(REPORTS) == 5


def test_no_pinyin_gloss_survives(done):
    for key, (original, t) in done.items():
        if key != "003":  # 003 never had glosses
            assert GLOSS.search(original), key
        assert not GLOSS.search(t.text), (key, GLOSS.search(t.text))


def test_real_parentheses_stay(done):
    assert "(试行)" in done["004"][1].text
    assert "(社区)" in done["000"][1].text
    assert "(2021—2023年)" in done["003"][1].text
    assert "(园区)" in done["003"][1].text


def test_credits_000(done):
    original, t = done["000"]
    assert ("author", "王梦阳") in _credits(t)
    assert ("editor", "刘艳梅") in _credits(t)
    offices = [c.office for c in t.credits if c.office]
    assert offices == ["中共盐亭县委常委、组织部部长"]
    for c in t.credits:
        assert 0 <= c.start < c.end <= len(original)
    (editor,) = [c for c in t.credits if c.role == "editor"]
    assert original[editor.start:editor.end] == "(責(zé)編:劉艷梅)"
    for gone in ("王梦阳", "刘艳梅", "作者系", "责编"):
        assert gone not in t.text
    assert t.text.startswith("为认真贯彻落实")
    assert t.text.endswith("的模范部门。")


def test_credits_001(done):
    _, t = done["001"]
    assert _credits(t) == {("author", "苏新发")}
    assert "苏新发" not in t.text and "文|" not in t.text


def test_credits_002(done):
    original, t = done["002"]
    assert _credits(t) == {("author", "杨宏伟"), ("author", None)}
    (office,) = [c for c in t.credits if c.name is None]
    assert office.office == "富平县委常委、组织部长"
    assert original[office.start:office.end] == "(作者系富平縣委常委、組織部長)"
    for gone in ("杨宏伟", "作者系", "book=", "ebook", "=38"):
        assert gone not in t.text
    assert t.text.startswith("组织工作要把群众路线贯穿始终\n")  # the title stays


def test_credits_003(done):
    original, t = done["003"]
    assert _credits(t) == {
        ("photographer", "李成东"),
        ("photographer", "黄赞福"),
        ("reporter", "田清秀"),
        ("reporter", "李成东"),
        ("special correspondent", "李远来"),
        ("special correspondent", "蓝天明"),
        ("correspondent", "邱劲泽"),
        ("photographer", "杨坚"),
    }
    photo = [c for c in t.credits if c.role == "photographer" and c.name == "李成东"][0]
    assert original[photo.start:photo.end] == "李成東 攝"
    for gone in ("李成东", "黄赞福", "田清秀", "李远来", "蓝天明", "邱劲泽", "杨坚", "组稿", "通讯员", "摄影", " 摄"):
        assert gone not in t.text
    assert not re.search(r"摄\s*$", t.text, re.M)
    # the captions stay in the body, without their credit
    assert "■在上莞镇新民村“党员示范岗”，" in t.text
    assert "派发交通安全、森林防火等宣传单。\n" in t.text
    assert "成功由后进变先进。\n" in t.text


def test_no_credits_in_004(done):
    assert done["004"][1].credits == []


def test_offsets_map_back_to_the_original(done):
    for key, (original, t) in done.items():
        assert len(t.origin) == len(t.text)
        assert all(0 <= o < len(original) for o in t.origin)
        assert all(a <= b for a, b in zip(t.origin, t.origin[1:]))
        garbled = [range(m.start, m.end) for m in t.mojibake]
        checked = 0
        for i, ch in enumerate(t.text):
            o = t.origin[i]
            if not "\u4e00" <= ch <= "\u9fff" or any(o in r for r in garbled):
                continue
            src = original[o]
            assert ch == src or ch == T2S(src), (key, i, ch, src)
            checked += 1
        assert checked > 1000, key


def test_original_span_finds_the_traditional_surface(done):
    original, t = done["000"]
    i = t.text.index("盐亭县坚持")
    s, e = t.original_span(i, i + 3)
    assert original[s:e] == "鹽亭縣"
    i = t.text.index("认真")
    s, e = t.original_span(i, i + 2)
    assert original[s:e] == "認(rèn)真"  # a gloss inside the span comes along
    assert t.original_span(0, 0) == (t.origin[0], t.origin[0])
    n = len(t.text)
    assert t.original_span(n, n)[0] <= len(original)


def test_mojibake_reported_with_offsets(done):
    for key, count in (("001", 3), ("004", 6)):
        original, t = done[key]
        assert len(t.mojibake) == count
        for m in t.mojibake:
            assert original[m.start:m.end] == m.text
            assert m.text[0] == "?"
        assert "?" not in t.text and "？" not in t.text
    original, t = done["004"]
    county = [m for m in t.mojibake if m.text == "??h"]
    assert len(county) == 4 and all(m.repaired == "县" for m in county)
    assert all(original[m.end:m.end + 1] == "委" for m in county)
    for garbage in ("ш", "叭", "jī)", "duì)"):
        assert garbage not in t.text
    original, t = done["001"]
    (party,) = [m for m in t.mojibake if m.repaired]
    assert (party.text, party.repaired) == ("?;鶎狱h", "基层党")
    assert "质量水平。基层党建工作" not in t.text  # the lost 。 is not invented...
    starts = [t.text[s:s + 6] for s, _ in t.sentences]
    assert "基层党建工作" in starts  # ...but the sentence breaks there
    for garbage in ("鶎", "狱", "巸", "jiān)", "yōu)", "O("):
        assert garbage not in t.text


def test_the_repaired_county_starts_a_sentence(done):
    _, t = done["004"]
    starts = [t.text[s:e] for s, e in t.sentences]
    assert any(x.startswith("县委组织部多次召开") for x in starts)
    assert any(x.startswith("县委常委、组织部长谢日升") for x in starts)


def test_no_mojibake_in_clean_reports(done):
    for key in ("000", "002", "003"):
        assert done[key][1].mojibake == []


def test_punctuation(done):
    for key, (_, t) in done.items():
        assert not re.search(r"[\u4e00-\u9fff][,;:?!][\u4e00-\u9fff“”]", t.text), key
        assert "“" in t.text or key == "999"
    text000 = done["000"][1].text
    assert "300名—500名" in text000 and "未来5年—10年" in text000
    assert "2-3名" in done["004"][1].text
    assert "《盐亭县加强干部关心关爱的十条意见》落实情况" in text000
    assert "50%以上" in done["001"][1].text
    assert "18.5万元" in done["001"][1].text


def test_spaces_used_as_commas(done):
    t = done["002"][1]
    assert "干部是否选准用好了，干部现实表现是否得人心了，群众最有评判权。" in t.text
    assert "作为干部的“娘家”，事前" in t.text
    s = t.text.index("干部是否")
    (sent,) = [x for x in t.sentences if x[0] <= s < x[1]]
    assert [t.text[a:b] for a, b in t.clauses(*sent)] == [
        "干部是否选准用好了", "干部现实表现是否得人心了", "群众最有评判权",
    ]
    assert " " not in t.text


def test_sentences(done):
    for key, (_, t) in done.items():
        assert t.sentences, key
        prev = 0
        for s, e in t.sentences:
            assert prev <= s < e <= len(t.text)
            assert "\n" not in t.text[s:e]
            assert t.text[s:e] == t.text[s:e].strip()
            prev = e
        covered = sum(e - s for s, e in t.sentences)
        assert covered >= len(t.text) - t.text.count("\n") - 5
    t = done["003"][1]
    i = t.text.index("推荐名单……")
    (sent,) = [x for x in t.sentences if x[0] <= i < x[1]]
    assert t.text[sent[0]:sent[1]].endswith("推荐名单……")
    t = done["004"][1]
    assert "旗帜火红，于今更艳；" in [t.text[s:e] for s, e in t.sentences]


def test_clauses_keep_quotes_whole(done):
    t = done["000"][1]
    i = t.text.index("在全县集中开展")
    (sent,) = [x for x in t.sentences if x[0] <= i < x[1]]
    clauses = [t.text[a:b] for a, b in t.clauses(*sent)]
    assert clauses == ["在全县集中开展“强党性、转作风、促攻坚、抓落实”专项行动", "形成各级干部大抓落实的“风暴”"]


def test_idempotent(done):
    for key, (_, t) in done.items():
        again = normalize(t.text)
        assert again.text == t.text, key
        assert again.mojibake == [] and again.credits == []


# --- made-up texts ---------------------------------------------------------------

def test_other_credit_forms():
    t = normalize("标题\n文／赵六\n县委组织部召开会议(记者 张三 通讯员 李四)。\n（责任编辑：王五）\n编辑：钱七")
    assert _credits(t) == {
        ("author", "赵六"), ("reporter", "张三"), ("correspondent", "李四"), ("editor", "王五"), ("editor", "钱七"),
    }
    assert t.text == "标题\n县委组织部召开会议。"
    original = "县委召开会议。\n（作者系中共XX县委书记）"
    t = normalize(original)
    (c,) = t.credits
    assert (c.role, c.name, c.office) == ("author", None, "中共XX县委书记")
    assert original[c.start:c.end] == "（作者系中共XX县委书记）"
    assert t.text == "县委召开会议。"


def test_body_text_is_not_taken_for_a_credit():
    for body in ("记者了解到，该县召开会议。", "县委拍摄了宣传片，进行拍摄", "核心提示\n县委召开会议。", "图：党员在社区服务。"):
        t = normalize(body)
        assert t.credits == [], body


def test_real_questions_are_kept():
    t = normalize("你准备好了吗?我们出发。为什么?因为要赶路!")
    assert t.text == "你准备好了吗？我们出发。为什么？因为要赶路！"
    assert t.mojibake == []
    assert len(t.sentences) == 4


def test_full_width_forms_and_ascii_numbers():
    t = normalize("ＡＢＣ１２３，全角（试行）。数字1,000和10:30。")
    assert t.text == "ABC123，全角(试行)。数字1,000和10:30。"


def test_utf8_read_as_gbk_is_repaired():
    garbled = "东源创新举措".encode("utf-8").decode("gbk")
    original = "东源县" + garbled + "，好。"
    t = normalize(original)
    assert t.text == "东源县东源创新举措，好。"
    (m,) = t.mojibake
    assert original[m.start:m.end] == garbled and m.repaired == "东源创新举措"


def test_ascii_gloss_lookalikes_stay():
    t = normalize("推行“党建+(PPP)”模式和(A)类。")
    assert "(PPP)" in t.text and "(A)" in t.text


def test_empty_and_blank():
    assert normalize("").text == ""
    t = normalize("\n\n  \n")
    assert t.text == "" and t.sentences == []
    a, b = t.original_span(0, 0)
    assert a == b and 0 <= a <= 5


_ALPHABET = st.sampled_from(list("縣委组织部認真(rèn)?？;!, 　\n“”《》■文/|攝李成東ＡＢ１h鶎狱巸ш吗。、：—-1a") + ["\ufffd", "\r\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_offsets_are_always_valid(original):
    t = normalize(original)
    check_offsets(original, t)
    for c in t.credits:
        assert 0 <= c.start < c.end <= len(original)
    for m in t.mojibake:
        assert original[m.start:m.end] == m.text
