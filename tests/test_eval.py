"""`kg eval`, the project's scorer: agreement with the shared scorer, quality floors, details, exit codes.

Floors sit 0.02 under the F1 measured when `kg eval` landed (issue 13), so a real
regression fails. Raise a floor when the tool really improves; never write rules
against the annotated test part (tests/annotated/split.json).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.evaluate import evaluate
from kg.evaluate.matching import first_fit, maximum
from kg.evaluate.text import shares_run, similar

ROOT = Path(__file__).resolve().parent.parent
SEED_GOLD = ROOT / "tests" / "gold"
ANNOTATED = ROOT / "tests" / "annotated"
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
SHARED_ANNOTATED = ROOT.parent / "shared" / "annotated" / "gold"

# F1 measured after the issue-13 rules of 2026-12-01, second session (dev 30, test 26 reports), minus 0.02 (seeds:
# corpus/ against tests/gold; the annotated parts each built on their own, as relations are scored
# over the whole graph).
FLOORS = {
    "seeds": {"ALL entities": 0.9, "Initiative": 0.872, "Group": 0.836, "Person": 0.98, "Official": 0.98,
              "Target": 0.97, "rel:implements": 0.872, "rel:targets": 0.718, "rel:hasTarget": 0.815},
    "dev": {"ALL entities": 0.854, "Initiative": 0.858, "Group": 0.694, "Person": 0.798, "Official": 0.954,
              "Target": 0.931, "rel:implements": 0.854, "rel:targets": 0.59, "rel:hasTarget": 0.843},
    "test": {"ALL entities": 0.725, "Initiative": 0.459, "Group": 0.618, "Person": 0.647, "Official": 0.903,
              "Target": 0.91, "rel:implements": 0.422, "rel:targets": 0.262, "rel:hasTarget": 0.678},
}


def _part(tmp: Path, ids: list[str]) -> tuple[Path, Path]:
    """A corpus and a gold folder holding only the annotated reports `ids`."""
    texts, gold = tmp / "texts", tmp / "gold"
    texts.mkdir()
    gold.mkdir()
    for i in ids:
        shutil.copy(ANNOTATED / "gold" / f"{i}.json", gold)
        for f in (ANNOTATED / "texts").glob(f"{i}.*"):
            shutil.copy(f, texts)
    return texts, gold


@pytest.fixture(scope="module")
def builds(tmp_path_factory, nlp, built):
    """{name: (out folder, gold folder)} for the seeds, the 34 annotated reports given, and the dev and test parts."""
    from kg.build import build

    split = json.loads((ANNOTATED / "split.json").read_text(encoding="utf-8"))
    found = {"seeds": (built[1], SEED_GOLD)}
    # agreement is promised on the 34 reports given in ../shared/annotated (on more, first-fit matching
    # can pair figures differently from score.py's rdflib order: on all 56 one figure pairs differently)
    given = sorted(p.stem for p in SHARED_ANNOTATED.glob("*.json")) or split["dev"] + split["test"]
    parts = {"annotated": given, "dev": split["dev"], "test": split["test"]}
    for name, ids in parts.items():
        tmp = tmp_path_factory.mktemp(f"eval_{name}")
        texts, gold = _part(tmp, ids)
        build(texts, tmp / "out", nlp=nlp)
        found[name] = (tmp / "out", gold)
    return found


def _kg(*args: str):
    return CliRunner().invoke(main, ["eval", *args])


def test_split_covers_the_annotated_reports():
    split = json.loads((ANNOTATED / "split.json").read_text(encoding="utf-8"))
    ids = {p.stem for p in (ANNOTATED / "gold").glob("*.json")}
    assert set(split["dev"]) | set(split["test"]) == ids and not set(split["dev"]) & set(split["test"])
    assert len(split["test"]) >= 15


@pytest.mark.parametrize("name", ["seeds", "annotated"])
def test_agrees_with_the_shared_scorer(builds, name):
    if not SCORER.is_file():
        pytest.skip(f"shared scorer not found at {SCORER}")
    out, gold = builds[name]
    shared = subprocess.run([sys.executable, str(SCORER), "--graph", str(out / "graph.ttl"), "--gold", str(gold),
                             "--json"], capture_output=True, text=True, check=True)
    ours = _kg("--gold", str(gold), "--out", str(out), "--json")
    assert ours.exit_code == 0, ours.output
    assert json.loads(ours.stdout) == json.loads(shared.stdout)
    from_file = _kg("--gold", str(gold), "--graph", str(out / "graph.ttl"), "--json")
    assert json.loads(from_file.stdout) == json.loads(shared.stdout)


@pytest.mark.parametrize("name,key", [(n, k) for n in FLOORS for k in FLOORS[n]])
def test_f1_floor(builds, name, key):
    out, gold = builds[name]
    got = evaluate(gold, out=out).as_dict()[key]
    assert got["f1"] >= FLOORS[name][key], (
        f"{key} F1 {got['f1']} < floor {FLOORS[name][key]} on {name} "
        f"(tp={got['tp']} pred={got['pred']} gold={got['gold']})")


def test_details_name_missed_and_spurious_with_their_sentences(builds, tmp_path):
    """A real report's gold with one group the text mentions but no one would extract (so missed)
    and one extracted group taken out (so spurious): both listed with the sentence."""
    out, _ = builds["seeds"]
    report = "000_820299a8950da9aa"
    data = json.loads((SEED_GOLD / f"{report}.json").read_text(encoding="utf-8"))
    assert "年轻干部" in data["groups"]
    data["groups"] = [g for g in data["groups"] if g != "年轻干部"] + ["组织温暖"]
    (tmp_path / f"{report}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    res = _kg("--gold", str(tmp_path), "--out", str(out), "--details", "--json")
    assert res.exit_code == 0, res.output
    groups = json.loads(res.stdout)["details"][f"{report}.txt"]["Group"]
    missed = {e["item"]: e["sentence"] for e in groups["missed"]}
    spurious = {e["item"]: e["sentence"] for e in groups["spurious"]}
    assert "组织温暖精准传递给干部" in missed["组织温暖"]
    assert "年轻干部" in spurious["年轻干部"]
    text = _kg("--gold", str(tmp_path), "--out", str(out), "--details").stdout
    assert f"== {report}.txt" in text and "组织温暖" in text and "组织温暖精准传递给干部" in text
    bare = _kg("--gold", str(tmp_path), "--graph", str(out / "graph.ttl"), "--details")
    assert bare.exit_code == 0 and "no sentences" in bare.stdout.splitlines()[17]
    trig = _kg("--gold", str(tmp_path), "--graph", str(out / "graph.trig"), "--details")
    assert "组织温暖精准传递给干部" in trig.stdout


def test_min_f1(builds):
    out, gold = builds["seeds"]
    ok = _kg("--gold", str(gold), "--out", str(out), "--min-f1", "County=0.9", "--min-f1", "ALL=0.5")
    assert ok.exit_code == 0, ok.output
    bad = _kg("--gold", str(gold), "--out", str(out), "--min-f1", "ALL entities=0.99", "--min-f1", "County=0.9")
    assert bad.exit_code == 1
    assert bad.stderr.strip().splitlines() == [f"kg eval: below --min-f1: ALL entities F1 "
                                               f"{evaluate(gold, out=out).f1('ALL entities')} < 0.99"]


@pytest.mark.parametrize("args", [
    [],
    ["--gold", "no/such/dir"],
    ["--gold", "{gold}", "--out", "{tmp}"],
    ["--gold", "{gold}", "--graph", "{tmp}/broken.ttl"],
    ["--gold", "{gold}", "--graph", "{tmp}/graph.xml"],
    ["--gold", "{tmp}"],
    ["--gold", "{gold}", "--min-f1", "Nonsense=0.5"],
    ["--gold", "{gold}", "--min-f1", "Group=high"],
    ["--gold", "{gold}", "--out", "{tmp}", "--graph", "{tmp}/broken.ttl"],
])
def test_bad_usage_is_one_line(tmp_path, args):
    (tmp_path / "broken.ttl").write_text("this is not turtle <", encoding="utf-8")
    (tmp_path / "graph.xml").write_text("<x/>", encoding="utf-8")
    res = _kg(*[a.format(gold=SEED_GOLD, tmp=tmp_path) for a in args])
    assert res.exit_code == 2, res.output
    assert res.stdout == "" and len(res.stderr.strip().splitlines()) == 1 and res.stderr.startswith("kg eval: ")


def test_bad_gold_file_is_one_line(tmp_path, builds):
    (tmp_path / "x.json").write_text('{"report": "x.txt", "targets": [{"value": "many"}]}', encoding="utf-8")
    res = _kg("--gold", str(tmp_path), "--out", str(builds["seeds"][0]))
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1 and "x.json" in res.stderr


def test_matching_rules():
    assert similar("年轻干部", "年轻干部") and similar("“盐亭县”", "盐亭县")
    assert similar("村党组织书记", "党组织书记")           # 5 of 6 characters
    assert not similar("作风体检", "脱贫攻坚作风体检")       # 4 of 8: under 60%
    assert not similar("双推", "双推办法")
    assert similar("幹部", "干部")                          # Traditional is compared as Simplified
    assert shares_run("年轻优秀干部", "优秀干部") and not shares_run("年轻优秀干部", "党员")
    assert shares_run("", "anything") and not shares_run("党员", "")


def test_first_fit_and_maximum_matching():
    gold, pred = ["现任村干部", "驻村干部"], ["村干部", "现任村干部"]
    assert first_fit(gold, pred, similar) == {0: 0}          # 村干部 taken first: 驻村干部 left unmatched
    assert maximum(gold, pred, similar) == {0: 1, 1: 0}
