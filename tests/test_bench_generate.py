"""bench/generate.py: a deterministic, messy, realistic benchmark corpus."""
from __future__ import annotations

import codecs
import importlib.util
import json
import re
import statistics
import sys
from pathlib import Path

import opencc
import pytest

from kg import divisions

ROOT = Path(__file__).resolve().parent.parent
GLOSS = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")


@pytest.fixture(scope="module")
def gen():
    """bench/ is not a package: load the script by path."""
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _decode(raw: bytes) -> tuple[str, str]:
    """Decode strictly the way a reader would guess: BOM, else UTF-8, else GB18030."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), "utf-16"
    if raw.startswith(codecs.BOM_UTF8):
        return raw.decode("utf-8-sig"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("gb18030"), "gb18030"


def test_twenty_reports(tmp_path, gen):
    a, b = tmp_path / "a", tmp_path / "b"
    assert gen.main(["--reports", "20", "--out", str(a), "--seed", "7"]) == 0
    gen.generate(20, b, seed=7, jobs=1)

    files = _files(a)
    assert files == _files(b), "same arguments must give byte-identical files"
    reports = {k: v for k, v in files.items() if k.endswith(".txt")}
    assert len(reports) == 20
    manifest = {r["file"]: r for r in map(json.loads, (a / "manifest.jsonl").read_text("utf-8").splitlines())}
    assert set(manifest) == set(reports)

    texts, encodings = {}, {}
    for name, raw in reports.items():
        texts[name], encodings[name] = _decode(raw)  # raises if a file is not decodable
        assert encodings[name] == manifest[name]["encoding"]

    assert 2500 <= statistics.mean(len(t) for t in texts.values()) <= 4500
    assert any("黨" in t for t in texts.values()), "no Traditional report"
    assert any(GLOSS.search(t) for t in texts.values()), "no pinyin-glossed report"
    assert any(e not in ("utf-8", "utf-8-sig") for e in encodings.values()), "no non-UTF-8 file"

    divs = divisions.load()
    t2s, s2t, s2tw = (opencc.OpenCC(c) for c in ("t2s", "s2t", "s2tw"))
    for name, text in texts.items():
        county = divs.by_code[manifest[name]["code"]]
        plain = GLOSS.sub("", text)
        # t2s does not always undo s2t in names (乾縣 -> 干县), so look for the Traditional form too
        forms = {county.name, s2t.convert(county.name), s2tw.convert(county.name)}
        assert any(f in plain or f in t2s.convert(plain) for f in forms), f"{name} does not name {county.name}"


def _figures_per_3500(nlp, folder: Path) -> float:
    """The median report's figures (Target facts, as `kg extract` finds them) per 3,500 characters."""
    from kg import read
    from kg.process import process_source

    rates = []
    for path in read.find_reports(folder):
        source = read.read_report(path, folder)
        facts = process_source(nlp, source)
        rates.append(sum(e.type == "Target" for e in facts.entities) / len(source.text) * 3500)
    return statistics.median(rates)


def test_figure_density(tmp_path, gen, nlp):
    """By default the reports state figures about as often as the seeds do (a median of 16 per 3,500
    characters in corpus/'s gold); --dense gives the earlier figure-dense reports."""
    gen.generate(20, tmp_path / "seeds", seed=0)
    gen.generate(20, tmp_path / "dense", seed=0, dense=True)
    default = _figures_per_3500(nlp, tmp_path / "seeds")
    dense = _figures_per_3500(nlp, tmp_path / "dense")
    assert 10 <= default <= 24, default
    assert dense >= 4 * default, (default, dense)
    seeds = _figures_per_3500(nlp, ROOT / "corpus")
    assert abs(default - seeds) <= 8, (default, seeds)
