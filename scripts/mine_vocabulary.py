"""Mine candidate vocabulary for the rule lexicons from a folder of saved report texts.

    python scripts/mine_vocabulary.py PAGES_DIR [--min-pages 3] [--top 60] [--only heads,stops,groups,mods]
                                      [--all] [--json]

PAGES_DIR holds one plain-text file per page (``*.txt``; lines starting ``url:`` or ``query:`` at the top
are a header and are skipped). Pages are normalised the way `kg build` normalises a report (Simplified
characters, pinyin glosses and mojibake repaired, full-width punctuation), and de-duplicated: a page
whose url, or whose first 120 normalised characters, were seen before is counted once.

Every count is a number of **distinct pages** a term occurs in, never a number of occurrences, so one
long report that repeats a word cannot make it look common. What is counted:

``heads``  the last 2-4 characters of initiative names: of the phrase right after a quoted name
           («“…”+X»: “头雁培育”五年计划 gives 计划, 年计划, 五年计划) and of the unquoted phrase after a
           launching verb up to 的/，/。 (实施人才引进工程， gives 工程, 进工程, 引进工程). Phrases are cut
           at function characters (的了和及与等为在…) first.
``stops``  the word just before a name: the jieba word right before an opening quote that has a head
           after it, and the first word of an unquoted name's clause (开展“…”活动 -> 开展).
``stops_in_names`` shipped left stops found inside quoted names («“创新…”», «“…”提升工程»): a stop
           that names often hold may cut names short.
``groups`` kinds of people, villages and organisations: a modifier of 2-4 characters before a group
           anchor (村 户 队 组织 党员 干部 人才 书记 人员 群体 对象 and the shipped group heads), e.g.
           软弱涣散村, 重点帮扶村, 脱贫户, 驻村工作队, 流动党员; and the noun phrase counted by a number
           (选派236名优秀年轻干部 -> 优秀年轻干部).
``mods``   the modifiers alone (the part before a known group head), for the ``group_modifier`` lexicon.

Group terms the tagger can already compose from shipped heads and modifiers are left out (unless
--all). The output marks which terms a shipped lexicon already has (``+``) so new ones stand out. Terms under
--min-pages are left out (the lexicons take only words seen in at least three different reports). The
counts are candidates for a person to review against ANNOTATION.md, not lexicon entries: most are
generic words or fragments, and the script makes no attempt to tell a programme ending from prose.
The pages themselves are not shipped; gather your own (see docs/vocabulary.md).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg import lexicons as kg_lexicons  # noqa: E402
from kg.normalize import normalize  # noqa: E402

HAN = "\u4e00-\u9fff"
# characters that end a name on the left or right: function words a name does not hold
CUT = set("的了着把被为在和及与等是将对从向以由让使并也都又还就而但其该这那每")
QUOTED = re.compile(rf"“([^“”\n]{{1,40}})”([{HAN}]{{1,10}})")
VERBS = ("实施", "开展", "推行", "推进", "建立", "健全", "完善", "构建", "探索", "创新", "打造", "启动",
         "深化", "出台", "制定", "实行", "落实", "创建", "组织", "举办", "推广", "试行", "开设", "搭建")
VERB_RUN = re.compile(rf"({'|'.join(VERBS)})([{HAN}“”]{{2,18}})(?=[的，。；、：,.;:！？\n（(]|$)")
COUNTED = re.compile(rf"(?:\d+|[一二两三四五六七八九十百千]+)(?:余|多)?(?:名|位|个|户|支|批|人)([{HAN}]{{2,10}})")
NOT_AFTER_ANCHOR = ("伍", "部", "生活", "建设", "体系", "力", "振兴", "工作", "书记", "委员", "关系")
STOP_POS = set("vdpc")  # verbs, adverbs, prepositions, conjunctions (jieba tags v/vd/vn, d, p, c)
ANCHORS = ("村", "户", "队", "组织", "党员", "干部", "人才", "书记", "人员", "群体", "对象", "主体")


def cut_right(s: str) -> str:
    """The phrase up to its first function character (“头雁”培育计划为抓手 -> 培育计划)."""
    for i, c in enumerate(s):
        if c in CUT:
            return s[:i]
    return s


def cut_left(s: str) -> str:
    """The phrase after its last function character (大力实施软弱涣散 ... -> the part after 的/在…)."""
    for i in range(len(s) - 1, -1, -1):
        if s[i] in CUT:
            return s[i + 1:]
    return s


def suffixes(s: str, end: int, bounds: set[int], lo: int = 2, hi: int = 4) -> list[str]:
    """The 2-4 character endings of s (which ends at offset `end`) that start at a word boundary, so
    that fragments of words (作社 of 合作社) are not counted."""
    return [s[-k:] for k in range(lo, min(hi, len(s)) + 1) if end - k in bounds]


def composable(term: str, heads: list[str], mods: list[str]) -> bool:
    """Whether the group tagger can already build the term from shipped heads and modifiers."""
    h = next((h for h in heads if term.endswith(h)), None)
    if h is None:
        return False
    rest = term[: -len(h)]
    while rest:
        m = next((m for m in mods if rest.endswith(m)), None)
        if m is None:
            return False
        rest = rest[: -len(m)]
    return True


def read_pages(folder: Path) -> list[tuple[str, str]]:
    """(key, normalised text) per distinct page."""
    seen_url, seen_text, out = set(), set(), []
    for p in sorted(folder.glob("*.txt")):
        raw = p.read_text(encoding="utf-8", errors="replace")
        lines = raw.splitlines()
        url = ""
        while lines and re.match(r"^(url|query):", lines[0]):
            if lines[0].startswith("url:"):
                url = lines[0][4:].strip()
            lines.pop(0)
        text = normalize("\n".join(lines)).text
        head = re.sub(r"\s", "", text)[:120]
        if (url and url != "-" and url in seen_url) or head in seen_text or len(head) < 40:
            continue
        seen_url.add(url)
        seen_text.add(head)
        out.append((url or hashlib.sha1(head.encode()).hexdigest()[:12], text))
    return out


def mine(pages: list[tuple[str, str]], group_heads: list[str], strong_heads: list[str], stop_words: list[str]):
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    found = {k: defaultdict(set) for k in ("heads", "stops", "stops_in_names", "groups", "mods")}
    strong_re = re.compile("|".join(map(re.escape, sorted(strong_heads, key=len, reverse=True))))
    stop_words = [w for w in stop_words if len(w) >= 2]
    anchors = sorted(set(ANCHORS) | set(group_heads), key=len, reverse=True)
    anchor_re = re.compile("|".join(map(re.escape, anchors)))
    heads_of_group = sorted(group_heads, key=len, reverse=True)
    for key, text in pages:
        bounds = {0, len(text)}
        for _, s, e in jieba.tokenize(text):
            bounds.update((s, e))
        # heads after a quoted name, and the word before the quote
        for m in QUOTED.finditer(text):
            tail = cut_right(m.group(2))
            end = m.start(2) + len(tail)
            if len(tail) < 2 or end not in bounds:
                continue
            for s in suffixes(tail, end, bounds):
                found["heads"][s].add(key)
            before = text[max(0, m.start() - 12):m.start()]
            words = [w for w in pseg.lcut(before) if re.fullmatch(rf"[{HAN}]+", w.word)]
            if words and before.endswith(words[-1].word) and words[-1].flag[:1] in STOP_POS:
                found["stops"][words[-1].word].add(key)
            inner = m.group(1) + tail
            for w in stop_words:  # a stop word inside a quoted name belongs to names
                if w in inner:
                    found["stops_in_names"][w].add(key)
        # unquoted names after a launching verb, up to 的/，/。
        for m in VERB_RUN.finditer(text):
            phrase = cut_right(m.group(2))
            end = m.start(2) + len(phrase)
            phrase = phrase.replace("“", "").replace("”", "")
            if len(phrase) < 3 or end not in bounds:
                continue
            for s in suffixes(phrase, end, bounds):
                found["heads"][s].add(key)
        # the first word of the clause an unquoted name (ending in a strong head) starts
        for m in strong_re.finditer(text):
            clause = re.split(r"[，。；：、！？\n,;:“”]", text[max(0, m.start() - 20):m.start()])[-1]
            words = pseg.lcut(clause) if len(clause) >= 4 else []
            if len(words) >= 2 and words[0].flag[:1] in STOP_POS and len(words[0].word) >= 2:
                found["stops"][words[0].word].add(key)
        # kinds of people, villages and organisations
        for m in anchor_re.finditer(text):
            if m.end() not in bounds or text.startswith(NOT_AFTER_ANCHOR, m.end()) \
                    or (m.group() == "村" and text[m.start() - 1:m.start()] in "乡农城山渔"):
                continue  # 干部队|伍, 组织|部, 乡村: the anchor is part of a longer word
            left = cut_left(re.split(rf"[^{HAN}“”]", text[max(0, m.start() - 8):m.start()])[-1])
            for w in stop_words:  # 推进|乡村, 发挥|党组织: a launching verb is not a modifier
                i = left.rfind(w)
                if i >= 0 and m.start() - len(left) + i + len(w) in bounds:
                    left = left[i + len(w):]
            s0 = m.start() - len(left)
            left = left.replace("“", "").replace("”", "")
            for k in range(2, min(4, len(left)) + 1):
                if m.start() - k in bounds or s0 == m.start() - k:
                    found["groups"][left[-k:] + m.group()].add(key)
        for m in COUNTED.finditer(text):
            phrase = cut_right(m.group(1))
            # the counted noun ends at the last anchor or group head inside the phrase (名优秀年轻干部到… )
            best = None
            for h in anchors:
                for hm in re.finditer(re.escape(h), phrase):
                    e = hm.end()
                    if m.start(1) + e in bounds and (best is None or e > best[0]):
                        best = (e, h)
            if best is None:
                continue
            e, h = best
            found["groups"][phrase[:e]].add(key)
            if e - len(h) >= 2:
                found["mods"][phrase[: e - len(h)]].add(key)
    return found


def term_report(pages: list[tuple[str, str]], terms: list[str]) -> list[dict]:
    """For chosen candidate words, the distinct pages where each ends a name: right after a quoted name
    («“…”X»), as the last word inside quotes («“…X”»), or at the end of an unquoted phrase (…X followed by
    punctuation, 的, 建设, 工作, 活动, 行动); and the pages that hold it anywhere."""
    out = []
    for t in terms:
        e = re.escape(t)
        after = re.compile(rf"”[{HAN}]{{0,6}}{e}")
        inner = re.compile(rf"“[^“”]{{1,20}}{e}”")
        ending = re.compile(rf"[{HAN}“”]{{2,12}}{e}(?=[，。、；：”）)的和与及\n]|建设|创建|工作|活动|行动|$)")
        row = {"term": t}
        for name, rx in (("after_quote", after), ("quote_final", inner), ("phrase_end", ending)):
            row[name] = sum(1 for _, x in pages if rx.search(x))
        row["anywhere"] = sum(1 for _, x in pages if t in x)
        out.append(row)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pages", type=Path)
    ap.add_argument("--min-pages", type=int, default=3)
    ap.add_argument("--top", type=int, default=60, help="terms per category (0: all)")
    ap.add_argument("--only", default="heads,stops,stops_in_names,groups,mods")
    ap.add_argument("--all", action="store_true", help="also list terms the lexicons already have")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--terms", help="comma-separated candidate words: report where each ends a name instead")
    a = ap.parse_args(argv)
    lex = kg_lexicons.load()
    known = {
        "heads": set(lex.terms("initiative_head")) | set(lex.terms("initiative_generic")),
        "stops": set(lex.terms("initiative_left_stop")),
        "stops_in_names": set(),
        "groups": set(lex.terms("group_head")) | set(lex.terms("group_generic")),
        "mods": set(lex.terms("group_modifier")),
    }
    gheads = sorted(set(lex.terms("group_head")), key=len, reverse=True)
    gmods = sorted(set(lex.terms("group_modifier")) | set(gheads), key=len, reverse=True)
    pages = read_pages(a.pages)
    strong = [r["term"] for r in lex.records.get("initiative_head", []) if r.get("unquoted")]
    if a.terms:
        rows = term_report(pages, [t for t in a.terms.split(",") if t])
        if a.json:
            print(json.dumps({"pages": len(pages), "terms": rows}, ensure_ascii=False, indent=1))
        else:
            print(f"# {len(pages)} distinct pages; pages where the word ends a name / holds it anywhere")
            print("after_quote  quote_final  phrase_end  anywhere  term")
            for r in rows:
                print(f"{r['after_quote']:11d}  {r['quote_final']:11d}  {r['phrase_end']:10d}  {r['anywhere']:8d}  {r['term']}")
        return 0
    found = mine(pages, list(lex.terms("group_head")), strong, list(lex.terms("initiative_left_stop")))
    result = {}
    for cat in a.only.split(","):
        rows = sorted(((t, len(p)) for t, p in found[cat].items() if len(p) >= a.min_pages),
                      key=lambda x: (-x[1], x[0]))
        if not a.all:
            rows = [r for r in rows if r[0] not in known[cat]]
            if cat == "groups":  # what the tagger can compose from shipped words is not new vocabulary
                rows = [r for r in rows if not composable(r[0], gheads, gmods)]
        if a.top:
            rows = rows[: a.top]
        result[cat] = [{"term": t, "pages": n, "known": t in known[cat]} for t, n in rows]
    if a.json:
        print(json.dumps({"pages": len(pages), **result}, ensure_ascii=False, indent=1))
        return 0
    print(f"# {len(pages)} distinct pages; terms in >= {a.min_pages} of them ('+': a lexicon has it)")
    for cat, rows in result.items():
        print(f"\n## {cat}")
        for r in rows:
            print(f"{r['pages']:4d}  {'+' if r['known'] else ' '} {r['term']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
