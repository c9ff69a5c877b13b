"""`kg review` without a browser: the start token, the Host check, escaping of hostile report
text, 404s, the pages' content on the real corpus, and the merge-list candidates."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from click.testing import CliRunner

from review_server import HOSTILE, make_corpus, post_action, request, serving

REPORT = "000_820299a8950da9aa.txt"


@pytest.fixture(scope="module")
def site(tmp_path_factory, nlp):
    """The corpus and the hostile report built once; a server per test module."""
    from kg.build import build

    work = tmp_path_factory.mktemp("review")
    corpus = make_corpus(work)
    out = work / "outputs"
    build(corpus, out, nlp=nlp)
    with serving(out, corpus, work / "curation") as server:
        yield server, work


@pytest.fixture
def server(site):
    return site[0]


def token_of(page: bytes) -> str:
    m = re.search(rb'<meta name="kg-review-token" content="([^"]+)">', page)
    assert m, "the page carries no token"
    return m.group(1).decode()


def get(server, path: str) -> tuple[int, bytes]:
    status, _, body = request(server, "GET", path)
    return status, body


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside #text (the report pane)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.depth = 0  # >0 inside <div id="text">
        self.text: list[str] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if self.depth:
            self.depth += 1
        elif tag == "div" and a.get("id") == "text":
            self.depth = 1
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
        if self._in_script:
            self.script_text.append(data)


def parse(page: bytes) -> Tags:
    p = Tags()
    p.feed(page.decode("utf-8"))
    return p


def assert_inert(page: bytes) -> Tags:
    """No script but the server's own file, no inline script, no event-handler attribute, no
    element the report could have smuggled in."""
    p = parse(page)
    scripts = [a for t, a in p.tags if t == "script"]
    assert scripts == [{"src": "/static/review.js"}]
    assert not "".join(p.script_text).strip()
    assert not [(t, k) for t, a in p.tags for k in a if k.lower().startswith("on")]
    assert not [t for t, _ in p.tags if t in ("img", "b", "textarea") and t != "textarea"]
    assert [t for t, _ in p.tags].count("textarea") <= 1  # the add form's own, on a report page
    return p


# ---- the token -------------------------------------------------------------------------------

def test_changes_need_the_token_of_the_pages(site):
    server, work = site
    status, page = get(server, "/")
    assert status == 200
    token = token_of(page)
    reject = {"action": "reject", "report": REPORT, "subject": "盐亭县", "predicate": "implements",
              "object": "小班培训模式"}
    log = work / "curation" / "review.jsonl"
    before = log.read_text("utf-8") if log.exists() else ""
    assert post_action(server, reject)[0] == 403                       # no token
    assert post_action(server, reject, "x" * len(token))[0] == 403     # a wrong one
    assert post_action(server, reject, token[:-1])[0] == 403           # a prefix of it
    # the right token from another site's page (its Origin) is refused too
    assert post_action(server, reject, token, headers={"Origin": "http://evil.example"})[0] == 403
    assert (log.read_text("utf-8") if log.exists() else "") == before  # nothing written
    status, answer = post_action(server, reject, token)
    assert status == 200 and answer["ok"]
    line = json.loads(log.read_text("utf-8").splitlines()[-1])
    assert {k: line[k] for k in reject} == reject and line["at"]
    # a GET never changes anything; other methods are not served
    assert request(server, "GET", "/api/action")[0] == 404
    assert request(server, "PUT", "/api/action", b"{}", {"X-Review-Token": token})[0] == 501


def test_a_bad_action_is_refused_with_its_reason(server):
    token = token_of(get(server, "/")[1])
    status, answer = post_action(server, {"action": "reject", "report": REPORT, "subject": "盐亭县",
                                          "predicate": "runs", "object": "x"}, token)
    assert status == 400 and "predicate" in answer["error"]
    status, answer = post_action(server, {"action": "reject", "report": "nope.txt", "subject": "a",
                                          "predicate": "implements", "object": "b"}, token)
    assert status == 400 and "nope.txt" in answer["error"]
    status, _, body = request(server, "POST", "/api/action", b"[1, 2]",
                              {"Content-Type": "application/json", "X-Review-Token": token})
    assert status == 400
    status, _, body = request(server, "POST", "/api/action", b"a=b",
                              {"Content-Type": "application/x-www-form-urlencoded", "X-Review-Token": token})
    assert status == 415


def test_the_token_differs_at_each_start(site, tmp_path):
    server, work = site
    with serving(server.app.data.out, work / "corpus", tmp_path / "curation", warm=False) as other:
        assert token_of(get(other, "/reports")[1]) != token_of(get(server, "/reports")[1])
        # one server's token is no good at the other
        status, _ = post_action(other, {"action": "merge", "type": "Group", "keep": "a", "drop": "b"},
                                token_of(get(server, "/reports")[1]))
        assert status == 403
    assert not (tmp_path / "curation").exists()


# ---- the Host check --------------------------------------------------------------------------

def test_only_requests_for_this_machine_are_answered(server):
    port = server.app.port
    assert request(server, "GET", "/", host=f"localhost:{port}")[0] == 200
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{port + 1}", f"127.0.0.1.evil.example:{port}", ""):
        status, _, body = request(server, "GET", "/", host=host)
        assert status == 403, host
        assert b"kg-review-token" not in body  # a rebound name never sees the token
    token = token_of(get(server, "/")[1])
    assert post_action(server, {"action": "merge", "type": "Group", "keep": "a", "drop": "b"}, token,
                       host=f"evil.example:{port}")[0] == 403


def test_it_listens_on_127_0_0_1_only(site):
    from kg.review.server import NotLocal, make_server

    server, work = site
    assert server.server_address[0] == "127.0.0.1"
    with pytest.raises(NotLocal, match="127.0.0.1 only"):
        make_server(server.app.data.out, work / "corpus", work / "curation", port=0, host="0.0.0.0")
    from kg.cli import main

    result = CliRunner().invoke(main, ["review", "--out", str(server.app.data.out), "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "127.0.0.1 only" in result.output


def test_review_without_a_build_says_so(tmp_path):
    from kg.cli import main

    result = CliRunner().invoke(main, ["review", "--out", str(tmp_path / "nothing"), "--port", "0"])
    assert result.exit_code == 1 and "run `kg build` first" in result.output


# ---- escaping --------------------------------------------------------------------------------

def test_hostile_report_text_and_labels_are_shown_as_text(server):
    original = server.app.data.graph.text(HOSTILE.name)  # the decoded text all offsets point into
    assert original.startswith('<script>alert("report")</script>')
    status, page = get(server, "/report/" + HOSTILE.name)
    assert status == 200
    p = assert_inert(page)
    # the report pane holds the report exactly: every offset points where it should
    assert "".join(p.text) == original
    assert b'<script>alert("report")' not in page and b"&lt;script&gt;alert(" in page
    # the hostile names became entities; their labels appear escaped in text and in attributes
    labels = [a.get("data-reject", "") for t, a in p.tags if t == "li"]
    assert any("onmouseover='alert(2)'>先锋行动" in x for x in labels)
    assert b"<b onmouseover" not in page and b"&lt;b onmouseover=&#39;alert(2)&#39;&gt;" in page
    # every page that names them is inert too: the entity pages, the overview, the merge list
    hrefs = {a["href"] for t, a in p.tags if t == "a" and a.get("href", "").startswith("/entity/programme/")}
    hostile = [h for h in hrefs if "%3C" in unquote(h) or "%22" in unquote(h)]  # the IRIs encode < and "
    assert len(hostile) == 3
    for path in [*hostile, "/", "/reports", "/merge", "/curation"]:
        status, body = get(server, path)
        assert status == 200, path
        assert_inert(body)


def test_a_hostile_correction_is_shown_as_text(site):
    server, work = site
    token = token_of(get(server, "/")[1])
    evil = '"><script>alert(9)</script>'
    assert post_action(server, {"action": "rename", "type": "Programme", "from": "x", "to": evil}, token)[0] == 200
    status, page = get(server, "/curation")
    assert status == 200
    assert_inert(page)
    assert b"<script>alert(9)" not in page


def test_security_headers(server):
    status, headers, _ = request(server, "GET", "/report/" + REPORT)
    assert status == 200
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


# ---- 404s ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/report/nope.txt", "/report/", "/report/../corpus/" + REPORT,
                                  "/entity/programme/%E6%B2%A1%E6%9C%89", "/entity/", "/entity/report/" + REPORT,
                                  "/entity/county/../../etc", "/entity/<x>", "/static/../server.py",
                                  "/static/nope.js", "/nope"])
def test_unknown_pages_are_404(server, path):
    status, body = get(server, quote(path, safe="/%.<>"))
    assert status == 404, path
    assert_inert(body)


# ---- the pages on the real corpus -------------------------------------------------------------

def test_overview_counts_and_links(server):
    import kg

    g = kg.open(server.app.data.out)
    status, page = get(server, "/")
    assert status == 200
    p = parse(page)
    cells = [a for t, a in p.tags]
    html = page.decode()
    for typ in ("Programme", "Group", "Target"):
        n = len(g.entities(typ))
        assert re.search(rf"<td>{typ}</td><td class=\"n\">{n}</td>", html), typ
    # every county with a report is listed with its count, linked to its page and to its reports
    assert '<a href="/entity/county/510723">盐亭县</a>' in html
    assert '/reports?county=%E7%9B%90%E4%BA%AD%E5%8E%BF">2</a>' in html  # 000 and the hostile report
    assert cells  # parsed
    for href in re.findall(r'href="(/entity/[^"]+)"', html)[:40]:
        assert get(server, href.replace("&amp;", "&"))[0] == 200, href


def test_report_page_lists_every_fact_with_its_sentence_and_rule(server):
    import kg

    g = kg.open(server.app.data.out)
    status, page = get(server, "/report/" + REPORT)
    p = assert_inert(page)
    rows = [json.loads(a["data-reject"]) for t, a in p.tags if t == "li" and "data-reject" in a]
    relations = {(r["subject"], r["predicate"], r["object"]) for r in rows if "predicate" in r}
    ev = g.evidence("盐亭县", "implements")
    expected = {("盐亭县", "implements", next(x["object_label"] for x in g.relations("implements")
                                              if x["object"] == e["object"]))
                for e in ev if e["report"] == REPORT}
    assert expected and expected <= relations
    assert ("盐亭县", "implements", "小班培训模式") in relations
    assert {"type": "County", "label": "盐亭县", "action": "reject", "report": REPORT} in rows
    html = page.decode()
    assert "implements.report_county" in html and "以小班培訓(xùn)模式" in html  # the sentence as the report has it
    # filtered by relation and by rule, on the server
    _, only = get(server, "/report/" + REPORT + "?relation=implements")
    kinds = {json.loads(a["data-reject"]).get("predicate") for t, a in parse(only).tags if "data-reject" in a}
    assert kinds == {"implements"}
    _, by_rule = get(server, "/report/" + REPORT + "?rule=figure.arabic")
    rows = [json.loads(a["data-reject"]) for t, a in parse(by_rule).tags if "data-reject" in a]
    assert rows and all(r.get("type") == "Target" or r.get("object_type") == "Target" for r in rows)


def test_report_page_highlights_the_entities_in_the_original_text(server):
    data = server.app.data
    for name in [r["name"] for r in data.reports()]:
        r = data.report(name)
        marked = {m.iri for piece in r.pieces for m in piece.marks}
        stated = {f.subject.iri for f in r.facts if f.predicate == "type" and f.evidence[0]["end"] > 0}
        assert len(marked & stated) >= 0.9 * len(stated), name
        text = r.text
        for piece in r.pieces:
            for m in piece.marks:
                assert text[m.start:m.end].strip(), name
        assert "".join(text[x.start:x.end] for x in r.pieces) == text
    # a Traditional, glossed report: 鹽亭縣 is marked as the County, 小班培訓(xùn)模式 as the Mechanism
    r = data.report(REPORT)
    spots = {(r.text[m.start:m.end], m.type) for piece in r.pieces for m in piece.marks}
    assert ("鹽亭縣", "County") in spots
    assert any(t.startswith("小班培訓") and typ == "Mechanism" for t, typ in spots)


def test_entity_page_lists_labels_reports_sentences_and_relations(server):
    status, page = get(server, "/entity/county/510723")
    assert status == 200
    html = page.decode()
    assert "盐亭县" in html and "鹽亭縣" in html  # the label and the report's own form
    assert f'href="/report/{REPORT}#s' in html and "/report/999_hostile.txt#s" in html
    assert "小班培训模式" in html and ">implements<" in html
    assert "Mentioned in 2 reports" in html


def test_merge_list_offers_candidates_with_sentences(server):
    status, page = get(server, "/merge?type=Group")
    assert status == 200
    p = assert_inert(page)
    pairs = [(json.loads(a["data-keep-a"]), json.loads(a["data-keep-b"])) for t, a in p.tags if "data-keep-a" in a]
    assert pairs
    names = {frozenset((x["keep"], x["drop"])) for x, _ in pairs}
    assert frozenset(("第一书记", "农村第一书记")) in names
    assert all(x["type"] == "Group" and y == {**x, "keep": x["drop"], "drop": x["keep"]} for x, y in pairs)
    assert page.count(b"<blockquote>") >= len(pairs)  # sentences behind the names


# ---- candidates ------------------------------------------------------------------------------

def test_candidates_by_containment_edit_distance_and_head_word():
    from kg.review.duplicates import Entity, candidates, edit_distance

    assert edit_distance("驻村第一书记", "农村第一书记", 1) == 1
    assert edit_distance("abc", "xyzw", 1) == 2
    ents = [Entity("g1", "Group", "农村第一书记", 5, frozenset({"甲县"})),
            Entity("g2", "Group", "第一书记", 9, frozenset({"乙县"})),
            Entity("g3", "Group", "驻村第一书记", 1, frozenset({"甲县"})),
            Entity("m1", "Mechanism", "党建责任体系", 2), Entity("m2", "Mechanism", "抓党建责任体系", 1),
            Entity("p1", "Programme", "三个一工作法", 3), Entity("p2", "Programme", "四个一工作法", 3),
            Entity("p3", "Programme", "头雁工程", 1, frozenset({"甲县"})),
            Entity("p4", "Programme", "雁阵工程", 1, frozenset({"甲县"})),
            Entity("p5", "Programme", "头雁工程", 1, frozenset({"乙县"})),  # same name, other type below
            Entity("x1", "Place", "头雁工程", 1)]
    found = {frozenset((c.a.iri, c.b.iri)): c for c in candidates(ents, {"Programme": ["工程"], "Group": ["书记"]})}
    assert "one name contains the other" in found[frozenset(("g1", "g2"))].reasons
    assert found[frozenset(("g2", "g1"))].a.iri == "g2"  # the one in more reports is kept by default
    assert "edit distance 1" in found[frozenset(("g1", "g3"))].reasons
    assert "one name contains the other" in found[frozenset(("m1", "m2"))].reasons
    assert frozenset(("p1", "p2")) not in found  # numbers differ: two things
    assert found[frozenset(("p3", "p4"))].reasons == ("same head word 工程 in 甲县",)
    assert frozenset(("p4", "p5")) not in found  # same head, different counties
    assert not any("x1" in k for k in found)  # never across types
    order = [c.score for c in candidates(ents, {"Programme": ["工程"]})]
    assert order == sorted(order, reverse=True)


def test_a_common_head_word_in_one_county_is_no_sign(tmp_path):
    from kg.review.duplicates import MAX_HEAD_GROUP, Entity, candidates

    many = [Entity(f"p{i}", "Programme", f"{c}{d}工程", 1, frozenset({"甲县"}))
            for i, (c, d) in enumerate(zip("东南西北中上下左", "春夏秋冬日月星辰"))]
    assert len(many) > MAX_HEAD_GROUP
    assert candidates(many, {"Programme": ["工程"]}) == []


def test_overview_map_by_reports_and_by_initiative(server):
    import importlib.util

    status, page = get(server, "/")
    assert status == 200
    assert_inert(page)
    _, hostile = get(server, "/?initiative=" + quote('"><script>alert(1)</script>'))
    assert_inert(hostile)
    if importlib.util.find_spec("kg.map") is None:  # the map's branch (i15-map) not merged yet
        assert b"The county map is not in this build" in page
        return
    p = parse(page)
    shaded = {a["data-code"] for t, a in p.tags if t == "path" and "kgmap-valued" in a.get("class", "")}
    assert {"510723", "140222"} <= shaded  # 盐亭县 and 天镇县 have reports
    _, by_one = get(server, "/?initiative=" + quote("小班培训模式"))
    assert "where 小班培训模式 is implemented".encode() in by_one and b"<svg" in by_one
    _, unknown = get(server, "/?initiative=" + quote("没有这个倡议"))
    assert b"no initiative named" in unknown and b"<svg" not in unknown
    assert b"&lt;script&gt;" in hostile and b"<svg" not in hostile


def test_actions_carry_who_made_them(site, tmp_path):
    server, work = site
    with serving(server.app.data.out, work / "corpus", tmp_path / "curation", by="审核员", warm=False) as other:
        token = token_of(get(other, "/curation")[1])
        status, answer = post_action(other, {"action": "merge", "type": "Group", "keep": "农村第一书记",
                                             "drop": "驻村第一书记"}, token)
        assert status == 200 and answer["line"]["by"] == "审核员"
        _, page = get(other, "/merge?type=Group")
    line = json.loads((tmp_path / "curation" / "review.jsonl").read_text("utf-8"))
    assert line["by"] == "审核员" and line["keep"] == "农村第一书记"
    # the merge list shows the pair as recorded
    p = parse(page)
    states = {frozenset((json.loads(a["data-keep-a"])["keep"], json.loads(a["data-keep-a"])["drop"])): a["data-status"]
              for t, a in p.tags if "data-keep-a" in a}
    assert states[frozenset(("农村第一书记", "驻村第一书记"))] == "merge recorded"
