#!/usr/bin/env python
"""Extraction speed per core, this checkout against another revision, run back to back.

    python bench/extract_speed.py [--against main] [--runs 3] [--reports 200] [--corpus-dir DIR]

Extraction is what a worker does for each report: read, normalise, the spaCy pipeline, the facts
(`kg.process.process_report`); the evidence shard it makes next (`kg.rdf.shards.shard_of`) is timed apart.
Each run starts one fresh process per tree (workers=1), which loads the pipeline and warms its lazy
models (LAC, jieba's tagger) on a short text before any clock starts, so the name caches start empty
as in a build; then every report goes to one tree, then the other, so that a machine busy with other
work slows both alike. Each figure is the median of `--runs`. chars/s per core is characters over
the process's CPU seconds (ONNX runtime's threads count too); wall time is shown beside it.

Corpora: a generated one (bench/generate.py, `--reports` reports at the default density, seed 0) and
the real reports of corpus/ and tests/annotated/texts/. The other revision is exported with
`git archive` into a temporary folder and run with the same interpreter.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Run inside the tree under test (PYTHONPATH=TREE): a report path and its corpus folder per line on
# stdin, one JSON line back per report with its CPU and wall seconds (extraction; the shard apart).
WORKER = r"""
import json, sys, time
from pathlib import Path
from kg.nlp.pipeline import build
from kg.process import process_report, process_source
from kg.rdf.shards import shard_of
from kg.read import Source

nlp = build()
warm = "中共某某县委书记王某某说，全县开展“头雁工程”，建立健全村干部报酬保障机制，培训村党组织书记120名。"
process_source(nlp, Source(name="warm.txt", path=Path("warm.txt"), text=warm, encoding="utf-8"))
nlp.tokenizer.pos_tagger  # jieba's tagger loads its tables on first use (2 s): not a cost of any one report
print("ready", flush=True)
for line in sys.stdin:
    path, corpus = json.loads(line)
    c0, w0 = time.process_time(), time.perf_counter()
    facts = process_report(nlp, Path(path), Path(corpus))
    c1, w1 = time.process_time(), time.perf_counter()
    shard_of(facts)
    print(json.dumps({"cpu": c1 - c0, "wall": w1 - w0, "shard_cpu": time.process_time() - c1,
                      "chars": facts.meta["chars"]}), flush=True)
"""


def export_tree(rev: str, dest: Path) -> Path:
    """The files of REV (a commit, a branch) in DEST, as `git archive` writes them."""
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


class Worker:
    """One tree's extraction in a process of its own, fed one report at a time."""

    def __init__(self, tree: Path):
        env = dict(os.environ, PYTHONPATH=str(tree), PYTHONHASHSEED="0")
        self.proc = subprocess.Popen([sys.executable, "-c", WORKER], cwd=str(tree), env=env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        if self.proc.stdout.readline().strip() != "ready":
            raise SystemExit(f"the pipeline of {tree} did not start")

    def extract(self, path: Path, corpus: Path) -> dict:
        self.proc.stdin.write(json.dumps([str(path), str(corpus)]) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"extraction of {path} failed")
        return json.loads(line)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def one_run(trees: dict[str, Path], jobs: list[tuple[Path, Path, str]]) -> dict[str, dict[str, dict]]:
    """Fresh workers for every tree, then each report to each tree in turn, so that a machine busy with
    other work slows both trees alike: {tree: {corpus label: totals}}."""
    workers = {name: Worker(tree) for name, tree in trees.items()}
    out: dict[str, dict[str, dict]] = {name: {} for name in trees}
    try:
        for path, corpus, label in jobs:
            for name, w in workers.items():
                r = w.extract(path, corpus)
                tot = out[name].setdefault(label, {"reports": 0, "chars": 0, "cpu_s": 0.0, "wall_s": 0.0,
                                                   "shard_cpu_s": 0.0})
                tot["reports"] += 1
                tot["chars"] += r["chars"]
                tot["cpu_s"] += r["cpu"]
                tot["wall_s"] += r["wall"]
                tot["shard_cpu_s"] += r["shard_cpu"]
    finally:
        for w in workers.values():
            w.close()
    return out


def corpus_of(args) -> Path:
    folder = args.corpus_dir or Path(tempfile.gettempdir()) / f"kg-extract-speed-{args.reports}"
    if not (folder / "manifest.jsonl").is_file():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--reports", str(args.reports),
                        "--out", str(folder), "--seed", "0"], check=True, stdout=subprocess.DEVNULL)
    return folder


def main(argv: list[str] | None = None) -> int:
    from kg import read

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--against", default="main", help="the revision to compare with (default main)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--reports", type=int, default=200, help="size of the generated corpus (default 200)")
    ap.add_argument("--corpus-dir", type=Path, default=None, help="where the generated corpus is (made if absent)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = ap.parse_args(argv)
    generated = corpus_of(args)
    labels = {"generated": f"generated, {args.reports} reports", "real": "corpus/ + tests/annotated"}
    jobs = [(p, generated, labels["generated"]) for p in read.find_reports(generated)]
    for folder in (ROOT / "corpus", ROOT / "tests" / "annotated" / "texts"):
        jobs += [(p, folder, labels["real"]) for p in read.find_reports(folder)]
    with tempfile.TemporaryDirectory(prefix="kg-extract-against-") as tmp:
        trees = {args.against: export_tree(args.against, Path(tmp)), "this checkout": ROOT}
        runs = []
        for k in range(args.runs):
            runs.append(one_run(trees, jobs))
            print(f"run {k + 1}/{args.runs} done", file=sys.stderr, flush=True)
    result: dict = {"runs": runs}
    print("| corpus | tree | chars | CPU s (median) | chars/s per core (median) | min CPU s | wall s | shard CPU s |")
    print("|---|---|---|---|---|---|---|---|")
    for label in labels.values():
        for name in trees:
            per = [r[name][label] for r in runs]
            cpu = statistics.median(p["cpu_s"] for p in per)
            chars = per[0]["chars"]
            result.setdefault(label, {})[name] = {
                "chars": chars, "cpu_s": cpu, "min_cpu_s": min(p["cpu_s"] for p in per),
                "wall_s": statistics.median(p["wall_s"] for p in per),
                "shard_cpu_s": statistics.median(p["shard_cpu_s"] for p in per), "chars_per_cpu_s": chars / cpu}
            row = result[label][name]
            print(f"| {label} | {name} | {chars:,} | {cpu:.2f} | {chars / cpu:,.0f} | {row['min_cpu_s']:.2f} | "
                  f"{row['wall_s']:.2f} | {row['shard_cpu_s']:.2f} |")
        base, new = (result[label][n]["chars_per_cpu_s"] for n in trees)
        ratios = [r[args.against][label]["cpu_s"] / r["this checkout"][label]["cpu_s"] for r in runs]
        result[label]["speedup"] = new / base
        result[label]["speedup_per_run"] = ratios
        print(f"| {label} | speed-up | | | {new / base:.2f}x (runs: {', '.join(f'{x:.2f}' for x in ratios)}) | | | |")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
