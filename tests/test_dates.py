"""Report dates read from the text (kg.dates) on real reports, and the timeline they give: dcterms:date,
a dynamic GEXF whose nodes and edges start at their first report, timeline.csv and the shipped
initiative_uptake.rq query."""
from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from kg import query as kq
from kg.dates import header, report_date
from kg.normalize import normalize

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "corpus").glob("*.txt"))
ANNOTATED = sorted((ROOT / "tests" / "annotated" / "texts").glob("*.txt"))
HELDOUT = sorted((ROOT / "tests" / "heldout" / "reports").glob("*.txt"))
GEXF = "{http://gexf.net/1.3}"


def _date(path: Path) -> str | None:
    return report_date(normalize(path.read_text(encoding="utf-8")).text)


@pytest.fixture(scope="module")
def real_dates() -> dict[str, str | None]:
    return {f"{p.parent.name}/{p.name}": _date(p) for p in CORPUS + ANNOTATED + HELDOUT}


# ---- reading the date -------------------------------------------------------------------------------

def test_most_real_web_pages_get_a_date_and_none_is_in_the_future_or_before_1990(real_dates):
    got = {k: v for k, v in real_dates.items() if v}
    texts = sum(1 for k, v in got.items() if k.startswith("texts/"))
    corpus = sum(1 for k in got if k.startswith("corpus/"))
    heldout = sum(1 for k in got if k.startswith("reports/"))
    # every real report that states a full date in its header or a closing line gets one (checked by eye:
    # the undated ones state at most a month and day, 4月10日, or a year, 2021年)
    assert (texts, corpus, heldout) == (22, 1, 4), sorted(got)
    today = dt.date.today().isoformat()
    assert all("1990-01-01" <= d <= today for d in got.values()), got


@pytest.mark.parametrize("name, day", [
    ("texts/a01.txt", "2019-02-01"),     # 來源:新華網 / 2019-02-01 09:41:02 (Traditional)
    ("texts/a03.txt", "2017-10-27"),     # 發(fā)布時(shí)間:2017-10-27 19:40:04 (pinyin glosses in the cue)
    ("texts/b07.txt", "2024-01-19"),     # 光明日报 2024年01月19日 星期五, after 23 lines of navigation
    ("texts/h24.txt", "2023-07-03"),     # 来源:琼海市融媒体中心      时间:2023-07-03 20:35:23
    ("texts/n04.txt", "2014-12-17"),     # 2014年12月17日10:37    來源:人民網
    ("texts/n09.txt", "2022-12-15"),     # 時間:2022-12-15來源 : 人民網-廣西頻道
    ("texts/n12.txt", "2015-07-02"),     # 中红网贵州黄平2015年7月2日电(廖尚刚): a news dateline
    ("texts/n20.txt", "2023-06-15"),     # a date alone on the line under the title
    ("corpus/003_be5d3f317b1676cc.txt", "2021-04-11"),  # ■2021年4月11日，半江鎮…: the newest date in the header
    ("reports/105_fushun.txt", "2021-09-02"),  # 2021年09月02日16:16 来源：
])
def test_known_dates_of_real_reports(real_dates, name, day):
    assert real_dates[name] == day


def test_reports_that_state_no_full_date_get_none(real_dates):
    # a04: 4月10日 only; a10: 9月19日 and 来源 without a date; n10: 2021年 and 2018—2020年度, years only;
    # 000: none; 001: 今年是中国共产党成立100周年
    for name in ("texts/a04.txt", "texts/a10.txt", "texts/n10.txt", "corpus/000_820299a8950da9aa.txt",
                 "corpus/001_80bae33e4e5280a8.txt"):
        assert real_dates[name] is None, name


def test_traditional_full_width_text_reads_as_simplified_does():
    raw = (ROOT / "tests" / "annotated" / "texts" / "a03.txt").read_text(encoding="utf-8")
    wide = raw.replace("2017-10-27", "２０１７－１０－２７")  # full-width digits and dash
    assert report_date(normalize(wide).text) == "2017-10-27"
    assert report_date(wide) == "2017-10-27"                 # the raw text too (NFKC inside)
    assert report_date("發佈時間：２０２１年４月１１日\n正文。") == "2021-04-11"


def test_deadlines_plans_figures_and_the_pages_clock_are_never_the_date():
    title = "县委组织部召开会议\n"
    body = "全县" + "基层党组织书记培训工作有序推进，" * 4 + "成效明显。\n"
    assert report_date(title + "到2025年12月31日前完成全部任务\n" + body) is None      # a deadline
    assert report_date(title + "计划于2030年6月30日召开\n" + body) is None             # a plan
    assert report_date(title + "本办法自2031年1月1日起施行\n" + body) is None           # in force from
    assert report_date(title + "2021年计划培训240名干部，2018-2020年度考核\n" + body) is None  # years
    assert report_date(title + "今天是2026年12月1日 星期二\n" + body) is None           # the crawl's clock
    assert report_date(title + "电话：0531-2021-04-11\n" + body) is None                # inside a number
    assert report_date(title + "1989年6月1日\n" + body) is None                         # before 1990
    assert report_date(title + "2021年2月30日\n" + body) is None                        # no such day
    # a plan beside the real date does not win, though it is newer
    assert report_date(title + "2021年4月11日，全县召开会议，要求到2021年12月31日前完成\n" + body) == "2021-04-11"


def test_a_closing_dateline_counts_when_the_header_has_none():
    para = "基层党组织建设工作稳步推进，各项任务落实落细，成效明显，群众满意，"
    body = "".join(f"第{i}段，{para}{para}干部担当作为。\n" for i in range(6))  # body paragraphs: no header date
    assert report_date(body + "中共某某县委组织部\n二〇二一年四月十一日\n") == "2021-04-11"
    assert report_date(body + "(2019年3月5日)\n") == "2019-03-05"
    assert report_date(body + "2019年3月5日，他又一次来到村里。\n") is None  # a sentence, not a dateline


def test_the_header_ends_at_the_body_and_keeps_its_opening():
    text = "标题\n2021-04-11 09:00 来源：某网\n" + "正文" * 150 + "。\n第二段。\n"
    lines = header(text)  # full-width forms as ASCII (NFKC); the body's first 200 characters, then no more
    assert lines == ["标题", "2021-04-11 09:00 来源:某网", "正文" * 100]


# ---- where the date is used ---------------------------------------------------------------------------

def test_a_sidecar_date_wins_and_the_text_fills_in_otherwise(tmp_path, nlp):
    from kg import read
    from kg.process import process_source

    src = ROOT / "corpus" / "003_be5d3f317b1676cc.txt"
    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(src, corpus / src.name)
    facts = process_source(nlp, read.read_report(corpus / src.name, corpus))
    assert facts.meta["date"] == "2021-04-11" and facts.meta["date_read"] == "text"
    (corpus / (src.name + ".meta.json")).write_text(json.dumps({"date": "2021-05-20"}), encoding="utf-8")
    facts = process_source(nlp, read.read_report(corpus / src.name, corpus))
    assert facts.meta["date"] == "2021-05-20" and "date_read" not in facts.meta


def test_the_cache_key_covers_the_date_rules(monkeypatch):
    from kg import cache

    before = cache.code_digest()
    real = Path.read_bytes

    def changed(self):
        data = real(self)
        return data + b"\n# changed\n" if self.name == "dates.py" else data

    monkeypatch.setattr(cache, "_CODE_DIGEST", None)
    monkeypatch.setattr(Path, "read_bytes", changed)
    assert cache.code_digest() != before
    monkeypatch.setattr(cache, "_CODE_DIGEST", None)


def test_the_corpus_build_gives_dcterms_date(built):
    _, out = built
    names, rows = kq.query(out, """SELECT ?file ?date WHERE {
        ?r ckg:fileName ?file ; dcterms:date ?date . FILTER(datatype(?date) = xsd:date) }""")
    got = {str(kq_value(r[0])): str(kq_value(r[1])) for r in rows}
    assert got == {"003_be5d3f317b1676cc.txt": "2021-04-11"}


def kq_value(term):
    from kg.api import value

    return value(term)


def test_gexf_is_dynamic_with_nodes_and_edges_starting_at_their_first_report(built):
    _, out = built
    graph = ET.parse(out / "graph.gexf").getroot().find(f"{GEXF}graph")
    assert (graph.get("mode"), graph.get("timeformat"), graph.get("timerepresentation")) == (
        "dynamic", "date", "interval")
    G = nx.read_gexf(out / "graph.gexf")
    assert G.graph["mode"] == "dynamic"
    assert G.nodes["County:东源县"]["start"] == "2021-04-11"
    assert G.nodes["Report:003_be5d3f317b1676cc.txt"]["start"] == "2021-04-11"
    assert "start" not in G.nodes["County:乌审旗"]  # its report states no date: always present
    assert G.nodes["Programme:党史学习教育"]["start"] == "2021-04-11"  # first stated by the dated report
    uptake = {u: d for u, v, d in G.edges(data=True) if v == "Programme:党史学习教育" and d["relation"] == "implements"}
    assert uptake["County:东源县"]["start"] == "2021-04-11" and "start" not in uptake["County:乌审旗"]
    assert all("end" not in d for _, d in G.nodes(data=True))  # open intervals: stated stays stated


def test_timeline_csv_has_the_columns_and_the_known_rows(built):
    _, out = built
    assert (out / "timeline.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    with open(out / "timeline.csv", encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert reader.fieldnames == ["county", "code", "initiative", "kind", "first_date", "last_date", "reports",
                                 "report_files"]
    known = [r for r in rows if r["initiative"] == "党史学习教育"]
    assert known == [
        {"county": "东源县", "code": "441625", "initiative": "党史学习教育", "kind": "Programme",
         "first_date": "2021-04-11", "last_date": "2021-04-11", "reports": "1",
         "report_files": "003_be5d3f317b1676cc.txt"},
        {"county": "乌审旗", "code": "150626", "initiative": "党史学习教育", "kind": "Programme",
         "first_date": "", "last_date": "", "reports": "1", "report_files": "001_80bae33e4e5280a8.txt"},
    ]
    firsts = [r["first_date"] for r in rows]
    dated = [d for d in firsts if d]
    assert dated == sorted(dated) and firsts == dated + [""] * (len(firsts) - len(dated))  # undated last
    assert {r["kind"] for r in rows} == {"Programme", "Mechanism"}


def test_the_uptake_query_orders_counties_by_first_report(built):
    _, out = built
    names, rows = kq.query(out, (ROOT / "queries" / "initiative_uptake.rq").read_text(encoding="utf-8"))
    assert names == ["initiative", "county", "first", "last", "reports"]
    cells = [[None if t is None else str(kq_value(t)) for t in r] for r in rows]
    assert cells == [["党史学习教育", "东源县", "2021-04-11", "2021-04-11", "1"],
                     ["党史学习教育", "乌审旗", None, None, "1"]]
