"""A report's date, read from its own text when no sidecar (nor the page's metadata) gives one.

Why a module of its own: few reports come with a sidecar, but most state their date: a web page's
publication line (`发布时间：2021-04-11 09:41`, `2019-08-14 10:58:02 | 来源：人民日报`), a
newspaper's (`光明日报 2024年01月19日 星期五`, `《光明日报》(2024年01月19日 02版)`), a news
dateline (`中红网贵州黄平2015年7月2日电`), a date closing the text (`(二〇二一年四月十一日)`),
or at least a dated event at the top (`■2021年4月11日，半江镇…`). Without a date a report has no
`dcterms:date` and the GEXF timeline and `timeline.csv` have nothing to place it by. Reading it is a
handful of rules about *where* a date stands, kept apart from the NLP rules (which see a date only
as something that is not a figure) and from the exporters (which only read `meta["date"]`).

`report_date(text)` is a pure function of the normalised text (`kg.normalize`: Simplified, digits
and punctuation half-width; it normalises full-width forms again itself, so raw text works too).
It never reads the clock: the same report gives the same date in any year, so builds stay
byte-identical and the fact cache (keyed by the report's bytes and this code, `kg.cache`) stays
right. What it answers, first rule that finds one:

1. a publication line or dateline in the header: a full date with a publication cue before it
   (发布时间, 发布日期, 更新时间, 时间, 日期, 来源 …), a clock time, 星期, 来源, 作者, `|`,
   `02版` after it, 电/讯 after it, or alone on its line; the first such in the header;
2. a date alone on one of the last three lines (a news story's or a document's closing dateline,
   in Arabic or Chinese numerals, bracketed or not);
3. the newest full date in the header.

The *header* is what comes before the body: the lines before the first body paragraph (a line of
60 characters or more holding a sentence end 。！？), at most 40 of them, plus the first 200
characters of that paragraph (where a dateline or a dated lede stands); about 3,000 characters at
most. Only the text's first and last 6,040 characters are ever read, so a 50 MB report costs what a
short one does. Site navigation above the title stays in the header, which is why a date the page
calls today's (`今天是2021年4月11日 星期日`, the crawl's clock) is not taken.

Never taken: a year without month and day (`2021年计划`, `2018—2020年度`, `2015年12期`); a date
written as a deadline or a plan, which lies in the future of the report's own date (`到2025年12月31日`,
`计划于2021年6月30日前`, `2021年7月1日起施行`); a date inside a longer number (a phone number, an
id); an impossible calendar date; a year before 1990.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

__all__ = ["report_date", "header", "candidates", "FIRST_YEAR"]

FIRST_YEAR = 1990          # no report of this corpus is older; an earlier "date" is a figure or a typo
HEADER_LINES = 40          # at most this many lines before the body
BODY_LINE = 60             # a line this long with a sentence end is the body's first paragraph
LEAD_CHARS = 200           # how much of the first paragraph belongs to the header
HEADER_CHARS = 3000
TAIL_LINES = 3
SCAN_CHARS = 2 * HEADER_CHARS + HEADER_LINES  # the header lies within the first 6,040 characters

_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0, "O": 0}

# 2021年4月11日 / 2021年04月11号 (a clock time or a page number may follow at once: 2024年01月19日02版)
_HAN_DATE = re.compile(r"(?<![\d.])((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
# 2021-04-11, 2021/4/11, 2021.4.11: one separator throughout, no digit glued on either side
_SEP_DATE = re.compile(r"(?<![\d./-])((?:19|20)\d\d)\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?!\d|[./-]\d)")
# 二〇二一年四月十一日
_CHINESE = re.compile(r"([〇零○一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
                      r"\s*([一二三四五六七八九十]{1,3})\s*[日号]")

# a publication cue just before the date: its field's label, a source's name, a newspaper's, a bar
_CUE_BEFORE = re.compile(
    r"(?:时间|日期|发布于|发表于|更新于|刊发于)\s*[:：]?\s*$|(?:来源|稿源|出处|作者|编辑|责编)\s*[:：][^，。！？,;；]{0,30}$|"
    r"(?:日报|晚报|报|网|社|台)\s*$|[|｜]\s*$")
# what follows a date on a publication line or a dateline
_CUE_AFTER = re.compile(
    r"^\s*(?:\d{1,2}\s*[:：]\s*\d{2}|星期|周[一二三四五六日天]|来源|稿源|作者|编辑|责编|浏览|阅读|点击|字号|"
    r"[|｜]|\d{1,2}\s*版|第\s*\d+\s*版|电|讯|[)）】\]]?\s*$)")
# the crawl's clock, not the report's date
_TODAY = re.compile(r"(?:今天是|今日|当前时间|现在时间|北京时间)\s*[:：]?\s*$")
# a deadline or plan: the date is in the report's future
_PLAN_BEFORE = re.compile(r"(?:到|至|截止到?|定于|将于|将在|计划于?|预计于?|力争于?|争取于?|确保于?|拟于?|要在|须在|必须在)\s*$")
_PLAN_AFTER = re.compile(r"^\s*(?:前|之前|以前|止|起|开始施行|施行|生效|截止)")


def _cn_number(s: str) -> int:
    """一 … 三十一 (at most 十 once)."""
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)
    return _CN_DIGIT[s] if len(s) == 1 else -1


def _day(y: int, m: int, d: int) -> str | None:
    if y < FIRST_YEAR:
        return None
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def candidates(line: str) -> list[tuple[int, int, str]]:
    """(start, end, ISO date) of every well-formed full date on one line, in order."""
    out = []
    for m in _HAN_DATE.finditer(line):
        day = _day(int(m[1]), int(m[2]), int(m[3]))
        if day:
            out.append((m.start(), m.end(), day))
    for m in _SEP_DATE.finditer(line):
        day = _day(int(m[1]), int(m[3]), int(m[4]))
        if day:
            out.append((m.start(), m.end(), day))
    for m in _CHINESE.finditer(line):
        y = int("".join(str(_CN_DIGIT[c]) for c in m[1]))
        day = _day(y, _cn_number(m[2]), _cn_number(m[3]))
        if day:
            out.append((m.start(), m.end(), day))
    return sorted(out)


def _plain(text: str) -> str:
    # NFKC: full-width digits, colons and slashes as ASCII (a no-op on normalised text); one line end
    return unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")


def header(text: str) -> list[str]:
    """The header's lines (see the module docstring): before the body, then the body's first 200 chars."""
    out: list[str] = []
    size = 0
    for line in _plain(text[:SCAN_CHARS]).split("\n"):
        line = line[:HEADER_CHARS]
        body = len(line.strip()) >= BODY_LINE and re.search(r"[。！？]", line)
        piece = line[:LEAD_CHARS] if body else line
        out.append(piece)
        size += len(piece)
        if body or len(out) >= HEADER_LINES or size >= HEADER_CHARS:
            break
    return out


def _planned(line: str, s: int, e: int) -> bool:
    return bool(_PLAN_BEFORE.search(line[max(0, s - 6):s]) or _PLAN_AFTER.match(line[e:e + 6]))


def _published(line: str, s: int, e: int) -> bool:
    """A publication line's or a dateline's date: a cue before or after it, or alone on its line."""
    before, after = line[max(0, s - 40):s], line[e:e + 12]
    if _TODAY.search(before[-8:]):
        return False
    return bool(_CUE_AFTER.match(after) or _CUE_BEFORE.search(before))


def _alone(line: str, s: int, e: int) -> bool:
    """The date is all its line holds, bar brackets, punctuation and a clock time."""
    rest = (line[:s] + line[e:]).strip()
    rest = re.sub(r"\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?", "", rest)
    return not re.sub(r"[\s()（）【】\[\]〔〕<>《》,，.。:：|｜·•_—-]", "", rest)


def report_date(text: str) -> str | None:
    """The report's date as YYYY-MM-DD, or None when its text states none that the rules trust."""
    head = header(text)
    fallback: list[str] = []
    for line in head:
        for s, e, day in candidates(line):
            if _planned(line, s, e) or _TODAY.search(line[max(0, s - 8):s]):
                continue
            if _published(line, s, e):
                return day
            fallback.append(day)
    tail = _plain(text[-SCAN_CHARS:]).split("\n")
    if len(text) > SCAN_CHARS:
        tail = tail[1:]  # a line cut by the slice is no line
    # (a short text's tail is its header: a date alone there was taken above already)
    for line in reversed([ln for ln in tail if ln.strip()][-TAIL_LINES:]):
        for s, e, day in candidates(line):
            if _alone(line, s, e):
                return day
    return max(fallback) if fallback else None
