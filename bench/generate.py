#!/usr/bin/env python
"""Generate a synthetic corpus of county organisation-work reports for benchmarks.

    python bench/generate.py --reports 10000 --out /tmp/bench10k [--seed 0] [--jobs 2]

Each report is about one real county (from the division list in kg/data/divisions/, read
through kg.divisions) and is recombined from the phrase material in
bench/templates.json, then roughened the way real web copies are (Traditional
script, pinyin glosses, mojibake, odd punctuation, junk, GB18030/UTF-16).
Report i depends only on (seed, i), so the same arguments give byte-identical
files whatever --jobs is. bench/README.md describes the corpus.
"""
from __future__ import annotations

import argparse
import codecs
import itertools
import json
import os
import random
import re
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path

try:
    from kg import divisions
except ImportError:  # run from a checkout without `pip install .`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from kg import divisions

T = json.loads(Path(__file__).with_name("templates.json").read_text(encoding="utf-8"))

# Messes assigned by stratified blocks: exactly k of every `block` consecutive
# reports get the feature, so even a 20-report sample shows each kind.
MESS = {
    "traditional": (2, 5),    # 40 % converted with OpenCC s2t
    "gloss": (3, 20),         # 15 % with pinyin glosses 認(rèn)
    "mojibake": (1, 20),      # 5 % with UTF-8-read-as-GBK runs
    "non_utf8": (1, 20),      # 5 % written as GB18030 or UTF-16
    "sidecar": (1, 33),       # ~3 % with NNNNN.meta.json
    "spaces": (2, 25),        # 8 % with spaces instead of commas
    "junk": (3, 50),          # 6 % with trailing page junk
}
LAYOUTS = {"speech": 40, "feature": 20, "narrative": 20, "portal": 20}
COUNTY_WEIGHTS = {"县": 6, "旗": 6, "市": 3, "区": 1}  # county-level reports are mostly about 县
TOWN_SUFFIXES = ("镇", "乡", "街道", "苏木")
CN = "〇一二三四五六七八九十"
SLOT = re.compile(r"\{(\w+)(?::([^{}]*))?\}")
SENTENCE_END = re.compile(r"(?<=。)(?!”)")


# ---------------------------------------------------------------------------
# templates: compiled once into literal strings and (filler, args) pairs

def compile_template(text: str) -> tuple:
    """Split a template into literals and slots so filling is a flat loop."""
    parts, pos = [], 0
    for m in SLOT.finditer(text):
        if m.start() > pos:
            parts.append(text[pos:m.start()])
        name = m.group(1)
        if name not in FILLERS:
            raise ValueError(f"unknown slot {{{name}}} in template {text!r}")
        parts.append((FILLERS[name], _parse_arg(m.group(2))))
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:])
    return tuple(parts)


def _parse_arg(raw: str | None) -> tuple:
    """'300-500:名' -> (300, 500, '名'); 'lo-hi' bounds are optional."""
    if raw is None:
        return (0, 0, "")
    head, _, unit = raw.partition(":")
    if re.fullmatch(r"\d+-\d+", head):
        lo, hi = map(int, head.split("-"))
        return (lo, hi, unit)
    return (0, 0, head)


def cn_num(n: int) -> str:
    """Chinese numeral for 1..99, as in 第三期 or 十二个."""
    if n <= 10:
        return CN[n]
    tens, ones = divmod(n, 10)
    return (CN[tens] if tens > 1 else "") + "十" + (CN[ones] if ones else "")


def skewed(rng: random.Random, seq, power: float = 1.7):
    """Pick with a long tail: the head of seq is common, the rest rare (counties copy each other)."""
    return seq[int(len(seq) * rng.random() ** power)]


def _nice(n: int) -> int:
    """Round large counts the way reports do (1200, not 1187), most of the time."""
    if n >= 1000:
        return round(n, -2) if n % 7 else round(n, -1)
    if n >= 100 and n % 3:
        return round(n, -1)
    return n


# ---------------------------------------------------------------------------
# per-report context and slot fillers

@dataclass
class Ctx:
    rng: random.Random
    county: "divisions.County"
    towns: list
    unit: str
    year: int
    nlead: str = ""  # “五个引领”, named by the intro of a 'lead' speech
    core: str = ""   # the figure clause a goal/result frame wraps
    general: list = field(default_factory=list)  # theme-free sentences left for this report
    figures: list = field(default_factory=list)  # figure clauses left for this report
    quotes: int = 0
    dense: bool = False  # today's figure-dense reports (--dense), not the seeds' density
    last_town: str = ""
    repertoire: dict = field(default_factory=dict)
    used: dict = field(default_factory=lambda: {"initiatives": set(), "groups": set()})

    def fill(self, parts: tuple) -> str:
        out = []
        for p in parts:
            out.append(p if p.__class__ is str else p[0](self, p[1]))
        return "".join(out)

    def pick(self, kind: str, pool_pick) -> str:
        """Reuse names already in this report most of the time: reports repeat their programmes."""
        rep = self.repertoire.setdefault(kind, [])
        if rep and self.rng.random() < 0.55:
            return self.rng.choice(rep)
        name = self.fill(pool_pick(self.rng))
        rep.append(name)
        return name


def _town(ctx: Ctx, arg=None) -> str:
    ctx.last_town = ctx.rng.choice(ctx.towns)[0]
    return ctx.last_town


def _town2(ctx: Ctx, arg=None) -> str:
    """A second town for '{town}、{town2}等乡镇', never the first one again."""
    others = [t for t, _ in ctx.towns if t != ctx.last_town]
    return ctx.rng.choice(others)


def _village(ctx: Ctx, arg=None) -> str:
    town, villages = ctx.rng.choice(ctx.towns)
    village = ctx.rng.choice(villages)
    return town + village if ctx.rng.random() < 0.7 else village


def _person(ctx: Ctx, arg=None) -> str:
    rng = ctx.rng
    given = rng.choice(T["given"]) + (rng.choice(T["given"]) if rng.random() < 0.75 else "")
    return skewed(rng, T["surnames"], 1.6) + given


def _int(ctx: Ctx, arg) -> str:
    return str(_nice(ctx.rng.randint(arg[0], arg[1])))


def _approx(ctx: Ctx, arg) -> str:
    n = _nice(ctx.rng.randint(arg[0], arg[1]))
    form = ctx.rng.randrange(6)
    if form == 0:
        return f"近{round(n, -1) or n}"
    if form in (1, 2):
        return f"{round(n, -1) or n}{'余' if form == 1 else '多'}"
    return f"约{n}" if form == 3 else str(n)


def _dec(ctx: Ctx, arg) -> str:
    x = ctx.rng.uniform(arg[0], arg[1])
    return str(int(x)) if ctx.rng.random() < 0.4 else f"{x:.1f}"


def _pct(ctx: Ctx, arg) -> str:
    lo, hi = (arg[0], arg[1]) if arg[1] else (10, 90)
    if ctx.rng.random() < 0.2:
        return f"{ctx.rng.uniform(lo, hi):.1f}%"
    return f"{ctx.rng.randint(lo, hi)}%"


def _range(ctx: Ctx, arg) -> str:
    rng, (lo, hi, unit) = ctx.rng, arg
    x = _nice(rng.randint(lo, hi))
    y = x + (rng.choice((1, 2)) if x < 10 else _nice(rng.choice((x // 2, x))))
    form = rng.randrange(5)
    if form == 0:
        return f"{x}-{y}{unit}"
    if form == 1:
        return f"{x}—{y}{unit}"
    if form == 2:
        return f"{x}{unit}—{y}{unit}"
    return f"{x}至{y}{unit}" if form == 3 else f"{x}～{y}{unit}"


def _date(ctx: Ctx, arg=None) -> str:
    return f"{ctx.year}年{ctx.rng.randint(1, 12)}月{ctx.rng.randint(1, 28)}日"


def _fyear(ctx: Ctx, arg=None) -> str:
    return str(ctx.rng.choice((ctx.year + 1, ctx.year + 2, ctx.year + 3, max(2025, ctx.year + 1))))


def _cn(ctx: Ctx, arg) -> str:
    n = ctx.rng.randint(arg[0], arg[1])
    return "两" if n == 2 else cn_num(n)  # 两个导向, 两年; but 第二期 (see ord)


def _mechlist(ctx: Ctx, arg=None) -> str:
    """'A、B、C等机制': several mechanisms sharing one head word."""
    rng = ctx.rng
    stems = rng.sample(T["mech_stems"], rng.randint(2, 4))
    head = rng.choice(("机制", "制度", "工作机制"))
    ctx.used["initiatives"].update(s + head for s in stems)
    if rng.random() < 0.7:
        return "、".join(stems) + "等" + head
    count = "两" if len(stems) == 2 else cn_num(len(stems))
    return "、".join(stems[:-1]) + "和" + stems[-1] + count + "项" + head


def _named(kind: str, pool: str, local: str | None = None):
    """A filler for an initiative name drawn from a shared pool (and county-specific forms)."""
    def pool_pick(rng):
        if local and rng.random() < 0.25:
            return rng.choice(POOLS[local])
        return skewed(rng, POOLS[pool])

    def fill(ctx: Ctx, arg=None) -> str:
        name = ctx.pick(kind, pool_pick)
        ctx.used["initiatives"].add(name)
        return name
    return fill


def _group(ctx: Ctx, arg) -> str:
    """A target group; {group:cadres} narrows it to one kind so the verb fits (储备年轻干部, 帮扶脱贫户)."""
    names = GROUPS[arg[2] or "any"]
    g = ctx.pick("group:" + arg[2], lambda rng: (skewed(rng, names, 1.8),))
    ctx.used["groups"].add(g)
    return g


def _from(key: str):
    """A filler that fills a random template of T[key]."""
    return lambda ctx, arg=None: ctx.fill(ctx.rng.choice(POOLS[key]))


_FIGURE_FILLERS = frozenset({_int, _approx, _dec, _pct, _range})

FILLERS = {
    "county": lambda c, a: c.county.name,
    "short": lambda c, a: c.county.short,
    "unit": lambda c, a: c.unit,
    "party": lambda c, a: c.county.name + "委",
    "org": lambda c, a: c.county.name + "委组织部",
    "prov": lambda c, a: c.county.province,
    "pref": lambda c, a: c.county.prefecture,
    "town": _town,
    "town2": _town2,
    "village": _village,
    "towns_n": lambda c, a: str(len(c.county.towns)),
    "person": _person,
    "group": _group,
    "prog": _named("prog", "progs", "prog_local"),
    "numname": _named("numname", "numnames"),
    "mech": _named("mech", "mechs"),
    "doc": _named("doc", "docs"),
    "mechlist": _mechlist,
    "brand": _from("brands"),
    "meeting": lambda c, a: c.rng.choice(T["meetings"]),
    "milestone": lambda c, a: c.rng.choice(T["milestones"]),
    "quote": lambda c, a: c.rng.choice(T["quotes"]),
    "nlead": lambda c, a: c.nlead,
    "core": lambda c, a: c.core,
    "int": _int,
    "approx": _approx,
    "dec": _dec,
    "pct": _pct,
    "range": _range,
    "cn": _cn,
    "ord": lambda c, a: "第" + cn_num(c.rng.randint(1, 9)) + a[2],
    "date": _date,
    "year": lambda c, a: str(c.year),
    "pyear": lambda c, a: str(c.year - c.rng.choice((1, 1, 2))),
    "fyear": _fyear,
    "yr2": lambda c, a: str(c.year + 2),
}


# ---------------------------------------------------------------------------
# name pools: built once, in a fixed order, so the skew is the same every run

def _prog_names(rng: random.Random) -> list[str]:
    """“头雁工程” or “头雁”工程: modifier × head, quote style fixed per name."""
    names = []
    for mod in T["prog_mods"]:
        for head in T["prog_heads"]:
            names.append(f"“{mod}{head}”" if rng.random() < 0.5 else f"“{mod}”{head}")
    return names


def _numbered_names(rng: random.Random) -> list[str]:
    """“三个一”工作法, “三抓三强”, 1+N帮带模式, “321”引才工程, “一村一品”."""
    d = T["num_digits"]
    names = [f"“{'两' if n == '二' else n}个{x}”{h}" for n in d[1:] for x in T["num_x"]
             for h in T["num_heads"] if rng.random() < 0.5]
    names += [f"“{n}抓{n}{v}”" for n in d[1:7] for v in T["num_verbs"]]
    for a in ("1", "2", "3"):
        for b in ("1", "2", "3", "4", "5", "6", "N", "X"):
            for h in T["plus_heads"]:
                if rng.random() < 0.6:
                    names.append(f"{a}+{b}{h}" if rng.random() < 0.5 else f"“{a}+{b}”{h}")
    for _ in range(40):
        digits = "".join(rng.choice("123456") for _ in range(rng.randint(3, 4)))
        names.append(f"“{digits}{rng.choice(('引才工程', '工作法', '行动'))}”")
    for x, y in T["pairs"]:
        names.append(f"“一{x}一{y}”" + rng.choice(("", "工作法", "行动", "模式")))
    return names


def _mech_names(rng: random.Random) -> list[str]:
    """Unquoted 干部选任机制 and quoted-cycle “周调度、月通报”机制."""
    names = [stem + head for stem in T["mech_stems"] for head in T["mech_heads"] if rng.random() < 0.45]
    units, acts = T["cycle_units"], T["cycle_acts"]
    for _ in range(60):
        u1, u2 = sorted(rng.sample(range(len(units)), 2))
        a1, a2 = rng.sample(acts, 2)
        names.append(f"“{units[u1]}{a1}、{units[u2]}{a2}”{rng.choice(('机制', '工作机制', '制度'))}")
    return names


def _doc_names() -> list[str]:
    """《X县…实施方案》: each form with every topic that reads well in it (关于+verb phrase)."""
    topics = T["doc_topics"]
    names = []
    for form in T["doc_forms"]:
        if "{vtopic}" in form:
            names += [form.replace("{vtopic}", t) for t in topics["verb"]]
        else:
            names += [form.replace("{dtopic}", t) for t in topics["verb"] + topics["noun"]]
    return names


@lru_cache(maxsize=1)
def _load_pools() -> dict:
    rng = random.Random("county-kg bench pools")
    raw = {
        "progs": _prog_names(rng),
        "numnames": _numbered_names(rng),
        "mechs": _mech_names(rng),
        "docs": _doc_names(),
    }
    for names in raw.values():
        rng.shuffle(names)
    raw["prog_local"] = T["prog_local"]
    raw["brands"] = T["brands"]
    return {k: [compile_template(s) for s in v] for k, v in raw.items()}


class _Pools(dict):
    """POOLS[...] loads lazily so importing this module stays cheap."""

    def __missing__(self, key):
        self.update(_load_pools())
        return dict.__getitem__(self, key)


POOLS = _Pools()
# Target groups by kind; "any" interleaves the kinds (not households) so each kind's head is common.
GROUPS = dict(T["groups"])
GROUPS["any"] = [g for row in itertools.zip_longest(
    *(T["groups"][k] for k in ("cadres", "grassroots", "talents", "members"))) for g in row if g]


@lru_cache(maxsize=1)
def _compiled() -> dict:
    """Every list of sentence templates, compiled (and so checked) once."""
    keys = ("titles", "subtitles", "intros", "lead_intros", "closings", "quote_frames", "captions", "bylines",
            "author_credits", "editor_credits", "feature_credits", "news_leads", "portal_heads",
            "junk", "figure_actions", "figure_states", "goal_frames", "done_frames",
            "state_goal_frames", "state_done_frames", "general")
    out = {k: [compile_template(s) for s in T[k]] for k in keys}
    out["themes"] = {
        name: {**th, "sentences": [compile_template(s) for s in th["sentences"]]}
        for name, th in T["themes"].items()
    }
    return out


@lru_cache(maxsize=1)
def _counties() -> tuple[list, list]:
    """Counties with usable towns and villages, and cumulative pick weights."""
    chosen, cum, total = [], [], 0
    for c in divisions.load().counties:
        towns = [(t, sorted(v)) for t, v in sorted(c.towns.items())
                 if v and t.endswith(TOWN_SUFFIXES) and len(t) <= 8]
        if len(towns) < 3:
            continue
        total += COUNTY_WEIGHTS.get(_unit(c.name), 1)
        chosen.append((c, towns))
        cum.append(total)
    return chosen, cum


def _unit(name: str) -> str:
    """县 / 市 / 区 / 旗: the word reports use for 'the county' (全县, 县委)."""
    for suffix, unit in (("旗", "旗"), ("县", "县"), ("市", "市"), ("区", "区")):
        if name.endswith(suffix):
            return unit
    return "县"


@lru_cache(maxsize=2)
def _s2t(config: str = "s2t"):
    import opencc
    return opencc.OpenCC(config)


@lru_cache(maxsize=1)
def _gloss_table() -> dict:
    """Pinyin for a few common characters, keyed by Simplified and Traditional form."""
    table = dict(T["gloss"])
    for ch, py in T["gloss"].items():
        for config in ("s2t", "s2tw"):
            table.setdefault(_s2t(config).convert(ch), py)
    return table


# ---------------------------------------------------------------------------
# report structure

# The seeds' density: corpus/'s five reports state a median of 15.8 figures per 3,500 characters
# (gold targets: 0, 9, 16, 19, 43 per 3,500). A body sentence is a figure goal or result this often, and a
# theme sentence with a figure in it is kept this often (the others are passed over): 200 reports give a
# median of 16.2 figures per 3,500 characters as `kg extract` counts them (quartiles 12.6 and 20.1).
# --dense keeps the earlier mix (74 % theme sentences, most with figures, the rest figure sentences):
# a median of 93 per 3,500.
FIGURE_SENTENCE_SHARE = 0.04
KEEP_FIGURE_TEMPLATE = 0.12


def sentence(ctx: Ctx, pool: list) -> str:
    """One body sentence: mostly the theme's own, some figure goals/results, rarely a quote."""
    if not ctx.dense:
        return sparse_sentence(ctx, pool)
    rng = ctx.rng
    r = rng.random()
    if r < 0.74:
        if pool:
            return ctx.fill(pool.pop())
        if ctx.general:
            return ctx.fill(ctx.general.pop())
    if r > 0.97 and ctx.quotes < 2:
        ctx.quotes += 1
        return one(ctx, "quote_frames")
    return figure_sentence(ctx)


def sparse_sentence(ctx: Ctx, pool: list) -> str:
    """A body sentence at the seeds' density of figures."""
    rng = ctx.rng
    r = rng.random()
    if r < FIGURE_SENTENCE_SHARE:
        return figure_sentence(ctx)
    if r > 0.97 and ctx.quotes < 2:
        ctx.quotes += 1
        return one(ctx, "quote_frames")
    return ctx.fill(take(ctx, pool))


def take(ctx: Ctx, pool: list) -> tuple:
    """The next theme sentence, else a general one, passing over most of those with figures; when both
    run out the figure-free general sentences are dealt again (not figure sentences, as --dense does)."""
    rng = ctx.rng
    while True:
        if pool:
            t = pool.pop()
        elif ctx.general:
            t = ctx.general.pop()
        else:
            ctx.general = [g for g in _compiled()["general"] if not has_figure(g)]
            rng.shuffle(ctx.general)
            t = ctx.general.pop()
        if not has_figure(t) or rng.random() < KEEP_FIGURE_TEMPLATE:
            return t


def has_figure(template: tuple) -> bool:
    """Does the template state a figure (a count, amount, share or range with its unit)?"""
    return any(p.__class__ is not str and p[0] in _FIGURE_FILLERS for p in template)


def figure_sentence(ctx: Ctx) -> str:
    """A goal (计划/力争/到2025年) or a result (累计/已完成) wrapped around a figure clause."""
    rng = ctx.rng
    goal = rng.random() < 0.45
    if not ctx.figures:  # each figure clause once a report, until all are used
        ctx.figures = [(c, "action") for c in _compiled()["figure_actions"]]
        ctx.figures += [(c, "state") for c in _compiled()["figure_states"]]
        rng.shuffle(ctx.figures)
    core, kind = ctx.figures.pop()
    ctx.core = ctx.fill(core)
    if kind == "action":
        return one(ctx, "goal_frames" if goal else "done_frames")
    return one(ctx, "state_goal_frames" if goal else "state_done_frames")


def sentences(ctx: Ctx, pool: list, budget: float) -> str:
    """Sentences of one paragraph up to budget characters, sometimes opening 一是…二是…三是…."""
    rng, out = ctx.rng, []
    if pool and rng.random() < 0.2:
        marks = rng.choice(T["enum_marks"])
        out = [m + ctx.fill(pool.pop() if ctx.dense else take(ctx, pool))
               for m in marks[: min(len(pool), rng.randint(3, 4))]]
    size = sum(map(len, out))
    while size < budget:
        out.append(sentence(ctx, pool))
        size += len(out[-1])
    return "".join(out)


def body(ctx: Ctx, style: str, budget: float) -> list[str]:
    """Sections, one per theme, in the heading style of the layout."""
    rng = ctx.rng
    themes = _compiled()["themes"]
    # ~650 characters a section keeps sections from running out of their own sentences
    count = min(len(themes), max(3, round(budget / 650) + rng.choice((-1, 0, 0, 1))))
    names = rng.sample(sorted(themes), count)
    ctx.general = list(_compiled()["general"])
    rng.shuffle(ctx.general)
    if style == "lead":
        ctx.nlead = cn_num(len(names)) + "个引领"
    per = budget / len(names)
    paras: list[str] = []
    for k, name in enumerate(names):
        th = themes[name]
        pool = list(th["sentences"])
        rng.shuffle(pool)
        paras += section(ctx, th, pool, style, k, per)
    return paras


def section(ctx: Ctx, th: dict, pool: list, style: str, k: int, per: float) -> list[str]:
    """One section: a heading (inline, own line, numbered, or a feature banner) and its paragraphs."""
    rng = ctx.rng
    if style == "lead":
        head = f"坚持{th['lead']}引领，{rng.choice(th['tails'])}。"
        return [head + sentences(ctx, pool, per - len(head))]
    if style == "inline":
        head = rng.choice(th["headings"]) + "。"
        return [head + sentences(ctx, pool, per - len(head))]
    if style == "feature":
        subs = rng.sample(th["subs"], min(3, len(th["subs"])))
        n = cn_num(len(subs))
        banner = f"“{n}抓{n}{rng.choice(T['num_verbs'])}”：{rng.choice(th['feature'])}"
        lead = sentences(ctx, pool, 40)
        return [banner, lead] + [s + "。" + sentences(ctx, pool, per / len(subs) - 20) for s in subs]
    head = rng.choice(th["headings"])
    if style == "numbered":
        head = cn_num(k + 1) + "、" + head
    halves = 2 if per > 500 and rng.random() < 0.6 else 1
    return [head] + [sentences(ctx, pool, per / halves) for _ in range(halves)]


def trim(paras: list[str], excess: int) -> list[str]:
    """Drop closing sentences of the longest paragraphs until the report is about its target length."""
    paras = list(paras)
    while excess > 30:
        k = max(range(len(paras)), key=lambda j: len(paras[j]))
        parts = [p for p in SENTENCE_END.split(paras[k]) if p]
        if len(parts) < 3:
            break
        excess -= len(parts[-1])
        paras[k] = "".join(parts[:-1])
    return paras


def one(ctx: Ctx, key: str) -> str:
    return ctx.fill(ctx.rng.choice(_compiled()[key]))


def layout(ctx: Ctx, kind: str, target: int) -> tuple[str, list[str], list[str], list[str]]:
    """(title, head lines, body paragraphs, tail lines) for one of the four report shapes."""
    rng, head, tail = ctx.rng, [], []
    title = one(ctx, "titles")
    if kind == "speech":
        byline = one(ctx, "bylines")
        if rng.random() < 0.5:
            head += [byline, title, byline] if rng.random() < 0.2 else [title, byline]
        else:
            head.append(byline)
        style, intro = rng.choice(("lead", "inline", "line")), None
        tail.append(one(ctx, "author_credits"))
        if rng.random() < 0.5:
            tail.append(one(ctx, "editor_credits"))
    elif kind == "feature":
        head.append(title)
        if rng.random() < 0.6:
            head.append(one(ctx, "subtitles"))
        head += [one(ctx, "captions") for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.5:
            head += ["核心提示", one(ctx, "intros")]
        style, intro = "feature", None
        tail.append(one(ctx, "feature_credits"))
    elif kind == "narrative":
        if rng.random() < 0.8:
            head.append(title)
        style, intro = rng.choice(("line", "inline")), one(ctx, "news_leads") + one(ctx, "intros")
        if rng.random() < 0.6:
            tail.append(one(ctx, "editor_credits"))
    else:  # portal: a government site page
        head += [title, one(ctx, "portal_heads")]
        style, intro = "numbered", None
        if rng.random() < 0.4:
            tail.append(one(ctx, "editor_credits"))
    if style != "lead":
        intro = intro or one(ctx, "intros")
    fixed = sum(map(len, head + tail)) + (len(intro) if intro else 70) + 80
    paras = body(ctx, style, max(600, target - fixed))
    if intro is None:  # “六个引领”: the count is known once the sections are chosen
        intro = one(ctx, "lead_intros")
    paras.insert(0, intro)
    if rng.random() < 0.75:
        paras.append(one(ctx, "closings"))
    return title, head, paras, tail


# ---------------------------------------------------------------------------
# roughening: what copying reports around the web does to them

def apply_gloss(rng: random.Random, text: str, rate: float) -> str:
    """認(rèn): pinyin after some characters, as pages made for learners or by bad OCR have."""
    table, out = _gloss_table(), []
    for ch in text:
        out.append(ch)
        py = table.get(ch)
        if py and rng.random() < rate:
            out.append(f"({py})")
    return "".join(out)


def gloss_growth(paras: list[str], rate: float) -> int:
    """Characters apply_gloss is expected to add, so trimming can leave room for them."""
    if not rate:
        return 0
    table = _gloss_table()
    return int(rate * 5.6 * sum(ch in table for p in paras for ch in p))


def apply_mojibake(rng: random.Random, text: str) -> str:
    """Replace a few short spans by their UTF-8 bytes read as GBK (a classic mis-decoding)."""
    for _ in range(rng.randint(1, 3)):
        start = rng.randrange(len(text) // 5, len(text) - 20)
        end = start + rng.randint(2, 8)
        bad = text[start:end].encode("utf-8").decode("gbk", errors="replace")
        text = text[:start] + bad + text[end:]
    return text


ASCII_PUNCT = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"})
SPACE_PUNCT = str.maketrans({"，": " ", "；": " "})


def encode(rng: random.Random, text: str, non_utf8: bool) -> tuple[bytes, str]:
    """The file's bytes and the name of its encoding."""
    if non_utf8:
        if rng.random() < 0.6:
            return text.encode("gb18030"), "gb18030"
        if rng.random() < 0.75:
            return codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "utf-16"
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be"), "utf-16"
    if rng.random() < 0.04:
        return codecs.BOM_UTF8 + text.encode("utf-8"), "utf-8-sig"
    return text.encode("utf-8"), "utf-8"


@lru_cache(maxsize=4096)
def _block_members(seed: int, feature: str, block: int) -> frozenset:
    k, size = MESS[feature]
    return frozenset(random.Random(f"{seed}:{feature}:{block}").sample(range(size), k))


def has(seed: int, feature: str, i: int) -> bool:
    size = MESS[feature][1]
    return i % size in _block_members(seed, feature, i // size)


def _url(rng: random.Random, date: tuple[int, int, int]) -> str:
    y, m, d = date
    digits = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    form = rng.choice(T["url_forms"])
    return (form.replace("{y}", str(y)).replace("{md}", f"{m:02d}{d:02d}").replace("{m}", f"{m:02d}")
            .replace("{d}", f"{d:02d}").replace("{d16}", digits(16)).replace("{d8}", digits(8))
            .replace("{d7}", digits(7)).replace("{d6}", digits(6)))


# ---------------------------------------------------------------------------

@dataclass
class Report:
    text: str
    data: bytes
    encoding: str
    sidecar: bytes | None
    record: dict


def build_report(seed: int, i: int, dense: bool = False) -> Report:
    """Report i of the corpus for seed: a pure function of (seed, i, dense)."""
    rng = random.Random(f"{seed}:{i}")
    counties, cum = _counties()
    county, towns = rng.choices(counties, cum_weights=cum)[0]
    ctx = Ctx(rng, county, towns, _unit(county.name), rng.randint(2016, 2023), dense=dense)
    flags = {f: has(seed, f, i) for f in MESS}
    kind = rng.choices(list(LAYOUTS), weights=list(LAYOUTS.values()))[0]
    target = min(4400, max(2600, int(rng.gauss(3500, 400))))
    gloss_rate = rng.uniform(0.15, 0.45) if flags["gloss"] else 0.0
    title, head, paras, tail = layout(ctx, kind, int(target / (1 + 0.6 * gloss_rate)) - 40)
    paras = trim(paras, sum(map(len, head + paras + tail)) + gloss_growth(paras, gloss_rate) - target)
    if flags["sidecar"] and kind != "portal" and rng.random() < 0.5:
        head = [h for h in head if h != title]  # the title lives only in the sidecar
    if flags["junk"]:
        tail = tail + [one(ctx, "junk") for _ in range(rng.randint(1, 2))]
    indent = "\u3000\u3000" if rng.random() < 0.15 else ""
    lines = head + [indent + p for p in paras] + tail
    if kind == "speech" and tail and rng.random() < 0.4:  # credit glued to the last paragraph
        lines = lines[: -len(tail)]
        lines[-1] += " " + " ".join(tail[:2])
        lines += tail[2:]
    text = ("\n\n" if rng.random() < 0.2 else "\n").join(lines) + "\n"
    # Traditional: OpenCC s2t, a quarter of them in Taiwan forms (為, 群眾) as many pages are
    opencc_config = ("s2tw" if rng.random() < 0.25 else "s2t") if flags["traditional"] else ""
    text = _roughen(rng, text, flags, opencc_config, gloss_rate)
    data, encoding = encode(rng, text, flags["non_utf8"])
    date = (ctx.year, rng.randint(1, 12), rng.randint(1, 28))
    sidecar = None
    if flags["sidecar"]:
        meta = {"title": _s2t(opencc_config).convert(title) if opencc_config else title,
                "url": _url(rng, date), "date": "%04d-%02d-%02d" % date, "county": county.name}
        sidecar = (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    record = {
        "county": county.name, "code": county.code, "layout": kind, "encoding": encoding,
        "script": "Hant" if flags["traditional"] else "Hans", "chars": len(text),
        "glossed": flags["gloss"], "mojibake": flags["mojibake"], "sidecar": sidecar is not None,
        "initiatives": sorted(ctx.used["initiatives"]), "groups": sorted(ctx.used["groups"]),
    }
    return Report(text, data, encoding, sidecar, record)


def _roughen(rng: random.Random, text: str, flags: dict, opencc_config: str, gloss_rate: float) -> str:
    """Punctuation, script, glosses, mojibake and line endings, in the order copying adds them."""
    if flags["spaces"]:
        text = text.translate(SPACE_PUNCT)
    elif rng.random() < 0.2:
        text = text.translate(ASCII_PUNCT)
    if opencc_config:
        text = _s2t(opencc_config).convert(text)
    if flags["gloss"]:
        text = apply_gloss(rng, text, gloss_rate)
    if flags["mojibake"]:
        text = apply_mojibake(rng, text)
    if rng.random() < 0.05:
        text = text.replace("\n", "\r\n")
    return text


def report_path(i: int, n: int) -> str:
    """'000/00012.txt': shards of 1,000 keep folders small."""
    width = max(5, len(str(n - 1)))
    return f"{i // 1000:03d}/{i:0{width}d}.txt"


def write_one(out: Path, seed: int, n: int, i: int, dense: bool = False) -> dict:
    """Build report i and write it (and its sidecar); return its manifest line."""
    rep = build_report(seed, i, dense)
    rel = report_path(i, n)
    (out / rel).write_bytes(rep.data)
    if rep.sidecar is not None:
        (out / rel[: -len(".txt")]).with_suffix(".meta.json").write_bytes(rep.sidecar)
    return {"file": rel, **rep.record}


def generate(n: int, out: Path, seed: int = 0, jobs: int = 1, dense: bool = False) -> list[dict]:
    """Write n reports under out and out/manifest.jsonl; return the manifest. `dense`: today's
    figure-dense reports (about 90 figures per 3,500 characters) instead of the seeds' 16."""
    out = Path(out)
    for shard in range((n + 999) // 1000):
        (out / f"{shard:03d}").mkdir(parents=True, exist_ok=True)
    _counties(), _load_pools(), _compiled(), _gloss_table()  # load before forking workers
    work = partial(write_one, out, seed, n, dense=dense)
    if jobs > 1 and n > 200:
        import multiprocessing as mp
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
        with ctx.Pool(jobs) as pool:
            records = list(pool.imap(work, range(n), chunksize=100))
    else:
        records = [work(i) for i in range(n)]
    with open(out / "manifest.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    return records


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, required=True, help="how many reports")
    ap.add_argument("--out", type=Path, required=True, help="folder to write into")
    ap.add_argument("--seed", type=int, default=0, help="same seed, same bytes (default 0)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                    help="worker processes; does not change the output (default: up to 2)")
    ap.add_argument("--dense", action="store_true",
                    help="figure-dense reports, as before (about 90 figures per 3,500 characters, not the seeds' 16)")
    args = ap.parse_args(argv)
    if args.reports < 1:
        ap.error("--reports must be at least 1")
    start = time.perf_counter()
    records = generate(args.reports, args.out, args.seed, args.jobs, dense=args.dense)
    chars = sum(r["chars"] for r in records)
    print(f"{len(records)} reports, {chars:,} characters (mean {chars / len(records):,.0f}) "
          f"in {time.perf_counter() - start:.1f} s -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
